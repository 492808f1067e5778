"""Kubernetes building blocks the area modules share: namespaces, default-deny policies, pinned Helm charts.

Every chart aifab installs is pinned here, in one table, so a version bump is one reviewed line and the
resource-level rules can check that no release floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s


@dataclass(frozen=True)
class Chart:
    """A Helm chart at a pinned version."""

    chart: str
    version: str
    repo: str
    """Chart repository URL (``https://...``); empty when ``chart`` is an ``oci://`` reference."""


CHARTS: dict[str, Chart] = {
    "gpu-operator": Chart("gpu-operator", "v25.3.0", "https://helm.ngc.nvidia.com/nvidia"),
    "network-operator": Chart("network-operator", "25.4.0", "https://helm.ngc.nvidia.com/nvidia"),
    "efa-device-plugin": Chart("aws-efa-k8s-device-plugin", "v0.5.6", "https://aws.github.io/eks-charts"),
    "mlflow": Chart("mlflow", "1.7.3", "https://community-charts.github.io/helm-charts"),
    "postgresql": Chart("oci://registry-1.docker.io/bitnamicharts/postgresql", "16.7.27", ""),
    "kubeflow-trainer": Chart("oci://ghcr.io/kubeflow/charts/kubeflow-trainer", "2.2.0", ""),
    "argo-workflows": Chart("argo-workflows", "1.0.19", "https://argoproj.github.io/argo-helm"),
    "airflow": Chart("airflow", "1.16.0", "https://airflow.apache.org"),
    "kube-prometheus-stack": Chart(
        "kube-prometheus-stack", "91.5.0", "https://prometheus-community.github.io/helm-charts"
    ),
    "dcgm-exporter": Chart("dcgm-exporter", "3.5.0", "https://nvidia.github.io/dcgm-exporter/helm-charts"),
    "datadog": Chart("datadog", "3.123.0", "https://helm.datadoghq.com"),
    "qdrant": Chart("qdrant", "1.16.3", "https://qdrant.github.io/qdrant-helm"),
    "weaviate": Chart("weaviate", "17.7.0", "https://weaviate.github.io/weaviate-helm"),
    "milvus": Chart("milvus", "4.2.49", "https://zilliztech.github.io/milvus-helm"),
    "pgvector": Chart("oci://registry-1.docker.io/bitnamicharts/postgresql", "16.7.27", ""),
}
"""Pinned charts by role. Area modules add theirs here (monitoring, MLflow, vector databases...)."""

POD_SECURITY = "pod-security.kubernetes.io"


def namespace(
    name: str,
    labels: dict[str, str],
    *,
    enforce: str = "restricted",
    opts: pulumi.ResourceOptions,
    resource_name: str | None = None,
) -> k8s.core.v1.Namespace:
    """A namespace with Pod Security Admission labels (enforce, audit and warn at ``enforce``).

    ``resource_name`` (default ``ns-<name>``) keeps URNs apart when two clusters both hold namespace ``name``.
    """
    return k8s.core.v1.Namespace(
        resource_name or f"ns-{name}",
        metadata=k8s.meta.v1.ObjectMetaArgs(
            name=name,
            labels={
                **labels,
                f"{POD_SECURITY}/enforce": enforce,
                f"{POD_SECURITY}/audit": "restricted",
                f"{POD_SECURITY}/warn": "restricted",
            },
        ),
        opts=opts,
    )


def default_deny(
    resource_name: str, namespace_name: pulumi.Input[str], labels: dict[str, str], *, opts: pulumi.ResourceOptions
) -> k8s.networking.v1.NetworkPolicy:
    """A NetworkPolicy that denies all ingress and egress in a namespace, except DNS egress."""
    return k8s.networking.v1.NetworkPolicy(
        resource_name,
        metadata=k8s.meta.v1.ObjectMetaArgs(name="default-deny", namespace=namespace_name, labels=labels),
        spec=k8s.networking.v1.NetworkPolicySpecArgs(
            pod_selector=k8s.meta.v1.LabelSelectorArgs(),
            policy_types=["Ingress", "Egress"],
            egress=[
                k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                    to=[
                        k8s.networking.v1.NetworkPolicyPeerArgs(
                            namespace_selector=k8s.meta.v1.LabelSelectorArgs(
                                match_labels={"kubernetes.io/metadata.name": "kube-system"}
                            ),
                            pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"k8s-app": "kube-dns"}),
                        )
                    ],
                    ports=[
                        k8s.networking.v1.NetworkPolicyPortArgs(protocol="UDP", port=53),
                        k8s.networking.v1.NetworkPolicyPortArgs(protocol="TCP", port=53),
                    ],
                )
            ],
        ),
        opts=opts,
    )


def release(
    name: str,
    role: str,
    *,
    namespace_name: pulumi.Input[str],
    values: dict[str, Any],
    opts: pulumi.ResourceOptions,
    create_namespace: bool = False,
) -> k8s.helm.v3.Release:
    """A Helm release of the pinned chart for ``role`` (see :data:`CHARTS`)."""
    chart = CHARTS[role]
    return k8s.helm.v3.Release(
        name,
        name=name,
        chart=chart.chart,
        version=chart.version,
        repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=chart.repo) if chart.repo else None,
        namespace=namespace_name,
        create_namespace=create_namespace,
        values=values,
        atomic=True,
        cleanup_on_fail=True,
        opts=opts,
    )


__all__ = ["CHARTS", "POD_SECURITY", "Chart", "default_deny", "namespace", "release"]
