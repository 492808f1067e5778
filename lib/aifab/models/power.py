"""Power, racks and cooling: IT load, rack count by power and by space, cooling fit, facility power.

>>> p = size_power(PowerInput(nodes=32, node_max_kw=10.2, node_rack_units=8, rack_power_kw=41,
...                           cooling_max_kw_per_rack=45, pue=1.3))
>>> (p.nodes_per_rack, p.racks, round(p.rack_density_kw, 1), p.cooling_fits)
(4, 8, 40.8, True)

Formulas (every number is an input; nothing is looked up):

* IT kW (peak) = node max kW x nodes + switches x switch kW + storage kW + management kW. Typical IT kW
  uses the node typical draw when given; fabric, storage and management are counted at their stated
  draw in both.
* Nodes per rack = min(floor(rack power kW / node max kW), floor(usable U / node U)); racks =
  ceil(nodes / nodes per rack) — i.e. ``max(racks by power, racks by space)`` with whole nodes per rack.
  Only compute nodes are racked here; network, storage and management racks are the caller's.
  ``rack_power_kw`` is the provisioned power per rack (PDUs); it defaults to the cooling limit.
  ``usable_rack_units`` defaults to 42: a 48U rack less 6U for PDUs, cable management and the
  out-of-band switch (the B300 RA's racks carry three 2U PDUs; four 10U DGX B200 fit in 40U).
* Cooling: a full rack draws nodes per rack x node max kW; it fits when that is within
  ``cooling_max_kw_per_rack`` (air: perimeter CRAC ~10 kW, raised floor struggles above 15-20 kW;
  rear-door 20-80 kW; direct-to-chip 50-150 kW — reference-numbers ``cooling.*``, low confidence, so
  the caller passes the limit). ``racks_at_cooling_limit`` re-racks at that ceiling.
* Facility kW = IT kW x PUE (total facility / IT energy, The Green Grid definition). Headroom =
  site budget - facility peak kW, also as a percentage of the budget.
* **Rack-scale units** (``rack_scale_units``, NVL72-class): a rack is bought, powered and cooled whole —
  ``rack_scale_units`` compute trays plus the rack's own equipment (NVLink switch trays,
  ``rack_overhead_kw``). Nodes per rack is that count, never fewer to fit a hall; racks =
  ceil(nodes / units), and a part-filled last rack still carries its switch trays. The unit needs
  ``units x node max + overhead`` kW per rack (GB200 NVL72: 18 x 6.667 + 9 x 0.4 = 123.6 kW);
  ``rack_fits`` says whether the rack power and the cooling limit both take it. Rack space is the
  unit's own (``usable_rack_units`` does not apply).
* Idle IT kW (``node_idle_kw`` given): nodes x idle + rack overhead + switches, storage and management
  at their stated draw — the floor of the energy estimate (the draw of a powered-on, unused system).

>>> r = size_power(PowerInput(nodes=36, node_max_kw=6.667, node_rack_units=1, rack_scale_units=18,
...                           rack_overhead_kw=3.6, cooling_max_kw_per_rack=150, pue=1.2))
>>> (r.racks, round(r.rack_unit_kw, 1), r.rack_fits, round(r.compute_kw_peak, 1))
(2, 123.6, True, 247.2)
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import model_validator

from aifab.errors import InputError
from aifab.models._base import (
    FrozenModel,
    require_at_least,
    require_int_at_least,
    require_non_negative,
    require_positive,
)

__all__ = ["PowerInput", "PowerSizing", "size_power"]


_REL_TOL = 1e-9


def _whole(capacity: float, each: float) -> int:
    """How many whole ``each`` fit in ``capacity``, forgiving float noise (40.8 / 10.2 is 4, not 3.99..)."""
    return math.floor(capacity / each * (1 + _REL_TOL))


class PowerInput(FrozenModel):
    """The equipment, the rack envelope, the cooling limit, the PUE and (optionally) the site budget."""

    nodes: int
    node_max_kw: float
    node_typical_kw: float | None = None
    node_rack_units: int
    switches: int = 0
    switch_kw: float = 0.0
    storage_kw: float = 0.0
    management_kw: float = 0.0
    rack_power_kw: float | None = None
    usable_rack_units: int = 42
    cooling_max_kw_per_rack: float
    pue: float
    site_budget_kw: float | None = None
    node_idle_kw: float | None = None
    rack_scale_units: int | None = None
    rack_overhead_kw: float = 0.0

    @model_validator(mode="after")
    def _check(self) -> PowerInput:
        require_int_at_least("nodes", self.nodes, 1)
        require_positive("node_max_kw", self.node_max_kw)
        if self.node_typical_kw is not None:
            require_positive("node_typical_kw", self.node_typical_kw)
            if self.node_typical_kw > self.node_max_kw:
                raise InputError(
                    f"expected <= node_max_kw ({self.node_max_kw}), got {self.node_typical_kw}",
                    field="node_typical_kw",
                )
        require_int_at_least("node_rack_units", self.node_rack_units, 1)
        require_int_at_least("switches", self.switches, 0)
        require_non_negative("switch_kw", self.switch_kw)
        require_non_negative("storage_kw", self.storage_kw)
        require_non_negative("management_kw", self.management_kw)
        require_positive("cooling_max_kw_per_rack", self.cooling_max_kw_per_rack)
        if self.rack_power_kw is not None:
            require_positive("rack_power_kw", self.rack_power_kw)
        require_int_at_least("usable_rack_units", self.usable_rack_units, 1)
        require_at_least("pue", self.pue, 1.0)
        if self.site_budget_kw is not None:
            require_positive("site_budget_kw", self.site_budget_kw)
        if self.node_idle_kw is not None:
            require_positive("node_idle_kw", self.node_idle_kw)
            if self.node_idle_kw > self.node_max_kw:
                raise InputError(
                    f"expected <= node_max_kw ({self.node_max_kw}), got {self.node_idle_kw}", field="node_idle_kw"
                )
        require_non_negative("rack_overhead_kw", self.rack_overhead_kw)
        if self.rack_scale_units is not None:
            # A rack-scale unit is its own rack: whether a hall can take it is a result (rack_fits), not bad input.
            require_int_at_least("rack_scale_units", self.rack_scale_units, 1)
            return self
        if self.rack_overhead_kw:
            raise InputError(
                "rack_overhead_kw applies only to rack-scale units (set rack_scale_units)", field="rack_overhead_kw"
            )
        rack_kw = self.rack_power_kw if self.rack_power_kw is not None else self.cooling_max_kw_per_rack
        if _whole(rack_kw, self.node_max_kw) < 1:
            raise InputError(
                f"one node draws {self.node_max_kw} kW, more than a rack provides ({rack_kw} kW); raise rack_power_kw",
                field="rack_power_kw" if self.rack_power_kw is not None else "cooling_max_kw_per_rack",
            )
        if self.node_rack_units > self.usable_rack_units:
            raise InputError(
                f"one node takes {self.node_rack_units}U, more than the {self.usable_rack_units} usable U of a rack",
                field="node_rack_units",
            )
        return self


class PowerSizing(FrozenModel):
    """IT and facility power, racks, cooling fit and site headroom."""

    compute_kw_peak: float
    network_kw: float
    storage_kw: float
    management_kw: float
    it_kw_peak: float
    it_kw_typical: float | None
    facility_kw_peak: float
    facility_kw_typical: float | None
    nodes_per_rack_by_power: int
    nodes_per_rack_by_space: int
    nodes_per_rack: int
    racks_by_power: int
    racks_by_space: int
    racks: int
    racks_limited_by: Literal["power", "space"]
    rack_power_kw: float
    rack_density_kw: float
    cooling_max_kw_per_rack: float
    cooling_fits: bool
    nodes_per_rack_at_cooling_limit: int
    racks_at_cooling_limit: int | None
    site_budget_kw: float | None
    headroom_kw: float | None
    headroom_pct: float | None
    fits_site_budget: bool | None
    rack_scale: bool = False
    """True when nodes are trays of a rack-scale unit (whole racks, never split)."""
    rack_unit_kw: float | None = None
    """kW one rack-scale rack needs (trays + rack overhead); None for ordinary servers."""
    rack_overhead_kw_total: float = 0.0
    rack_fits: bool = True
    """Whether a rack (a rack-scale unit, or the densest rack of servers) fits the rack power and cooling."""
    it_kw_idle: float | None = None


def size_power(inp: PowerInput) -> PowerSizing:
    """IT load, racks by power and space, the cooling check and facility power (see module docstring)."""
    if inp.rack_scale_units is not None:
        return _size_rack_scale(inp, inp.rack_scale_units)
    compute_peak = inp.nodes * inp.node_max_kw
    network = inp.switches * inp.switch_kw
    others = network + inp.storage_kw + inp.management_kw
    it_peak = compute_peak + others
    it_typical = None if inp.node_typical_kw is None else inp.nodes * inp.node_typical_kw + others

    rack_kw = inp.rack_power_kw if inp.rack_power_kw is not None else inp.cooling_max_kw_per_rack
    by_power = _whole(rack_kw, inp.node_max_kw)
    by_space = inp.usable_rack_units // inp.node_rack_units
    per_rack = min(by_power, by_space)
    racks_by_power = math.ceil(inp.nodes / by_power)
    racks_by_space = math.ceil(inp.nodes / by_space)
    density = per_rack * inp.node_max_kw

    at_cooling = min(_whole(inp.cooling_max_kw_per_rack, inp.node_max_kw), by_space)
    racks_at_cooling = math.ceil(inp.nodes / at_cooling) if at_cooling > 0 else None

    facility_peak = it_peak * inp.pue
    headroom_kw, headroom_pct, fits_budget = _headroom(inp.site_budget_kw, facility_peak)

    return PowerSizing(
        compute_kw_peak=compute_peak,
        network_kw=network,
        storage_kw=inp.storage_kw,
        management_kw=inp.management_kw,
        it_kw_peak=it_peak,
        it_kw_typical=it_typical,
        facility_kw_peak=facility_peak,
        facility_kw_typical=None if it_typical is None else it_typical * inp.pue,
        nodes_per_rack_by_power=by_power,
        nodes_per_rack_by_space=by_space,
        nodes_per_rack=per_rack,
        racks_by_power=racks_by_power,
        racks_by_space=racks_by_space,
        racks=max(racks_by_power, racks_by_space),
        racks_limited_by="power" if racks_by_power >= racks_by_space else "space",
        rack_power_kw=rack_kw,
        rack_density_kw=density,
        cooling_max_kw_per_rack=inp.cooling_max_kw_per_rack,
        cooling_fits=density <= inp.cooling_max_kw_per_rack * (1 + _REL_TOL),
        nodes_per_rack_at_cooling_limit=at_cooling,
        racks_at_cooling_limit=racks_at_cooling,
        site_budget_kw=inp.site_budget_kw,
        headroom_kw=headroom_kw,
        headroom_pct=headroom_pct,
        fits_site_budget=fits_budget,
        rack_fits=density <= min(rack_kw, inp.cooling_max_kw_per_rack) * (1 + _REL_TOL),
        it_kw_idle=None if inp.node_idle_kw is None else inp.nodes * inp.node_idle_kw + others,
    )


def _headroom(budget_kw: float | None, facility_kw: float) -> tuple[float | None, float | None, bool | None]:
    """(kW left, % left, fits) of a site budget at ``facility_kw``; all None without a budget."""
    if budget_kw is None:
        return None, None, None
    left = budget_kw - facility_kw
    return left, left / budget_kw * 100, left >= 0


def _size_rack_scale(inp: PowerInput, units: int) -> PowerSizing:
    """Whole rack-scale racks: ``units`` trays plus the rack's overhead per rack, fitting or not."""
    racks = math.ceil(inp.nodes / units)
    overhead = racks * inp.rack_overhead_kw
    compute_peak = inp.nodes * inp.node_max_kw + overhead
    others = inp.switches * inp.switch_kw + inp.storage_kw + inp.management_kw
    it_peak = compute_peak + others
    it_typical = None if inp.node_typical_kw is None else inp.nodes * inp.node_typical_kw + overhead + others
    # Switch trays have no published idle figure: they count at their stated draw (always on).
    it_idle = None if inp.node_idle_kw is None else inp.nodes * inp.node_idle_kw + overhead + others
    unit_kw = units * inp.node_max_kw + inp.rack_overhead_kw
    rack_kw = inp.rack_power_kw if inp.rack_power_kw is not None else inp.cooling_max_kw_per_rack
    cooling_fits = unit_kw <= inp.cooling_max_kw_per_rack * (1 + _REL_TOL)
    fits = cooling_fits and unit_kw <= rack_kw * (1 + _REL_TOL)
    facility_peak = it_peak * inp.pue
    headroom_kw, headroom_pct, fits_budget = _headroom(inp.site_budget_kw, facility_peak)
    return PowerSizing(
        compute_kw_peak=compute_peak,
        network_kw=inp.switches * inp.switch_kw,
        storage_kw=inp.storage_kw,
        management_kw=inp.management_kw,
        it_kw_peak=it_peak,
        it_kw_typical=it_typical,
        facility_kw_peak=facility_peak,
        facility_kw_typical=None if it_typical is None else it_typical * inp.pue,
        nodes_per_rack_by_power=units,
        nodes_per_rack_by_space=units,
        nodes_per_rack=units,
        racks_by_power=racks,
        racks_by_space=racks,
        racks=racks,
        racks_limited_by="power",
        rack_power_kw=rack_kw,
        rack_density_kw=unit_kw,
        cooling_max_kw_per_rack=inp.cooling_max_kw_per_rack,
        cooling_fits=cooling_fits,
        nodes_per_rack_at_cooling_limit=units if cooling_fits else 0,
        racks_at_cooling_limit=racks if cooling_fits else None,
        site_budget_kw=inp.site_budget_kw,
        headroom_kw=headroom_kw,
        headroom_pct=headroom_pct,
        fits_site_budget=fits_budget,
        rack_scale=True,
        rack_unit_kw=unit_kw,
        rack_overhead_kw_total=overhead,
        rack_fits=fits,
        it_kw_idle=it_idle,
    )
