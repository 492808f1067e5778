"""GOV-IAM-003: Auditors have read-only access."""

from aifab.blueprints import AccessControl, Role
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(access: AccessControl, ctx: PolicyContext) -> list[Verdict]:
    auditors = [r for r in access.roles if "read-audit-logs" in r.permissions]
    if not auditors:
        return [not_applicable("no role reads the audit logs")]
    out = []
    for role in auditors:
        writes = [p for p in role.permissions if not p.startswith("read-")]
        if writes:
            out.append(fail(f"role {role.name!r} reads the audit logs and can also {', '.join(writes)}", field="roles"))
    return out or [passed("every role that reads the audit logs is read-only")]


rule = Rule(
    id="GOV-IAM-003",
    title="Auditors have read-only access",
    why=(
        "Whoever reviews the audit trail must not be able to change what it records; an auditor who can "
        "also deploy or administer infrastructure audits their own actions."
    ),
    severity="medium",
    pack="governance-mlops",
    applies_to=("access_control",),
    check=check,
    frameworks=(ref("nist-800-53", "AU-9(4)"), ref("nist-800-53", "AC-5")),
    remediation="Give audit-log readers only read-* permissions.",
    passing=(
        example(
            AccessControl(
                id="rbac", identity_provider="okta", roles=(Role(name="auditor", permissions=("read-audit-logs",)),)
            )
        ),
    ),
    failing=(
        example(
            AccessControl(
                id="rbac",
                identity_provider="okta",
                roles=(Role(name="admin", permissions=("read-audit-logs", "administer-infrastructure")),),
            )
        ),
    ),
)
