"""Rack-scale units through ``aifab estimate`` and ``aifab validate``: whole NVL72 racks, refused where a hall
cannot take one (needed vs available kW in the message), GB200 SuperPOD rack and power counts, the idle floor.

Published figures (source, date read):

* GB200 SuperPOD SU = 8 DGX GB200 NVL72 racks, 576 GPUs; "Each SU requires a Thermal Design Power (TDP) of
  1.2 Megawatts" — NVIDIA DGX SuperPOD GB200 RA, DGX SuperPOD Architecture,
  https://docs.nvidia.com/dgx-superpod/reference-architecture-scalable-infrastructure-gb200/latest/dgx-superpod-architecture.html
  (read 2026-12-01; reference-numbers ``superpod.gb200.su_racks`` and ``superpod.gb200.su_tdp``). Both are HELD
  OUT: the rack and power model is built from the tray, switch-tray and rack composition only.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from aifab.capacity import EstimateOptions, capacity_findings, estimate_design
from aifab.cli.main import cli
from aifab.validate import validate

from .conftest import FIXTURES, fixture_design


def run_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["estimate", *args, "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


def test_hall_rated_below_the_unit_refuses_it_with_needed_and_available_kw() -> None:
    code, data = run_json(str(FIXTURES / "rack_scale_refused.yaml"))
    assert code == 1
    (finding,) = [f for f in data["findings"] if f["code"] == "capacity-rack-scale"]
    assert finding["severity"] == "error" and finding["component"] == "nvl72"
    # 18 x 6.667 + 9 x 0.4 = 123.6 kW needed; the hall's max_kw_per_rack is 100 kW
    assert (
        "needs 123.6 kW per rack, but site 'hall' provides 100 kW per rack (site max_kw_per_rack)"
        in (finding["message"])
    )
    assert "cannot be split across racks" in finding["message"]
    assert finding["location"]["file"] == "tests/capacity/fixtures/rack_scale_refused.yaml"
    site = data["sites"][0]
    assert site["racks"] is None and site["rack_detail"][0]["cooling_fits"] is False


def test_validate_reports_the_refused_unit() -> None:
    result = validate(fixture_design("rack_scale_refused.yaml"))
    assert any(d.code == "capacity-rack-scale" and "123.6 kW" in d.message for d in result.errors)


def test_rack_power_option_below_the_unit_is_refused_too() -> None:
    found = capacity_findings(fixture_design("rack_scale_gb200_su.yaml"), options=EstimateOptions(rack_power_kw=60))
    (d,) = [f for f in found if f.code == "capacity-rack-scale"]
    assert "needs 123.6 kW per rack, but site 'hall' provides 60 kW per rack (option rack_power_kw)" in d.message


def test_one_gb200_superpod_su_racks_and_power() -> None:
    e = estimate_design(fixture_design("rack_scale_gb200_su.yaml"))
    assert not e.errors
    site = e.site("hall")
    # HELD OUT: 8 DGX GB200 racks per SU (144 trays / 18 per rack)
    assert site.compute_racks == 8
    assert e.gpus == 576
    # compute: 144 x 6.667 + 8 racks x 9 x 0.4 = 988.85 kW; + 36 QM9700 x 1.72 + 3 % management = 1,080.4 kW
    assert site.compute_kw == pytest.approx(144 * 6.667 + 8 * 3.6)
    assert "8 gb200-nvl72-tray racks x 9 NVLink switch trays x 0.4 kW" in site.explain["it_power_kw"]
    # HELD OUT: 1.2 MW TDP per SU. Model IT 1,080.4 kW: ratio 0.90 (the RA's figure also covers storage
    # and the SU's share of the management racks, which the estimate does not rack here).
    assert site.it_power_kw / 1200 == pytest.approx(0.90, abs=0.1)


def test_part_filled_rack_is_a_warning_and_counted_whole() -> None:
    e = estimate_design(fixture_design("rack_scale_partial.yaml"))
    (w,) = [f for f in e.findings if f.code == "capacity-rack-scale-partial"]
    assert w.severity == "warning"
    assert "20 gb200-nvl72-tray trays fill 2 rack-scale racks of 18 with 16 tray slots empty" in w.message
    assert e.site("hall").compute_racks == 2
    assert e.site("hall").compute_kw == pytest.approx(20 * 6.667 + 2 * 3.6)


def test_air_hall_refuses_the_unit_for_cooling_and_power() -> None:
    found = {f.code: f for f in capacity_findings(fixture_design("rack_too_hot.yaml")) if f.component == "liquid-only"}
    assert "capacity-rack-cooling" in found  # needs direct-liquid
    message = found["capacity-rack-scale"].message
    assert "needs 123.6 kW per rack, but site 'air-hall' provides 15 kW per rack" in message


def test_idle_power_is_the_floor_of_the_energy_estimate() -> None:
    design = fixture_design("rack_scale_gb200_su.yaml")
    busy = estimate_design(design).site("hall")
    low = estimate_design(design, options=EstimateOptions(utilisation=0.05)).site("hall")
    # idle: 144 trays x 1.0 kW + 28.8 kW switch trays + 61.92 kW QM9700 + 29.67 kW management = 264.4 kW
    idle_kw = 144 * 1.0 + 8 * 3.6 + 36 * 1.72 + 0.03 * (144 * 6.667 + 8 * 3.6)
    assert low.annual_energy_mwh == pytest.approx(idle_kw * 8760 * low.pue / 1000, rel=1e-6)
    assert any(n.startswith("idle floor:") for n in low.notes)
    # at the default utilisation the busy draw is above the floor: no change
    assert busy.annual_energy_mwh == pytest.approx(busy.it_power_kw * 0.8 * 8760 * busy.pue / 1000, rel=1e-6)
    assert not any(n.startswith("idle floor:") for n in busy.notes)


def test_switch_trays_have_their_own_energy_cost_line() -> None:
    e = estimate_design(fixture_design("rack_scale_gb200_su_priced.yaml"))
    lines = {c.component: c for c in e.cost_breakdown}
    # 8 racks x 9 x 0.4 kW = 28.8 kW x 0.8 utilisation x PUE 1.2 x 100 USD/MWh / 1000 = 2.7648 USD/h
    assert lines["energy: NVLink switch trays"].usd_per_hour == pytest.approx(28.8 * 0.8 * 1.2 * 0.1)
    site = e.site("hall")
    # the energy lines add up to the site's energy cost: IT kW x 0.8 x PUE x 100 USD/MWh
    total = sum(c.usd_per_hour for c in e.cost_breakdown)
    assert total == pytest.approx(site.it_power_kw * 0.8 * site.pue * 0.1)


def test_over_budget_fix_removes_whole_racks() -> None:
    (d,) = [f for f in capacity_findings(fixture_design("rack_scale_over_budget.yaml")) if f.severity == "error"]
    assert d.code == "capacity-power-budget"
    # facility 1,296.5 kW - 900 = 396.5 kW over; a rack is 123.606 kW x 1.03 management x PUE 1.2 = 152.8 kW
    # -> ceil(396.5 / 152.8) = 3 racks = 54 trays: node_count 144 -> 90
    assert "remove about 3 rack-scale racks from pool 'nvl72' (152.8 kW facility each, node_count 144 -> 90)" in (
        d.message
    )
