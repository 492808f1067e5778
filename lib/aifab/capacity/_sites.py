"""One site: IT load, facility power, racks, headroom, annual energy, carbon and running cost.

* On-prem and colo sites own their power: IT = node max kW x nodes (per pool) + switches x switch max kW +
  storage (``storage_kw_per_gbs`` x on-prem file-system throughput) + management
  (``management_fraction_of_compute`` x compute). Racks per pool from :func:`~aifab.models.size_power`
  at the site's cooling limit (``max_kw_per_rack``, else the catalogue's figure for its ``cooling``), plus
  network racks by switch U and kW. Storage racks are not counted.
* AWS sites: power, cooling and racks are the provider's; IT power is estimated (the instance type's
  ``max_power_kw``, else accelerator TDP x ``host_overhead_factor``) only to estimate energy and carbon; no
  budget or rack check applies.
* PUE: the site's ``pue``, else the catalogue's typical PUE for its cooling, else its region's, else
  ``default_pue``. Grid: the site's ``grid_gco2e_per_kwh``, else its grid zone's, else its region's.
* Energy, carbon and cost from :func:`~aifab.models.estimate_energy`; on-prem energy cost is split into
  one line per component (its share of the facility energy at ``energy_usd_per_mwh``).
* Rack-scale node models (NVL72-class trays, catalogue ``rack_scale``) rack as whole units: trays per rack
  plus the rack's NVLink switch trays, whose power joins the compute load. A site whose kW per rack (or the
  ``rack_power_kw`` option) is below the unit is a ``capacity-rack-scale`` error stating both figures; a
  part-filled last rack is a ``capacity-rack-scale-partial`` warning.
* Idle floor: when a node model states ``idle_power_kw``, energy is counted at no less than the site's idle
  draw (nodes idle + switches, storage and management at their draw) all year.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from aifab.blueprints.compute import ComputePool
from aifab.blueprints.facility import Site
from aifab.errors import InputError
from aifab.models import CostLine, EnergyEstimate, EnergyInput, PowerInput, estimate_energy, size_power

from ._context import Context, located
from ._format import num, pct
from .results import FabricEstimate, FileSystemEstimate, PoolEstimate, RackGroup, SiteEstimate, Unpriced

_LIQUID = ("direct-liquid", "immersion")
# One cost line: (component, description, usd_per_hour, basis); the estimate's cost breakdown reads them.
CostLineRow = tuple[str, str, float, str]


@dataclass(frozen=True)
class Pue:
    """The PUE applied at a site and where it came from."""

    value: float
    source: str


@dataclass(frozen=True)
class Grid:
    """A site's grid carbon intensity (g/kWh) and its source; both ``None`` when nothing states one."""

    gco2e_per_kwh: float | None
    source: str | None


@dataclass(frozen=True)
class CoolingLimit:
    """The kW per rack a site can cool (``None`` when unknown) and where that came from."""

    kw_per_rack: float | None
    source: str


@dataclass(frozen=True)
class ItLoad:
    """A site's IT power by part (kW), and the typical-power total when every pool states one."""

    compute_kw: float
    network_kw: float
    storage_kw: float
    management_kw: float
    it_kw: float
    typical_kw: float | None
    idle_kw: float | None = None
    rack_overhead_kw: float = 0.0
    """Rack-scale units' NVLink switch trays (part of ``compute_kw``)."""


@dataclass(frozen=True)
class Racks:
    """An on-prem site's rack count: per node-model group, network racks and the total (``None`` if uncounted)."""

    limit: CoolingLimit
    detail: tuple[RackGroup, ...]
    compute_racks: int | None
    network_racks: int | None
    racks: int | None


@dataclass(frozen=True)
class Costs:
    """A site's cost lines and what could not be priced."""

    lines: tuple[CostLineRow, ...]
    unpriced: tuple[Unpriced, ...]


@dataclass(frozen=True)
class SiteEnergy:
    """A site's annual energy estimate, facility MWh and carbon (t CO2e; ``None`` without a grid intensity)."""

    estimate: EnergyEstimate | None
    mwh: float
    carbon_t: float | None


_NO_RACKS = Racks(CoolingLimit(None, ""), (), None, None, None)


def _pue(ctx: Context, site: Site) -> Pue:
    if site.pue is not None:
        return Pue(site.pue, "site")
    if site.cooling is not None:
        cooling = ctx.lookup(site, "cooling", ctx.catalogue.cooling, site.cooling)
        kind = cooling.source_for("typical_pue").type
        return Pue(cooling.typical_pue, f"catalogue typical PUE for {cooling.name} cooling ({kind})")
    if site.region:
        region = ctx.lookup(site, "region", ctx.catalogue.region, site.region)
        return Pue(region.pue, f"catalogue region {region.code}")
    return Pue(ctx.options.default_pue, "option default_pue")


def _grid(ctx: Context, site: Site) -> Grid:
    if site.grid_gco2e_per_kwh is not None:
        return Grid(site.grid_gco2e_per_kwh, "site")
    if site.grid_zone is not None:
        zone = ctx.lookup(site, "grid_zone", ctx.catalogue.grid_zone, site.grid_zone)
        return Grid(
            zone.grid_gco2e_per_kwh, f"catalogue grid zone {zone.name}" + (f" {zone.year}" if zone.year else "")
        )
    if site.region:
        region = ctx.lookup(site, "region", ctx.catalogue.region, site.region)
        if region.grid_gco2e_per_kwh is not None:
            return Grid(region.grid_gco2e_per_kwh, f"catalogue region {region.code}")
    return Grid(None, None)


def cooling_limit(ctx: Context, site: Site) -> CoolingLimit:
    """The kW per rack a site takes: its ``max_kw_per_rack``, else its cooling type's figure."""
    if site.max_kw_per_rack is not None:
        return CoolingLimit(site.max_kw_per_rack, "site max_kw_per_rack")
    if site.cooling is not None:
        cooling = ctx.lookup(site, "cooling", ctx.catalogue.cooling, site.cooling)
        return CoolingLimit(cooling.max_kw_per_rack, f"catalogue {cooling.name} cooling")
    return CoolingLimit(None, "")


def _rack_groups(
    ctx: Context, site: Site, pools: list[PoolEstimate], pue: float, limit: float | None, limit_source: str
) -> tuple[RackGroup, ...]:
    """Nodes of the same model share racks whichever pool they belong to: one group per node model."""
    groups: dict[tuple[object, ...], list[PoolEstimate]] = {}
    for p in pools:
        key = (p.hardware, p.node_power_kw, p.node_typical_power_kw, p.node_rack_units)
        groups.setdefault(key, []).append(p)
    return tuple(_rack_group(ctx, site, members, pue, limit, limit_source) for members in groups.values())


def _rack_group(
    ctx: Context, site: Site, members: list[PoolEstimate], pue: float, limit: float | None, limit_source: str
) -> RackGroup:
    first = members[0]
    component = ctx.index.by_id[first.id]
    assert isinstance(component, ComputePool)
    hw = ctx.hardware[first.id]
    nodes = sum(p.nodes for p in members)
    ids = tuple(p.id for p in members)
    also = ""
    if len(members) > 1:
        shown = ", ".join(repr(i) for i in ids[1:4]) + (" ..." if len(ids) > 4 else "")
        also = f" (also pools {shown}: {len(ids)} pools, {nodes:,} nodes)"
    required = hw.node_model.cooling if hw.node_model is not None else None
    if required in _LIQUID and site.cooling is not None and site.cooling not in _LIQUID:
        ctx.finding(
            component,
            "capacity-rack-cooling",
            f"{first.hardware} needs {required} cooling, but site {site.id!r} has {site.cooling} cooling{also}; "
            f"place the pool at a {required} site or change the site's cooling",
            field="node_model",
        )

    def group(**values: object) -> RackGroup:
        base: dict[str, object] = {
            "hardware": first.hardware,
            "pools": ids,
            "nodes": nodes,
            "nodes_per_rack": None,
            "racks": None,
            "rack_density_kw": None,
            "limited_by": None,
            "cooling_fits": None,
        }
        return RackGroup.model_validate({**base, **values})

    if first.node_rack_units is None or limit is None:
        return group()
    scale = hw.node_model.rack_scale if hw.node_model is not None else None
    if scale is not None:
        return _rack_scale_group(ctx, site, component, first, nodes, pue, limit, limit_source, also, group)
    try:
        p = size_power(
            PowerInput(
                nodes=nodes,
                node_max_kw=first.node_power_kw,
                node_typical_kw=first.node_typical_power_kw,
                node_rack_units=first.node_rack_units,
                rack_power_kw=ctx.options.rack_power_kw,
                usable_rack_units=site.rack_units_per_rack,
                cooling_max_kw_per_rack=limit,
                pue=pue,
            )
        )
    except InputError as exc:
        if exc.field == "node_rack_units":
            code = "capacity-rack-space"
            message = (
                f"one {first.hardware} node takes {first.node_rack_units}U, more than the "
                f"{site.rack_units_per_rack} usable U of a rack at site {site.id!r}{also}; "
                "raise the site's rack_units_per_rack"
            )
        else:
            code = "capacity-rack-cooling"
            message = (
                f"one {first.hardware} node draws {num(first.node_power_kw)} kW at peak, more than the "
                f"{num(ctx.options.rack_power_kw or limit)} kW per rack site {site.id!r} can take "
                f"({limit_source}: {num(limit)} kW){also}; " + _cooling_fix(ctx, site, first.node_power_kw)
            )
        ctx.finding(component, code, message, field="node_model")
        return group(cooling_fits=False if code == "capacity-rack-cooling" else None, problem=message)
    problem = None
    if not p.cooling_fits:
        problem = (
            f"{p.nodes_per_rack} x {first.hardware} per rack draw {num(p.rack_density_kw)} kW, more than the "
            f"{num(limit)} kW site {site.id!r} can cool ({limit_source}){also}; lower rack_power_kw to {num(limit)} "
            f"({p.nodes_per_rack_at_cooling_limit} nodes per rack, {p.racks_at_cooling_limit} racks) or "
            + _cooling_fix(ctx, site, p.rack_density_kw)
        )
        ctx.finding(component, "capacity-rack-cooling", problem, field="node_model")
    return group(
        nodes_per_rack=p.nodes_per_rack,
        racks=p.racks,
        rack_density_kw=p.rack_density_kw,
        limited_by=p.racks_limited_by,
        cooling_fits=p.cooling_fits,
        problem=problem,
    )


def _rack_scale_group(
    ctx: Context,
    site: Site,
    component: ComputePool,
    first: PoolEstimate,
    nodes: int,
    pue: float,
    limit: float,
    limit_source: str,
    also: str,
    group: Callable[..., RackGroup],
) -> RackGroup:
    """Whole rack-scale racks: refused (an error stating needed vs available kW) where a rack cannot take one."""
    hw = ctx.hardware[first.id]
    assert hw.node_model is not None and hw.node_model.rack_scale is not None
    scale = hw.node_model.rack_scale
    p = size_power(
        PowerInput(
            nodes=nodes,
            node_max_kw=first.node_power_kw,
            node_typical_kw=first.node_typical_power_kw,
            node_rack_units=first.node_rack_units or 1,
            rack_power_kw=ctx.options.rack_power_kw,
            cooling_max_kw_per_rack=limit,
            pue=pue,
            rack_scale_units=scale.trays_per_rack,
            rack_overhead_kw=scale.switch_trays_per_rack * scale.switch_tray_max_kw,
        )
    )
    unit = (
        f"one {first.hardware} rack-scale unit ({scale.trays_per_rack} trays x {num(first.node_power_kw)} kW + "
        f"{scale.switch_trays_per_rack} NVLink switch trays x {num(scale.switch_tray_max_kw)} kW, "
        f"{scale.nvlink_domain_gpus} GPUs in one NVLink domain)"
    )
    problem = None
    if not p.rack_fits:
        available = min(p.rack_power_kw, limit)
        source = "option rack_power_kw" if p.rack_power_kw < limit else limit_source
        problem = (
            f"{unit} needs {num(p.rack_unit_kw or 0)} kW per rack, but site {site.id!r} provides "
            f"{num(available)} kW per rack ({source}){also}; the rack cannot be split across racks: "
            + _cooling_fix(ctx, site, p.rack_unit_kw or 0)
        )
        ctx.finding(component, "capacity-rack-scale", problem, field="node_model")
    empty = p.racks * scale.trays_per_rack - nodes
    if empty:
        ctx.finding(
            component,
            "capacity-rack-scale-partial",
            f"{nodes:,} {first.hardware} trays fill {p.racks} rack-scale racks of {scale.trays_per_rack} with "
            f"{empty} tray slots empty{also}; the racks, their NVLink switch trays and their power are bought "
            f"whole: set node_count to a multiple of {scale.trays_per_rack}",
            "warning",
            field="node_count",
        )
    return group(
        nodes_per_rack=p.nodes_per_rack,
        racks=None if problem else p.racks,
        rack_density_kw=p.rack_unit_kw,
        limited_by="power",
        cooling_fits=p.rack_fits,
        problem=problem,
    )


def _rack_scale_overhead(ctx: Context, pools: list[PoolEstimate]) -> list[tuple[str, int, int, float]]:
    """Per rack-scale node model at a site: (name, racks, switch trays per rack, kW per switch tray)."""
    trays: dict[str, int] = {}
    scales = {}
    for p in pools:
        hw = ctx.hardware.get(p.id)
        scale = hw.node_model.rack_scale if hw is not None and hw.node_model is not None else None
        if scale is not None:
            trays[p.hardware] = trays.get(p.hardware, 0) + p.nodes
            scales[p.hardware] = scale
    return [
        (
            name,
            math.ceil(n / scales[name].trays_per_rack),
            scales[name].switch_trays_per_rack,
            scales[name].switch_tray_max_kw,
        )
        for name, n in trays.items()
    ]


def _cooling_fix(ctx: Context, site: Site, kw: float) -> str:
    current = ctx.catalogue.cooling_types.get(site.cooling or "")
    floor = current.max_kw_per_rack if current is not None else 0.0
    better = sorted(
        (c for c in ctx.catalogue.cooling_types.values() if c.max_kw_per_rack >= kw and c.max_kw_per_rack > floor),
        key=lambda c: c.max_kw_per_rack,
    )
    cooling = f"use {better[0].name} cooling ({num(better[0].max_kw_per_rack)} kW per rack), " if better else ""
    return f"{cooling}raise max_kw_per_rack if the hall's racks take more, or choose a lower-power node model"


def estimate_site(
    ctx: Context,
    site: Site,
    pools: list[PoolEstimate],
    fabrics: list[FabricEstimate],
    file_systems: list[FileSystemEstimate],
    partial: bool,
) -> tuple[SiteEstimate, list[CostLineRow], list[Unpriced]]:
    """The site estimate, its cost lines ``(component, description, usd_per_hour, basis)`` and what is unpriced."""
    o = ctx.options
    onprem = site.provider in ("onprem", "colo")
    owner = "site" if onprem else "provider"
    explain: dict[str, str] = {}
    notes: list[str] = []
    if onprem:
        load = _onprem_it_load(ctx, pools, fabrics, file_systems, explain)
    else:
        load = _cloud_it_load(site, pools, explain, notes)
    it_kw = load.it_kw

    pue = _pue(ctx, site)
    facility = it_kw * pue.value
    explain["facility_power_kw"] = f"{num(it_kw)} kW IT x PUE {num(pue.value)} ({pue.source}) = {num(facility)} kW"

    headroom = headroom_pct = fits = None
    budget = site.power_budget_kw if onprem else None
    if budget is not None:
        headroom = budget - facility
        headroom_pct = headroom / budget * 100
        fits = headroom >= 0
        explain["headroom_kw"] = (
            f"{num(budget)} kW budget - {num(facility)} kW facility = {num(headroom)} kW ({num(headroom_pct)} %)"
        )
        if not fits:
            _over_budget(ctx, site, pools, facility, it_kw, pue.value, budget, partial)
    if partial:
        notes.append("some components here could not be estimated: totals are a lower bound")

    racks = _onprem_racks(ctx, site, pools, fabrics, load, pue.value, explain, notes) if onprem else _NO_RACKS

    grid = _grid(ctx, site)
    price = site.energy_usd_per_mwh if onprem else None
    if not onprem and site.energy_usd_per_mwh is not None:
        notes.append("energy_usd_per_mwh is ignored at an AWS site: instance prices include energy")
    costs = _pool_costs(site, pools)
    if onprem and load.it_kw > 0:
        costs = _with_energy_costs(ctx, site, pools, fabrics, load, pue.value, price, costs)
    energy = _energy(ctx, site, load, pue.value, grid, costs, explain, notes)
    lines, unpriced = list(costs.lines), list(costs.unpriced)
    cost_hour = sum(usd for _, _, usd, _ in lines)
    if lines:
        explain["cost_usd_per_hour"] = " + ".join(f"{c} {num(usd)}" for c, _, usd, _ in lines) + (
            f" = {num(cost_hour)} USD/h"
        )
    estimate = SiteEstimate(
        id=site.id,
        provider=site.provider,
        region=site.region,
        power_owner=owner,
        pools=tuple(p.id for p in pools),
        fabrics=tuple(f.id for f in fabrics),
        file_systems=tuple(fs.id for fs in file_systems),
        nodes=sum(p.nodes for p in pools),
        gpus=sum(p.gpus for p in pools),
        cpu_nodes=sum(p.nodes for p in pools if p.accelerator is None),
        compute_kw=load.compute_kw,
        network_kw=load.network_kw,
        storage_kw=load.storage_kw,
        management_kw=load.management_kw,
        it_power_kw=it_kw,
        it_power_kw_typical=load.typical_kw,
        pue=pue.value,
        pue_source=pue.source,
        facility_power_kw=facility,
        power_budget_kw=budget,
        headroom_kw=headroom,
        headroom_pct=headroom_pct,
        fits_power_budget=fits,
        cooling=site.cooling,
        cooling_max_kw_per_rack=racks.limit.kw_per_rack,
        rack_units_per_rack=site.rack_units_per_rack,
        compute_racks=racks.compute_racks,
        network_racks=racks.network_racks,
        racks=racks.racks,
        rack_detail=racks.detail,
        grid_gco2e_per_kwh=grid.gco2e_per_kwh,
        grid_source=grid.source,
        renewable_share=site.renewable_share,
        energy_usd_per_mwh=price,
        energy=energy.estimate,
        annual_energy_mwh=energy.mwh,
        annual_co2e_t=energy.carbon_t,
        cost_usd_per_hour=cost_hour,
        cost_usd_per_year=cost_hour * o.hours_per_year,
        cost_complete=not unpriced,
        partial=partial,
        explain=explain,
        notes=tuple(notes),
    )
    return estimate, lines, unpriced


def _pool_parts(pools: list[PoolEstimate]) -> list[str]:
    return [
        f"{p.nodes:,} nodes x {num(p.node_power_kw)} kW ({p.id}, {p.hardware}"
        + {"estimate-from-tdp": ", estimate from TDP", "instance-max": ", catalogue estimate"}.get(p.power_basis, "")
        + ")"
        for p in pools
    ]


def _onprem_it_load(
    ctx: Context,
    pools: list[PoolEstimate],
    fabrics: list[FabricEstimate],
    file_systems: list[FileSystemEstimate],
    explain: dict[str, str],
) -> ItLoad:
    """An on-prem or colo site's IT load: compute, switches, storage and management, all the site's power."""
    o = ctx.options
    overheads = _rack_scale_overhead(ctx, pools)
    rack_overhead_kw = sum(racks * trays * kw for _, racks, trays, kw in overheads)
    compute_kw = sum(p.power_kw for p in pools) + rack_overhead_kw
    network_kw = sum(f.switch_power_kw for f in fabrics)
    storage_kw = sum(fs.power_kw for fs in file_systems)
    management_kw = compute_kw * o.management_fraction_of_compute
    it_kw = compute_kw + network_kw + storage_kw + management_kw
    others = rack_overhead_kw + network_kw + storage_kw + management_kw
    typical = None
    if pools and all(p.node_typical_power_kw is not None for p in pools):
        typical = sum((p.node_typical_power_kw or 0.0) * p.nodes for p in pools) + others
    idle = _idle_kw(ctx, pools, others)
    parts = _pool_parts(pools)
    parts += [
        f"{racks:,} {name} racks x {trays} NVLink switch trays x {num(kw)} kW" for name, racks, trays, kw in overheads
    ]
    switches = [f for f in fabrics if f.switches]
    parts += [f"{f.switches:,} switches x {num(f.switch_power_kw / f.switches)} kW ({f.id})" for f in switches]
    if storage_kw:
        gbs = sum(fs.throughput_gbs for fs in file_systems if fs.power_kw)
        parts.append(f"storage {num(storage_kw)} kW ({num(gbs)} GB/s x {num(o.storage_kw_per_gbs)} kW per GB/s)")
    if management_kw:
        parts.append(f"management {num(management_kw)} kW ({pct(o.management_fraction_of_compute)} of compute)")
    explain["it_power_kw"] = f"IT load = {' + '.join(parts) or '0'} = {num(it_kw)} kW"
    return ItLoad(compute_kw, network_kw, storage_kw, management_kw, it_kw, typical, idle, rack_overhead_kw)


def _idle_kw(ctx: Context, pools: list[PoolEstimate], always_on_kw: float) -> float | None:
    """The site's idle IT draw when some node model states idle power: the floor of its energy estimate.

    Pools without an idle figure count as zero (a floor stays a lower bound); switches, storage,
    management and rack-scale switch trays count at their stated draw (they stay on).
    """
    idle = [
        hw.node_model.idle_power_kw * p.nodes
        for p in pools
        if (hw := ctx.hardware.get(p.id)) is not None
        and hw.node_model is not None
        and hw.node_model.idle_power_kw is not None
    ]
    return sum(idle) + always_on_kw if idle else None


def _cloud_it_load(site: Site, pools: list[PoolEstimate], explain: dict[str, str], notes: list[str]) -> ItLoad:
    """A provider's site: compute only, estimated for energy; the provider owns power, cooling and racks."""
    compute_kw = sum(p.power_kw for p in pools)
    it_kw = compute_kw + 0.0  # a float even with no pools
    parts = _pool_parts(pools)
    explain["it_power_kw"] = f"IT load (estimate; the provider's power) = {' + '.join(parts) or '0'} = {num(it_kw)} kW"
    notes.append("the provider's site: power, cooling and racks are AWS's; IT power is an estimate for energy only")
    if site.power_budget_kw is not None:
        notes.append("power_budget_kw is not checked at an AWS site")
    return ItLoad(compute_kw, 0.0, 0.0, 0.0, it_kw, None)


def _onprem_racks(
    ctx: Context,
    site: Site,
    pools: list[PoolEstimate],
    fabrics: list[FabricEstimate],
    load: ItLoad,
    pue: float,
    explain: dict[str, str],
    notes: list[str],
) -> Racks:
    """Compute racks per node-model group at the site's cooling limit, plus network racks by switch U and kW."""
    o = ctx.options
    limit = cooling_limit(ctx, site)
    detail = _rack_groups(ctx, site, pools, pue, limit.kw_per_rack, limit.source)
    if limit.kw_per_rack is None:
        notes.append("no cooling or max_kw_per_rack: racks are not counted")
        return Racks(limit, detail, None, None, None)
    if not all(r.racks is not None for r in detail):
        notes.append("some pools could not be racked (see rack_detail): racks are not counted")
        return Racks(limit, detail, None, None, None)
    network_kw = load.network_kw
    compute_racks = sum(r.racks or 0 for r in detail)
    rack_kw = o.rack_power_kw or limit.kw_per_rack
    switch_units = sum(f.switch_rack_units for f in fabrics)
    network_racks = (
        max(math.ceil(switch_units / site.rack_units_per_rack), math.ceil(network_kw / rack_kw)) if network_kw else 0
    )
    racks = compute_racks + network_racks
    explain["racks"] = (
        " + ".join(
            [
                f"{r.racks} for {r.nodes:,} {r.hardware} ({', '.join(r.pools[:3])}"
                f"{' ...' if len(r.pools) > 3 else ''}; {r.nodes_per_rack} per rack, {r.limited_by}-limited, "
                f"{num(r.rack_density_kw or 0)} kW of {num(rack_kw)} kW)"
                for r in detail
            ]
            + ([f"{network_racks} network ({switch_units}U, {num(network_kw)} kW)"] if network_racks else [])
        )
        + f" = {racks} racks (storage racks not counted)"
    )
    return Racks(limit, detail, compute_racks, network_racks, racks)


def _pool_costs(site: Site, pools: list[PoolEstimate]) -> Costs:
    """One cost line per priced pool; pools with an instance type but no known price are unpriced."""
    lines: list[CostLineRow] = []
    unpriced: list[Unpriced] = []
    for p in pools:
        if p.price is None:
            continue
        if p.usd_per_hour is not None and p.price.usd_per_hour_per_node is not None:
            lines.append(
                (
                    f"pool {p.id}",
                    f"{p.nodes:,} x {p.hardware}",
                    p.usd_per_hour,
                    f"{num(p.price.usd_per_hour_per_node)} USD/h per node in {p.price.region}, {p.price.note}"
                    + (f" ({p.price.source_url})" if p.price.source_url else ""),
                )
            )
        else:
            unpriced.append(Unpriced(site=site.id, component=p.id, reason=p.price.note))
    return Costs(tuple(lines), tuple(unpriced))


def _onprem_energy_lines(
    ctx: Context,
    pools: list[PoolEstimate],
    fabrics: list[FabricEstimate],
    load: ItLoad,
    pue: float,
    price: float,
) -> list[CostLineRow]:
    """An on-prem site's energy cost: one line per consumer, its share of the facility energy."""
    o = ctx.options
    utilisation = _utilisation(o.utilisation, load)
    per_kw = utilisation * pue * price / 1000  # USD/h per kW of IT
    basis_typical = load.typical_kw is not None
    consumers = [
        (
            f"energy: pool {p.id}",
            (p.node_typical_power_kw or 0.0) * p.nodes if basis_typical else p.power_kw,
            "",
        )
        for p in pools
    ]
    consumers += [(f"energy: fabric {f.id}", f.switch_power_kw, f"{f.switches:,} switches, ") for f in fabrics]
    consumers += [("energy: NVLink switch trays", load.rack_overhead_kw, "rack-scale units, ")]
    consumers += [("energy: storage", load.storage_kw, ""), ("energy: management", load.management_kw, "")]
    basis = f"kW IT x {num(utilisation)} utilisation x PUE {num(pue)} x {num(price)} USD/MWh"
    return [(name, f"{what}{num(kw)} kW IT", kw * per_kw, basis) for name, kw, what in consumers if kw]


def _with_energy_costs(
    ctx: Context,
    site: Site,
    pools: list[PoolEstimate],
    fabrics: list[FabricEstimate],
    load: ItLoad,
    pue: float,
    price: float | None,
    costs: Costs,
) -> Costs:
    """An on-prem site's costs with its energy lines added, or energy unpriced when the site states no price."""
    if price is None:
        missing = Unpriced(site=site.id, component="energy", reason=f"site {site.id!r} states no energy_usd_per_mwh")
        return Costs(costs.lines, (*costs.unpriced, missing))
    return Costs((*costs.lines, *_onprem_energy_lines(ctx, pools, fabrics, load, pue, price)), costs.unpriced)


def _energy(
    ctx: Context,
    site: Site,
    load: ItLoad,
    pue: float,
    grid: Grid,
    costs: Costs,
    explain: dict[str, str],
    notes: list[str],
) -> SiteEnergy:
    """Annual energy and carbon from the IT load, PUE and grid; the cost lines ride along to the energy model."""
    o = ctx.options
    it_kw = load.it_kw
    if not it_kw > 0:
        return SiteEnergy(None, 0.0, None)
    utilisation = _utilisation(o.utilisation, load)
    if utilisation > o.utilisation:
        basis_kw = load.typical_kw if load.typical_kw is not None else it_kw
        notes.append(
            f"idle floor: powered on, the site draws at least {num(load.idle_kw or 0)} kW (node idle power), "
            f"more than {num(o.utilisation)} utilisation x {num(basis_kw)} kW; energy counts "
            f"{num(utilisation)} x {num(basis_kw)} kW all year"
        )
    try:
        energy = estimate_energy(
            EnergyInput(
                it_kw_peak=it_kw,
                it_kw_typical=load.typical_kw,
                utilisation=utilisation,
                pue=pue,
                grid_gco2e_per_kwh=grid.gco2e_per_kwh if grid.gco2e_per_kwh is not None else 0.0,
                renewable_share=site.renewable_share,
                cost_lines=tuple(CostLine(component=c, usd_per_hour=usd) for c, _, usd, _ in costs.lines),
                hours_per_year=o.hours_per_year,
            )
        )
    except InputError as exc:  # the model's own check: say which site, load and options it comes from
        detail = "; ".join(p.render() for p in exc.problems)
        raise located(
            site,
            None,
            f"annual energy for {num(it_kw)} kW of IT load at PUE {num(pue)}, {num(utilisation)} utilisation "
            f"and {o.hours_per_year:g} hours a year: {detail}",
        ) from None
    mwh = energy.annual_facility_mwh
    explain["annual_energy_mwh"] = (
        f"{num(energy.it_kw_basis)} kW IT ({energy.power_basis}) x {num(utilisation)} utilisation x "
        f"{num(o.hours_per_year)} h x PUE {num(pue)} / 1000 = {num(mwh)} MWh"
    )
    carbon = None
    if grid.gco2e_per_kwh is not None:
        carbon = energy.carbon_tco2e
        explain["annual_co2e_t"] = (
            f"{num(mwh)} MWh x {num(grid.gco2e_per_kwh)} g/kWh ({grid.source}) x "
            f"(1 - {num(site.renewable_share)} renewable) / 1000 = {num(carbon)} t ({energy.carbon_accounting}-based)"
        )
    else:
        notes.append("no grid carbon intensity for this site: carbon is not estimated (set grid_gco2e_per_kwh)")
    return SiteEnergy(energy, mwh, carbon)


def _utilisation(utilisation: float, load: ItLoad) -> float:
    """The utilisation energy is counted at: never below the idle draw's share of the power basis.

    >>> _utilisation(0.1, ItLoad(100.0, 0.0, 0.0, 0.0, 100.0, None, 20.0))
    0.2
    """
    basis = load.typical_kw if load.typical_kw is not None else load.it_kw
    if load.idle_kw is None or not basis > 0:
        return utilisation
    return max(utilisation, min(1.0, load.idle_kw / basis))


def _over_budget(
    ctx: Context,
    site: Site,
    pools: list[PoolEstimate],
    facility: float,
    it_kw: float,
    pue: float,
    budget: float,
    partial: bool,
) -> None:
    excess = facility - budget
    fixes = []
    if pools:
        biggest = max(pools, key=lambda p: p.power_kw)
        hw = ctx.hardware.get(biggest.id)
        scale = hw.node_model.rack_scale if hw is not None and hw.node_model is not None else None
        grow = (1 + ctx.options.management_fraction_of_compute) * pue
        if scale is not None:
            # Rack-scale units go in whole racks: remove racks (trays and their NVLink switch trays).
            per_rack = (scale.trays_per_rack * biggest.node_power_kw + scale.switch_trays_per_rack
                        * scale.switch_tray_max_kw) * grow  # fmt: skip
            racks = min(math.ceil(excess / per_rack), math.ceil(biggest.nodes / scale.trays_per_rack))
            left = max(biggest.nodes - racks * scale.trays_per_rack, 0)
            fixes.append(
                f"remove about {racks} rack-scale racks from pool {biggest.id!r} ({num(per_rack)} kW facility "
                f"each, node_count {biggest.nodes} -> {left})"
            )
        else:
            per_node = biggest.node_power_kw * grow
            remove = min(math.ceil(excess / per_node), biggest.nodes)
            fixes.append(
                f"remove about {remove} nodes from pool {biggest.id!r} ({num(per_node)} kW facility each, "
                f"node_count {biggest.nodes} -> {biggest.nodes - remove})"
            )
    fixes.append(f"raise power_budget_kw to {math.ceil(facility):,}")
    if site.cooling in (None, "air", "rear-door") and pue > 1.2:
        fixes.append(f"lower the PUE of {num(pue)} (liquid cooling)")
    ctx.finding(
        site,
        "capacity-power-budget",
        f"facility power {'at least ' if partial else ''}{num(facility)} kW ({num(it_kw)} kW IT x PUE {num(pue)}) "
        f"exceeds the site's power budget of {num(budget)} kW by {num(excess)} kW; " + ", or ".join(fixes),
        field="power_budget_kw",
    )
