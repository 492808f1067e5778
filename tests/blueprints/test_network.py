from __future__ import annotations

import pytest
from pydantic import ValidationError

from aifab.blueprints import Fabric, Network


def test_link_speed_must_exist_for_the_technology() -> None:
    with pytest.raises(ValidationError, match="not a infiniband link speed"):
        Fabric(id="f", technology="infiniband", link_gbps=300, switch_model="quantum-2-qm9700")
    with pytest.raises(ValidationError, match="must be > 0"):
        Fabric(id="f", technology="infiniband", link_gbps=-400)


def test_efa_is_cloud_managed_without_switches() -> None:
    with pytest.raises(ValidationError, match="cloud-managed"):
        Fabric(id="f", technology="efa", link_gbps=3200)
    with pytest.raises(ValidationError, match="no switch_model"):
        Fabric(id="f", technology="efa", link_gbps=3200, topology="cloud-managed", switch_model="x")
    with pytest.raises(ValidationError, match="only for 'efa'"):
        Fabric(id="f", technology="roce", link_gbps=400, topology="cloud-managed")


def test_fat_tree_needs_a_switch_model() -> None:
    assert [d.code for d in Fabric(id="f", technology="roce", link_gbps=400).check()] == ["fabric-switch-unspecified"]


def test_oversubscription_bounds() -> None:
    with pytest.raises(ValidationError):
        Fabric(id="f", technology="infiniband", link_gbps=400, oversubscription=0.5)


@pytest.mark.parametrize(
    ("cidr", "message"),
    [
        ("10.0.0.1/16", "IPv4 network"),
        ("8.8.0.0/16", "private"),
        ("10.0.0.0/28", "between /8 and /24"),
        ("nonsense", "IPv4 network"),
    ],
)
def test_network_cidr(cidr: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Network(id="n", provider="aws", cidr=cidr)


def test_subnets_must_fit() -> None:
    with pytest.raises(ValidationError, match="do not fit"):
        Network(
            id="n",
            provider="aws",
            cidr="10.0.0.0/22",
            availability_zones=3,
            private_subnet_prefix=24,
            public_subnets=True,
        )
    Network(
        id="n", provider="aws", cidr="10.0.0.0/22", availability_zones=2, private_subnet_prefix=24, public_subnets=True
    )
