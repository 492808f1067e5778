"""Realisers for the sovereign area: an on-prem private cloud, whose hardware Pulumi does not provision.

A :class:`PrivateCloud` publishes the bill of materials of its site — racks and IT power, the pools there
with their nodes and hardware, the fabrics with their switches, cables and transceivers, the file systems —
all from the capacity estimate, so the facility team builds what the models sized. A real deploy (not a
preview) also writes it to ``bom/<env>-<site>.json`` under the stack folder: the same data, sorted keys, written
atomically (a temporary file renamed into place), so a re-run that changes nothing leaves the file as it was.
(A sovereign boundary is not deployable: nothing realises it.)
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from aifab.blueprints.sovereign import PrivateCloud

from .base import Realised, realises
from .context import StackContext, slug

BOM_DIR = "bom"


def bill_of_materials(ctx: StackContext, site_id: str) -> dict[str, Any]:
    """The bill of materials of ``site_id`` from the capacity estimate (plain, JSON-ready data)."""
    site = ctx.estimate.site(site_id)
    pools = [ctx.estimate.pool(p) for p in site.pools]
    fabrics = [ctx.estimate.fabric_estimate(f) for f in site.fabrics]
    file_systems = [ctx.estimate.file_system(f) for f in site.file_systems]
    bom: dict[str, Any] = _rounded(
        {
            "design": ctx.design.name,
            "environment": ctx.env,
            "site": site.id,
            "provider": site.provider,
            "racks": {
                "total": site.racks,
                "compute": site.compute_racks,
                "network": site.network_racks,
                "rack_units_per_rack": site.rack_units_per_rack,
                "groups": [
                    {
                        "hardware": g.hardware,
                        "pools": list(g.pools),
                        "nodes": g.nodes,
                        "nodes_per_rack": g.nodes_per_rack,
                        "racks": g.racks,
                        "rack_density_kw": g.rack_density_kw,
                    }
                    for g in site.rack_detail
                ],
            },
            "power": {
                "it_kw": site.it_power_kw,
                "compute_kw": site.compute_kw,
                "network_kw": site.network_kw,
                "storage_kw": site.storage_kw,
                "management_kw": site.management_kw,
                "pue": site.pue,
                "facility_kw": site.facility_power_kw,
                "budget_kw": site.power_budget_kw,
                "cooling": site.cooling,
            },
            "pools": [
                {
                    "id": p.id,
                    "hardware": p.hardware,
                    "accelerator": p.accelerator,
                    "nodes": p.nodes,
                    "accelerators": p.gpus,
                    "node_power_kw": p.node_power_kw,
                    "node_rack_units": p.node_rack_units,
                }
                for p in pools
            ],
            "fabrics": [
                {
                    "id": f.id,
                    "technology": f.technology,
                    "switch_model": f.switch_model,
                    "leaf": f.leaf,
                    "spine": f.spine,
                    "core": f.core,
                    "switches": f.switches,
                    "cables": f.cables,
                    "transceivers": f.transceivers,
                    "link_gbps": f.link_gbps,
                }
                for f in fabrics
            ],
            "file_systems": [
                {"id": s.id, "engine": s.engine, "capacity_tib": s.capacity_tib, "throughput_gbs": s.throughput_gbs}
                for s in file_systems
            ],
            "catalogue": {"version": ctx.estimate.catalogue_version, "as_of": ctx.estimate.catalogue_as_of.isoformat()},
        }
    )
    return bom


def _rounded(value: Any) -> Any:
    """Floats to 3 decimals, recursively (stable, readable figures in outputs and the file)."""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def bom_path(ctx: StackContext, site_id: str) -> Path:
    return Path.cwd() / BOM_DIR / f"{slug(ctx.env or 'stack')}-{slug(site_id)}.json"


@realises("private_cloud")
class PrivateCloudRealised(Realised[Any]):
    """The private cloud's site bill of materials, as an output and (on a real deploy) a file."""

    def build(self) -> None:
        c: PrivateCloud = self.component
        bom = bill_of_materials(self.ctx, str(c.site))
        if not self.ctx.preview:
            write_atomically(bom_path(self.ctx, str(c.site)), json.dumps(bom, indent=2, sort_keys=True) + "\n")
        self.publish(bill_of_materials=bom, platform=c.platform, operator=c.operator)


__all__ = ["BOM_DIR", "PrivateCloudRealised", "bill_of_materials", "bom_path", "write_atomically"]
