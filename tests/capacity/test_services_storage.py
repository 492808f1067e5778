"""File systems whose throughput need is met by over-provisioning capacity are flagged in `estimate`."""

from __future__ import annotations

import pytest

from aifab.blueprints import FileSystem, GpuPool, Site, TrainingWorkload
from aifab.capacity import DesignEstimate, estimate_design
from aifab.design.design import Design


def _estimate(per_unit: int, capacity_tib: float) -> DesignEstimate:
    site = Site(id="va", provider="aws", region="us-east-1")
    fs = FileSystem(
        id="scratch",
        engine="fsx-lustre",
        deployment_type="PERSISTENT_2",
        per_unit_throughput_mbps_per_tib=per_unit,
        capacity_tib=capacity_tib,
        site=site,
    )
    # 4 x p5.48xlarge = 32 GPUs x 0.5 GB/s = 16 GB/s of reads; 7B x 14 B / 300 s = 0.33 GB/s of writes
    pool = GpuPool(
        id="train",
        role="training",
        instance_type="p5.48xlarge",
        node_count=4,
        scratch=(fs,),
        workload=TrainingWorkload(parameters_billion=7),
        site=site,
    )
    return estimate_design(Design(name="fs", components=[site, fs, pool]))


def test_throughput_bought_with_capacity_is_flagged() -> None:
    # 131.25 TiB (56 x 2.34375) x 125 MB/s/TiB = 16.4 GB/s; at 1000 MB/s/TiB 16.40625 TiB (7 steps) gives it
    est = _estimate(125, 131.25)
    (d,) = [f for f in est.findings if f.code == "capacity-fsx-overprovisioned"]
    assert d.severity == "warning" and d.component == "scratch"
    assert "need of 16 GB/s" in d.message and "At 1000 MB/s/TiB, capacity_tib 16.40625" in d.message
    assert any("over-provisioned for throughput" in n for n in est.file_system("scratch").notes)


def test_a_faster_tier_of_the_needed_size_is_not_flagged() -> None:
    est = _estimate(1000, 16.40625)
    assert est.file_system("scratch").throughput_gbs == pytest.approx(16.40625)
    assert not [f for f in est.findings if f.code == "capacity-fsx-overprovisioned"]
    # capacity above the need but within twice what the faster tier needs: the data may need it
    near = _estimate(500, 35.15625)  # 15 steps x 500 = 17.6 GB/s; 1000 tier needs 16.4 TiB, x 2 = 32.8 < 35.2
    assert [f.code for f in near.findings if f.code == "capacity-fsx-overprovisioned"] == [
        "capacity-fsx-overprovisioned"
    ]
    fine = _estimate(500, 32.8125)  # 14 steps: 16.4 GB/s at 500; 32.81 <= 2 x 16.41
    assert not [f for f in fine.findings if f.code == "capacity-fsx-overprovisioned"]
