"""Platform services on a cluster: vector databases sized, and services that need CPU nodes on GPU-only clusters.

* A vector database is sized with :func:`aifab.models.size_vector_db` (memory = vectors x dimensions x bytes
  per dimension x 1.5 per replica; disk = memory x 2). Its nodes are the cluster's: the first CPU-only pool
  that joins the cluster it runs on (else its first pool), each node offering ``USABLE_NODE_MEMORY`` of its
  memory to the database.
* Experiment tracking, vector databases and monitoring are CPU services: on a cluster whose pools all carry
  accelerators they either take GPU nodes (paying GPU prices for CPU work) or stay unscheduled where GPU
  nodes are tainted for accelerator work only, as on EKS GPU node groups. That is a warning on the service.
"""

from __future__ import annotations

from aifab.blueprints.compute import ComputePool
from aifab.blueprints.mlops import ExperimentTracking, Monitoring
from aifab.blueprints.storage import VectorDatabase
from aifab.design.component import Component
from aifab.models import VectorDbInput, size_vector_db

from ._context import Context, Hardware
from ._format import num
from .results import VectorDatabaseEstimate

USABLE_NODE_MEMORY = 0.75
"""Share of a node's memory a database may use: the kubelet, system daemons and page cache keep the rest
(assumption; Kubernetes reserves a few GiB and databases want page cache for their on-disk files)."""

_CPU_SERVICES = (ExperimentTracking, VectorDatabase, Monitoring)


def _cluster_pools(ctx: Context, cluster: str | None) -> list[tuple[ComputePool, Hardware]]:
    if cluster is None:
        return []
    return [(p, ctx.hardware[p.id]) for p in ctx.index.pools if p.cluster == cluster and p.id in ctx.hardware]


def services_need_cpu_nodes(ctx: Context, components: list[Component]) -> None:
    """A warning on each CPU service whose cluster has pools, all of them with accelerators."""
    for c in components:
        if not isinstance(c, _CPU_SERVICES):
            continue
        cluster = c.runs_on
        pools = _cluster_pools(ctx, cluster)
        if not pools or any(hw.accelerator is None for _, hw in pools):
            continue
        names = ", ".join(f"{p.id!r} ({hw.name})" for p, hw in pools)
        ctx.finding(
            c,
            "capacity-service-needs-cpu-nodes",
            f"{c.kind.replace('_', ' ')} runs on cluster {cluster!r}, whose pools all carry accelerators ({names}): "
            "it would take GPU nodes for CPU work, or find no node where GPU nodes are tainted; add a CPU pool "
            "(cpu_pool) to the cluster",
            "warning",
            field="runs_on",
        )


def estimate_vector_database(ctx: Context, db: VectorDatabase) -> VectorDatabaseEstimate:
    """Memory, disk and nodes of one vector database (see the module docstring)."""
    pools = _cluster_pools(ctx, db.runs_on)
    host = next(((p, hw) for p, hw in pools if hw.accelerator is None), pools[0] if pools else None)
    node_gib = None
    notes: list[str] = []
    if host is not None and host[1].memory_gib:
        node_gib = host[1].memory_gib * USABLE_NODE_MEMORY
    elif host is not None:
        notes.append(f"the catalogue has no memory size for {host[1].name}: nodes are not counted")
    else:
        notes.append("no pool joins the cluster it runs on: nodes are not counted")
    sizing = size_vector_db(
        VectorDbInput(
            vectors=db.vector_count,
            dimensions=db.dimensions,
            bytes_per_dimension=float(db.bytes_per_dimension),
            replicas=db.replicas,
            memory_per_node_gib=node_gib,
        )
    )
    raw = (
        f"{db.vector_count:,} x {db.dimensions:,} dimensions x {db.bytes_per_dimension} B = "
        f"{num(sizing.raw_vectors_gib)} GiB"
    )
    explain = {
        "memory_gib": f"{raw} x 1.5 index and optimiser overhead = {num(sizing.per_replica_gib)} GiB per replica x "
        f"{db.replicas} replicas = {num(sizing.total_gib)} GiB",
        "disk_gib": f"{num(sizing.per_replica_gib)} GiB x 2 (a segment rebuilt beside the old one) = "
        f"{num(sizing.disk_gib_per_replica)} GiB per replica, {num(sizing.disk_gib_total)} GiB in all",
    }
    if host is not None and node_gib is not None and sizing.nodes_per_replica is not None:
        kind = "CPU" if host[1].accelerator is None else "GPU (the cluster has no CPU pool)"
        explain["nodes"] = (
            f"{num(sizing.per_replica_gib)} GiB / ({num(host[1].memory_gib or 0)} GiB {host[1].name} {kind} node x "
            f"{USABLE_NODE_MEMORY}) = {sizing.nodes_per_replica} per replica x {db.replicas} = "
            f"{sizing.nodes_total} nodes"
        )
        available = host[0].node_count
        if sizing.total_gib > available * node_gib * (1 + 1e-9):
            ctx.finding(
                db,
                "capacity-vector-database-nodes",
                f"{db.replicas} replicas of {num(sizing.per_replica_gib)} GiB ({num(sizing.total_gib)} GiB) need "
                f"{sizing.nodes_total} nodes of {host[1].name} ({num(node_gib)} GiB usable each), but pool "
                f"{host[0].id!r} has {available} ({num(available * node_gib)} GiB); raise its node_count, use larger "
                "nodes, fewer replicas or a smaller bytes_per_dimension",
                "warning",
                field="replicas",
            )
        elif sizing.nodes_total is not None and sizing.nodes_total > available:
            notes.append(
                f"{db.replicas} replicas on {available} node(s) of pool {host[0].id!r}: copies share nodes, so one "
                "node failure takes several of them"
            )
    return VectorDatabaseEstimate(
        id=db.id,
        engine=db.engine,
        vectors=db.vector_count,
        dimensions=db.dimensions,
        replicas=db.replicas,
        cluster=db.runs_on,
        node_hardware=host[1].name if host is not None else None,
        node_memory_gib=host[1].memory_gib if host is not None else None,
        sizing=sizing,
        explain=explain,
        notes=tuple(notes),
    )


__all__ = ["USABLE_NODE_MEMORY", "estimate_vector_database", "services_need_cpu_nodes"]
