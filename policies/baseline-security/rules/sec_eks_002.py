"""SEC-EKS-002: Kubernetes secrets are encrypted with a customer-managed key."""

from aifab.blueprints import KeyManagement, KubernetesCluster
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(cluster: KubernetesCluster, ctx: PolicyContext) -> Verdict:
    keys = [k for k in ctx.linked(cluster, "secrets_encrypted_by") if isinstance(k, KeyManagement)]
    if cluster.secrets_encrypted_by is None:
        return fail(
            "Kubernetes secrets are not envelope-encrypted with a customer-managed key", field="secrets_encrypted_by"
        )
    if not keys:
        return fail(
            f"secrets_encrypted_by names {cluster.secrets_encrypted_by!r}, which is not a key in the design",
            field="secrets_encrypted_by",
        )
    return passed(f"secrets are envelope-encrypted with customer-managed key {keys[0].id!r}")


rule = Rule(
    id="SEC-EKS-002",
    title="Kubernetes secrets are encrypted with a customer-managed key",
    why=(
        "Secrets in etcd hold registry credentials, API tokens and database passwords. Envelope encryption "
        "with a key you manage means a copy of etcd is useless without your key policy's consent. Newer EKS "
        "versions reportedly apply default encryption with an AWS-owned key, so the rule asks for a customer "
        "key, not just 'encryption on'. FSBP rates EKS.3 medium; this pack rates it high because the design "
        "holds model-registry and data-lake credentials."
    ),
    severity="high",
    pack="baseline-security",
    applies_to=("kubernetes_cluster",),
    check=check,
    frameworks=(
        ref("fsbp", "EKS.3"),
        ref("nist-800-53", "SC-28"),
        ref("nist-800-53", "SC-12"),
        ref("control-tower", "CT.EKS.PR.2", verified=False),
        ref("cis-eks", "5.3", verified=False, note="section number from Pulumi's pre-built pack"),
        ref("checkov", "CKV_AWS_58"),
    ),
    remediation="Link a key_management component with secrets_encrypted_by.",
    passing=(
        example(KeyManagement(id="kms"), KubernetesCluster(id="eks", provider="eks", secrets_encrypted_by="kms")),
    ),
    failing=(example(KubernetesCluster(id="eks", provider="eks")),),
)
