"""SEC-S3-004: Data lakes keep object versions."""

from aifab.blueprints import DataLake
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(lake: DataLake, ctx: PolicyContext) -> Verdict:
    if not lake.versioning:
        return fail(
            "versioning is off: an overwrite or delete loses the previous dataset or checkpoint", field="versioning"
        )
    return passed("versioning is on")


rule = Rule(
    id="SEC-S3-004",
    title="Data lakes keep object versions",
    why=(
        "Versioning lets you recover a dataset or checkpoint after an accidental overwrite or a ransomware "
        "delete, and lets a model be traced to the exact object versions it was trained on."
    ),
    severity="medium",
    pack="baseline-security",
    applies_to=("data_lake",),
    check=check,
    frameworks=(
        ref("fsbp", "S3.14"),
        ref("nist-800-53", "CP-9", verified=False, note="mapping from cdk-nag's NIST pack"),
        ref("cdk-nag", "NIST.800.53.R5-S3BucketVersioningEnabled"),
        ref("checkov", "CKV_AWS_21"),
    ),
    remediation="Set versioning: true, and expire noncurrent versions with a lifecycle rule to bound the cost.",
    passing=(example(DataLake(id="lake", encrypted_by="kms")),),
    failing=(example(DataLake(id="lake", encrypted_by="kms", versioning=False)),),
)
