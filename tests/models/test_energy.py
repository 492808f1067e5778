"""Annual energy, carbon and cost with a per-component breakdown."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aifab.errors import InputError
from aifab.models.energy import CostLine, EnergyInput, estimate_energy


def test_on_prem_su_worked_by_hand() -> None:
    # typical IT 301.4 kW x 0.8 utilisation x 8760 h = 2112.2112 MWh IT; x PUE 1.3 = 2745.87456 MWh
    # carbon (location-based, 225 gCO2e/kWh, CCF eu-west-2): 2745.87456 x 225 / 1000 = 617.82 t
    # energy at 150 USD/MWh: 411,881.18 USD/yr = 47.0184 USD/h
    # lines 500 + 50 USD/h -> 597.0184 USD/h -> 5,229,881.18 USD/yr; energy share 47.0184 / 597.0184 = 7.876 %
    e = estimate_energy(
        EnergyInput(
            it_kw_peak=371.8,
            it_kw_typical=301.4,
            utilisation=0.8,
            pue=1.3,
            grid_gco2e_per_kwh=225,
            energy_usd_per_mwh=150,
            cost_lines=(
                CostLine(component="hardware amortisation", usd_per_hour=500),
                CostLine(component="support", usd_per_hour=50),
            ),
        )
    )
    assert (e.power_basis, e.it_kw_basis) == ("typical", 301.4)
    assert e.annual_it_mwh == pytest.approx(2112.2112)
    assert e.annual_facility_mwh == pytest.approx(2745.87456)
    assert e.carbon_tco2e == pytest.approx(617.82, abs=0.01)
    assert e.carbon_accounting == "location"
    assert e.energy_cost_usd_per_year == pytest.approx(411_881.18, abs=0.01)
    assert e.cost_usd_per_hour == pytest.approx(597.0184, abs=1e-4)
    assert e.cost_usd_per_year == pytest.approx(5_229_881.18, abs=0.01)
    by_name = {line.component: line for line in e.breakdown}
    assert list(by_name) == ["hardware amortisation", "support", "energy"]
    assert by_name["energy"].share_pct == pytest.approx(7.876, abs=0.001)
    assert by_name["support"].usd_per_year == pytest.approx(50 * 8760)


def test_market_based_with_renewables() -> None:
    # half the supply contracted renewable: 617.82 x (1 - 0.5) = 308.91 t
    e = estimate_energy(
        EnergyInput(it_kw_peak=301.4, utilisation=0.8, pue=1.3, grid_gco2e_per_kwh=225, renewable_share=0.5)
    )
    assert e.power_basis == "peak"
    assert e.carbon_tco2e == pytest.approx(308.91, abs=0.01)
    assert e.carbon_accounting == "market"
    assert e.energy_cost_usd_per_year is None


def test_cloud_cost_lines_only() -> None:
    # 16 x p5.48xlarge at 55.04 USD/h (us-east-1 on-demand) = 880.64 USD/h = 7,714,406.4 USD/yr
    e = estimate_energy(
        EnergyInput(
            it_kw_peak=163.2,
            utilisation=1.0,
            pue=1.15,
            grid_gco2e_per_kwh=379.069,
            cost_lines=(CostLine(component="p5.48xlarge x 16", usd_per_hour=16 * 55.04),),
        )
    )
    assert e.cost_usd_per_hour == pytest.approx(880.64)
    assert e.cost_usd_per_year == pytest.approx(7_714_406.4)
    assert [line.share_pct for line in e.breakdown] == [pytest.approx(100.0)]


def test_idle_site_costs_nothing_to_run_but_its_lines() -> None:
    e = estimate_energy(EnergyInput(it_kw_peak=100, utilisation=0, pue=1.2, grid_gco2e_per_kwh=100))
    assert (e.annual_facility_mwh, e.carbon_tco2e, e.cost_usd_per_hour, e.breakdown) == (0, 0, 0, ())


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"utilisation": 1.5}, "utilisation"),
        ({"utilisation": -0.1}, "utilisation"),
        ({"renewable_share": 2}, "renewable_share"),
        ({"pue": 0.8}, "pue"),
        ({"it_kw_peak": 0}, "it_kw_peak"),
        ({"it_kw_typical": 200}, "it_kw_typical"),
        ({"grid_gco2e_per_kwh": -1}, "grid_gco2e_per_kwh"),
        ({"energy_usd_per_mwh": -1}, "energy_usd_per_mwh"),
        (
            {
                "cost_lines": (
                    CostLine(component="a", usd_per_hour=1),
                    CostLine(component="a", usd_per_hour=2),
                )
            },
            "cost_lines",
        ),
        (
            {"energy_usd_per_mwh": 100, "cost_lines": (CostLine(component="energy", usd_per_hour=1),)},
            "cost_lines",
        ),
    ],
)
def test_bad_input(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"it_kw_peak": 100, "utilisation": 0.5, "pue": 1.2, "grid_gco2e_per_kwh": 100}
    with pytest.raises(InputError) as info:
        EnergyInput(**{**args, **kwargs})
    assert info.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"component": " ", "usd_per_hour": 1}, "component"),
        ({"component": "x", "usd_per_hour": -1}, "usd_per_hour"),
    ],
)
def test_bad_cost_line(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as info:
        CostLine(**kwargs)
    assert info.value.field == field


@given(
    it_kw=st.floats(1, 100_000),
    utilisation=st.floats(0, 1),
    pue=st.floats(1, 2),
    grid=st.floats(0, 1000),
    renewable=st.floats(0, 1),
    lines=st.lists(st.floats(0, 10_000), max_size=5),
    price=st.one_of(st.none(), st.floats(0, 500)),
)
def test_energy_properties(
    it_kw: float,
    utilisation: float,
    pue: float,
    grid: float,
    renewable: float,
    lines: list[float],
    price: float | None,
) -> None:
    common: dict[str, Any] = {
        "it_kw_peak": it_kw,
        "utilisation": utilisation,
        "pue": pue,
        "grid_gco2e_per_kwh": grid,
    }
    cost_lines = tuple(CostLine(component=f"line {i}", usd_per_hour=usd) for i, usd in enumerate(lines))
    market = estimate_energy(
        EnergyInput(**common, renewable_share=renewable, energy_usd_per_mwh=price, cost_lines=cost_lines)
    )
    location = estimate_energy(EnergyInput(**common))
    assert market.carbon_tco2e <= location.carbon_tco2e + 1e-9
    assert market.annual_facility_mwh == pytest.approx(market.annual_it_mwh * pue)
    assert sum(line.usd_per_hour for line in market.breakdown) == pytest.approx(market.cost_usd_per_hour)
    assert sum(line.usd_per_year for line in market.breakdown) == pytest.approx(market.cost_usd_per_year)
    if market.cost_usd_per_hour > 0:
        assert sum(line.share_pct for line in market.breakdown) == pytest.approx(100.0)
