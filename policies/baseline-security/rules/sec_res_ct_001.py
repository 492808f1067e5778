"""SEC-RES-CT-001: Recorded CloudTrail trails cover every region."""

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN, flag

TRAIL = "aws:cloudtrail/trail:Trail"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    settings = ("isMultiRegionTrail", "includeGlobalServiceEvents")
    unknown = [s for s in settings if resource.get(s) == UNKNOWN]
    if unknown:
        return not_evaluated(f"{', '.join(unknown)} not known until apply")
    if not flag(resource.get("isMultiRegionTrail")):  # default false
        return fail("isMultiRegionTrail is false or unset (unset is false)")
    if not flag(resource.get("includeGlobalServiceEvents"), default=True):  # default true
        return fail("includeGlobalServiceEvents is false: IAM and STS calls would go unrecorded")
    return passed("the trail records every region and global service events")


rule = Rule(
    id="SEC-RES-CT-001",
    title="Recorded CloudTrail trails cover every region",
    why=(
        "An attacker who holds credentials starts GPU instances where nobody looks; a single-region trail "
        "never sees them. A multi-region trail with global service events records every API call."
    ),
    severity="high",
    pack="baseline-security",
    target="resource",
    applies_to=(TRAIL,),
    check=check,
    frameworks=(
        ref("fsbp", "CloudTrail.1"),
        ref("cis-aws-3.0.0", "3.1"),
        ref("nist-800-53", "AU-12"),
        ref("checkov", "CKV_AWS_67"),
    ),
    remediation="Set isMultiRegionTrail: true (and leave includeGlobalServiceEvents on).",
    passing=(example(resources=(ResourceSubject(TRAIL, "audit", {"isMultiRegionTrail": True, "s3BucketName": "b"}),)),),
    failing=(
        example(resources=(ResourceSubject(TRAIL, "audit", {"s3BucketName": "b"}),)),
        example(
            resources=(
                ResourceSubject(TRAIL, "audit", {"isMultiRegionTrail": True, "includeGlobalServiceEvents": False}),
            )
        ),
    ),
)
