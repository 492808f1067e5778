"""PRD-DUR-002: Keys cannot be deleted at short notice."""

from aifab.blueprints import KeyManagement
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(key: KeyManagement, ctx: PolicyContext) -> Verdict:
    minimum = int(ctx.params["key_min_deletion_window_days"])
    if key.deletion_window_days < minimum:
        return fail(
            f"a scheduled deletion completes after {key.deletion_window_days} days; at least {minimum} required",
            field="deletion_window_days",
        )
    return passed(f"deletion waits {key.deletion_window_days} days")


rule = Rule(
    id="PRD-DUR-002",
    title="Keys cannot be deleted at short notice",
    why=(
        "Deleting a key makes every dataset, checkpoint and log encrypted with it unreadable for good. A long "
        "waiting period leaves time to notice a mistaken or malicious deletion and cancel it."
    ),
    severity="medium",
    pack="production-readiness",
    applies_to=("key_management",),
    check=check,
    frameworks=(ref("fsbp", "KMS.3"), ref("nist-800-53", "SC-12")),
    remediation="Set deletion_window_days to 30.",
    passing=(example(KeyManagement(id="kms")),),
    failing=(example(KeyManagement(id="kms", deletion_window_days=7)),),
)
