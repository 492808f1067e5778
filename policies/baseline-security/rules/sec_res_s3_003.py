"""SEC-RES-S3-003: Recorded buckets block every form of public access."""

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN, flag

BPA = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
SETTINGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    unknown = [s for s in SETTINGS if resource.get(s) == UNKNOWN]
    if unknown:
        return not_evaluated(f"{', '.join(unknown)} not known until apply")
    off = [s for s in SETTINGS if not flag(resource.get(s))]  # each defaults to false
    if off:
        return fail(f"{', '.join(off)} {'is' if len(off) == 1 else 'are'} false or unset (unset is false)")
    return passed("all four public-access settings are on")


def _block(**off: bool) -> ResourceSubject:
    return ResourceSubject(BPA, "lake-public-access", {"bucket": "lake", **{s: off.get(s, True) for s in SETTINGS}})


rule = Rule(
    id="SEC-RES-S3-003",
    title="Recorded buckets block every form of public access",
    why=(
        "A bucket policy or ACL written by mistake is the usual way training data leaks; the public access "
        "block overrides both, but only when all four of its settings are on."
    ),
    severity="high",
    pack="baseline-security",
    target="resource",
    applies_to=(BPA,),
    check=check,
    frameworks=(
        ref("fsbp", "S3.8"),
        ref("cis-aws-3.0.0", "2.1.4"),
        ref("nist-800-53", "AC-3"),
        ref("cdk-nag", "AwsSolutions-S2"),
    ),
    remediation="Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.",
    passing=(example(resources=(_block(),)),),
    failing=(
        example(resources=(_block(restrictPublicBuckets=False),)),
        example(resources=(ResourceSubject(BPA, "lake-public-access", {"bucket": "lake", "blockPublicAcls": True}),)),
    ),
)
