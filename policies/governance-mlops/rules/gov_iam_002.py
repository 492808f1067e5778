"""GOV-IAM-002: Every model duty has an owner."""

from collections.abc import Iterator

from aifab.blueprints import AccessControl, Environment, Role
from aifab.design.design import Design
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
    controls = [a for a in ctx.components("access_control") if isinstance(a, AccessControl)]
    if not controls:
        yield fail("the design declares no access control, so no duty has an owner")
        return
    held = {p for a in controls for r in a.roles for p in r.permissions}
    missing = [d for d in ctx.params["required_duties"] if d not in held]
    target = controls[0].id
    if missing:
        yield fail(f"no role holds {', '.join(missing)}", component=target, field="roles")
    else:
        yield passed("every required duty is held by a role", component=target)


rule = Rule(
    id="GOV-IAM-002",
    title="Every model duty has an owner",
    why=(
        "Separation of duties only works when each duty exists: a design without an approver role has no "
        "approval step, one without an auditor has nobody entitled to read the audit trail."
    ),
    severity="medium",
    pack="governance-mlops",
    target="design",
    check=check,
    frameworks=(ref("nist-800-53", "AC-5"), ref("nist-ai-rmf", "GOVERN 2.1")),
    remediation="Add roles for every duty in the pack parameter required_duties.",
    passing=(
        example(
            AccessControl(
                id="rbac",
                identity_provider="okta",
                roles=(
                    Role(name="ds", permissions=("train",)),
                    Role(name="eng", permissions=("deploy",)),
                    Role(name="approver", permissions=("approve-models",)),
                    Role(name="auditor", permissions=("read-audit-logs",)),
                ),
            )
        ),
    ),
    failing=(
        example(AccessControl(id="rbac", identity_provider="okta", roles=(Role(name="eng", permissions=("deploy",)),))),
        example(Environment(id="prod", purpose="production"), note="a design with no access control at all"),
    ),
)
