"""SEC-S3-002: Data lakes are encrypted with a customer-managed key."""

from aifab.blueprints import DataLake, KeyManagement
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(lake: DataLake, ctx: PolicyContext) -> Verdict:
    if lake.encryption != "customer-managed-key":
        return fail(f"encryption is {lake.encryption!r}, not a customer-managed key", field="encryption")
    keys = [k for k in ctx.linked(lake, "encrypted_by") if isinstance(k, KeyManagement)]
    if not keys:
        return fail("no customer-managed key is linked (field encrypted_by)", field="encrypted_by")
    return passed(f"encrypted with customer-managed key {keys[0].id!r}")


rule = Rule(
    id="SEC-S3-002",
    title="Data lakes are encrypted with a customer-managed key",
    why=(
        "S3 encrypts every object by default, but with keys AWS controls; a customer-managed key puts "
        "decryption under your key policy and audit trail, and lets you revoke access by disabling the key. "
        "The FSBP control id S3.17 could not be checked against the current Security Hub guide and is "
        "marked unverified."
    ),
    severity="medium",
    pack="baseline-security",
    applies_to=("data_lake",),
    check=check,
    frameworks=(
        ref("fsbp", "S3.17", verified=False),
        ref("nist-800-53", "SC-28(1)"),
        ref("nist-800-53", "SC-12"),
        ref("cdk-nag", "NIST.800.53.R5-S3DefaultEncryptionKMS"),
        ref("checkov", "CKV_AWS_145"),
    ),
    remediation="Set encryption: customer-managed-key and link a key_management component with encrypted_by.",
    passing=(example(KeyManagement(id="kms"), DataLake(id="lake", encrypted_by="kms")),),
    failing=(
        example(DataLake(id="lake", encryption="provider-managed")),
        example(DataLake(id="lake", encrypted_by="missing-key")),
    ),
)
