"""PRD-EKS-001: Kubernetes versions are in standard support."""

import datetime as dt

from aifab.blueprints import KubernetesCluster
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_evaluated, passed, ref


def check(cluster: KubernetesCluster, ctx: PolicyContext) -> Verdict:
    table = "eks_standard_support_end" if cluster.provider == "eks" else "onprem_kubernetes_support_end"
    calendar = dict(ctx.params.get(table) or {})
    end = calendar.get(cluster.version)
    if end is None:
        return not_evaluated(
            f"no support date known for Kubernetes {cluster.version} ({cluster.provider}); "
            f"add it to the pack parameter {table}"
        )
    end_date = dt.date.fromisoformat(str(end))
    if end_date <= ctx.today:
        newest = max(calendar, key=lambda v: tuple(int(p) for p in v.split(".")))
        return fail(
            f"Kubernetes {cluster.version} left standard support on {end_date.isoformat()}; "
            f"upgrade (newest known: {newest})",
            field="version",
        )
    days = (end_date - ctx.today).days
    return passed(f"Kubernetes {cluster.version} is supported until {end_date.isoformat()} ({days} days)")


rule = Rule(
    id="PRD-EKS-001",
    title="Kubernetes versions are in standard support",
    why=(
        "Past standard support a version gets no security fixes without paid extended support, and at the "
        "end of extended support EKS upgrades the cluster for you, on its schedule. The support calendar is "
        "a pack parameter; refresh it when a version is released."
    ),
    severity="high",
    pack="production-readiness",
    applies_to=("kubernetes_cluster",),
    check=check,
    frameworks=(ref("fsbp", "EKS.2"), ref("eks-docs", "Kubernetes version lifecycle"), ref("nist-800-53", "SI-2")),
    remediation="Set version to a minor version in standard support and plan upgrades before its end date.",
    passing=(example(KubernetesCluster(id="eks", provider="eks", version="1.33"), today=dt.date(2026, 6, 1)),),
    failing=(
        example(KubernetesCluster(id="eks", provider="eks", version="1.31"), today=dt.date(2026, 6, 1)),
        example(KubernetesCluster(id="eks", provider="eks", version="1.20"), expect="not_evaluated"),
    ),
)
