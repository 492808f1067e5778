"""File systems: throughput, FSx for Lustre tier and size checks, and fixes for storage that is too slow.

* Throughput: ``fsx-lustre`` = capacity TiB x per-unit MB/s/TiB / 1000 (GB/s, as AWS computes it);
  other engines state ``throughput_gbs``. Read and write are taken as the same figure.
* FSx tiers are discrete per deployment type (catalogue ``storage_tiers``); a capacity is valid when it is
  the minimum or a whole number of increments. AWS sizes in GiB (1200, 2400, then +2400 for SSD); the FSx
  console labels those "1.2 TiB, 2.4 TiB ...", so ``fsx_capacity_notation`` says which reading of
  ``capacity_tib`` to accept.
* Over-provisioning: when the pools' throughput need (the larger of their data-loading reads and their
  checkpoint writes) would be met by a faster tier at less than half the capacity, the capacity was bought
  for throughput: a warning names the smaller file system (FSx bills per TiB-month, so the extra capacity
  costs money unless the data needs it).
"""

from __future__ import annotations

import math

from aifab.blueprints.storage import FileSystem
from aifab.catalogue import StorageTier
from aifab.models import size_lustre

from ._context import Context
from ._format import exact, num
from .results import FileSystemEstimate

FSX = "fsx-lustre"
_ONPREM = ("onprem", "colo")
_TOL = 1e-6


def throughput_gbs(fs: FileSystem) -> float:
    """Aggregate throughput a file system provides, GB/s (see the module docstring)."""
    if fs.engine == FSX:
        assert fs.per_unit_throughput_mbps_per_tib is not None  # the blueprint requires it
        return float(fs.capacity_tib * fs.per_unit_throughput_mbps_per_tib / 1000)
    assert fs.throughput_gbs is not None  # the blueprint requires it
    return float(fs.throughput_gbs)


def throughput_how(fs: FileSystem) -> str:
    if fs.engine == FSX:
        return (
            f"{num(fs.capacity_tib)} TiB x {fs.per_unit_throughput_mbps_per_tib} MB/s/TiB / 1000 = "
            f"{num(throughput_gbs(fs))} GB/s"
        )
    return f"{num(throughput_gbs(fs))} GB/s stated (throughput_gbs)"


def fsx_tiers(ctx: Context, deployment_type: str | None) -> list[StorageTier]:
    return [
        t
        for t in ctx.catalogue.storage_tiers.values()
        if t.service == FSX and t.deployment_type == deployment_type and t.per_unit_throughput_mbps_per_tib
    ]


def _tier_for(ctx: Context, fs: FileSystem) -> StorageTier | None:
    for tier in fsx_tiers(ctx, fs.deployment_type):
        if fs.per_unit_throughput_mbps_per_tib in tier.per_unit_throughput_mbps_per_tib:
            return tier
    return None


def _grid(tier: StorageTier, per_unit: int) -> tuple[float, float] | None:
    inc = tier.increment_tib(per_unit)
    if tier.min_capacity_tib is None or inc is None:
        return None
    return tier.min_capacity_tib, inc


def _on_grid(capacity: float, minimum: float, increment: float) -> bool:
    if math.isclose(capacity, minimum, rel_tol=_TOL):
        return True
    steps = capacity / increment
    return steps >= 1 - _TOL and math.isclose(steps, round(steps), rel_tol=_TOL, abs_tol=_TOL)


def _neighbours(capacity: float, minimum: float, increment: float) -> tuple[float | None, float]:
    """The largest valid size below ``capacity`` (None when there is none) and the smallest above."""
    values = {minimum} | {k * increment for k in (math.floor(capacity / increment), math.ceil(capacity / increment))}
    values = {v for v in values if v >= minimum - _TOL and v > 0}
    below = max((v for v in values if v < capacity), default=None)
    above = min((v for v in values if v > capacity), default=math.ceil(capacity / increment) * increment)
    return below, above


def capacity_valid(ctx: Context, fs: FileSystem, tier: StorageTier) -> bool:
    assert fs.per_unit_throughput_mbps_per_tib is not None
    grid = _grid(tier, fs.per_unit_throughput_mbps_per_tib)
    if grid is None:
        return True  # the catalogue states no size steps for this tier: nothing to check against
    minimum, inc = grid
    notation = ctx.options.fsx_capacity_notation
    binary = _on_grid(fs.capacity_tib, minimum, inc)
    console = _on_grid(fs.capacity_tib, minimum * 1024 / 1000, inc * 1024 / 1000)
    return {"binary": binary, "aws-console": console, "either": binary or console}[notation]


def _gib(tib: float) -> str:
    return f"{num(round(tib * 1024, 3))} GiB"


def check_fsx(ctx: Context, fs: FileSystem) -> tuple[bool | None, bool | None]:
    """Tier and size of an FSx for Lustre file system; findings for what AWS would refuse."""
    if fs.engine != FSX:
        return None, None
    per_unit = fs.per_unit_throughput_mbps_per_tib
    assert per_unit is not None
    tiers = fsx_tiers(ctx, fs.deployment_type)
    if not tiers:
        known = sorted({str(t.deployment_type) for t in ctx.catalogue.storage_tiers.values() if t.service == FSX})
        ctx.finding(
            fs,
            "capacity-fsx-throughput-tier",
            f"deployment_type {fs.deployment_type!r} is not an FSx for Lustre deployment type in the catalogue "
            f"(known: {', '.join(known)}); use one of those",
            field="deployment_type",
        )
        return False, None
    tier = _tier_for(ctx, fs)
    if tier is None:
        offered = sorted({u for t in tiers for u in t.per_unit_throughput_mbps_per_tib})
        lower = max((u for u in offered if u < per_unit), default=None)
        higher = min((u for u in offered if u > per_unit), default=None)
        options = [
            f"{u} MB/s/TiB ({num(fs.capacity_tib * u / 1000)} GB/s at {num(fs.capacity_tib)} TiB)"
            for u in (lower, higher)
            if u is not None
        ]
        elsewhere = sorted(
            {
                str(t.deployment_type)
                for t in ctx.catalogue.storage_tiers.values()
                if t.service == FSX and per_unit in t.per_unit_throughput_mbps_per_tib
            }
        )
        hint = f"; or use deployment_type {' or '.join(elsewhere)}, which offers {per_unit}" if elsewhere else ""
        ctx.finding(
            fs,
            "capacity-fsx-throughput-tier",
            f"per_unit_throughput_mbps_per_tib {per_unit} is not offered for {fs.deployment_type} "
            f"(offered: {', '.join(str(u) for u in offered)} MB/s/TiB); use {' or '.join(options)}{hint}",
            field="per_unit_throughput_mbps_per_tib",
        )
        return False, None
    valid = capacity_valid(ctx, fs, tier)
    if not valid:
        grid = _grid(tier, per_unit)
        assert grid is not None
        minimum, inc = grid
        below, above = _neighbours(fs.capacity_tib, minimum, inc)
        sizes = " or ".join(f"{exact(v)} TiB ({_gib(v)})" for v in (below, above) if v is not None)
        console_note = ""
        if ctx.options.fsx_capacity_notation != "binary":
            c_below, c_above = _neighbours(fs.capacity_tib, minimum * 1.024, inc * 1.024)
            console_note = " — or " + " / ".join(exact(v) for v in (c_below, c_above) if v is not None)
            console_note += " in the FSx console's notation (1 TiB written for 1000 GiB)"
        ctx.finding(
            fs,
            "capacity-fsx-capacity",
            f"capacity_tib {num(fs.capacity_tib)} ({_gib(fs.capacity_tib)}) is not a size FSx for Lustre "
            f"{fs.deployment_type} ({tier.storage_class.upper()}) accepts: {_gib(minimum)}, then steps of "
            f"{_gib(inc)} ({exact(minimum)} TiB, then {exact(inc)} TiB steps); use {sizes}{console_note}",
            field="capacity_tib",
        )
    return True, valid


def fsx_fix(ctx: Context, fs: FileSystem, need_gbs: float) -> str:
    """Concrete fixes for an FSx file system that must provide ``need_gbs``: a higher tier at the same size,
    else the smallest valid size at its tier (:func:`size_lustre`), else the smallest size at the best tier."""
    tier = _tier_for(ctx, fs)
    per_unit = fs.per_unit_throughput_mbps_per_tib
    if tier is None or per_unit is None:
        return f"raise capacity_tib or per_unit_throughput_mbps_per_tib to provide {num(need_gbs)} GB/s"
    fixes = []
    faster = [u for u in tier.per_unit_throughput_mbps_per_tib if u > per_unit]
    enough = next((u for u in faster if fs.capacity_tib * u / 1000 >= need_gbs), None)
    if enough is not None:
        fixes.append(
            f"use {fs.deployment_type} at {enough} MB/s/TiB ({num(fs.capacity_tib * enough / 1000)} GB/s at "
            f"{exact(fs.capacity_tib)} TiB)"
        )
    picks = []
    for option in tier.per_unit_throughput_mbps_per_tib:
        grid = _grid(tier, option)
        if grid is not None and option >= per_unit:
            picks.append(
                size_lustre(
                    capacity_needed_tib=fs.capacity_tib,
                    throughput_needed_gbs=need_gbs,
                    per_unit_options_mbps_per_tib=(option,),
                    min_capacity_tib=grid[0],
                    capacity_increment_tib=grid[1],
                )
            )
    same = next((p for p in picks if p.per_unit_throughput_mbps_per_tib == per_unit), None)
    if same is not None:
        fixes.append(
            f"raise capacity_tib to {exact(same.capacity_tib)} at {per_unit} MB/s/TiB ({num(same.throughput_gbs)} GB/s)"
        )
    if enough is None and picks:
        best = min(picks, key=lambda p: (p.capacity_tib, p.per_unit_throughput_mbps_per_tib))
        if best is not same:
            fixes.append(
                f"use {best.per_unit_throughput_mbps_per_tib} MB/s/TiB with capacity_tib {exact(best.capacity_tib)} "
                f"({num(best.throughput_gbs)} GB/s)"
            )
    return ", or ".join(fixes) or f"raise capacity_tib to at least {exact(need_gbs * 1000 / per_unit)}"


_FAR_LARGER = 2.0


def check_overprovisioned(ctx: Context, fs: FileSystem, need_gbs: float) -> str | None:
    """A warning when a faster FSx tier meets ``need_gbs`` with under half the capacity (see the docstring)."""
    tier = _tier_for(ctx, fs)
    per_unit = fs.per_unit_throughput_mbps_per_tib
    if fs.engine != FSX or tier is None or per_unit is None or need_gbs <= 0 or throughput_gbs(fs) < need_gbs:
        return None
    best = None
    for option in tier.per_unit_throughput_mbps_per_tib:
        grid = _grid(tier, option)
        if option <= per_unit or grid is None:
            continue
        pick = size_lustre(
            capacity_needed_tib=0,
            throughput_needed_gbs=need_gbs,
            per_unit_options_mbps_per_tib=(option,),
            min_capacity_tib=grid[0],
            capacity_increment_tib=grid[1],
        )
        if best is None or pick.capacity_tib < best.capacity_tib:
            best = pick
    if best is None or fs.capacity_tib <= _FAR_LARGER * best.capacity_tib:
        return None
    message = (
        f"capacity_tib {num(fs.capacity_tib)} at {per_unit} MB/s/TiB provides {num(throughput_gbs(fs))} GB/s for a "
        f"need of {num(need_gbs)} GB/s: the throughput is bought with capacity. At "
        f"{best.per_unit_throughput_mbps_per_tib} MB/s/TiB, capacity_tib {exact(best.capacity_tib)} gives "
        f"{num(best.throughput_gbs)} GB/s; keep {num(fs.capacity_tib)} TiB only if the data needs it"
    )
    ctx.finding(fs, "capacity-fsx-overprovisioned", message, "warning", field="capacity_tib")
    return message


def estimate_file_system(
    ctx: Context, fs: FileSystem, read_demand_gbs: float, site_provider: str | None, write_demand_gbs: float = 0.0
) -> FileSystemEstimate:
    tier_valid, capacity_ok = check_fsx(ctx, fs)
    over = check_overprovisioned(ctx, fs, max(read_demand_gbs, write_demand_gbs))
    available = throughput_gbs(fs)
    on_prem = site_provider in _ONPREM and fs.engine != FSX
    power = available * ctx.options.storage_kw_per_gbs if on_prem else 0.0
    mounted = tuple(p.id for p in ctx.index.pools_by_file_system.get(fs.id, ()))
    explain = {
        "throughput_gbs": throughput_how(fs),
        "read_gbs_demand": f"sum of the data-loading reads of the pools that mount it ({', '.join(mounted) or 'none'})"
        f" = {num(read_demand_gbs)} GB/s",
    }
    notes = []
    if on_prem:
        explain["power_kw"] = (
            f"{num(available)} GB/s x {num(ctx.options.storage_kw_per_gbs)} kW per GB/s (storage_kw_per_gbs) "
            f"= {num(power)} kW"
        )
    else:
        notes.append("power is the provider's (managed service or not at an on-prem site)")
    if len(mounted) > 1:
        notes.append("shared by several pools: each pool's check assumes the whole throughput is its own")
    if over is not None:
        notes.append("over-provisioned for throughput: " + over)
    return FileSystemEstimate(
        id=fs.id,
        engine=fs.engine,
        site=fs.site,
        capacity_tib=fs.capacity_tib,
        throughput_gbs=available,
        mounted_by=mounted,
        read_gbs_demand=read_demand_gbs,
        power_kw=power,
        tier_valid=tier_valid,
        capacity_valid=capacity_ok,
        explain=explain,
        notes=tuple(notes),
    )
