"""A small design estimated by hand (tests/capacity/fixtures/small.yaml); the arithmetic is in the comments.

Catalogue facts used: dgx-h100 8 x h100-sxm, 10.2 kW max, 8U, 8 x 400 Gb/s NICs; h100-sxm bf16 989.4 TFLOP/s,
NVLink 900 GB/s bidirectional, 700 W; quantum-2-qm9700 radix 64 at 400 Gb/s, 1720 W, 1U; p5.48xlarge
8 x h100-sxm, EFA 3200 Gb/s, 55.04 USD/h in us-east-1 (2026-07-20); us-east-1 PUE 1.15, 323.05 g/kWh (zone US-VA);
grid zone GB 105.94 g/kWh. Options at their defaults: utilisation 0.8, GEMM efficiency 0.7,
host overhead 1.8, management 3 % of compute, storage 0.03 kW per GB/s, 8760 h.
"""

from __future__ import annotations

import math

import pytest

from aifab.capacity import DesignEstimate, EstimateOptions, estimate_design

from .conftest import fixture_design

GIB = 2**30


@pytest.fixture(scope="module")
def est() -> DesignEstimate:
    return estimate_design(fixture_design("small.yaml"))


def test_pool_compute_and_training(est: DesignEstimate) -> None:
    train = est.pool("train")
    # 4 nodes x 8 = 32 GPUs; GEMM 989.4 x 0.7 = 692.58 TFLOP/s per GPU
    assert (train.nodes, train.gpus) == (4, 32)
    assert train.expected.gemm_tflops_per_gpu == pytest.approx(692.58)
    assert train.expected.gemm_dtype == "bf16"
    # pool peak bf16 = 32 x 989.4 = 31,660.8 TFLOP/s = 31.6608 PFLOP/s
    bf16 = next(r for r in train.compute if r.dtype == "bf16")
    assert bf16.pool_peak_pflops == pytest.approx(31.6608)
    # training: 6 x 7e9 x 100e9 = 4.2e21 FLOPs / (32 x 989.4e12 x 0.4) = 331,640.8 s = 3.8384 days
    assert train.training is not None
    assert train.training.time_s == pytest.approx(4.2e21 / (32 * 989.4e12 * 0.4))
    assert train.training.time_days == pytest.approx(3.8384, abs=1e-4)


def test_pool_all_reduce(est: DesignEstimate) -> None:
    train = est.pool("train")
    # NVLink 900 / 2 = 450 GB/s per direction; NIC 8 x 400 / 8 = 400 Gb/s per GPU
    assert train.scale_up_gbs_per_direction == 450
    assert train.nic_gbps_per_gpu == 400
    # 1 GiB: NCCL's tuner picks ring / Simple (aifab.models.collectives; tree and NVLS tree are slower here)
    # peak busbw = min(450 x 0.82 = 369, 8 rails x 400 / 8 x 0.94 InfiniBand / 1 = 376) = 369 GB/s (NVLink-bound)
    # ring over 32 ranks, Simple: 62 steps, 2 x 4 = 8 across nodes; latency (8.4 + 54 x 3.4 + 8 x 14.0) x 1.4
    # = 425.6 us; wire time 1 GiB x 2 x 31/32 / 369 GB/s = 5,637.9 us; busbw = 1 GiB / 6,063.5 us x 1.9375
    latency_us = (8.4 + 54 * 3.4 + 8 * 14.0) * 1.4
    wire_us = GIB * 1.9375 / 369 / 1e3
    busbw = GIB / (latency_us + wire_us) / 1e3 * 1.9375
    assert train.expected.allreduce_busbw_gbs_1gib == pytest.approx(busbw)
    assert train.expected.allreduce_busbw_gbs_1gib == pytest.approx(343.10, abs=0.01)
    assert [p.message_bytes for p in train.allreduce] == list(EstimateOptions().allreduce_sweep_bytes)
    first, last = train.allreduce[0], train.allreduce[-1]
    assert (first.bound, first.algorithm, first.protocol) == ("latency", "tree", "LL")
    assert (last.bound, last.algorithm, last.protocol) == ("nvlink", "ring", "Simple")


def test_pool_storage(est: DesignEstimate) -> None:
    st = est.pool("train").storage
    # reads: 32 GPUs x 0.5 GB/s = 16 GB/s; checkpoint 7e9 x 14 B = 98 GB / 60 s = 1.6333 GB/s; Lustre gives 50
    assert st.read_gbs_needed == pytest.approx(16.0)
    assert st.checkpoint_gb == pytest.approx(98.0)
    assert st.write_gbs_needed == pytest.approx(98 / 60)
    assert (st.read_gbs_available, st.read_fits, st.write_fits) == (50.0, True, True)
    # the cloud pool's FSx: 4.6875 TiB x 500 MB/s/TiB = 2,343.75 MB/s = 2.34375 GB/s; no workload, nothing needed
    cloud = est.pool("cloud")
    assert cloud.expected.storage_read_gbs == pytest.approx(2.34375)
    assert cloud.storage.read_gbs_needed is None


def test_fabrics(est: DesignEstimate) -> None:
    ib = est.fabric_estimate("ib")
    # one SU (a full leaf: 32 nodes) x 8 rails = 8 leaves; 32 uplinks each spread over the smallest S | 32 with
    # S x 64 >= 8 x 32 -> S = 4 spines; 12 switches. Cables 4 x 8 = 32 node-leaf + 8 x 32 = 256 leaf-spine = 288;
    # transceivers 2 x 288 = 576; bisection 1/2 x 8 rails x min(4 nodes, 32) x 400 Gb/s = 6.4 Tb/s
    assert (ib.leaf, ib.spine, ib.core, ib.switches) == (8, 4, 0, 12)
    assert (ib.cables, ib.transceivers) == (288, 576)
    assert ib.bisection_tbps == pytest.approx(6.4)
    # 12 x 1.72 kW = 20.64 kW, 12U
    assert ib.switch_power_kw == pytest.approx(20.64)
    assert ib.switch_rack_units == 12
    efa = est.fabric_estimate("efa")
    # EFA: the provider's; 2 nodes x 3200 Gb/s = 6.4 Tb/s injection, 400 Gb/s per GPU
    assert (efa.switches, efa.bisection_tbps) == (0, None)
    assert efa.cloud[0].aggregate_injection_tbps == pytest.approx(6.4)
    assert efa.cloud[0].per_gpu_injection_gbps == pytest.approx(400)
    assert (est.fabric.leaf, est.fabric.spine, est.fabric.cables) == (8, 4, 288)


def test_on_prem_site(est: DesignEstimate) -> None:
    hall = est.site("hall")
    # IT = 4 x 10.2 (40.8) + 12 x 1.72 (20.64) + storage 50 GB/s x 0.03 (1.5) + management 3 % x 40.8 (1.224)
    #    = 64.164 kW; facility x 1.25 = 80.205 kW; headroom 200 - 80.205 = 119.795 kW (59.8975 %)
    assert hall.compute_kw == pytest.approx(40.8)
    assert hall.network_kw == pytest.approx(20.64)
    assert hall.storage_kw == pytest.approx(1.5)
    assert hall.management_kw == pytest.approx(1.224)
    assert hall.it_power_kw == pytest.approx(64.164)
    assert hall.facility_power_kw == pytest.approx(80.205)
    assert hall.headroom_kw == pytest.approx(119.795)
    assert hall.headroom_pct == pytest.approx(59.8975)
    assert hall.fits_power_budget is True
    # racks at 40 kW: floor(40 / 10.2) = 3 by power, floor(42U / 8U) = 5 by space -> 3 per rack (30.6 kW);
    # ceil(4 / 3) = 2 compute racks; network max(ceil(12U / 42U), ceil(20.64 / 40)) = 1 -> 3 racks
    (rack,) = hall.rack_detail
    assert (rack.hardware, rack.pools, rack.nodes) == ("dgx-h100", ("train",), 4)
    assert (rack.nodes_per_rack, rack.racks, rack.limited_by) == (3, 2, "power")
    assert rack.rack_density_kw == pytest.approx(30.6)
    assert (hall.compute_racks, hall.network_racks, hall.racks) == (2, 1, 3)
    # energy 64.164 kW x 0.8 x 8760 h x 1.25 / 1000 = 562.07664 MWh; carbon x 105.94 g/kWh / 1000 = 59.5464 t
    assert hall.annual_energy_mwh == pytest.approx(64.164 * 0.8 * 8760 * 1.25 / 1000)
    assert hall.annual_energy_mwh == pytest.approx(562.07664)
    assert hall.annual_co2e_t == pytest.approx(562.07664 * 105.94 / 1000)
    # energy cost 64.164 kW x 0.8 x 1.25 x 100 USD/MWh / 1000 = 6.4164 USD/h, split by component
    assert hall.cost_usd_per_hour == pytest.approx(6.4164)
    assert hall.cost_complete is True
    assert "IT load = 4 nodes x 10.2 kW (train, dgx-h100) + 12 switches x 1.72 kW (ib)" in hall.explain["it_power_kw"]


def test_cloud_site(est: DesignEstimate) -> None:
    va = est.site("virginia")
    # the provider's power, estimated: 2 nodes x 8 x 700 W x 1.8 = 20.16 kW; x PUE 1.15 = 23.184 kW
    assert va.power_owner == "provider"
    assert va.it_power_kw == pytest.approx(20.16)
    assert va.facility_power_kw == pytest.approx(23.184)
    assert (va.racks, va.power_budget_kw) == (None, None)
    # energy 20.16 x 0.8 x 8760 x 1.15 / 1000 = 162.473472 MWh; carbon x 323.05 / 1000 = 52.487 t
    assert va.annual_energy_mwh == pytest.approx(162.473472)
    assert va.annual_co2e_t == pytest.approx(162.473472 * 323.05 / 1000)
    # cost: 2 x 55.04 USD/h on-demand, as of 2026-07-20
    cloud = est.pool("cloud")
    assert cloud.price is not None and cloud.price.known
    assert cloud.price.as_of is not None and cloud.price.as_of.isoformat() == "2026-07-20"
    assert cloud.usd_per_hour == pytest.approx(110.08)
    assert va.cost_usd_per_hour == pytest.approx(110.08)


def test_totals(est: DesignEstimate) -> None:
    assert (est.gpus, est.nodes, est.racks) == (48, 6, 3)
    assert est.it_power_kw == pytest.approx(64.164 + 20.16)
    assert est.it_power_kw_onprem == pytest.approx(64.164)
    assert est.it_power_kw_cloud_estimate == pytest.approx(20.16)
    assert est.facility_power_kw == pytest.approx(80.205 + 23.184)
    assert est.annual_energy_mwh == pytest.approx(562.07664 + 162.473472)
    assert est.annual_co2e_t == pytest.approx((562.07664 * 105.94 + 162.473472 * 323.05) / 1000)
    assert est.cost_per_hour_usd == pytest.approx(110.08 + 6.4164)
    assert est.cost_per_year_usd == pytest.approx((110.08 + 6.4164) * 8760)
    assert est.cost_complete and est.carbon_complete
    assert est.findings == ()


def test_cost_breakdown_sums_to_total_by_component(est: DesignEstimate) -> None:
    items = {c.component: c for c in est.cost_breakdown}
    assert set(items) == {
        "pool cloud",
        "energy: pool train",
        "energy: fabric ib",
        "energy: storage",
        "energy: management",
    }
    # train's energy: 40.8 kW x 0.8 x 1.25 x 100 / 1000 = 4.08 USD/h
    assert items["energy: pool train"].usd_per_hour == pytest.approx(4.08)
    assert sum(c.usd_per_hour for c in est.cost_breakdown) == pytest.approx(est.cost_per_hour_usd)
    assert sum(c.share_pct for c in est.cost_breakdown) == pytest.approx(100)
    assert est.cost_breakdown[0].component == "pool cloud"  # largest first


def test_options_change_the_numbers() -> None:
    design = fixture_design("small.yaml")
    base = estimate_design(design)
    half = estimate_design(design, options=EstimateOptions(utilisation=0.4))
    assert half.annual_energy_mwh == pytest.approx(base.annual_energy_mwh / 2)
    assert half.it_power_kw == pytest.approx(base.it_power_kw)
    assert half.options.utilisation == 0.4
    assert {a.name: a.value for a in half.assumptions}["utilisation"] == 0.4
    # no management overhead: the hall's IT drops by 1.224 kW
    lean = estimate_design(design, options=EstimateOptions(management_fraction_of_compute=0))
    assert base.site("hall").it_power_kw - lean.site("hall").it_power_kw == pytest.approx(1.224)


def test_serving_replicas_and_tokens() -> None:
    from aifab.blueprints import GpuPool, ModelServing, Site
    from aifab.design.design import Design

    site = Site(id="va", provider="aws", region="us-east-1")
    pool = GpuPool(id="infer", role="inference", instance_type="g6e.48xlarge", node_count=2, site=site)
    serve = ModelServing(id="chat", pool=pool, max_replicas=3, model_parameters_billion=70, site=site)
    est = estimate_design(Design(name="serve", components=[site, pool, serve]))
    (s,) = est.pool("infer").serving
    # 70e9 x 2 B = 140 GB x 1.2 = 168 GB; l40s 48 GB -> 4 GPUs per replica (192 GB); 2 nodes x 8 / 4 = 4 fit,
    # max_replicas 3 -> 3. Decode ceiling: 4 x 0.864 TB/s x 0.8 / 140 GB = 19.75 tokens/s per replica
    assert (s.weights_gb, s.accelerators_per_replica, s.replicas_that_fit, s.replicas) == (140.0, 4, 4, 3)
    assert s.capacity is not None and s.capacity.bound == "memory_bandwidth"
    assert s.capacity.tokens_per_s_per_replica == pytest.approx(4 * 0.864e12 * 0.8 / 140e9)
    assert s.capacity.tokens_per_s_total == pytest.approx(3 * 4 * 0.864e12 * 0.8 / 140e9)
    assert math.isclose(s.capacity.model_bytes, 140e9)
