from __future__ import annotations

import pytest
from pydantic import ValidationError

from aifab.blueprints import CpuPool, GpuPool, KubernetesCluster, TrainingWorkload


def test_exactly_one_of_instance_type_or_node_model() -> None:
    with pytest.raises(ValidationError, match="exactly one of instance_type"):
        GpuPool(id="p", role="training", node_count=1)
    with pytest.raises(ValidationError, match="exactly one of instance_type"):
        GpuPool(id="p", role="training", node_count=1, instance_type="p5.48xlarge", node_model="dgx-h100")


def test_counts_and_workload_bounds() -> None:
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        GpuPool(id="p", role="training", node_count=0, instance_type="p5.48xlarge")
    with pytest.raises(ValidationError, match="min_node_count"):
        GpuPool(id="p", role="training", node_count=2, min_node_count=3, instance_type="p5.48xlarge")
    with pytest.raises(ValidationError, match="workload describes training"):
        GpuPool(
            id="p",
            role="inference",
            node_count=2,
            instance_type="g6e.48xlarge",
            workload=TrainingWorkload(parameters_billion=7),
        )
    with pytest.raises(ValidationError):
        TrainingWorkload(parameters_billion=-1)


def test_training_pool_rules() -> None:
    pool = GpuPool(id="p", role="training", node_count=4, instance_type="p5.48xlarge")
    messages = [d.message for d in pool.check()]
    assert any("needs a fabric" in m for m in messages)
    assert any("must join a cluster" in m for m in messages)


def test_cpu_pools_need_no_fabric() -> None:
    cpu = CpuPool(id="c", role="training", node_count=8, instance_type="c7i.48xlarge", cluster="eks")
    assert cpu.check() == []


def test_cluster_needs_network_and_onprem_needs_private_cloud() -> None:
    codes = [d.message for d in KubernetesCluster(id="k", provider="onprem").check()]
    assert len(codes) == 2
    with pytest.raises(ValidationError, match="pattern"):
        KubernetesCluster(id="k", provider="eks", version="v1.31")
