"""SEC-RES-EKS-002: Recorded EKS clusters envelope-encrypt secrets with a customer-managed key."""

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN

EKS = "aws:eks/cluster:Cluster"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    resources = resource.get("encryptionConfig.resources")
    if resources == UNKNOWN:
        return not_evaluated("encryptionConfig.resources is not known until apply")
    if not isinstance(resources, list) or "secrets" not in resources:
        return fail("encryptionConfig does not cover 'secrets'")
    if not resource.get("encryptionConfig.provider.keyArn"):
        return fail("encryptionConfig.provider.keyArn is not set")
    # a key ARN known only at apply is still set: the key the stack creates
    return passed("secrets are envelope-encrypted with the stack's KMS key")


def _eks(config: dict[str, object] | None) -> ResourceSubject:
    return ResourceSubject(EKS, "eks", {"vpcConfig": {}} | ({"encryptionConfig": config} if config else {}))


rule = Rule(
    id="SEC-RES-EKS-002",
    title="Recorded EKS clusters envelope-encrypt secrets with a customer-managed key",
    why=(
        "Kubernetes secrets hold registry tokens, database passwords and service credentials. Envelope "
        "encryption with your own KMS key means a copy of etcd is useless without that key, and every "
        "decryption is logged."
    ),
    severity="high",
    pack="baseline-security",
    target="resource",
    applies_to=(EKS,),
    check=check,
    frameworks=(
        ref("fsbp", "EKS.3"),
        ref("nist-800-53", "SC-28"),
        ref("cis-eks", "5.3", verified=False, note="section number from Pulumi's pre-built pack"),
        ref("checkov", "CKV_AWS_58"),
    ),
    remediation="Set encryptionConfig: {resources: [secrets], provider: {keyArn: <the cluster key's ARN>}}.",
    passing=(
        example(
            resources=(
                ResourceSubject(
                    EKS,
                    "eks",
                    {"encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": "[unknown]"}}},
                    unknown_paths=("encryptionConfig.provider.keyArn",),
                ),
            )
        ),
    ),
    failing=(
        example(resources=(_eks(None),)),
        example(resources=(_eks({"resources": ["secrets"], "provider": {}}),)),
    ),
)
