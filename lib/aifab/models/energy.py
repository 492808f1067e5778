"""Annual energy, carbon and running cost, with a cost breakdown by component.

>>> e = estimate_energy(EnergyInput(it_kw_peak=1000, utilisation=0.8, pue=1.2, grid_gco2e_per_kwh=200,
...                                 energy_usd_per_mwh=100))
>>> round(e.annual_facility_mwh, 2), round(e.carbon_tco2e, 1), round(e.cost_usd_per_year)
(8409.6, 1681.9, 840960)

Formulas:

* Annual IT MWh = IT kW (typical when given, else peak) x utilisation x ``hours_per_year`` (8760) / 1000;
  facility MWh = IT MWh x PUE. ``utilisation`` is the share of the year the system is busy, and the draw
  while busy is the typical power (a busy GPU rarely sits at its maximum); idle hours count as zero draw,
  which understates energy for systems idle for long stretches — lower bound, not an average.
* Carbon tCO2e = facility MWh x grid gCO2e/kWh x (1 - renewable share) / 1000 (MWh x g/kWh = kg; / 1000 = t).
  With ``renewable_share=0`` this is **location-based** (GHG Protocol Scope 2): the average intensity of the
  local grid. A non-zero share models **market-based** accounting: contractual renewable supply (PPAs,
  certificates) is counted at zero emissions. ``carbon_accounting`` says which one was computed, and
  ``grid_dataset`` names the grid-carbon dataset (name, year, basis) the intensity comes from, when known.
* Cost per year = sum of (component, USD/hour) lines x hours per year, plus on-prem energy
  facility MWh x USD/MWh when ``energy_usd_per_mwh`` is given (cloud prices already include energy,
  so leave it out there). The breakdown lists each line with its share.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from aifab.errors import InputError
from aifab.models._base import (
    FrozenModel,
    require_at_least,
    require_fraction,
    require_non_negative,
    require_positive,
)

__all__ = ["CostBreakdownLine", "CostLine", "EnergyEstimate", "EnergyInput", "estimate_energy"]

HOURS_PER_YEAR = 8760.0


class CostLine(FrozenModel):
    """One running-cost line, e.g. ``CostLine(component="p5.48xlarge x 16", usd_per_hour=880.64)``."""

    component: str
    usd_per_hour: float

    @model_validator(mode="after")
    def _check(self) -> CostLine:
        if not self.component.strip():
            raise InputError("expected a non-empty component name", field="component")
        require_non_negative("usd_per_hour", self.usd_per_hour)
        return self


class EnergyInput(FrozenModel):
    """IT power, utilisation, PUE, grid intensity and price lines for one site or cloud deployment."""

    it_kw_peak: float
    it_kw_typical: float | None = None
    utilisation: float
    pue: float
    grid_gco2e_per_kwh: float
    renewable_share: float = 0.0
    energy_usd_per_mwh: float | None = None
    cost_lines: tuple[CostLine, ...] = ()
    hours_per_year: float = HOURS_PER_YEAR
    grid_dataset: str | None = None

    @model_validator(mode="after")
    def _check(self) -> EnergyInput:
        require_positive("it_kw_peak", self.it_kw_peak)
        if self.it_kw_typical is not None:
            require_positive("it_kw_typical", self.it_kw_typical)
            if self.it_kw_typical > self.it_kw_peak:
                raise InputError(
                    f"expected <= it_kw_peak ({self.it_kw_peak}), got {self.it_kw_typical}",
                    field="it_kw_typical",
                )
        require_fraction("utilisation", self.utilisation, allow_zero=True)
        require_at_least("pue", self.pue, 1.0)
        require_non_negative("grid_gco2e_per_kwh", self.grid_gco2e_per_kwh)
        require_fraction("renewable_share", self.renewable_share, allow_zero=True)
        if self.energy_usd_per_mwh is not None:
            require_non_negative("energy_usd_per_mwh", self.energy_usd_per_mwh)
        require_positive("hours_per_year", self.hours_per_year)
        names = [line.component for line in self.cost_lines]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise InputError(f"duplicate cost components {duplicates}", field="cost_lines")
        if self.energy_usd_per_mwh is not None and "energy" in names:
            raise InputError("'energy' is reserved for the on-prem energy line", field="cost_lines")
        return self


class CostBreakdownLine(FrozenModel):
    """One line of the cost breakdown."""

    component: str
    usd_per_hour: float
    usd_per_year: float
    share_pct: float


class EnergyEstimate(FrozenModel):
    """Annual energy, carbon and cost."""

    it_kw_basis: float
    power_basis: Literal["typical", "peak"]
    annual_it_mwh: float
    annual_facility_mwh: float
    carbon_tco2e: float
    carbon_accounting: Literal["location", "market"]
    grid_dataset: str | None = None
    """The grid-carbon dataset behind ``grid_gco2e_per_kwh``: name, year and basis (None: not stated)."""
    energy_cost_usd_per_year: float | None
    cost_usd_per_hour: float
    cost_usd_per_year: float
    breakdown: tuple[CostBreakdownLine, ...]


def estimate_energy(inp: EnergyInput) -> EnergyEstimate:
    """Annual MWh, tCO2e and USD with a per-component breakdown (see the module docstring)."""
    basis: Literal["typical", "peak"] = "typical" if inp.it_kw_typical is not None else "peak"
    it_kw = inp.it_kw_typical if inp.it_kw_typical is not None else inp.it_kw_peak
    it_mwh = it_kw * inp.utilisation * inp.hours_per_year / 1000
    facility_mwh = it_mwh * inp.pue
    carbon_t = facility_mwh * inp.grid_gco2e_per_kwh * (1 - inp.renewable_share) / 1000

    hourly: list[tuple[str, float]] = [(line.component, line.usd_per_hour) for line in inp.cost_lines]
    energy_cost_year = None
    if inp.energy_usd_per_mwh is not None:
        energy_cost_year = facility_mwh * inp.energy_usd_per_mwh
        hourly.append(("energy", energy_cost_year / inp.hours_per_year))
    total_hour = sum(usd for _, usd in hourly)
    breakdown = tuple(
        CostBreakdownLine(
            component=name,
            usd_per_hour=usd,
            usd_per_year=usd * inp.hours_per_year,
            share_pct=usd / total_hour * 100 if total_hour > 0 else 0.0,
        )
        for name, usd in hourly
    )
    return EnergyEstimate(
        it_kw_basis=it_kw,
        power_basis=basis,
        annual_it_mwh=it_mwh,
        annual_facility_mwh=facility_mwh,
        carbon_tco2e=carbon_t,
        carbon_accounting="market" if inp.renewable_share > 0 else "location",
        grid_dataset=inp.grid_dataset,
        energy_cost_usd_per_year=energy_cost_year,
        cost_usd_per_hour=total_hour,
        cost_usd_per_year=total_hour * inp.hours_per_year,
        breakdown=breakdown,
    )
