"""gpu-scalable-unit: a GPU pool on its own fabric."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from aifab.blueprints import Fabric, GpuPool
from aifab.blueprints.composites import GpuScalableUnit


def unit(**settings: object) -> GpuScalableUnit:
    base: dict[str, object] = dict(
        id="su1",
        node_model="dgx-h100",
        node_count=32,
        technology="infiniband",
        link_gbps=400,
        switch_model="quantum-2-qm9700",
        cluster="k8s",
        site="hall",
        inside="uk",
        environment="prod",
    )
    return GpuScalableUnit(**{**base, **settings})


def test_expands_into_a_pool_on_its_fabric() -> None:
    fabric, pool = unit().expand()
    assert isinstance(fabric, Fabric) and isinstance(pool, GpuPool)
    assert (fabric.id, pool.id, pool.fabric, pool.cluster) == ("ib-su1", "su1", "ib-su1", "k8s")
    assert fabric.scalable_unit_nodes == 32 and fabric.topology == "rail-optimised-fat-tree"
    # switched fabric in the hall is shared; the pool belongs to its environment
    assert (fabric.environment, pool.environment, fabric.site, fabric.inside) == (None, "prod", "hall", "uk")


def test_efa_unit_is_cloud_managed_and_belongs_to_the_environment() -> None:
    fabric, _pool = unit(
        node_model=None, instance_type="p5.48xlarge", technology="efa", link_gbps=3200, switch_model=None
    ).expand()
    assert (fabric.id, fabric.topology, fabric.scalable_unit_nodes, fabric.environment) == (
        "efa-su1",
        "cloud-managed",
        None,
        "prod",
    )


def test_ids_override_and_link_to_the_unit() -> None:
    su = unit(ids={"fabric": "ib-ndr"})
    assert [c.id for c in su.expand()] == ["ib-ndr", "su1"]
    assert su.ref() == "su1" and su.ref("fabric") == "ib-ndr"
    with pytest.raises(ValidationError, match="ids names unknown parts 'fabrik'"):
        unit(ids={"fabrik": "x"})


def test_a_value_a_part_rejects_is_reported_at_the_parameter() -> None:
    with pytest.raises(ValidationError) as caught:
        unit(node_count=0)
    (error,) = caught.value.errors()
    assert error["loc"] == ("node_count",)
    assert "fabric 'ib-su1'" in error["msg"]
