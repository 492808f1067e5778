"""Power, racks and cooling: hand-worked SuperPOD-like SU, cooling limits, space limits, properties."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aifab.errors import InputError
from aifab.models.power import PowerInput, size_power

# One SU of DGX H100 (10.2 kW max, 8U each) with its fabric, storage and management as plain inputs.
SU: dict[str, Any] = {
    "nodes": 32,
    "node_max_kw": 10.2,
    "node_rack_units": 8,
    "switches": 12,
    "switch_kw": 1.7,
    "storage_kw": 20.0,
    "management_kw": 5.0,
    "rack_power_kw": 41.0,
    "cooling_max_kw_per_rack": 45.0,
    "pue": 1.3,
}


def test_one_su_worked_by_hand() -> None:
    # IT peak = 32 x 10.2 + 12 x 1.7 + 20 + 5 = 326.4 + 20.4 + 25 = 371.8 kW; facility x 1.3 = 483.34 kW
    # per rack: by power floor(41 / 10.2) = 4, by space floor(42U / 8U) = 5 -> 4 nodes, 40.8 kW
    # racks: ceil(32 / 4) = 8 by power, ceil(32 / 5) = 7 by space -> 8 (power-limited)
    # cooling 45 kW >= 40.8 kW -> fits; site 600 kW -> headroom 116.66 kW = 19.44 %
    p = size_power(PowerInput(**SU, site_budget_kw=600))
    assert p.compute_kw_peak == pytest.approx(326.4)
    assert p.network_kw == pytest.approx(20.4)
    assert p.it_kw_peak == pytest.approx(371.8)
    assert p.facility_kw_peak == pytest.approx(483.34)
    assert (p.nodes_per_rack_by_power, p.nodes_per_rack_by_space, p.nodes_per_rack) == (4, 5, 4)
    assert (p.racks_by_power, p.racks_by_space, p.racks, p.racks_limited_by) == (8, 7, 8, "power")
    assert p.rack_density_kw == pytest.approx(40.8)
    assert p.cooling_fits is True
    assert p.racks_at_cooling_limit == 8
    assert p.headroom_kw == pytest.approx(116.66)
    assert p.headroom_pct == pytest.approx(19.443, abs=0.001)
    assert p.fits_site_budget is True
    assert p.it_kw_typical is None and p.facility_kw_typical is None


def test_typical_power() -> None:
    # typical IT = 32 x 8.0 + 45.4 = 301.4 kW
    p = size_power(PowerInput(**{**SU, "node_typical_kw": 8.0}))
    assert p.it_kw_typical == pytest.approx(301.4)
    assert p.facility_kw_typical == pytest.approx(301.4 * 1.3)


def test_air_cooling_ceiling_does_not_fit_dgx_h100_at_four_per_rack() -> None:
    # raised-floor air ~15 kW: floor(15 / 10.2) = 1 node per rack -> 32 racks at the cooling limit
    p = size_power(PowerInput(**{**SU, "cooling_max_kw_per_rack": 15.0}))
    assert p.cooling_fits is False
    assert p.nodes_per_rack_at_cooling_limit == 1
    assert p.racks_at_cooling_limit == 32


def test_cooling_below_one_node() -> None:
    # perimeter CRAC ~10 kW < 10.2 kW: no rack can be cooled
    p = size_power(PowerInput(**{**SU, "cooling_max_kw_per_rack": 10.0}))
    assert p.cooling_fits is False
    assert p.racks_at_cooling_limit is None


def test_rack_power_defaults_to_the_cooling_limit() -> None:
    p = size_power(PowerInput(**{**SU, "rack_power_kw": None, "cooling_max_kw_per_rack": 120.0}))
    assert p.rack_power_kw == 120.0
    # by power floor(120 / 10.2) = 11, by space 5 -> space-limited: 5 per rack, ceil(32 / 5) = 7 racks
    assert (p.nodes_per_rack, p.racks, p.racks_limited_by) == (5, 7, "space")


def test_exact_rack_power_multiple() -> None:
    # 40.8 kW / 10.2 kW is exactly 4 nodes, not 3.999...
    p = size_power(PowerInput(**{**SU, "rack_power_kw": 40.8, "cooling_max_kw_per_rack": 40.8}))
    assert p.nodes_per_rack_by_power == 4
    assert p.cooling_fits is True


def test_site_budget_exceeded() -> None:
    p = size_power(PowerInput(**SU, site_budget_kw=400))
    assert p.fits_site_budget is False
    assert p.headroom_kw == pytest.approx(400 - 483.34)
    assert p.headroom_pct is not None and p.headroom_pct < 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"nodes": 0}, "nodes"),
        ({"node_max_kw": 0}, "node_max_kw"),
        ({"node_typical_kw": 11.0}, "node_typical_kw"),
        ({"rack_power_kw": 10.0}, "rack_power_kw"),
        ({"rack_power_kw": None, "cooling_max_kw_per_rack": 10.0}, "cooling_max_kw_per_rack"),
        ({"node_rack_units": 48}, "node_rack_units"),
        ({"pue": 0.9}, "pue"),
        ({"switches": -1}, "switches"),
        ({"storage_kw": -1}, "storage_kw"),
        ({"usable_rack_units": 0}, "usable_rack_units"),
    ],
)
def test_bad_input(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as info:
        PowerInput(**{**SU, **kwargs})
    assert info.value.field == field


@given(
    nodes=st.integers(1, 5000),
    extra=st.integers(0, 500),
    node_kw=st.floats(0.5, 15),
    node_u=st.integers(1, 10),
    rack_kw=st.floats(15, 150),
    pue=st.floats(1.0, 2.0),
)
def test_rack_and_power_properties(
    nodes: int, extra: int, node_kw: float, node_u: int, rack_kw: float, pue: float
) -> None:
    def run(n: int) -> Any:
        return size_power(
            PowerInput(nodes=n, node_max_kw=node_kw, node_rack_units=node_u, cooling_max_kw_per_rack=rack_kw, pue=pue)
        )

    a, b = run(nodes), run(nodes + extra)
    assert a.racks * a.nodes_per_rack >= nodes > (a.racks - 1) * a.nodes_per_rack
    assert a.rack_density_kw <= rack_kw * (1 + 1e-9)
    assert a.facility_kw_peak == pytest.approx(a.it_kw_peak * pue)
    assert b.racks >= a.racks and b.it_kw_peak >= a.it_kw_peak
