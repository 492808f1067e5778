"""SEC-EKS-001: Kubernetes API endpoints are private."""

from aifab.blueprints import KubernetesCluster
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(cluster: KubernetesCluster, ctx: PolicyContext) -> Verdict:
    if cluster.endpoint_public:
        return fail("the Kubernetes API endpoint is reachable from the internet", field="endpoint_public")
    return passed("the Kubernetes API endpoint is private")


rule = Rule(
    id="SEC-EKS-001",
    title="Kubernetes API endpoints are private",
    why=(
        "A public control-plane endpoint lets anyone on the internet probe the API server and try "
        "stolen credentials; with a private endpoint only the cluster's network can reach it."
    ),
    severity="high",
    pack="baseline-security",
    applies_to=("kubernetes_cluster",),
    check=check,
    frameworks=(
        ref("fsbp", "EKS.1"),
        ref("nist-800-53", "SC-7"),
        ref("nist-800-53", "AC-3"),
        ref("cis-eks", "5.4", verified=False, note="section number from Pulumi's pre-built pack"),
        ref("cdk-nag", "AwsSolutions-EKS1"),
    ),
    remediation="Set endpoint_public: false and reach the API through the VPC (VPN, bastion or CI runners inside).",
    passing=(example(KubernetesCluster(id="eks", provider="eks")),),
    failing=(example(KubernetesCluster(id="eks", provider="eks", endpoint_public=True)),),
)
