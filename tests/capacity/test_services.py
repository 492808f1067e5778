"""Platform services in `estimate`: vector databases sized on their cluster, CPU services on GPU-only clusters."""

from __future__ import annotations

import pytest

from aifab.blueprints import CpuPool, ExperimentTracking, GpuPool, KubernetesCluster, Monitoring, Site, VectorDatabase
from aifab.capacity import estimate_design
from aifab.design.design import Design


def _design(with_cpu: bool, replicas: int = 3, cpu_nodes: int = 3) -> Design:
    site = Site(id="va", provider="aws", region="us-east-1")
    eks = KubernetesCluster(id="eks", provider="eks", site=site)
    pools: list[GpuPool | CpuPool] = [
        GpuPool(id="infer", role="inference", instance_type="p5.48xlarge", node_count=1, cluster=eks, site=site)
    ]
    if with_cpu:
        pools.append(
            CpuPool(
                id="system",
                role="general",
                instance_type="m7i.24xlarge",
                node_count=cpu_nodes,
                placement="none",
                cluster=eks,
                site=site,
            )
        )
    db = VectorDatabase(
        id="vectors",
        engine="qdrant",
        dimensions=1024,
        vector_count=50_000_000,
        replicas=replicas,
        runs_on=eks,
        site=site,
    )
    mlflow = ExperimentTracking(id="mlflow", runs_on=eks, artifact_store="lake", site=site)
    mon = Monitoring(id="mon", runs_on=eks, monitors=("infer",), site=site)
    return Design(name="svc", components=[site, eks, *pools, db, mlflow, mon])


def test_vector_database_memory_disk_and_nodes() -> None:
    est = estimate_design(_design(with_cpu=True))
    (v,) = est.vector_databases
    # 50e6 x 1024 x 4 B = 190.73 GiB x 1.5 = 286.1 GiB per replica, 858.3 GiB for 3; disk x 2
    assert v.sizing.per_replica_gib == pytest.approx(50e6 * 1024 * 4 * 1.5 / 2**30)
    assert v.sizing.total_gib == pytest.approx(3 * v.sizing.per_replica_gib)
    assert v.sizing.disk_gib_total == pytest.approx(6 * v.sizing.per_replica_gib)
    # m7i.24xlarge 384 GiB x 0.75 = 288 GiB usable: one node per replica, three nodes
    assert (v.node_hardware, v.sizing.nodes_per_replica, v.sizing.nodes_total) == ("m7i.24xlarge", 1, 3)
    assert "vector_database vectors" in est.explain and "858.3 GiB memory" in est.explain["vector_database vectors"]
    assert not [f for f in est.findings if f.code.startswith("capacity-service")]


def test_a_vector_database_larger_than_its_nodes_is_a_warning() -> None:
    est = estimate_design(_design(with_cpu=True, replicas=3, cpu_nodes=2))
    (d,) = [f for f in est.findings if f.code == "capacity-vector-database-nodes"]
    assert d.component == "vectors" and "858.3 GiB" in d.message and "has 2 (576 GiB)" in d.message


def test_cpu_services_on_a_gpu_only_cluster_are_reported() -> None:
    est = estimate_design(_design(with_cpu=False))
    found = sorted(f.component or "" for f in est.findings if f.code == "capacity-service-needs-cpu-nodes")
    assert found == ["mlflow", "mon", "vectors"]
    d = next(f for f in est.findings if f.component == "vectors")
    assert d.severity == "warning" and "'infer' (p5.48xlarge)" in d.message and "add a CPU pool" in d.message
    (v,) = est.vector_databases
    assert v.node_hardware == "p5.48xlarge"  # sized on the only nodes there are
