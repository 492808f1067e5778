"""One fabric: a rail-optimised fat tree sized over the nodes of the pools that use it, or EFA injection.

* Nodes = the sum over pools linking the fabric; rails = accelerators per node (the largest, if pools differ).
  CPU-only pools have no rails: they are left out of the sizing, with a note.
* Radix from the switch catalogue at the fabric's ``link_gbps``: ``radix`` at ``port_gbps``, ``breakout_radix``
  at ``breakout_port_gbps``; ports may run slower than ``port_gbps``, never faster.
* EFA fabrics are the provider's: :func:`~aifab.models.cloud_fabric` per pool, no switch counts.
* A fat tree the model cannot build (too many leaves for three tiers, a scalable unit larger than a leaf)
  becomes a ``capacity-fabric-unbuildable`` finding with the alternatives that do build.
* Whole SuperPOD: an InfiniBand fabric at an on-prem or colo site, over node models that are not
  rack-scale, also gets :func:`~aifab.models.superpod.size_superpod` — storage, in-band and out-of-band
  fabrics, UFM pairs, management servers and racks by the DGX SuperPOD RA rules — reported with the
  fabric (``superpod``) and not added to the site's power or rack totals.
* NICs: a node model whose compute NICs give a GPU less than ``link_gbps`` is a
  ``capacity-nic-slower-than-link`` warning (its ports run at the NIC's speed). On a ``roce`` fabric a NIC
  that is a whole multiple of ``link_gbps`` (800G on a 400G fabric) runs one link into each of
  ``NIC / link_gbps`` independent planes — the Spectrum-X twin-plane design — sized by
  :func:`~aifab.models.ethernet.size_multiplane`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aifab.blueprints.network import Fabric
from aifab.catalogue import Switch
from aifab.errors import InputError
from aifab.models import CloudFabric, FabricSizing, FabricSizingInput, cloud_fabric, size_fat_tree
from aifab.models.ethernet import MultiPlaneInput, MultiPlaneSizing, size_multiplane
from aifab.models.fabric import MIN_SWITCH_RADIX
from aifab.models.superpod import SuperPodBom, SuperPodInput, size_superpod

from ._context import Context
from ._format import num
from .results import FabricEstimate, PoolEstimate

_SWITCH_TECHNOLOGY = {"infiniband": "infiniband", "roce": "ethernet"}


def _radix_at(sw: Switch, link_gbps: float) -> int | None:
    """Ports of ``sw`` at ``link_gbps``; None when the switch cannot run that fast."""
    if sw.breakout_radix is not None and sw.breakout_port_gbps == link_gbps:
        return sw.breakout_radix
    if link_gbps <= sw.port_gbps:
        return sw.radix
    return None


def _try(fabric: Fabric, nodes: int, rails: int, radix: int, oversub: float, ctx: Context) -> FabricSizing | None:
    try:
        return size_fat_tree(
            FabricSizingInput(
                nodes=nodes,
                gpus_per_node=rails,
                link_gbps=fabric.link_gbps,
                switch_radix=radix,
                oversubscription=oversub,
                scalable_unit_nodes=fabric.scalable_unit_nodes,
                node_leaf_media=ctx.options.node_leaf_media,
                switch_link_media=ctx.options.switch_link_media,
            )
        )
    except InputError:
        return None


def _alternatives(ctx: Context, fabric: Fabric, current: Switch | None, nodes: int, rails: int) -> list[str]:
    found: list[str] = []
    family = _SWITCH_TECHNOLOGY[fabric.technology]
    switches = sorted(
        (s for s in ctx.catalogue.switches.values() if s.technology == family and s is not current),
        key=lambda s: (_radix_at(s, fabric.link_gbps) or 0, s.name),
    )
    for sw in switches:
        radix = _radix_at(sw, fabric.link_gbps)
        if radix is None or radix < MIN_SWITCH_RADIX:
            continue
        sizing = _try(fabric, nodes, rails, radix, fabric.oversubscription, ctx)
        if sizing is not None:
            found.append(
                f"use switch_model {sw.name!r} (radix {radix} at {fabric.link_gbps} Gb/s: {sizing.tiers} tiers, "
                f"{sizing.switches_total:,} switches)"
            )
            break
    radix = _radix_at(current, fabric.link_gbps) if current is not None else None
    if radix is not None and radix >= MIN_SWITCH_RADIX:
        for oversub in (2.0, 3.0, 4.0):
            if oversub <= fabric.oversubscription:
                continue
            sizing = _try(fabric, nodes, rails, radix, oversub, ctx)
            if sizing is not None:
                found.append(
                    f"raise oversubscription to {num(oversub)} ({sizing.tiers} tiers, "
                    f"{sizing.switches_total:,} switches)"
                )
                break
    found.append("or split the pools over several fabrics")
    return found


def _empty(
    ctx: Context,
    fabric: Fabric,
    site: str | None,
    pools: list[PoolEstimate],
    nodes: int,
    rails: int,
    sw: Switch | None,
    radix: int | None,
    problem: str | None,
    explain: dict[str, str],
    notes: list[str],
    cloud: tuple[CloudFabric, ...] = (),
) -> FabricEstimate:
    return FabricEstimate(
        id=fabric.id,
        technology=fabric.technology,
        site=site,
        pools=tuple(p.id for p in pools),
        nodes=nodes,
        rails=rails,
        link_gbps=fabric.link_gbps,
        switch_model=sw.name if sw is not None else fabric.switch_model,
        switch_radix=radix,
        oversubscription=fabric.oversubscription,
        buildable=problem is None,
        problem=problem,
        sizing=None,
        cloud=cloud,
        leaf=0,
        spine=0,
        core=0,
        switches=0,
        cables=0,
        transceivers=0,
        bisection_tbps=None,
        switch_power_kw=0.0,
        switch_rack_units=0,
        explain=explain,
        notes=tuple(notes),
    )


def estimate_fabric(ctx: Context, fabric: Fabric, pools: list[PoolEstimate]) -> FabricEstimate:
    site = fabric.site or next((p.site for p in pools if p.site), None)
    notes: list[str] = [
        f"pool {p.id!r} is CPU-only: fabrics are sized per accelerator rail, so its {p.nodes:,} nodes are not counted"
        for p in pools
        if p.accelerators_per_node == 0
    ]
    pools = [p for p in pools if p.accelerators_per_node > 0]
    nodes = sum(p.nodes for p in pools)
    rails = max((p.accelerators_per_node for p in pools), default=0)
    explain: dict[str, str] = {}
    if len({p.accelerators_per_node for p in pools}) > 1:
        notes.append(f"pools differ in accelerators per node; sized for the largest ({rails} rails)")
    if not pools:
        notes.append("no pool uses this fabric")
        return _empty(ctx, fabric, site, pools, 0, 0, None, None, None, explain, notes)

    if fabric.technology == "efa":
        cloud: list[CloudFabric] = []
        for p in pools:
            hw = ctx.hardware[p.id]
            if hw.instance is None or hw.instance.efa_gbps_total <= 0:
                notes.append(f"pool {p.id!r} ({p.hardware}) has no EFA; it is not counted in the injection bandwidth")
                continue
            cloud.append(cloud_fabric(p.nodes, hw.instance.efa_gbps_total, hw.per_node))
        total = sum(c.aggregate_injection_tbps for c in cloud)
        explain["injection_tbps"] = (
            " + ".join(f"{c.nodes:,} nodes x {num(c.efa_gbps_per_node)} Gb/s EFA" for c in cloud)
            + f" = {num(total)} Tb/s injection; the provider owns the switches (no counts, no published bisection)"
        )
        return _empty(ctx, fabric, site, pools, nodes, rails, None, None, None, explain, notes, tuple(cloud))

    if fabric.switch_model is None:
        notes.append("no switch_model: the fabric is not sized")
        return _empty(ctx, fabric, site, pools, nodes, rails, None, None, None, explain, notes)
    sw = ctx.lookup(fabric, "switch_model", ctx.catalogue.switch, fabric.switch_model)
    family = _SWITCH_TECHNOLOGY[fabric.technology]
    radix = _radix_at(sw, fabric.link_gbps)
    problem = None
    if sw.technology != family:
        problem = (
            f"switch {sw.name!r} is an {sw.technology} switch; a {fabric.technology} fabric needs {family} switches"
        )
    elif radix is None:
        problem = (
            f"switch {sw.name!r} ports run at most {num(sw.port_gbps)} Gb/s, slower than link_gbps {fabric.link_gbps}"
        )
    elif radix < MIN_SWITCH_RADIX:
        message = (
            f"switch {sw.name!r} has radix {radix} at {fabric.link_gbps} Gb/s; no fat tree can be built below "
            f"radix {MIN_SWITCH_RADIX} (a spine needs >= 2 ports down and >= 2 up)"
        )
        ctx.unusable(fabric, "switch_model", "capacity-fabric-unbuildable", message)
        return _empty(ctx, fabric, site, pools, nodes, rails, sw, radix, message, explain, notes)
    if problem is not None:
        fixes = _alternatives(ctx, fabric, None, nodes, rails)
        message = f"{problem}; " + ", ".join(fixes)
        ctx.finding(fabric, "capacity-fabric-unbuildable", message, field="switch_model")
        return _empty(ctx, fabric, site, pools, nodes, rails, sw, radix, message, explain, notes)
    assert radix is not None
    if fabric.link_gbps < sw.port_gbps and sw.breakout_port_gbps != fabric.link_gbps:
        notes.append(f"{sw.name} ports run at {fabric.link_gbps} Gb/s, below their {num(sw.port_gbps)} Gb/s")

    try:
        s = size_fat_tree(
            FabricSizingInput(
                nodes=nodes,
                gpus_per_node=rails,
                link_gbps=fabric.link_gbps,
                switch_radix=radix,
                oversubscription=fabric.oversubscription,
                scalable_unit_nodes=fabric.scalable_unit_nodes,
                node_leaf_media=ctx.options.node_leaf_media,
                switch_link_media=ctx.options.switch_link_media,
            )
        )
    except InputError as exc:
        fixes = _alternatives(ctx, fabric, sw, nodes, rails)
        message = f"cannot be built with {sw.name!r} (radix {radix}): {exc.message}; " + ", ".join(fixes)
        ctx.finding(fabric, "capacity-fabric-unbuildable", message, field="switch_model")
        return _empty(ctx, fabric, site, pools, nodes, rails, sw, radix, message, explain, notes)

    planes = _planes(ctx, fabric, pools, notes)
    if planes > 1:
        return _multiplane(ctx, fabric, site, pools, nodes, rails, sw, radix, planes, explain, notes)
    power = s.switches_total * sw.max_power_w / 1000
    _power_note(sw, notes)
    core = f", {s.core:,} cores in {s.pods} pods" if s.core else ""
    explain["switches"] = (
        f"{s.tiers} tiers: {s.scalable_units:,} SU(s) of {s.scalable_unit_nodes} nodes x {rails} rails -> "
        f"{s.leaf:,} leaves ({s.leaf_downlinks} down / {s.leaf_uplinks} up of radix {radix}), uplinks spread "
        f"evenly over {s.spine:,} spines{core} = {s.switches_total:,} switches"
    )
    explain["cables"] = (
        f"{s.node_leaf_cables:,} node-leaf + {s.leaf_spine_cables:,} leaf-spine + {s.spine_core_cables:,} spine-core "
        f"= {s.cables_total:,}; {s.transceivers:,} transceivers ({ctx.options.node_leaf_media} node links, "
        f"{ctx.options.switch_link_media} switch links)"
    )
    explain["bisection_tbps"] = (
        f"1/2 x off-leaf links x {fabric.link_gbps} Gb/s = {num(s.bisection_tbps)} Tb/s at "
        f"{num(s.oversubscription_achieved)}:1"
    )
    explain["switch_power_kw"] = (
        f"{s.switches_total:,} switches x {num(sw.max_power_w / 1000)} kW ({sw.name} max) = {num(power)} kW"
    )
    superpod = _superpod(ctx, fabric, site, pools, s, sw, explain, notes)
    built = _Built(fabric, site, pools, nodes, rails, sw, radix, s, power)
    return built.estimate(s, explain, notes, superpod=superpod)


@dataclass(frozen=True)
class _Built:
    """What a buildable fabric's estimate is made of; ``counts`` is one fat tree or all planes together."""

    fabric: Fabric
    site: str | None
    pools: list[PoolEstimate]
    nodes: int
    rails: int
    sw: Switch
    radix: int
    sizing: FabricSizing
    power_kw: float

    def estimate(
        self,
        counts: FabricSizing | MultiPlaneSizing,
        explain: dict[str, str],
        notes: list[str],
        **extra: Any,
    ) -> FabricEstimate:
        return FabricEstimate(
            id=self.fabric.id,
            technology=self.fabric.technology,
            site=self.site,
            pools=tuple(p.id for p in self.pools),
            nodes=self.nodes,
            rails=self.rails,
            link_gbps=self.fabric.link_gbps,
            switch_model=self.sw.name,
            switch_radix=self.radix,
            oversubscription=self.fabric.oversubscription,
            buildable=True,
            problem=None,
            sizing=self.sizing,
            cloud=(),
            leaf=counts.leaf,
            spine=counts.spine,
            core=counts.core,
            switches=counts.switches_total,
            cables=counts.cables_total,
            transceivers=counts.transceivers,
            bisection_tbps=counts.bisection_tbps,
            switch_power_kw=self.power_kw,
            switch_rack_units=counts.switches_total * self.sw.rack_units,
            explain=explain,
            notes=tuple(notes),
            **extra,
        )


def _superpod(
    ctx: Context,
    fabric: Fabric,
    site_id: str | None,
    pools: list[PoolEstimate],
    s: FabricSizing,
    sw: Switch,
    explain: dict[str, str],
    notes: list[str],
) -> SuperPodBom | None:
    """The whole-SuperPOD bill of materials around an on-prem InfiniBand compute fabric, when it applies."""
    site = ctx.index.site_of(site_id) if site_id else None
    if fabric.technology != "infiniband" or site is None or site.provider not in ("onprem", "colo"):
        return None
    models = [hw.node_model for p in pools if (hw := ctx.hardware.get(p.id)) is not None]
    if not models or any(nm is None or nm.rack_scale is not None for nm in models) or fabric.oversubscription != 1:
        return None
    from ._sites import cooling_limit  # the site's rack limit; _sites does not import this module

    limit = ctx.options.rack_power_kw or cooling_limit(ctx, site).kw_per_rack
    if limit is None:
        return None
    node_kw = max(p.node_power_kw for p in pools)
    node_u = max(p.node_rack_units or 1 for p in pools)
    free = s.scalable_units * s.scalable_unit_nodes - s.nodes
    base = {
        "scalable_units": s.scalable_units,
        "nodes": s.nodes,
        "su_nodes": s.scalable_unit_nodes,
        "gpus_per_node": s.rails,
        "link_gbps": s.link_gbps,
        "switch_radix": s.switch_radix,
        "node_kw": node_kw,
        "node_rack_units": node_u,
        "rack_power_kw": max(limit, node_kw),
        "ib_switch_kw": sw.max_power_w / 1000,
        "ib_switch_rack_units": sw.rack_units,
    }
    if not free:
        base["ufm_ports_per_appliance"] = 0
        notes.append(
            "the compute UFM pair needs leaf ports, but the nodes fill every provisioned scalable unit: the "
            "SuperPOD RAs leave one node slot of the first SU for it (31 of 32); its ports are not counted"
        )
    try:
        b = size_superpod(SuperPodInput.model_validate(base))
    except InputError as exc:
        notes.append(f"no SuperPOD bill of materials: {exc.message}")
        return None
    explain["superpod"] = (
        f"whole SuperPOD (DGX SuperPOD RA rules): compute {b.compute.switches_total:,} + storage "
        f"{b.storage_switches:,} ({b.storage_node_leaves} node leaves, {b.storage_device_leaves} storage leaves, "
        f"{b.storage_spines} spines) + in-band {b.inband_switches:,} + out-of-band {b.oob_switches:,} = "
        f"{b.fabric_switches:,} switches; {b.ufm_appliances} UFM appliances, {b.management_servers} management "
        f"servers; {b.compute_racks:,} compute + {b.management_racks:,} management racks = {b.racks:,}, "
        f"{b.pdus:,} PDUs (not in the site's power or rack totals)"
    )
    return b


def _power_note(sw: Switch, notes: list[str]) -> None:
    if sw.source_for("max_power_w").type == "assumption":
        notes.append(f"{sw.name} max_power_w is a catalogue placeholder (assumption); override it for power budgets")


def _nic_per_gpu(ctx: Context, pool: PoolEstimate) -> tuple[float, str] | None:
    """A node model's compute NIC Gb/s per GPU and the model's name; None for instance types or no NICs."""
    hw = ctx.hardware.get(pool.id)
    nm = hw.node_model if hw is not None else None
    if nm is None or nm.compute_nics == 0 or hw is None or hw.per_node == 0:
        return None
    return nm.compute_nics * nm.compute_nic_gbps / hw.per_node, nm.name


def _planes(ctx: Context, fabric: Fabric, pools: list[PoolEstimate], notes: list[str]) -> int:
    """Warn for NICs slower than the link; count RoCE planes (NIC / link) when every pool's NIC splits evenly."""
    rates: list[float] = []
    for p in pools:
        nic = _nic_per_gpu(ctx, p)
        if nic is None:
            continue
        gbps, name = nic
        rates.append(gbps)
        if gbps < fabric.link_gbps:
            ctx.finding(
                fabric,
                "capacity-nic-slower-than-link",
                f"pool {p.id!r} ({name}) has {num(gbps)} Gb/s of compute NIC per GPU, slower than the fabric's "
                f"link_gbps {fabric.link_gbps}: its links run at {num(gbps)} Gb/s and the fabric's bandwidth is "
                f"not reached; lower link_gbps to {num(gbps)} or choose a node model with "
                f"{fabric.link_gbps} Gb/s NICs",
                "warning",
                field="link_gbps",
            )
    if fabric.technology != "roce" or not rates or len(set(rates)) > 1:
        return 1
    ratio = float(rates[0]) / float(fabric.link_gbps)
    planes = round(ratio)
    if planes < 2 or abs(ratio - planes) > 1e-9:
        return 1
    notes.append(
        f"each GPU's {num(rates[0])} Gb/s NIC runs {planes} x {fabric.link_gbps} Gb/s links, one into each of "
        f"{planes} independent planes (multi-plane Ethernet, as the Spectrum-X DGX B300 SuperPOD)"
    )
    return planes


def _multiplane(
    ctx: Context,
    fabric: Fabric,
    site: str | None,
    pools: list[PoolEstimate],
    nodes: int,
    rails: int,
    sw: Switch,
    radix: int,
    planes: int,
    explain: dict[str, str],
    notes: list[str],
) -> FabricEstimate:
    """A multi-plane RoCE fabric: ``planes`` identical fat trees, physical cables counted per NIC port."""
    try:
        m: MultiPlaneSizing = size_multiplane(
            MultiPlaneInput(
                nodes=nodes,
                gpus_per_node=rails,
                nic_gbps_per_gpu=fabric.link_gbps * planes,
                planes=planes,
                switch_port_gbps=sw.port_gbps,
                switch_radix=sw.radix,
                oversubscription=fabric.oversubscription,
                scalable_unit_nodes=fabric.scalable_unit_nodes,
                node_leaf_media=ctx.options.node_leaf_media,
                switch_link_media=ctx.options.switch_link_media,
            )
        )
    except InputError as exc:
        message = f"cannot be built as {planes} planes with {sw.name!r} (radix {radix}): {exc.message}"
        ctx.finding(fabric, "capacity-fabric-unbuildable", message, field="switch_model")
        return _empty(ctx, fabric, site, pools, nodes, rails, sw, radix, message, explain, notes)
    s = m.per_plane
    power = m.switches_total * sw.max_power_w / 1000
    _power_note(sw, notes)
    explain["switches"] = (
        f"{planes} planes x ({s.tiers} tiers: {s.scalable_units:,} SU(s) of {s.scalable_unit_nodes} nodes x "
        f"{rails} rails -> {s.leaf:,} leaves ({s.leaf_downlinks} down / {s.leaf_uplinks} up of "
        f"{s.switch_radix} x {num(m.plane_link_gbps)} Gb/s), {s.spine:,} spines"
        + (f", {s.core:,} cores" if s.core else "")
        + f") = {m.switches_total:,} switches"
    )
    explain["cables"] = (
        f"{m.node_leaf_cables:,} node-side ({m.node_leaf_links:,} plane links, {m.links_per_cable} per "
        f"{num(sw.port_gbps)} Gb/s cable) + {m.leaf_spine_cables:,} leaf-spine + {m.spine_core_cables:,} "
        f"spine-core = {m.cables_total:,}; {m.transceivers:,} transceivers"
    )
    explain["bisection_tbps"] = (
        f"{planes} planes x {num(s.bisection_tbps)} Tb/s = {num(m.bisection_tbps)} Tb/s "
        f"({num(m.bisection_tbps_one_plane_down)} Tb/s with one plane down)"
    )
    explain["switch_power_kw"] = (
        f"{m.switches_total:,} switches x {num(sw.max_power_w / 1000)} kW ({sw.name} max) = {num(power)} kW"
    )
    return _Built(fabric, site, pools, nodes, rails, sw, radix, s, power).estimate(m, explain, notes, planes=planes)
