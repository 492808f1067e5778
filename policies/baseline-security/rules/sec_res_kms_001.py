"""SEC-RES-KMS-001: Recorded symmetric KMS keys rotate automatically."""

from aifab.policy import (
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
from aifab.policy.resources import UNKNOWN, flag

KEY = "aws:kms/key:Key"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    if resource.get("customKeyStoreId"):
        return not_applicable("a key in a custom key store (CloudHSM or external): AWS cannot rotate it")
    spec = resource.get("customerMasterKeySpec") or resource.get("keySpec") or "SYMMETRIC_DEFAULT"
    if spec != "SYMMETRIC_DEFAULT":
        return not_applicable(f"a {spec} key: automatic rotation is for symmetric encryption keys")
    if resource.get("enableKeyRotation") == UNKNOWN:
        return not_evaluated("enableKeyRotation is not known until apply")
    if not flag(resource.get("enableKeyRotation")):  # the provider's default is false
        return fail("enableKeyRotation is false or unset (unset is false)")
    days = resource.get("rotationPeriodInDays")
    limit = int(ctx.params.get("kms_max_rotation_days", 365))
    if isinstance(days, int | float) and days > limit:
        return fail(f"rotationPeriodInDays is {int(days)}, more than {limit}")
    return passed("automatic rotation is on")


rule = Rule(
    id="SEC-RES-KMS-001",
    title="Recorded symmetric KMS keys rotate automatically",
    why=(
        "Rotation limits how much data one key version protects and how long a leaked version stays useful. "
        "Keys in a custom key store are rotated by their owner, outside AWS, so they are not judged here."
    ),
    severity="medium",
    pack="baseline-security",
    target="resource",
    applies_to=(KEY,),
    check=check,
    frameworks=(
        ref("fsbp", "KMS.4"),
        ref("cis-aws-3.0.0", "3.6"),
        ref("nist-800-53", "SC-12"),
        ref("cdk-nag", "AwsSolutions-KMS5"),
        ref("checkov", "CKV_AWS_7"),
    ),
    remediation="Set enableKeyRotation: true (rotationPeriodInDays at most the pack's kms_max_rotation_days).",
    passing=(
        example(resources=(ResourceSubject(KEY, "k", {"enableKeyRotation": True, "rotationPeriodInDays": 365}),)),
        example(
            resources=(ResourceSubject(KEY, "hsm", {"enableKeyRotation": False, "customKeyStoreId": "cks-1"}),),
            expect="not_applicable",
        ),
    ),
    failing=(
        example(resources=(ResourceSubject(KEY, "k", {}),)),
        example(resources=(ResourceSubject(KEY, "k", {"enableKeyRotation": True, "rotationPeriodInDays": 730}),)),
    ),
)
