"""The grid-carbon dataset behind each site's carbon figure: its name, year and basis (location or market).

The intensity itself is chosen by the site estimate (the site's own figure, else its grid zone's, else its
region's); this names where that figure comes from. Regions that draw from a catalogue grid zone carry the
zone's value from the same dataset (``Region.grid_zone``), so a cloud site and an on-prem site on the same
grid get the same intensity unless the site states its own ``grid_gco2e_per_kwh``.
"""

from __future__ import annotations

from aifab.blueprints.facility import Site
from aifab.catalogue import Source
from aifab.errors import InputError

from ._context import Context
from .results import GridDataset, SiteEstimate


def _from_source(source: Source, where: str, accounting: str) -> GridDataset:
    name = source.dataset or (source.note.split(".")[0] if source.note else "an unnamed source")
    year = f" {source.dataset_year}" if source.dataset_year else " (no year stated)"
    basis = f", {source.basis}-based" if source.basis else ""
    return GridDataset(
        name=name,
        year=source.dataset_year,
        basis=source.basis,
        accounting="market" if accounting == "market" else "location",
        source_url=source.url,
        label=f"{name}{year}{basis}, via {where}",
    )


def grid_dataset(ctx: Context, site: Site, estimate: SiteEstimate) -> GridDataset | None:
    """The dataset of ``site``'s grid intensity, None when the site has no carbon figure."""
    if estimate.grid_gco2e_per_kwh is None:
        return None
    accounting = "market" if site.renewable_share > 0 else "location"
    if site.grid_gco2e_per_kwh is not None:
        return GridDataset(
            name="stated by the site",
            year=None,
            basis=None,
            accounting="market" if accounting == "market" else "location",
            source_url=None,
            label="stated by the site (grid_gco2e_per_kwh)",
        )
    try:
        if site.grid_zone is not None:
            zone = ctx.catalogue.grid_zone(site.grid_zone)
            return _from_source(zone.source_for("grid_gco2e_per_kwh"), f"grid zone {zone.name}", accounting)
        if site.region is not None:
            region = ctx.catalogue.region(site.region)
            return _from_source(region.source_for("grid_gco2e_per_kwh"), f"region {region.code}", accounting)
    except InputError:
        return None  # an unknown name: the site estimate reported it
    return None


def with_grid_dataset(ctx: Context, site: Site, estimate: SiteEstimate) -> SiteEstimate:
    """``estimate`` with its grid dataset named in the result, its energy figure and its carbon explanation."""
    dataset = grid_dataset(ctx, site, estimate)
    if dataset is None:
        return estimate
    explain = dict(estimate.explain)
    if "annual_co2e_t" in explain:
        explain["annual_co2e_t"] += f"; grid data: {dataset.label}"
    energy = estimate.energy.model_copy(update={"grid_dataset": dataset.label}) if estimate.energy else None
    return estimate.model_copy(update={"grid_dataset": dataset, "explain": explain, "energy": energy})


__all__ = ["grid_dataset", "with_grid_dataset"]
