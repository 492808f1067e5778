"""SEC-RES-CT-002: Recorded CloudTrail trails validate their log files."""

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN, flag

TRAIL = "aws:cloudtrail/trail:Trail"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    if resource.get("enableLogFileValidation") == UNKNOWN:
        return not_evaluated("enableLogFileValidation is not known until apply")
    if not flag(resource.get("enableLogFileValidation")):  # default false
        return fail("enableLogFileValidation is false or unset (unset is false)")
    return passed("log files are signed and validated")


rule = Rule(
    id="SEC-RES-CT-002",
    title="Recorded CloudTrail trails validate their log files",
    why=(
        "Audit logs are evidence only if tampering shows: log file validation signs a digest of every "
        "delivered file, so a deleted or edited record is detected."
    ),
    severity="medium",
    pack="baseline-security",
    target="resource",
    applies_to=(TRAIL,),
    check=check,
    frameworks=(
        ref("fsbp", "CloudTrail.4"),
        ref("cis-aws-3.0.0", "3.2"),
        ref("nist-800-53", "AU-9"),
        ref("cdk-nag", "NIST.800.53.R5-CloudTrailLogFileValidationEnabled"),
        ref("checkov", "CKV_AWS_36"),
    ),
    remediation="Set enableLogFileValidation: true on the trail.",
    passing=(example(resources=(ResourceSubject(TRAIL, "audit", {"enableLogFileValidation": True}),)),),
    failing=(example(resources=(ResourceSubject(TRAIL, "audit", {}),)),),
)
