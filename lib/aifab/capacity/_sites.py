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
"""

from __future__ import annotations

import math

from aifab.blueprints.compute import ComputePool
from aifab.blueprints.facility import Site
from aifab.errors import InputError
from aifab.models import CostLine, EnergyInput, PowerInput, estimate_energy, size_power

from ._context import Context
from ._format import num, pct
from .results import FabricEstimate, FileSystemEstimate, PoolEstimate, RackGroup, SiteEstimate, Unpriced

_LIQUID = ("direct-liquid", "immersion")


def _pue(ctx: Context, site: Site) -> tuple[float, str]:
    if site.pue is not None:
        return site.pue, "site"
    if site.cooling is not None:
        cooling = ctx.lookup(site, "cooling", ctx.catalogue.cooling, site.cooling)
        kind = cooling.source_for("typical_pue").type
        return cooling.typical_pue, f"catalogue typical PUE for {cooling.name} cooling ({kind})"
    if site.region:
        region = ctx.lookup(site, "region", ctx.catalogue.region, site.region)
        return region.pue, f"catalogue region {region.code}"
    return ctx.options.default_pue, "option default_pue"


def _grid(ctx: Context, site: Site) -> tuple[float | None, str | None]:
    if site.grid_gco2e_per_kwh is not None:
        return site.grid_gco2e_per_kwh, "site"
    if site.grid_zone is not None:
        zone = ctx.lookup(site, "grid_zone", ctx.catalogue.grid_zone, site.grid_zone)
        return zone.grid_gco2e_per_kwh, f"catalogue grid zone {zone.name}" + (f" {zone.year}" if zone.year else "")
    if site.region:
        region = ctx.lookup(site, "region", ctx.catalogue.region, site.region)
        if region.grid_gco2e_per_kwh is not None:
            return region.grid_gco2e_per_kwh, f"catalogue region {region.code}"
    return None, None


def _cooling_limit(ctx: Context, site: Site) -> tuple[float | None, str]:
    if site.max_kw_per_rack is not None:
        return site.max_kw_per_rack, "site max_kw_per_rack"
    if site.cooling is not None:
        cooling = ctx.lookup(site, "cooling", ctx.catalogue.cooling, site.cooling)
        return cooling.max_kw_per_rack, f"catalogue {cooling.name} cooling"
    return None, ""


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
) -> tuple[SiteEstimate, list[tuple[str, str, float, str]], list[Unpriced]]:
    """The site estimate, its cost lines ``(component, description, usd_per_hour, basis)`` and what is unpriced."""
    o = ctx.options
    owner = "site" if site.provider in ("onprem", "colo") else "provider"
    explain: dict[str, str] = {}
    notes: list[str] = []
    compute_kw = sum(p.power_kw for p in pools)
    network_kw = sum(f.switch_power_kw for f in fabrics) if owner == "site" else 0.0
    storage_kw = sum(fs.power_kw for fs in file_systems) if owner == "site" else 0.0
    management_kw = compute_kw * o.management_fraction_of_compute if owner == "site" else 0.0
    it_kw = compute_kw + network_kw + storage_kw + management_kw
    others = network_kw + storage_kw + management_kw
    typical = None
    if owner == "site" and pools and all(p.node_typical_power_kw is not None for p in pools):
        typical = sum((p.node_typical_power_kw or 0.0) * p.nodes for p in pools) + others

    parts = [
        f"{p.nodes:,} nodes x {num(p.node_power_kw)} kW ({p.id}, {p.hardware}"
        + {"estimate-from-tdp": ", estimate from TDP", "instance-max": ", catalogue estimate"}.get(p.power_basis, "")
        + ")"
        for p in pools
    ]
    if owner == "site":
        switches = [f for f in fabrics if f.switches]
        parts += [f"{f.switches:,} switches x {num(f.switch_power_kw / f.switches)} kW ({f.id})" for f in switches]
        if storage_kw:
            gbs = sum(fs.throughput_gbs for fs in file_systems if fs.power_kw)
            parts.append(f"storage {num(storage_kw)} kW ({num(gbs)} GB/s x {num(o.storage_kw_per_gbs)} kW per GB/s)")
        if management_kw:
            parts.append(f"management {num(management_kw)} kW ({pct(o.management_fraction_of_compute)} of compute)")
        explain["it_power_kw"] = f"IT load = {' + '.join(parts) or '0'} = {num(it_kw)} kW"
    else:
        explain["it_power_kw"] = (
            f"IT load (estimate; the provider's power) = {' + '.join(parts) or '0'} = {num(it_kw)} kW"
        )
        notes.append("the provider's site: power, cooling and racks are AWS's; IT power is an estimate for energy only")
        if site.power_budget_kw is not None:
            notes.append("power_budget_kw is not checked at an AWS site")

    pue, pue_source = _pue(ctx, site)
    facility = it_kw * pue
    explain["facility_power_kw"] = f"{num(it_kw)} kW IT x PUE {num(pue)} ({pue_source}) = {num(facility)} kW"

    headroom = headroom_pct = fits = None
    budget = site.power_budget_kw if owner == "site" else None
    if budget is not None:
        headroom = budget - facility
        headroom_pct = headroom / budget * 100
        fits = headroom >= 0
        explain["headroom_kw"] = (
            f"{num(budget)} kW budget - {num(facility)} kW facility = {num(headroom)} kW ({num(headroom_pct)} %)"
        )
        if not fits:
            _over_budget(ctx, site, pools, facility, it_kw, pue, budget, partial)
    if partial:
        notes.append("some components here could not be estimated: totals are a lower bound")

    # racks
    limit, limit_source = _cooling_limit(ctx, site) if owner == "site" else (None, "")
    rack_detail: tuple[RackGroup, ...] = ()
    compute_racks = network_racks = racks = None
    if owner == "site":
        rack_detail = _rack_groups(ctx, site, pools, pue, limit, limit_source)
        if limit is None:
            notes.append("no cooling or max_kw_per_rack: racks are not counted")
        elif all(r.racks is not None for r in rack_detail):
            compute_racks = sum(r.racks or 0 for r in rack_detail)
            rack_kw = o.rack_power_kw or limit
            switch_units = sum(f.switch_rack_units for f in fabrics)
            network_racks = (
                max(math.ceil(switch_units / site.rack_units_per_rack), math.ceil(network_kw / rack_kw))
                if network_kw
                else 0
            )
            racks = compute_racks + network_racks
            explain["racks"] = (
                " + ".join(
                    [
                        f"{r.racks} for {r.nodes:,} {r.hardware} ({', '.join(r.pools[:3])}"
                        f"{' ...' if len(r.pools) > 3 else ''}; {r.nodes_per_rack} per rack, {r.limited_by}-limited, "
                        f"{num(r.rack_density_kw or 0)} kW of {num(rack_kw)} kW)"
                        for r in rack_detail
                    ]
                    + ([f"{network_racks} network ({switch_units}U, {num(network_kw)} kW)"] if network_racks else [])
                )
                + f" = {racks} racks (storage racks not counted)"
            )
        else:
            notes.append("some pools could not be racked (see rack_detail): racks are not counted")

    # energy, carbon, cost
    grid, grid_source = _grid(ctx, site)
    price = site.energy_usd_per_mwh if owner == "site" else None
    if owner != "site" and site.energy_usd_per_mwh is not None:
        notes.append("energy_usd_per_mwh is ignored at an AWS site: instance prices include energy")
    lines: list[tuple[str, str, float, str]] = []
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
    energy = None
    mwh = 0.0
    carbon = None
    if it_kw > 0:
        basis_typical = typical is not None
        if owner == "site":
            if price is None:
                unpriced.append(
                    Unpriced(site=site.id, component="energy", reason=f"site {site.id!r} states no energy_usd_per_mwh")
                )
            else:
                per_kw = o.utilisation * pue * price / 1000  # USD/h per kW of IT
                consumers = [
                    (
                        f"energy: pool {p.id}",
                        (p.node_typical_power_kw or 0.0) * p.nodes if basis_typical else p.power_kw,
                        "",
                    )
                    for p in pools
                ]
                consumers += [
                    (f"energy: fabric {f.id}", f.switch_power_kw, f"{f.switches:,} switches, ") for f in fabrics
                ]
                consumers += [("energy: storage", storage_kw, ""), ("energy: management", management_kw, "")]
                basis = f"kW IT x {num(o.utilisation)} utilisation x PUE {num(pue)} x {num(price)} USD/MWh"
                lines += [(name, f"{what}{num(kw)} kW IT", kw * per_kw, basis) for name, kw, what in consumers if kw]
        energy = estimate_energy(
            EnergyInput(
                it_kw_peak=it_kw,
                it_kw_typical=typical,
                utilisation=o.utilisation,
                pue=pue,
                grid_gco2e_per_kwh=grid if grid is not None else 0.0,
                renewable_share=site.renewable_share,
                cost_lines=tuple(CostLine(component=c, usd_per_hour=usd) for c, _, usd, _ in lines),
                hours_per_year=o.hours_per_year,
            )
        )
        mwh = energy.annual_facility_mwh
        explain["annual_energy_mwh"] = (
            f"{num(energy.it_kw_basis)} kW IT ({energy.power_basis}) x {num(o.utilisation)} utilisation x "
            f"{num(o.hours_per_year)} h x PUE {num(pue)} / 1000 = {num(mwh)} MWh"
        )
        if grid is not None:
            carbon = energy.carbon_tco2e
            explain["annual_co2e_t"] = (
                f"{num(mwh)} MWh x {num(grid)} g/kWh ({grid_source}) x (1 - {num(site.renewable_share)} renewable) "
                f"/ 1000 = {num(carbon)} t ({energy.carbon_accounting}-based)"
            )
        else:
            notes.append("no grid carbon intensity for this site: carbon is not estimated (set grid_gco2e_per_kwh)")
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
        compute_kw=compute_kw,
        network_kw=network_kw,
        storage_kw=storage_kw,
        management_kw=management_kw,
        it_power_kw=it_kw,
        it_power_kw_typical=typical,
        pue=pue,
        pue_source=pue_source,
        facility_power_kw=facility,
        power_budget_kw=budget,
        headroom_kw=headroom,
        headroom_pct=headroom_pct,
        fits_power_budget=fits,
        cooling=site.cooling,
        cooling_max_kw_per_rack=limit,
        rack_units_per_rack=site.rack_units_per_rack,
        compute_racks=compute_racks,
        network_racks=network_racks,
        racks=racks,
        rack_detail=rack_detail,
        grid_gco2e_per_kwh=grid,
        grid_source=grid_source,
        renewable_share=site.renewable_share,
        energy_usd_per_mwh=price,
        energy=energy,
        annual_energy_mwh=mwh,
        annual_co2e_t=carbon,
        cost_usd_per_hour=cost_hour,
        cost_usd_per_year=cost_hour * o.hours_per_year,
        cost_complete=not unpriced,
        partial=partial,
        explain=explain,
        notes=tuple(notes),
    )
    return estimate, lines, unpriced


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
        per_node = biggest.node_power_kw * (1 + ctx.options.management_fraction_of_compute) * pue
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
