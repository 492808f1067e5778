"""Design-level estimation: the pure capacity models applied to every pool, fabric, file system and site.

>>> from aifab.capacity import estimate_design
>>> from aifab.design.loader import load_design
>>> est = estimate_design(load_design("docs/examples/minimal.yaml").design)   # two p5.48xlarge in eu-west-2
>>> est.gpus, round(est.facility_power_kw)
(16, 23)

:func:`estimate_design` is strict: a name the catalogue does not know, or a switch too small for any fat
tree, raises :class:`~aifab.errors.InputError` pointing at the component (the CLI exits 2).
:func:`capacity_findings` is lenient, for validation: it never raises, leaves out what cannot be resolved
(validation reports unknown names already) and returns the ``capacity-*`` findings.
:func:`assess_design` is the lenient run once, for ``aifab check``: its findings feed validation, and its
estimate, when complete (what the strict run would have returned), feeds the policy rules.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from aifab.blueprints.storage import VectorDatabase
from aifab.design.component import Component
from aifab.design.design import Design
from aifab.errors import Diagnostic, InputError

from ._context import Context, Index
from ._fabrics import estimate_fabric
from ._format import num
from ._grid import with_grid_dataset
from ._pools import estimate_pool
from ._services import estimate_vector_database, services_need_cpu_nodes
from ._sites import estimate_site
from ._storage import estimate_file_system
from .options import EstimateOptions
from .results import (
    CapacityAssessment,
    CostItem,
    DesignEstimate,
    EdgeEstimate,
    FabricEstimate,
    FabricTotals,
    FileSystemEstimate,
    PoolEstimate,
    SiteEstimate,
    Unpriced,
)

if TYPE_CHECKING:
    from aifab.catalogue import Catalogue

__all__ = ["assess_design", "capacity_findings", "estimate_design"]

T = TypeVar("T")

_NOTES = (
    "Cloud sites: power, cooling and racks are the provider's; their IT power is an estimate "
    "(accelerator TDP x host_overhead_factor, or the instance type's catalogue max_power_kw) used only for "
    "energy and carbon.",
    "Not priced: managed services (FSx, S3, EKS ...), data transfer, support, on-prem hardware (capital cost), "
    "colocation fees and staff. Cloud prices are on-demand list prices with their as-of date.",
    "Expected collective figures follow NCCL's tuner (ring, tree, NVLS, SHARP; LL, LL128, Simple) calibrated "
    "against published nccl-tests sweeps, each naming the algorithm it assumes; storage figures assume read and "
    "write at the file system's stated throughput.",
)


def estimate_design(
    design: Design, catalogue: Catalogue | None = None, options: EstimateOptions | None = None
) -> DesignEstimate:
    """Estimate every pool, fabric, file system and site of ``design``, and the design's totals.

    Raises :class:`InputError` (located at the component) for names the catalogue does not know and for a
    switch radix too small to build any fabric. Design problems the numbers reveal (over budget, too slow,
    unbuildable) are returned as ``findings``.
    """
    return _estimate(design, _context(design, catalogue, options, strict=True))


def capacity_findings(
    design: Design, catalogue: Catalogue | None = None, options: EstimateOptions | None = None
) -> list[Diagnostic]:
    """The ``capacity-*`` findings of ``design``; never raises (for :func:`aifab.validate.validate`)."""
    return list(assess_design(design, catalogue, options).findings)


def assess_design(
    design: Design, catalogue: Catalogue | None = None, options: EstimateOptions | None = None
) -> CapacityAssessment:
    """Estimate ``design`` once, leniently (never raises): the findings for validation and, when every input
    resolved, the same estimate :func:`estimate_design` returns, for the rules that read capacity."""
    ctx = _context(design, catalogue, options, strict=False)
    estimate = _estimate(design, ctx)
    usable = not ctx.skipped and not ctx.unusable_input
    return CapacityAssessment(estimate=estimate, complete=estimate if usable else None)


def _guard(ctx: Context, component: Component, work: Callable[[], T]) -> T | None:
    """Run one component's estimate. Unusable input: collected (strict) or left out (lenient)."""
    try:
        return work()
    except InputError as exc:
        if ctx.strict:
            ctx.input_errors.append(exc)  # raised together once every component has been tried
        else:
            ctx.skip(component, exc.message)
            # What makes `estimate` refuse the design must make `validate` refuse it too (exit 2).
            ctx.unusable_input = True
            finding = component.problem("capacity-unusable-input", exc.message)
            ctx.findings.append(finding.model_copy(update={"category": "input"}))
    except Exception as exc:  # a bug must not hide every other finding: report it on the component
        if ctx.strict:
            raise
        ctx.skip(component, f"{type(exc).__name__}: {exc}")
        ctx.finding(
            component,
            "capacity-check-failed",
            f"the capacity estimate failed on this component ({type(exc).__name__}: {exc}); "
            "this is a bug in aifab, please report it",
        )
    return None


def _context(design: Design, catalogue: Catalogue | None, options: EstimateOptions | None, strict: bool) -> Context:
    if catalogue is None:
        from aifab.catalogue import load_catalogue

        catalogue = load_catalogue()
    return Context(catalogue=catalogue, options=options or EstimateOptions(), strict=strict, index=Index.of(design))


def _estimate(design: Design, ctx: Context) -> DesignEstimate:
    index = ctx.index

    pools: dict[str, PoolEstimate] = {}
    for pool in index.pools:
        est = _guard(ctx, pool, partial(estimate_pool, ctx, pool))
        if est is not None:
            pools[pool.id] = est

    fabrics: list[FabricEstimate] = []
    for fabric in index.fabrics:
        users = [pools[p.id] for p in index.pools_by_fabric.get(fabric.id, ()) if p.id in pools]
        f = _guard(ctx, fabric, partial(estimate_fabric, ctx, fabric, users))
        if f is not None:
            fabrics.append(f)

    file_systems: list[FileSystemEstimate] = []
    for fs in index.file_systems:
        demand = sum(
            pools[p.id].storage.read_gbs_needed or 0.0
            for p in index.pools_by_file_system.get(fs.id, ())
            if p.id in pools
        )
        writes = max(
            (
                pools[p.id].storage.write_gbs_needed or 0.0
                for p in index.pools_by_file_system.get(fs.id, ())
                if p.id in pools
            ),
            default=0.0,
        )
        site = index.site_of(fs.site)
        provider = site.provider if site is not None else None
        e = _guard(ctx, fs, partial(estimate_file_system, ctx, fs, demand, provider, writes))
        if e is not None:
            file_systems.append(e)

    components = list(index.by_id.values())
    services_need_cpu_nodes(ctx, components)
    vector_dbs = [
        v
        for c in components
        if isinstance(c, VectorDatabase) and (v := _guard(ctx, c, partial(estimate_vector_database, ctx, c)))
    ]

    skipped_sites = {getattr(index.by_id[i], "site", None) for i in ctx.skipped_ids}
    sites: list[SiteEstimate] = []
    lines: list[tuple[str, tuple[str, str, float, str]]] = []
    unpriced: list[Unpriced] = []
    for site in index.sites:
        here_pools = [p for p in pools.values() if p.site == site.id]
        here_fabrics = [f for f in fabrics if f.site == site.id]
        here_fs = [fs for fs in file_systems if fs.site == site.id]
        result = _guard(
            ctx, site, partial(estimate_site, ctx, site, here_pools, here_fabrics, here_fs, site.id in skipped_sites)
        )
        if result is None:
            continue
        estimate, site_lines, site_unpriced = result
        estimate = with_grid_dataset(ctx, site, estimate)
        sites.append(estimate)
        lines += [(site.id, line) for line in site_lines]
        unpriced += site_unpriced

    if ctx.input_errors:
        problems = sorted(ctx.input_errors, key=lambda e: (e.file or "", e.line or 0))
        raise InputError.combine(problems, f"{len(problems)} problems prevent an estimate")
    edges = tuple(
        EdgeEstimate(
            id=e.id,
            accelerator=e.accelerator,
            nodes=e.node_count,
            node_power_kw=e.node_power_kw,
            it_power_kw=e.node_count * e.node_power_kw,
        )
        for e in index.edges
    )
    whole = _assemble(design, ctx, list(pools.values()), fabrics, file_systems, sites, edges, lines, unpriced)
    if not vector_dbs:
        return whole
    explain = dict(whole.explain)
    for v in vector_dbs:
        nodes = f", {v.sizing.nodes_total} nodes of {v.node_hardware}" if v.sizing.nodes_total is not None else ""
        explain[f"vector_database {v.id}"] = (
            f"{v.engine}: {num(v.sizing.total_gib)} GiB memory and {num(v.sizing.disk_gib_total)} GiB disk over "
            f"{v.replicas} replicas{nodes}"
        )
    return whole.model_copy(update={"vector_databases": tuple(vector_dbs), "explain": explain})


def _assemble(
    design: Design,
    ctx: Context,
    pools: list[PoolEstimate],
    fabrics: list[FabricEstimate],
    file_systems: list[FileSystemEstimate],
    sites: list[SiteEstimate],
    edges: tuple[EdgeEstimate, ...],
    lines: list[tuple[str, tuple[str, str, float, str]]],
    unpriced: list[Unpriced],
) -> DesignEstimate:
    o = ctx.options
    notes = list(_NOTES)
    site_ids = {s.id for s in sites}
    unsited = [p.id for p in pools if p.site not in site_ids]
    if unsited:
        notes.append(f"pools without a (known) site are counted in GPUs but in no site's power: {', '.join(unsited)}")
    if edges:
        notes.append("edge sites are listed on their own (edge_it_power_kw); they are not in the site totals")
    if ctx.skipped:
        notes.append("left out (inputs do not resolve): " + "; ".join(ctx.skipped))

    total_cost = sum(line[2] for _, line in lines)
    breakdown = tuple(
        CostItem(
            site=site,
            component=component,
            description=description,
            usd_per_hour=usd,
            usd_per_year=usd * o.hours_per_year,
            share_pct=usd / total_cost * 100 if total_cost > 0 else 0.0,
            basis=basis,
        )
        for site, (component, description, usd, basis) in sorted(lines, key=lambda item: -item[1][2])
    )
    fat = [f for f in fabrics if f.sizing is not None]
    fabric_totals = FabricTotals(
        leaf=sum(f.leaf for f in fat),
        spine=sum(f.spine for f in fat),
        core=sum(f.core for f in fat),
        switches=sum(f.switches for f in fat),
        cables=sum(f.cables for f in fat),
        transceivers=sum(f.transceivers for f in fat),
        bisection_tbps=sum(f.bisection_tbps or 0.0 for f in fat),
    )
    it_total = sum(s.it_power_kw for s in sites)
    it_onprem = sum(s.it_power_kw for s in sites if s.power_owner == "site")
    facility = sum(s.facility_power_kw for s in sites)
    racks = sum(s.racks or 0 for s in sites)
    mwh = sum(s.annual_energy_mwh for s in sites)
    co2 = sum(s.annual_co2e_t or 0.0 for s in sites)
    carbon_complete = all(s.annual_co2e_t is not None for s in sites if s.annual_energy_mwh > 0)
    gpus = sum(p.gpus for p in pools)
    cpu_pools = [p for p in pools if p.accelerator is None]
    cpu_vcpus = sum(p.vcpus or 0 for p in cpu_pools)
    if any(p.vcpus is None for p in cpu_pools):
        notes.append("some CPU-only pools have no vCPU count in the catalogue: cpu_vcpus is a lower bound")

    def joined(items: list[tuple[str, float]], unit: str) -> str:
        shown = items[:8]
        text = " + ".join(f"{name} {num(v)}" for name, v in shown)
        if len(items) > len(shown):
            text += f" + {len(items) - len(shown):,} more"
        return f"{text or '0'} = {num(sum(v for _, v in items))} {unit}"

    explain = {
        "gpus": joined([(p.id, float(p.gpus)) for p in pools if p.accelerator is not None], "GPUs"),
        **(
            {"cpu_vcpus": joined([(p.id, float(p.vcpus or 0)) for p in cpu_pools], "vCPUs in CPU-only pools")}
            if cpu_pools
            else {}
        ),
        "it_power_kw": joined([(s.id, s.it_power_kw) for s in sites], "kW")
        + (" (includes cloud estimates)" if it_total > it_onprem else ""),
        "facility_power_kw": joined([(s.id, s.facility_power_kw) for s in sites], "kW"),
        "racks": joined([(s.id, float(s.racks or 0)) for s in sites if s.power_owner == "site"], "racks"),
        "annual_energy_mwh": joined([(s.id, s.annual_energy_mwh) for s in sites], "MWh"),
        "annual_co2e_t": joined([(s.id, s.annual_co2e_t or 0.0) for s in sites], "t"),
        "cost_per_hour_usd": joined([(c.component, c.usd_per_hour) for c in breakdown], "USD/h")
        + ("" if not unpriced else f"; unpriced: {', '.join(u.component for u in unpriced)}"),
    }
    findings = sorted(
        ctx.findings, key=lambda d: (d.location.file or "", d.location.line or 0) if d.location else ("", 0)
    )
    return DesignEstimate(
        design=design.name,
        catalogue_version=ctx.catalogue.version,
        catalogue_as_of=ctx.catalogue.as_of,
        gpus=gpus,
        nodes=sum(p.nodes for p in pools),
        cpu_nodes=sum(p.nodes for p in cpu_pools),
        cpu_vcpus=cpu_vcpus,
        fabric=fabric_totals,
        it_power_kw=it_total,
        it_power_kw_onprem=it_onprem,
        it_power_kw_cloud_estimate=it_total - it_onprem,
        facility_power_kw=facility,
        racks=racks,
        annual_energy_mwh=mwh,
        annual_co2e_t=co2,
        carbon_complete=carbon_complete,
        cost_per_hour_usd=total_cost,
        cost_per_year_usd=total_cost * o.hours_per_year,
        cost_complete=not unpriced,
        edge_nodes=sum(e.nodes for e in edges),
        edge_it_power_kw=sum(e.it_power_kw for e in edges),
        pools=tuple(pools),
        fabrics=tuple(fabrics),
        file_systems=tuple(file_systems),
        sites=tuple(sites),
        edge_sites=edges,
        cost_breakdown=breakdown,
        unpriced=tuple(unpriced),
        findings=tuple(findings),
        skipped=tuple(ctx.skipped),
        explain=explain,
        notes=tuple(notes),
        options=o,
        assumptions=o.assumptions(),
    )
