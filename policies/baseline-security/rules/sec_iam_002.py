"""SEC-IAM-002: Human access requires multi-factor authentication."""

from aifab.blueprints import AccessControl, Role
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(access: AccessControl, ctx: PolicyContext) -> Verdict:
    if not access.mfa_required:
        return fail(f"sign-in through {access.identity_provider} does not require MFA", field="mfa_required")
    return passed(f"sign-in through {access.identity_provider} requires MFA")


rule = Rule(
    id="SEC-IAM-002",
    title="Human access requires multi-factor authentication",
    why=(
        "Phished passwords are the commonest way into cloud accounts; a platform that can launch hundreds "
        "of GPUs or read the training data must not open to a password alone."
    ),
    severity="high",
    pack="baseline-security",
    applies_to=("access_control",),
    check=check,
    frameworks=(
        ref("fsbp", "IAM.5"),
        ref("cis-aws-3.0.0", "1.10"),
        ref("nist-800-53", "IA-2(1)"),
    ),
    remediation="Set mfa_required: true and enforce it in the identity provider's conditional-access policy.",
    passing=(
        example(
            AccessControl(
                id="rbac", identity_provider="entra-id", roles=(Role(name="auditor", permissions=("read-audit-logs",)),)
            )
        ),
    ),
    failing=(
        example(
            AccessControl(
                id="rbac",
                identity_provider="entra-id",
                mfa_required=False,
                roles=(Role(name="auditor", permissions=("read-audit-logs",)),),
            )
        ),
    ),
)
