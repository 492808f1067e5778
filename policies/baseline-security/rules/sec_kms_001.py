"""SEC-KMS-001: Customer-managed keys rotate automatically."""

from aifab.blueprints import KeyManagement
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref

CUSTOM_KEY_STORES = ("aws-cloudhsm", "external-key-store")


def check(key: KeyManagement, ctx: PolicyContext) -> Verdict:
    if key.provider in CUSTOM_KEY_STORES:
        return not_applicable(
            f"{key.provider} keys live in a custom key store, which AWS KMS cannot rotate automatically; "
            "rotate them under the key store's own procedure"
        )
    limit = int(ctx.params["kms_max_rotation_days"])
    if key.rotation_days is None:
        return fail("automatic key rotation is off", field="rotation_days")
    if key.rotation_days > limit:
        return fail(f"keys rotate every {key.rotation_days} days; at most {limit} is accepted", field="rotation_days")
    return passed(f"keys rotate every {key.rotation_days} days")


rule = Rule(
    id="SEC-KMS-001",
    title="Customer-managed keys rotate automatically",
    why=(
        "Rotation limits how much data one key version protects and how long a leaked key stays useful. "
        "Keys in a custom key store (CloudHSM, external key store) cannot be rotated by KMS and are not "
        "applicable here; their custody is checked by the sovereignty packs."
    ),
    severity="medium",
    pack="baseline-security",
    applies_to=("key_management",),
    check=check,
    frameworks=(
        ref("fsbp", "KMS.4"),
        ref("cis-aws-3.0.0", "3.6"),
        ref("nist-800-53", "SC-12"),
        ref("cdk-nag", "AwsSolutions-KMS5"),
        ref("checkov", "CKV_AWS_7"),
    ),
    remediation="Set rotation_days (90 to 365) on the key.",
    passing=(
        example(KeyManagement(id="kms")),
        example(KeyManagement(id="hsm", provider="aws-cloudhsm", rotation_days=None), expect="not_applicable"),
    ),
    failing=(
        example(KeyManagement(id="kms", rotation_days=None)),
        example(KeyManagement(id="kms", rotation_days=730)),
    ),
)
