"""SEC-RES-S3-002: Recorded buckets keep object versions."""

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN

VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
VERSIONING_V2 = "aws:s3/bucketVersioningV2:BucketVersioningV2"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    status = resource.get("versioningConfiguration.status")
    if status == UNKNOWN:
        return not_evaluated("versioningConfiguration.status is not known until apply")
    if status != "Enabled":
        return fail(f"versioningConfiguration.status is {status!r}, not 'Enabled'")
    return passed("versioning is enabled")


def _versioning(status: str) -> ResourceSubject:
    return ResourceSubject(
        VERSIONING, "lake-versioning", {"bucket": "lake", "versioningConfiguration": {"status": status}}
    )


rule = Rule(
    id="SEC-RES-S3-002",
    title="Recorded buckets keep object versions",
    why=(
        "Training data, model artifacts and audit evidence must survive an overwrite or a delete: versioning "
        "keeps every earlier object, so a mistake or an attacker cannot silently replace what a model was "
        "trained on."
    ),
    severity="medium",
    pack="baseline-security",
    target="resource",
    applies_to=(VERSIONING, VERSIONING_V2),
    check=check,
    frameworks=(
        ref("fsbp", "S3.14"),
        ref("nist-800-53", "CP-9"),
        ref("nist-800-53", "SI-13(5)"),
        ref("checkov", "CKV_AWS_21"),
    ),
    remediation="Set the bucket's versioningConfiguration.status to Enabled.",
    passing=(example(resources=(_versioning("Enabled"),)),),
    failing=(example(resources=(_versioning("Suspended"),)),),
)
