"""CPU-only pools estimated by hand (tests/capacity/fixtures/cpu_pools.yaml); the arithmetic is in the comments.

Catalogue facts used: c7i.48xlarge 192 vCPU, 384 GiB, 0.823 kW (assumption), 8.568 USD/h in us-east-1
(2026-01-19); m7i.48xlarge 192 vCPU, 768 GiB, 0.973 kW, 9.6768 USD/h; cpu-2s-2u 192 vCPU, 1.0 kW, 2U;
p5.48xlarge 8 x h100-sxm (700 W), 192 vCPU, EFA 3200 Gb/s, 55.04 USD/h; us-east-1 PUE 1.15, 323.05 g/kWh (zone US-VA);
grid zone GB 105.94 g/kWh. Options at their defaults: utilisation 0.8, host overhead 1.8, management 3 %
of on-prem compute, 8760 h.
"""

from __future__ import annotations

import pytest

from aifab.capacity import DesignEstimate, estimate_design
from aifab.validate import validate

from .conftest import fixture_design


@pytest.fixture(scope="module")
def est() -> DesignEstimate:
    return estimate_design(fixture_design("cpu_pools.yaml"))


def test_fixture_is_a_valid_design() -> None:
    result = validate(fixture_design("cpu_pools.yaml"))
    assert result.valid, [str(d) for d in result.errors]


def test_totals_count_cpu_nodes_apart_from_gpus(est: DesignEstimate) -> None:
    # GPUs: only train, 2 x 8 = 16; nodes 3 + 2 + 2 + 10 = 17, of which 3 + 2 + 10 = 15 are CPU-only
    # vCPUs of the CPU-only pools: 3 x 192 + 2 x 192 + 10 x 192 = 2,880 (train's 384 host vCPUs are not counted)
    assert (est.gpus, est.nodes, est.cpu_nodes, est.cpu_vcpus) == (16, 17, 15, 2880)
    assert est.explain["gpus"] == "train 16 = 16 GPUs"
    assert est.findings == ()


def test_cpu_pool_has_no_gpu_figures(est: DesignEstimate) -> None:
    prep = est.pool("prep")
    assert (prep.accelerator, prep.accelerators_per_node, prep.gpus) == (None, 0, 0)
    assert (prep.vcpus_per_node, prep.vcpus) == (192, 576)
    assert prep.compute == () and prep.allreduce == () and prep.peak_dense_tflops_per_gpu == {}
    assert (prep.scale_up_link, prep.nic_gbps_per_gpu, prep.training) == (None, None, None)
    assert prep.expected.gemm_tflops_per_gpu is None and prep.expected.allreduce_busbw_gbs_1gib is None
    # it still mounts its FSx: 4.6875 TiB x 500 MB/s/TiB = 2.34375 GB/s available, nothing needed
    assert prep.expected.storage_read_gbs == pytest.approx(2.34375)
    assert prep.storage.read_gbs_needed is None
    # the GPU pool next to it keeps its GPU figures
    assert est.pool("train").expected.gemm_tflops_per_gpu == pytest.approx(692.58)


def test_cpu_pool_power_and_price(est: DesignEstimate) -> None:
    prep = est.pool("prep")
    # 3 x 0.823 kW = 2.469 kW (catalogue max_power_kw, an assumption, said so in a note)
    assert (prep.power_basis, prep.node_power_kw) == ("instance-max", 0.823)
    assert prep.power_kw == pytest.approx(2.469)
    assert any("max_power_kw is a catalogue estimate (assumption, low confidence)" in n for n in prep.notes)
    # 3 x 8.568 = 25.704 USD/h
    assert prep.usd_per_hour == pytest.approx(25.704)
    assert prep.price is not None and prep.price.as_of is not None and prep.price.as_of.isoformat() == "2026-01-19"
    services = est.pool("services")
    # on-prem: 10 x 1.0 kW (cpu-2s-2u max), owned, so no price
    assert (services.power_basis, services.power_kw, services.price) == ("node-model-max", 10.0, None)


def test_cloud_site_energy_carbon_and_cost(est: DesignEstimate) -> None:
    site = est.site("virginia")
    # IT = 3 x 0.823 (prep) + 2 x 8 x 700 W x 1.8 (train) + 2 x 0.973 (tokenise) = 2.469 + 20.16 + 1.946 = 24.575 kW
    assert site.it_power_kw == pytest.approx(24.575)
    assert (site.gpus, site.cpu_nodes, site.nodes) == (16, 5, 7)
    # facility 24.575 x 1.15 = 28.26125 kW; energy 24.575 x 0.8 x 8760 x 1.15 / 1000 = 198.05484 MWh
    assert site.facility_power_kw == pytest.approx(28.26125)
    assert site.annual_energy_mwh == pytest.approx(198.05484)
    # carbon 198.05484 MWh x 323.05 g/kWh / 1000 = 63.9816 t
    assert site.annual_co2e_t == pytest.approx(198.05484 * 323.05 / 1000)
    # cost 25.704 (prep) + 2 x 55.04 (train) + 2 x 9.6768 (tokenise) = 155.1376 USD/h
    assert site.cost_usd_per_hour == pytest.approx(155.1376)
    assert site.cost_complete is True


def test_on_prem_cpu_servers_rack_and_draw_energy(est: DesignEstimate) -> None:
    hall = est.site("hall")
    # IT = 10 x 1.0 kW + 3 % management 0.3 kW = 10.3 kW; facility x 1.25 = 12.875 kW of a 50 kW budget
    assert hall.it_power_kw == pytest.approx(10.3)
    assert hall.facility_power_kw == pytest.approx(12.875)
    assert hall.headroom_kw == pytest.approx(37.125)
    # racks: min(20 kW / 1.0 kW = 20 by power, 42U / 2U = 21 by space) = 20 per rack -> 1 rack, power-limited
    [group] = hall.rack_detail
    assert (group.hardware, group.nodes_per_rack, group.racks, group.limited_by) == ("cpu-2s-2u", 20, 1, "power")
    assert est.racks == 1
    # energy 10.3 x 0.8 x 8760 x 1.25 / 1000 = 90.228 MWh; carbon x 105.94 g/kWh = 9.5588 t
    assert hall.annual_energy_mwh == pytest.approx(90.228)
    assert hall.annual_co2e_t == pytest.approx(90.228 * 105.94 / 1000)
    # energy cost per kW of IT: 0.8 x 1.25 x 100 USD/MWh / 1000 = 0.1 USD/h -> services 1.0 + management 0.03
    assert hall.cost_usd_per_hour == pytest.approx(1.03)
    assert est.cost_per_hour_usd == pytest.approx(155.1376 + 1.03)


def test_cpu_pools_are_left_out_of_fabric_sizing(est: DesignEstimate) -> None:
    efa = est.fabric_estimate("efa")
    # only train's 2 nodes x 3,200 Gb/s = 6.4 Tb/s of injection; tokenise links the fabric but has no rails
    assert (efa.pools, efa.nodes, efa.rails) == (("train",), 2, 8)
    assert sum(c.aggregate_injection_tbps for c in efa.cloud) == pytest.approx(6.4)
    assert any("'tokenise' is CPU-only" in n for n in efa.notes)


def test_json_keeps_gpu_keys_and_adds_cpu_ones(est: DesignEstimate) -> None:
    data = est.to_json()
    assert {"gpus", "nodes", "cpu_nodes", "cpu_vcpus"} <= set(data)
    prep = next(p for p in data["pools"] if p["id"] == "prep")
    assert {"gpus", "vcpus", "vcpus_per_node", "expected", "accelerator"} <= set(prep)
    assert prep["accelerator"] is None and prep["gpus"] == 0


def test_serving_and_workload_on_a_cpu_pool_are_noted_not_estimated() -> None:
    from aifab.blueprints import CpuPool, ModelServing, Site, TrainingWorkload
    from aifab.capacity import capacity_findings
    from aifab.design.design import Design

    site = Site(id="virginia", provider="aws", region="us-east-1")
    pool = CpuPool(
        id="cpu", role="training", instance_type="m7i.24xlarge", node_count=1, site="virginia",
        workload=TrainingWorkload(parameters_billion=1),
    )  # fmt: skip
    serving = ModelServing(id="serve", pool="cpu", model_parameters_billion=1, site="virginia")
    design = Design(name="t", components=[site, pool, serving])
    cpu = estimate_design(design).pool("cpu")
    assert (cpu.training, cpu.serving, cpu.power_kw) == (None, (), 0.487)
    assert any("workload describes accelerator training" in n for n in cpu.notes)
    assert any("serving 'serve' runs on CPU-only nodes" in n for n in cpu.notes)
    assert [f for f in capacity_findings(design) if f.code == "capacity-check-failed"] == []
