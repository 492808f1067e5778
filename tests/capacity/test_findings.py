"""Every capacity finding, triggered by a small fixture design, with the numbers and a fix in the message."""

from __future__ import annotations

from pathlib import Path

import pytest

from aifab.capacity import FINDING_CODES, EstimateOptions, capacity_findings, estimate_design
from aifab.catalogue import load_catalogue
from aifab.errors import Diagnostic, InputError
from aifab.validate import validate

from ..conftest import FIXTURES as DESIGN_FIXTURES
from ..conftest import reference_stacks, unaccepted_findings
from .conftest import FIXTURES, fixture_design


def findings(name: str, **kwargs: object) -> list[Diagnostic]:
    return capacity_findings(fixture_design(name), **kwargs)  # type: ignore[arg-type]


def one(name: str, code: str) -> Diagnostic:
    found = [f for f in findings(name) if f.code == code]
    assert len(found) == 1, [str(f) for f in findings(name)]
    return found[0]


def test_power_budget_python_fixture() -> None:
    d = one("over_budget.py", "capacity-power-budget")
    # IT = 16 x 10.2 (163.2) + 12 x 1.72 (20.64) + 3 % x 163.2 (4.896) = 188.736 kW; x 1.3 = 245.36 kW
    # over 150 kW by 95.36 kW; a node costs 10.2 x 1.03 x 1.3 = 13.66 kW of facility -> remove ceil(95.36/13.66) = 7
    assert (d.severity, d.component) == ("error", "hall")
    assert d.location is not None and d.location.file == "tests/capacity/fixtures/over_budget.py"
    assert d.location.line == 6  # the Site(...) call
    assert "facility power 245.4 kW (188.7 kW IT x PUE 1.3)" in d.message
    assert "power budget of 150 kW by 95.36 kW" in d.message
    assert "remove about 7 nodes from pool 'train'" in d.message and "node_count 16 -> 9" in d.message
    assert "raise power_budget_kw to 246" in d.message


def test_rack_cooling_node_hotter_than_rack() -> None:
    found = {f.component: f for f in findings("rack_too_hot.yaml") if f.code == "capacity-rack-cooling"}
    hot = found["hot"]
    assert hot.location is not None and hot.location.line == 24  # node_model of pool 'hot'
    assert "one dgx-h100 node draws 10.2 kW at peak, more than the 10 kW per rack" in hot.message
    assert "use direct-liquid cooling (150 kW per rack)" in hot.message
    liquid = found["liquid-only"]
    assert "gb200-nvl72-tray needs direct-liquid cooling, but site 'air-hall' has air cooling" in liquid.message


def test_rack_cooling_rack_power_above_cooling_limit() -> None:
    # small.yaml racks at the 40 kW limit; provisioning 60 kW racks puts 5 DGX (51 kW) in a 40 kW-cooled rack
    found = findings("small.yaml", options=EstimateOptions(rack_power_kw=60))
    (d,) = [f for f in found if f.code == "capacity-rack-cooling"]
    assert "5 x dgx-h100 per rack draw 51 kW, more than the 40 kW site 'hall' can cool" in d.message
    assert "lower rack_power_kw to 40 (3 nodes per rack, 2 racks)" in d.message


def test_storage_checkpoint_too_slow_suggests_fsx_fixes() -> None:
    d = one("slow_checkpoint.yaml", "capacity-storage-checkpoint")
    # 70e9 x 14 B = 980 GB / 60 s = 16.33 GB/s; FSx gives 48 TiB x 250 MB/s/TiB = 12 GB/s
    # fixes: 500 MB/s/TiB at 48 TiB = 24 GB/s; or 16.33 / 0.25 = 65.3 TiB -> next valid size 28 x 2.34375 = 65.625
    assert (d.component, d.severity) == ("fsx", "error")
    assert d.location is not None and d.location.line == 14  # capacity_tib of the file system
    assert "980 GB in 60 s: needs 16.33 GB/s of writes, but file system 'fsx' provides 12 GB/s" in d.message
    assert "use PERSISTENT_2 at 500 MB/s/TiB (24 GB/s at 48 TiB)" in d.message
    assert "raise capacity_tib to 65.625 at 250 MB/s/TiB (16.41 GB/s)" in d.message
    assert "relax checkpoint_write_target_s to 82 s" in d.message  # ceil(980 / 12)


def test_storage_data_loading_too_slow() -> None:
    d = one("slow_data_loading.yaml", "capacity-storage-data-loading")
    # 32 nodes x 8 = 256 GPUs x 1 GB/s = 256 GB/s > 100 GB/s; 100 / 256 = 0.391 GB/s per GPU would fit
    assert d.component == "lustre"
    assert "reads 256 GPUs x 1 GB/s = 256 GB/s of training data, but file system 'lustre' provides 100 GB/s" in (
        d.message
    )
    assert "raise throughput_gbs to 256, or lower data_read_gbs_per_gpu to 0.391" in d.message


def test_storage_unchecked_without_file_system() -> None:
    from aifab.blueprints import GpuPool, Site, TrainingWorkload
    from aifab.design.design import Design

    site = Site(id="va", provider="aws", region="us-east-1")
    pool = GpuPool(
        id="p", role="training", instance_type="p5.48xlarge", node_count=1, site=site,
        workload=TrainingWorkload(parameters_billion=7),
    )  # fmt: skip
    (d,) = capacity_findings(Design(name="x", components=[site, pool]))
    assert (d.code, d.severity, d.component) == ("capacity-storage-unchecked", "warning", "p")


def test_fabric_unbuildable_too_many_leaves_and_oversized_su() -> None:
    found = {f.component: f for f in findings("fabric_unbuildable.yaml") if f.code == "capacity-fabric-unbuildable"}
    huge = found["ib"]
    # 10,000 nodes / 32 per SU = 313 SUs x 8 rails = 2,504 leaves > 64 x 32 = 2,048
    assert "10000 nodes x 8 rails need 2504 leaf switches" in huge.message
    assert "use switch_model 'quantum-x800-q3400' (radix 144 at 400 Gb/s" in huge.message
    assert "raise oversubscription to 2" in huge.message
    su = found["ib-big-su"]
    assert "needs scalable_unit_nodes <= 32" in su.message and "got 48" in su.message
    assert su.location is not None and su.location.line == 23  # switch_model of 'ib-big-su'
    est = estimate_design(fixture_design("fabric_unbuildable.yaml"))
    assert not est.fabric_estimate("ib").buildable and est.fabric_estimate("ib").switches == 0


def test_radix_too_small_for_any_fabric_is_a_finding_in_validation_and_unusable_for_estimate() -> None:
    catalogue = load_catalogue(FIXTURES / "tiny_switch_catalogue.yaml")
    design = fixture_design("tiny_radix.yaml")
    (d,) = capacity_findings(design, catalogue)
    assert (
        d.code == "capacity-fabric-unbuildable"
        and "radix 2 at 400 Gb/s; no fat tree can be built below radix 4" in (d.message)
    )
    with pytest.raises(InputError, match=r"tiny_radix.yaml:16: switch_model: fabric 'ib': switch 'toy-2-port'"):
        estimate_design(design, catalogue)


def test_fsx_tier_capacity_and_deployment_type() -> None:
    found = {(f.component, f.code): f for f in findings("fsx_bad_tier.yaml")}
    tier = found["bad-tier", "capacity-fsx-throughput-tier"]
    assert "per_unit_throughput_mbps_per_tib 300 is not offered for PERSISTENT_2 (offered: 125, 250, 500, 1000" in (
        tier.message
    )
    assert "use 250 MB/s/TiB (12 GB/s at 48 TiB) or 500 MB/s/TiB (24 GB/s at 48 TiB)" in tier.message
    size = found["bad-size", "capacity-fsx-capacity"]
    # 50 TiB = 51,200 GiB; valid: 1,200 GiB then 2,400 GiB steps -> 21 x 2,400 = 50,400 or 22 x 2,400 = 52,800
    assert "capacity_tib 50 (51,200 GiB)" in size.message
    assert "use 49.21875 TiB (50,400 GiB) or 51.5625 TiB (52,800 GiB)" in size.message
    assert "48 / 50.4 in the FSx console's notation" in size.message
    assert "deployment_type 'PERSISTENT_3' is not an FSx for Lustre deployment type" in (
        found["bad-type", "capacity-fsx-throughput-tier"].message
    )
    assert len(found) == 3


@pytest.mark.parametrize(
    ("notation", "valid_48", "valid_46_875"),
    [("either", True, True), ("binary", False, True), ("aws-console", True, False)],
)
def test_fsx_capacity_notation(notation: str, valid_48: bool, valid_46_875: bool) -> None:
    from aifab.blueprints import FileSystem, Site
    from aifab.design.design import Design

    site = Site(id="l", provider="aws", region="eu-west-2")

    def valid(capacity: float) -> bool:
        fs = FileSystem(
            id="f", engine="fsx-lustre", deployment_type="PERSISTENT_2", per_unit_throughput_mbps_per_tib=250,
            capacity_tib=capacity, encryption="provider-managed", site=site,
        )  # fmt: skip
        opts = EstimateOptions(fsx_capacity_notation=notation)
        return not capacity_findings(Design(name="x", components=[site, fs]), options=opts)

    # 48 "TiB" = 20 x 2.4 in the console's notation (48,000 GiB); 46.875 TiB = 20 x 2.34375 (48,000 GiB)
    assert valid(48) is valid_48
    assert valid(46.875) is valid_46_875
    assert valid(1.171875) is (notation != "aws-console")
    assert valid(1.2) is (notation != "binary")


def test_serving_that_does_not_fit_is_a_warning() -> None:
    from aifab.blueprints import GpuPool, ModelServing, Site
    from aifab.design.design import Design

    site = Site(id="va", provider="aws", region="us-east-1")
    pool = GpuPool(id="small", role="inference", instance_type="g6.xlarge", node_count=1, site=site)
    serve = ModelServing(id="chat", pool=pool, model_parameters_billion=70, site=site)
    (d,) = capacity_findings(Design(name="x", components=[site, pool, serve]))
    # 140 GB x 1.2 = 168 GB on 24 GB L4s: 8 GPUs (one node of 1 is not enough: 7 -> whole nodes: 8)
    assert (d.code, d.severity, d.component) == ("capacity-serving-does-not-fit", "warning", "chat")
    assert "needs 168 GB of accelerator memory per replica" in d.message


def test_every_code_is_listed_and_prefixed() -> None:
    produced = {
        f.code
        for name in (
            "over_budget.py", "rack_too_hot.yaml", "slow_checkpoint.yaml", "slow_data_loading.yaml",
            "fabric_unbuildable.yaml", "fsx_bad_tier.yaml",
        )
        for f in findings(name)
    }  # fmt: skip
    assert produced <= set(FINDING_CODES)
    assert all(code.startswith("capacity-") for code in FINDING_CODES)


def test_validate_reports_capacity_findings_at_the_line() -> None:
    result = validate(fixture_design("slow_checkpoint.yaml"))
    codes = [(d.code, d.component, d.location.line if d.location else None) for d in result.errors]
    assert ("capacity-storage-checkpoint", "fsx", 14) in codes


@pytest.mark.parametrize("stack", reference_stacks(), ids=lambda p: p.name)
@pytest.mark.parametrize("env", [None, "dev", "prod"])
def test_reference_stacks_have_no_capacity_findings(stack: Path, env: str | None) -> None:
    from aifab.design.loader import load_design

    found = capacity_findings(load_design(stack, env=env).design)
    assert unaccepted_findings(stack, [(d.code, d.component or "") for d in found]) == []


@pytest.mark.parametrize(
    "name",
    sorted(
        p.name for p in DESIGN_FIXTURES.iterdir() if p.name.startswith(("minimal", "broken_l", "broken_c", "broken_p"))
    ),
)
def test_findings_never_raise_on_broken_designs(name: str) -> None:
    from aifab.design.loader import load_design

    assert isinstance(capacity_findings(load_design(DESIGN_FIXTURES / name).design), list)


def test_a_bug_in_an_estimator_becomes_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    import aifab.capacity._pools as pools

    def boom(*_: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pools, "pool_compute", boom)
    found = findings("small.yaml")
    failed = [f for f in found if f.code == "capacity-check-failed"]
    assert {f.component for f in failed} == {"train", "cloud"}
    assert "ZeroDivisionError" in failed[0].message
