"""Properties: every total grows (or stays) when a pool grows; the estimate is linear where it should be."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifab.blueprints import Fabric, FileSystem, GpuPool, Site, TrainingWorkload
from aifab.capacity import DesignEstimate, estimate_design
from aifab.design.design import Design


def design(onprem_nodes: int, cloud_nodes: int) -> Design:
    hall = Site(
        id="hall", provider="colo", country="GB", grid_zone="GB", power_budget_kw=500_000, cooling="direct-liquid",
        max_kw_per_rack=40, pue=1.3, energy_usd_per_mwh=150,
    )  # fmt: skip
    va = Site(id="va", provider="aws", region="us-east-1")
    ib = Fabric(id="ib", technology="infiniband", link_gbps=400, switch_model="quantum-2-qm9700", site=hall)
    efa = Fabric(id="efa", technology="efa", link_gbps=3200, topology="cloud-managed", site=va)
    fs = FileSystem(id="fs", engine="lustre", capacity_tib=1000, throughput_gbs=20_000, encryption="none", site=hall)
    train = GpuPool(
        id="train", role="training", node_model="dgx-h100", node_count=onprem_nodes, fabric=ib, scratch=(fs,),
        workload=TrainingWorkload(parameters_billion=70), site=hall,
    )  # fmt: skip
    cloud = GpuPool(
        id="cloud", role="training", instance_type="p5.48xlarge", node_count=cloud_nodes, fabric=efa, site=va
    )
    return Design(name="mono", components=[hall, va, ib, efa, fs, train, cloud])


TOTALS = (
    "gpus", "nodes", "it", "facility", "racks", "mwh", "co2", "cost",
    "leaf", "spine", "core", "switches", "cables", "transceivers", "bisection",
)  # fmt: skip


def totals(e: DesignEstimate) -> tuple[float, ...]:
    f = e.fabric
    return (
        e.gpus, e.nodes, e.it_power_kw, e.facility_power_kw, e.racks, e.annual_energy_mwh, e.annual_co2e_t,
        e.cost_per_hour_usd, f.leaf, f.spine, f.core, f.switches, f.cables, f.transceivers, f.bisection_tbps,
    )  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(
    onprem=st.integers(min_value=1, max_value=4000),
    extra=st.integers(min_value=0, max_value=600),
    cloud=st.integers(min_value=1, max_value=64),
    cloud_extra=st.integers(min_value=0, max_value=64),
)
def test_totals_are_monotonic_in_node_count(onprem: int, extra: int, cloud: int, cloud_extra: int) -> None:
    small = estimate_design(design(onprem, cloud))
    big = estimate_design(design(onprem + extra, cloud + cloud_extra))
    assert small.findings == () and big.findings == ()
    for name, a, b in zip(TOTALS, totals(small), totals(big), strict=True):
        assert b >= a - 1e-9, f"{name} fell from {a} to {b}"


@pytest.mark.parametrize("nodes", [1, 32, 512])
def test_compute_power_and_cost_scale_linearly(nodes: int) -> None:
    one = estimate_design(design(1, 1))
    many = estimate_design(design(nodes, nodes))
    assert many.site("hall").compute_kw == pytest.approx(one.site("hall").compute_kw * nodes)
    assert many.pool("cloud").usd_per_hour == pytest.approx((one.pool("cloud").usd_per_hour or 0) * nodes)
    assert many.gpus == one.gpus * nodes
