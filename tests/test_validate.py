"""validate(): the catalogue checks — pools on the right kind of hardware, stated accelerators that match."""

from __future__ import annotations

from pathlib import Path

import pytest

from aifab.blueprints import AcceleratorPool, CpuPool, GpuPool, KubernetesCluster, Network, Site
from aifab.blueprints.compute import ComputePool
from aifab.catalogue import load_catalogue
from aifab.design.design import Design
from aifab.errors import Diagnostic
from aifab.validate import validate

CPU_TYPES = [
    "c7a.48xlarge",
    "c7i.24xlarge",
    "c7i.48xlarge",
    "m7i.12xlarge",
    "m7i.24xlarge",
    "m7i.48xlarge",
    "r7a.48xlarge",
]


def _design(pool: ComputePool) -> Design:
    site = Site(id="virginia", provider="aws", region="us-east-1")
    vpc = Network(id="vpc", provider="aws", cidr="10.0.0.0/16", site=site)
    eks = KubernetesCluster(id="eks", provider="eks", network=vpc, site=site)
    return Design(name="t", components=[site, vpc, eks, pool.model_copy(update={"cluster": "eks", "site": "virginia"})])


def _problems(pool: ComputePool, code: str = "hardware-kind-mismatch") -> list[Diagnostic]:
    return [d for d in validate(_design(pool)).diagnostics if d.code == code]


@pytest.mark.parametrize(
    "pool",
    [
        CpuPool(id="p", role="general", instance_type="c7i.48xlarge", node_count=2),
        CpuPool(id="p", role="general", node_model="cpu-2s-2u", node_count=2),
        GpuPool(id="p", role="inference", instance_type="g6e.48xlarge", node_count=1),
        GpuPool(id="p", role="training", node_model="dgx-h100", node_count=1),
        AcceleratorPool(id="p", role="inference", instance_type="inf2.xlarge", node_count=1),
    ],
    ids=lambda p: f"{p.kind}-{p.instance_type or p.node_model}",
)
def test_pools_on_their_own_kind_of_hardware_are_valid(pool: ComputePool) -> None:
    result = validate(_design(pool))
    assert result.valid, [str(d) for d in result.errors]


def test_cpu_pool_on_a_gpu_instance_type() -> None:
    [d] = _problems(CpuPool(id="prep", role="general", instance_type="g6.xlarge", node_count=2))
    assert (d.component, d.category, d.severity) == ("prep", "design", "error")
    assert d.message.startswith(
        "instance_type 'g6.xlarge' carries 1 x l4 (gpu), but a cpu_pool needs a CPU-only instance type"
    )
    # five CPU-only types of the catalogue are offered, the rest counted, and the other way out
    offered = d.message.split("use one such as ", 1)[1].split(";")[0]
    suggested = offered.split(" (", 1)[0].split(", ")
    assert len(suggested) == 5 and set(suggested) <= set(CPU_TYPES)
    assert offered.endswith(f" ({len(CPU_TYPES) - 5} more in the catalogue)")
    assert d.message.endswith("; or make this a gpu_pool")


def test_gpu_pool_on_a_cpu_only_instance_type() -> None:
    [d] = _problems(GpuPool(id="infer", role="inference", instance_type="c7i.48xlarge", node_count=1))
    assert d.message.startswith(
        "instance_type 'c7i.48xlarge' is CPU-only (no accelerator), but a gpu_pool needs an instance type with GPUs"
    )
    suggested = d.message.split("use one such as ", 1)[1].split(" (")[0].split(", ")
    cat = load_catalogue()
    assert len(suggested) == 5
    for name in suggested:
        accelerator = cat.instance_type(name).accelerator
        assert accelerator is not None and cat.accelerator(accelerator).family == "gpu", name
    assert "more in the catalogue" in d.message and d.message.endswith("; or make this a cpu_pool")


def test_accelerator_pool_on_a_gpu_instance_type() -> None:
    [d] = _problems(AcceleratorPool(id="neuron", role="inference", instance_type="p5.48xlarge", node_count=1))
    assert "carries 8 x h100-sxm (gpu), but an accelerator_pool needs an instance type with non-GPU" in d.message
    assert "trn1.32xlarge" in d.message or "inf2.48xlarge" in d.message


def test_node_models_are_checked_too() -> None:
    [d] = _problems(CpuPool(id="prep", role="general", node_model="dgx-h100", node_count=1))
    assert "node_model 'dgx-h100' carries 8 x h100-sxm (gpu)" in d.message
    assert "use one such as cpu-2s-2u; or make this a gpu_pool" in d.message
    [d] = _problems(GpuPool(id="t", role="general", node_model="cpu-2s-2u", node_count=1))
    assert "node_model 'cpu-2s-2u' is CPU-only" in d.message and "dgx-h100" in d.message
    [d] = _problems(AcceleratorPool(id="a", role="inference", node_model="dgx-b200", node_count=1))
    assert "the catalogue has no node model with non-GPU accelerators" in d.message


def test_mismatch_points_at_the_hardware_field(fixtures: Path) -> None:
    from aifab.design.loader import load_design

    result = validate(load_design(fixtures / "broken_hardware_kind.yaml").design)
    got = [(d.code, d.component, d.location.line if d.location else None) for d in result.errors]
    assert got == [
        ("hardware-kind-mismatch", "prep", 22),
        ("hardware-kind-mismatch", "infer", 29),
        ("hardware-kind-mismatch", "neuron", 36),
    ]
    assert not result.input_unusable  # a design error (exit 1), not unusable input


def test_stated_accelerator_on_a_cpu_only_type() -> None:
    pool = CpuPool(id="prep", role="general", instance_type="c7i.48xlarge", node_count=1, accelerator="h100-sxm")
    [d] = _problems(pool, "accelerator-mismatch")
    assert d.message == (
        "accelerator 'h100-sxm' does not match c7i.48xlarge, which carries no accelerator (it is CPU-only)"
    )


def test_cpu_types_added_by_overrides_are_suggested(tmp_path: Path) -> None:
    path = tmp_path / "cpu.yaml"
    path.write_text(
        "instance_types:\n"
        "  m7i.8xlarge: {provider: aws, vcpu: 32, memory_gib: 128, max_power_kw: 0.162, network_gbps: 12.5,\n"
        "                efa_interfaces: 0, efa_gbps_total: 0}\n"
    )
    pool = CpuPool(id="prep", role="general", instance_type="g6.xlarge", node_count=1)
    [d] = [x for x in validate(_design(pool), load_catalogue(path)).errors if x.code == "hardware-kind-mismatch"]
    assert "m7i.8xlarge" in d.message
