"""SEC-RES-S3-001: Recorded buckets encrypt by default with a customer-managed KMS key."""

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN

SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
SSE_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    rules = resource.get("rules")
    if rules == UNKNOWN:
        return not_evaluated("rules is not known until apply")
    if not isinstance(rules, list) or not rules:
        return fail("has no encryption rule")
    for i, rule in enumerate(rules):
        default = rule.get("applyServerSideEncryptionByDefault") if isinstance(rule, dict) else None
        default = default if isinstance(default, dict) else {}
        path = f"rules[{i}].applyServerSideEncryptionByDefault"
        algorithm = default.get("sseAlgorithm")
        if algorithm == UNKNOWN:
            return not_evaluated(f"{path}.sseAlgorithm is not known until apply")
        if algorithm not in ("aws:kms", "aws:kms:dsse"):
            return fail(f"{path}.sseAlgorithm is {algorithm!r}, not aws:kms: S3-managed keys (SSE-S3)")
        if not default.get("kmsMasterKeyId"):
            return fail(f"{path}.kmsMasterKeyId is not set: the AWS-managed key aws/s3 would be used")
    # a key id known only at apply is still a key id: it is set, to the key the stack creates
    return passed("default encryption is SSE-KMS with a key the stack names")


def _sse(algorithm: str, key: str | None = "[unknown]") -> ResourceSubject:
    default = {"sseAlgorithm": algorithm} | ({"kmsMasterKeyId": key} if key else {})
    return ResourceSubject(
        SSE,
        "lake-encryption",
        {"bucket": "lake", "rules": [{"applyServerSideEncryptionByDefault": default}]},
        unknown_paths=("rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId",) if key == "[unknown]" else (),
    )


rule = Rule(
    id="SEC-RES-S3-001",
    title="Recorded buckets encrypt by default with a customer-managed KMS key",
    why=(
        "S3 encrypts every object with S3-managed keys anyway; only SSE-KMS with a key you manage lets you "
        "control and audit who can decrypt, and revoke it. A missing kmsMasterKeyId silently means the "
        "AWS-managed aws/s3 key."
    ),
    severity="medium",
    pack="baseline-security",
    target="resource",
    applies_to=(SSE, SSE_V2),
    check=check,
    frameworks=(
        ref("fsbp", "S3.17", verified=False, note="the catalogue flags the S3.17 id for checking"),
        ref("nist-800-53", "SC-28(1)"),
        ref("cdk-nag", "NIST.800.53.R5-S3DefaultEncryptionKMS"),
        ref("checkov", "CKV_AWS_145"),
    ),
    remediation="Set the bucket encryption's sseAlgorithm to aws:kms and kmsMasterKeyId to the data key's ARN.",
    passing=(example(resources=(_sse("aws:kms"),)), example(resources=(_sse("aws:kms", "arn:aws:kms:k"),))),
    failing=(example(resources=(_sse("AES256", None),)), example(resources=(_sse("aws:kms", None),))),
)
