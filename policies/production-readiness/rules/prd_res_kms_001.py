"""PRD-RES-KMS-001: Recorded production KMS keys wait the longest deletion window."""

from aifab.blueprints import Environment, KeyManagement
from aifab.policy import (
    Example,
    PolicyContext,
    ResourceSubject,
    Rule,
    Verdict,
    example,
    fail,
    not_applicable,
    not_evaluated,
    passed,
    ref,
)
from aifab.policy.resources import UNKNOWN, purpose

KEY = "aws:kms/key:Key"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    judged = purpose(resource, ctx)
    if judged is None:
        return not_evaluated("whether the key serves production needs the design")
    if judged != "production":
        return not_applicable(f"a key of a {judged} environment")
    days = resource.get("deletionWindowInDays", 30)  # the provider's default is 30
    if days == UNKNOWN:
        return not_evaluated("deletionWindowInDays is not known until apply")
    minimum = int(ctx.params.get("key_min_deletion_window_days", 30))
    if not isinstance(days, int | float) or days < minimum:
        return fail(f"deletionWindowInDays is {days}, under {minimum}")
    return passed(f"a scheduled deletion waits {int(days)} days")


def _key(days: int, env: str) -> tuple[Environment, KeyManagement, ResourceSubject]:
    return (
        Environment(id=env, purpose="production" if env == "prod" else "experimentation", hosts_shared=env == "prod"),
        KeyManagement(id="kms", environment=env),
        ResourceSubject(KEY, "kms-key", {"enableKeyRotation": True, "deletionWindowInDays": days}, component="kms"),
    )


def _example(days: int, env: str, expect: str | None = None) -> Example:
    environment, key, resource = _key(days, env)
    return example(environment, key, resources=(resource,), expect=expect)  # type: ignore[arg-type]


rule = Rule(
    id="PRD-RES-KMS-001",
    title="Recorded production KMS keys wait the longest deletion window",
    why=(
        "Deleting a KMS key destroys every byte encrypted under it: training data, checkpoints, backups. The "
        "deletion window is the only time to notice and cancel a mistaken or malicious deletion; production "
        "keys get the longest one."
    ),
    severity="medium",
    pack="production-readiness",
    target="resource",
    applies_to=(KEY,),
    check=check,
    frameworks=(ref("fsbp", "KMS.3"), ref("nist-800-53", "SC-12"), ref("nist-800-53", "CP-9")),
    remediation="Set deletionWindowInDays: 30 (or leave it unset) on production keys.",
    passing=(_example(30, "prod"), _example(7, "dev", "not_applicable")),
    failing=(_example(7, "prod"),),
)
