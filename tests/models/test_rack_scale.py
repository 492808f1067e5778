"""Rack-scale units (NVL72-class) in the power model: whole racks, the rack's own switch trays, the fit check.

Published figures (each with its source and the date it was read):

* GB200 NVL72 rack: 18 compute trays + 9 NVLink switch trays, one NVLink domain of 72 GPUs — NVIDIA DGX
  SuperPOD GB200 RA, Network Fabrics,
  https://docs.nvidia.com/dgx-superpod/reference-architecture-scalable-infrastructure-gb200/latest/network-fabrics.html
  (read 2026-12-01). USED to build the model (catalogue ``rack_scale``).
* Compute tray 6,667 W max, 1,000 W idle — NVIDIA DPS device specifications,
  https://docs.nvidia.com/datacenter/dps/versions/latest/guides/concepts/device-specifications.html
  (read 2026-12-01; reference-numbers ``gb200.tray_power``). USED (catalogue).
* NVLink switch trays 3.6 kW for nine — https://introl.com/blog/why-nvidia-gb300-nvl72-blackwell-ultra-matters
  (secondary, read 2026-12-01). USED (catalogue).
* HELD OUT (not used to build anything): the GB200 SuperPOD SU is 8 racks = 576 GPUs and "scale[s] ... up to
  and beyond 128 racks with 9216 GPUs" — GB200 RA, DGX SuperPOD Architecture,
  https://docs.nvidia.com/dgx-superpod/reference-architecture-scalable-infrastructure-gb200/latest/dgx-superpod-architecture.html
  (read 2026-12-01; reference-numbers ``superpod.gb200.su_racks``); "~120 kW per rack" —
  https://introl.com/blog/gb200-nvl72-deployment-72-gpu-liquid-cooled (secondary, read 2026-12-01;
  reference-numbers ``gb200.nvl72.rack_power``).
"""

from __future__ import annotations

import pytest

from aifab.catalogue import load_catalogue
from aifab.errors import InputError
from aifab.models import PowerInput, PowerSizing, size_power


def nvl72(
    nodes: int, *, cooling_kw: float = 150.0, rack_power_kw: float | None = None, model: str = "gb200-nvl72-tray"
) -> PowerSizing:
    """``nodes`` compute trays of ``model`` racked as NVL72 units, with the catalogue's figures."""
    tray = load_catalogue().node_model(model)
    scale = tray.rack_scale
    assert scale is not None
    return size_power(
        PowerInput(
            nodes=nodes,
            node_max_kw=tray.max_power_kw,
            node_idle_kw=tray.idle_power_kw,
            node_rack_units=tray.rack_units,
            rack_scale_units=scale.trays_per_rack,
            rack_overhead_kw=scale.switch_trays_per_rack * scale.switch_tray_max_kw,
            rack_power_kw=rack_power_kw,
            cooling_max_kw_per_rack=cooling_kw,
            pue=1.2,
        )
    )


def test_one_nvl72_rack_worked_by_hand() -> None:
    # 18 trays x 6.667 kW = 120.006 kW + 9 switch trays x 0.4 kW = 3.6 kW -> 123.606 kW, in one rack
    r = nvl72(18)
    assert (r.rack_scale, r.racks, r.nodes_per_rack) == (True, 1, 18)
    assert r.rack_unit_kw == pytest.approx(123.606)
    assert r.compute_kw_peak == pytest.approx(123.606)  # switch trays are part of the unit's compute power
    assert r.rack_overhead_kw_total == pytest.approx(3.6)
    assert r.rack_fits and r.cooling_fits
    # idle floor: 18 x 1.0 kW idle + 3.6 kW of switch trays (no idle figure published: counted at max)
    assert r.it_kw_idle == pytest.approx(21.6)


def test_rack_power_against_published_figure_held_out() -> None:
    # HELD OUT: "~120 kW per rack" (introl, secondary, medium confidence). Model 123.6 kW: ratio 1.03.
    assert nvl72(18).rack_unit_kw == pytest.approx(120.0, rel=0.05)


@pytest.mark.parametrize(
    ("sus", "racks"),
    [
        (1, 8),  # one SU: 8 DGX GB200 racks, 576 GPUs
        (16, 128),  # HELD OUT: "up to and beyond 128 racks with 9216 GPUs"
    ],
)
def test_gb200_superpod_compute_racks_as_published(sus: int, racks: int) -> None:
    trays = sus * 8 * 18  # 8 racks of 18 trays per SU
    r = nvl72(trays)
    assert r.racks == racks
    assert trays * 4 == sus * 576  # 4 GPUs per tray
    if sus == 16:
        assert trays * 4 == 9216


def test_trays_are_never_split_to_fit_a_cooler_hall() -> None:
    # Ordinary 1U servers at 6.667 kW would pack 2 per 15 kW air rack; a rack-scale unit cannot be split.
    r = nvl72(18, cooling_kw=15.0)
    assert (r.racks, r.nodes_per_rack) == (1, 18)
    assert not r.rack_fits and not r.cooling_fits
    assert r.racks_at_cooling_limit is None and r.nodes_per_rack_at_cooling_limit == 0


def test_rack_power_below_the_unit_is_refused_even_when_cooling_takes_it() -> None:
    r = nvl72(18, cooling_kw=150.0, rack_power_kw=100.0)
    assert r.cooling_fits and not r.rack_fits


def test_part_filled_rack_still_carries_its_switch_trays() -> None:
    # 20 trays -> 2 racks; both racks' 9 switch trays count: 20 x 6.667 + 2 x 3.6 = 140.54 kW
    r = nvl72(20)
    assert r.racks == 2
    assert r.compute_kw_peak == pytest.approx(20 * 6.667 + 2 * 3.6)


def test_ordinary_servers_are_unchanged_and_report_fit() -> None:
    p = size_power(PowerInput(nodes=32, node_max_kw=10.2, node_rack_units=8, cooling_max_kw_per_rack=45, pue=1.3))
    assert (p.rack_scale, p.rack_unit_kw, p.rack_fits, p.it_kw_idle) == (False, None, True, None)
    assert p.racks == 8


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"rack_scale_units": 0}, "rack_scale_units"),
        ({"rack_overhead_kw": -1.0, "rack_scale_units": 18}, "rack_overhead_kw"),
        ({"rack_overhead_kw": 3.6}, "rack_overhead_kw"),  # only for rack-scale units
        ({"node_idle_kw": 7.0}, "node_idle_kw"),  # above node_max_kw
    ],
)
def test_bad_rack_scale_input_names_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {
        "nodes": 18,
        "node_max_kw": 6.667,
        "node_rack_units": 1,
        "cooling_max_kw_per_rack": 150,
        "pue": 1.2,
    }
    args.update(kwargs)
    with pytest.raises(InputError) as info:
        PowerInput(**args)
    assert info.value.problems[0].field == field


def test_gb300_nvl72_is_a_rack_scale_unit_too() -> None:
    # GB300 NVL72 (catalogue: ~6.5 kW trays, 9 x 0.4 kW switch trays; introl, secondary, read 2026-12-01):
    # 18 x 6.5 + 3.6 = 120.6 kW per rack. HELD OUT: the same page's power shelves give "132 kW total DC output",
    # so the rack must fit within it; and the GB200 RA's 18 + 9 tray layout is shared by GB300 (DGX GB rack
    # scale user guide, https://docs.nvidia.com/dgx/dgxgb200-user-guide/index.html, read 2026-12-01).
    r = nvl72(18, model="gb300-nvl72-tray")
    assert r.rack_unit_kw == pytest.approx(120.6)
    assert r.rack_unit_kw is not None and r.rack_unit_kw <= 132
    assert not nvl72(18, model="gb300-nvl72-tray", cooling_kw=100).rack_fits
    assert r.it_kw_idle is None  # no idle figure published for the GB300 tray: no floor
