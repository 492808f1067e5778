"""SEC-CT-001: CloudTrail records every region."""

from aifab.blueprints import AuditLog
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(trail: AuditLog, ctx: PolicyContext) -> Verdict:
    if trail.provider != "cloudtrail":
        return not_applicable(f"multi-Region capture is a CloudTrail setting; this audit log is {trail.provider}")
    if not trail.multi_region:
        return fail("the trail records one region only: activity in any other region goes unseen", field="multi_region")
    return passed("the trail records management events in every region")


rule = Rule(
    id="SEC-CT-001",
    title="CloudTrail records every region",
    why=(
        "An attacker with stolen credentials launches GPU instances or copies data in a region nobody "
        "watches. A multi-Region trail captures API activity in all regions and delivers it to the one "
        "bucket named by stores_in; it does not move the logs anywhere (where they are stored is checked "
        "by the sovereignty packs' telemetry rule)."
    ),
    severity="high",
    pack="baseline-security",
    applies_to=("audit_log",),
    check=check,
    frameworks=(
        ref("fsbp", "CloudTrail.1"),
        ref("cis-aws-3.0.0", "3.1"),
        ref("nist-800-53", "AU-2"),
        ref("nist-800-53", "AU-12"),
        ref("checkov", "CKV_AWS_67"),
    ),
    remediation="Set multi_region: true on the CloudTrail audit log.",
    passing=(example(AuditLog(id="trail", stores_in="logs")),),
    failing=(example(AuditLog(id="trail", stores_in="logs", multi_region=False)),),
)
