"""SEC-EKS-003: Kubernetes control-plane audit logging is on."""

from aifab.blueprints import KubernetesCluster
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(cluster: KubernetesCluster, ctx: PolicyContext) -> Verdict:
    if not cluster.audit_logging:
        return fail(
            "API-server audit logs are off: nobody can tell who changed what in the cluster", field="audit_logging"
        )
    return passed("API-server audit logs are on")


rule = Rule(
    id="SEC-EKS-003",
    title="Kubernetes control-plane audit logging is on",
    why=(
        "The API-server audit log is the only record of who created a privileged pod, read a secret or "
        "changed RBAC. Incident response and the EU AI Act's record-keeping both depend on it."
    ),
    severity="medium",
    pack="baseline-security",
    applies_to=("kubernetes_cluster",),
    check=check,
    frameworks=(
        ref("fsbp", "EKS.8"),
        ref("nist-800-53", "AU-2"),
        ref("nist-800-53", "AU-12"),
        ref("cis-eks", "2.1", verified=False, note="section number from Pulumi's pre-built pack"),
        ref("cdk-nag", "AwsSolutions-EKS2"),
    ),
    remediation="Set audit_logging: true (EKS: enable the 'audit' control-plane log type).",
    passing=(example(KubernetesCluster(id="eks", provider="eks")),),
    failing=(example(KubernetesCluster(id="eks", provider="eks", audit_logging=False)),),
)
