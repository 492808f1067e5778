"""SEC-S3-001: Data lakes block public access."""

from aifab.blueprints import DataLake
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(lake: DataLake, ctx: PolicyContext) -> Verdict:
    if lake.provider != "s3":
        return not_applicable(f"public access blocks are an S3 setting; this lake is {lake.provider}")
    if not lake.public_access_blocked:
        return fail(
            "S3 Block Public Access is off: a bucket policy or ACL could expose the data", field="public_access_blocked"
        )
    return passed("all four S3 Block Public Access settings are on")


rule = Rule(
    id="SEC-S3-001",
    title="Data lakes block public access",
    why=(
        "Training data, checkpoints and model artifacts are the platform's most valuable data; "
        "Block Public Access makes a mistaken bucket policy or ACL unable to publish them."
    ),
    severity="high",
    pack="baseline-security",
    applies_to=("data_lake",),
    check=check,
    frameworks=(
        ref("fsbp", "S3.8"),
        ref("fsbp", "S3.1"),
        ref("cis-aws-3.0.0", "2.1.4"),
        ref("nist-800-53", "AC-3"),
        ref("cdk-nag", "AwsSolutions-S2"),
        ref("checkov", "CKV_AWS_53"),
    ),
    remediation="Set public_access_blocked: true (all four BPA settings); share data through IAM, not public ACLs.",
    passing=(example(DataLake(id="lake", encrypted_by="kms")),),
    failing=(example(DataLake(id="lake", encrypted_by="kms", public_access_blocked=False)),),
)
