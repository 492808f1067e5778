"""What a reviewer looks at twice in a plan: stateful, protected, public-facing and GPU-bearing resources.

Each list holds ``"<type> <name>: why"`` lines. The judgements read inputs as sent; a missing input is the
provider's default (an EKS endpoint with no ``vpcConfig.endpointPublicAccess`` is public).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aifab.catalogue import Catalogue, load_catalogue
from aifab.errors import UnknownNameError

from .plan import Plan, PlannedResource

STATEFUL: dict[str, str] = {
    "aws:s3/bucket:Bucket": "objects",
    "aws:fsx/lustreFileSystem:LustreFileSystem": "a file system",
    "aws:rds/instance:Instance": "a database",
    "aws:rds/cluster:Cluster": "a database",
    "aws:opensearch/domain:Domain": "a search index",
    "aws:eks/cluster:Cluster": "a cluster's control plane and etcd",
    "aws:kms/key:Key": "key material (data encrypted under it is lost with it)",
    "aws:cloudwatch/logGroup:LogGroup": "logs",
    "kubernetes:core/v1:PersistentVolumeClaim": "a volume",
}
"""Types whose replacement or deletion loses data (a Helm release too when its chart is a database, below;
GPU node groups are listed under GPU-bearing here and as stateful in plan diffs)."""

DATABASE_CHARTS = ("postgresql", "qdrant", "milvus", "weaviate", "mysql", "redis", "mongodb")
WORKLOADS = (
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:batch/v1:Job",
    "kubernetes:batch/v1:CronJob",
)


@dataclass(frozen=True)
class Facts:
    stateful: tuple[str, ...]
    protected: tuple[str, ...]
    public: tuple[str, ...]
    gpu: tuple[str, ...]


def facts(plan: Plan, catalogue: Catalogue | None = None) -> Facts:
    cat = catalogue if catalogue is not None else load_catalogue()
    created = plan.created()
    return Facts(
        stateful=tuple(_label(r, why) for r in created if (why := _stateful(r))),
        protected=tuple(_label(r, "protect: true") for r in created if r.options.protect),
        public=tuple(_label(r, why) for r in created for why in _public(r)),
        gpu=tuple(_label(r, why) for r in created if (why := _gpu(r, cat))),
    )


def _label(r: PlannedResource, why: str) -> str:
    return f"{r.type} {r.name}: {why}"


def _stateful(r: PlannedResource) -> str:
    if r.type == "kubernetes:helm.sh/v3:Release":
        chart = str(r.inputs.get("chart", ""))
        return f"a {chart} database" if any(db in chart for db in DATABASE_CHARTS) else ""
    return STATEFUL.get(r.type, "")


def _public(r: PlannedResource) -> Iterator[str]:
    if r.type == "aws:eks/cluster:Cluster" and r.input("vpcConfig.endpointPublicAccess", True) is not False:
        yield "the Kubernetes API endpoint is public"
    if r.type in ("aws:ec2/securityGroup:SecurityGroup", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"):
        rules = r.inputs.get("ingress") or [r.inputs]
        for rule in rules if isinstance(rules, list) else []:
            blocks = [*(rule.get("cidrBlocks") or []), *(rule.get("ipv6CidrBlocks") or [])]
            blocks += [b for b in (rule.get("cidrIpv4"), rule.get("cidrIpv6")) if b]
            if any(b in ("0.0.0.0/0", "::/0") for b in blocks):
                yield f"ingress from anywhere on ports {rule.get('fromPort')}-{rule.get('toPort')}"
    if r.type == "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
        flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
        if not all(r.inputs.get(f) is True for f in flags):
            yield "the public access block is not complete"
    if r.type == "aws:rds/instance:Instance" and r.inputs.get("publiclyAccessible") is True:
        yield "the database is publicly accessible"
    if r.type == "kubernetes:core/v1:Service" and r.input("spec.type") in ("LoadBalancer", "NodePort"):
        yield f"a {r.input('spec.type')} service"
    if r.type == "aws:opensearch/domain:Domain" and not r.inputs.get("vpcOptions"):
        yield "the domain is not in a VPC"


def _gpu(r: PlannedResource, catalogue: Catalogue) -> str:
    if r.type == "aws:eks/nodeGroup:NodeGroup":
        for name in r.inputs.get("instanceTypes") or []:
            try:
                itype = catalogue.instance_type(str(name))
            except UnknownNameError:
                continue  # not in the catalogue: nothing to say about its accelerators
            if itype.accelerators_per_node:
                nodes = r.input("scalingConfig.desiredSize")
                return f"{nodes} x {name} ({itype.accelerators_per_node} x {itype.accelerator} each)"
    if r.type in WORKLOADS:
        wanted = sum(_gpus(c) for c in _containers(r.inputs))
        if wanted:
            return f"requests {wanted} GPU(s) per pod"
    return ""


def _containers(inputs: dict[str, Any]) -> list[dict[str, Any]]:
    spec: Any = inputs.get("spec") or {}
    for key in ("jobTemplate", "spec", "template", "spec"):  # CronJob -> Job -> Pod template -> Pod spec
        if isinstance(spec, dict) and key in spec and "containers" not in spec:
            spec = spec[key]
    return [c for c in (spec.get("containers") or []) if isinstance(c, dict)] if isinstance(spec, dict) else []


def _gpus(container: dict[str, Any]) -> int:
    resources = container.get("resources") or {}
    for part in ("limits", "requests"):
        value = (resources.get(part) or {}).get("nvidia.com/gpu")
        if value is not None:
            try:
                return int(value)
            except (TypeError, ValueError):
                return 0
    return 0


__all__ = ["DATABASE_CHARTS", "STATEFUL", "Facts", "facts"]
