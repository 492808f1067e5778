"""eks-gpu-platform: a VPC, an EKS cluster and the pools that join it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from aifab.blueprints import CpuPool, GpuPool
from aifab.blueprints.composites import EksGpuPlatform

POOLS = (
    GpuPool(id="explore", role="training", instance_type="p5.48xlarge", node_count=2),
    GpuPool(id="infer", role="inference", instance_type="g6e.48xlarge", node_count=4, placement="spread"),
    CpuPool(id="prep", role="general", instance_type="c7i.48xlarge", node_count=4, volumes_encrypted_by="other"),
)


def test_expands_into_wired_network_cluster_fabric_and_pools() -> None:
    platform = EksGpuPlatform(
        id="exp",
        cidr="10.40.0.0/16",
        availability_zones=3,
        efa_link_gbps=3200,
        encrypted_by="kms",
        site="london",
        environment="dev",
        pools=POOLS,
    )
    vpc, eks, efa, explore, infer, prep = platform.expand()
    assert (vpc.id, vpc.availability_zones, eks.id, eks.network, efa.id) == (
        "vpc-exp",
        3,
        "eks-exp",
        "vpc-exp",
        "efa-exp",
    )
    assert eks.secrets_encrypted_by == "kms" and all(c.environment == "dev" for c in platform.expand())
    assert (explore.cluster, explore.fabric, explore.volumes_encrypted_by) == ("eks-exp", "efa-exp", "kms")
    assert infer.fabric is None and infer.placement == "spread"  # inference pools need no fabric
    assert prep.volumes_encrypted_by == "other"  # a member's own settings win
    assert explore.scratch == () and EksGpuPlatform(id="p", network="n", scratch=("fsx",), pools=POOLS).expand()[
        1
    ].scratch == ("fsx",)


def test_an_existing_network_makes_no_vpc() -> None:
    platform = EksGpuPlatform(id="serve", network="vpc-prod", pools=POOLS[1:2])
    assert [c.id for c in platform.expand()] == ["eks-serve", "infer"]
    assert platform.ref() == "eks-serve"


def test_needs_exactly_one_network() -> None:
    with pytest.raises(ValidationError, match="exactly one of cidr"):
        EksGpuPlatform(id="x", cidr="10.0.0.0/16", network="vpc")
    with pytest.raises(ValidationError) as caught:
        EksGpuPlatform(id="x", cidr="8.8.0.0/16")
    assert caught.value.errors()[0]["loc"] == ("cidr",)
