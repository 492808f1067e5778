"""GOV-IAM-001: No role both builds and approves models."""

from aifab.blueprints import AccessControl, Role
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(access: AccessControl, ctx: PolicyContext) -> list[Verdict]:
    pairs = [tuple(p) for p in ctx.params["conflicting_permissions"]]
    problems = []
    for role in access.roles:
        held = set(role.permissions)
        clashes = [f"{a} + {b}" for a, b in pairs if a in held and b in held]
        if clashes:
            problems.append(fail(f"role {role.name!r} holds conflicting duties: {'; '.join(clashes)}", field="roles"))
    return problems or [passed(f"no role among {len(access.roles)} holds conflicting duties")]


rule = Rule(
    id="GOV-IAM-001",
    title="No role both builds and approves models",
    why=(
        "Whoever trains, registers or deploys a model must not also approve it for production, and whoever "
        "runs the infrastructure must not approve models: otherwise one person can put an unreviewed model "
        "in front of users. The conflicting pairs are a pack parameter."
    ),
    severity="high",
    pack="governance-mlops",
    applies_to=("access_control",),
    check=check,
    frameworks=(
        ref("nist-800-53", "AC-5"),
        ref("nist-800-53", "AC-6"),
        ref("nist-ai-rmf", "GOVERN 2.1"),
        ref("eu-ai-act", "Art. 17(1)(m)"),
        ref("iso-42001", "A.3.2", verified=False, note="Annex A numbering from a public crosswalk"),
    ),
    remediation="Split the role: e.g. ml-engineer (register-models, deploy) and model-approver (approve-models).",
    passing=(
        example(
            AccessControl(
                id="rbac",
                identity_provider="entra-id",
                roles=(
                    Role(name="ml-engineer", permissions=("register-models", "deploy")),
                    Role(name="model-approver", permissions=("approve-models",)),
                ),
            )
        ),
    ),
    failing=(
        example(
            AccessControl(
                id="rbac",
                identity_provider="entra-id",
                roles=(Role(name="ml-lead", permissions=("register-models", "approve-models")),),
            )
        ),
        example(
            AccessControl(
                id="rbac",
                identity_provider="entra-id",
                roles=(Role(name="data-scientist", permissions=("train", "deploy")),),
            )
        ),
    ),
)
