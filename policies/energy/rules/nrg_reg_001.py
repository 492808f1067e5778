"""NRG-REG-001: Sites draw on a low-carbon grid."""

from aifab.blueprints import Site
from aifab.errors import InputError
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_evaluated, passed, ref


def intensity(site: Site, ctx: PolicyContext) -> float | None:
    own: float | None = site.grid_gco2e_per_kwh
    if own is not None:
        return own
    assert ctx.catalogue is not None
    try:
        if site.grid_zone is not None:
            return ctx.catalogue.grid_zone(site.grid_zone).grid_gco2e_per_kwh
        if site.region is not None:
            return ctx.catalogue.region(site.region).grid_gco2e_per_kwh
    except InputError:
        return None
    return None


def greener_regions(site: Site, ctx: PolicyContext, limit: float) -> list[str]:
    """Allowed regions of the site's sovereignty boundary below the threshold (sovereignty comes first).

    The allow-list is the one the sovereign packs judge against (:meth:`PolicyContext.allowed_regions`)."""
    assert ctx.catalogue is not None
    boundary = ctx.boundary_of(site)
    if boundary is None or site.provider != "aws":
        return []
    found = []
    for code in ctx.allowed_regions(boundary):
        try:
            value = ctx.catalogue.region(code).grid_gco2e_per_kwh
        except InputError:
            continue
        if value is not None and value <= limit and code != site.region:
            found.append(f"{code} ({value:g})")
    return found


def check(site: Site, ctx: PolicyContext) -> Verdict:
    value = intensity(site, ctx)
    if value is None:
        return not_evaluated("no grid carbon intensity known: set grid_zone, region or grid_gco2e_per_kwh")
    limit = float(ctx.params["carbon_threshold_gco2e_per_kwh"])
    market = f"; {site.renewable_share:.0%} contracted renewable supply (market-based)" if site.renewable_share else ""
    if value > limit:
        options = greener_regions(site, ctx, limit)
        hint = f"; lower-carbon regions inside the boundary: {', '.join(options)}" if options else ""
        return fail(
            f"grid intensity {value:g} gCO2e/kWh is above the {limit:g} threshold{market}{hint}",
            field="region" if site.region else "grid_zone",
        )
    return passed(f"grid intensity {value:g} gCO2e/kWh is within the {limit:g} threshold{market}")


rule = Rule(
    id="NRG-REG-001",
    title="Sites draw on a low-carbon grid",
    why=(
        "Training runs draw megawatts for weeks; the grid they run on sets most of their carbon footprint. "
        "The rule compares the location-based annual grid intensity with a threshold and suggests lower-carbon "
        "regions, but only inside the site's sovereignty boundary: it never overrides a residency allow-list."
    ),
    severity="low",
    pack="energy",
    applies_to=("site",),
    check=check,
    requires=("catalogue",),
    frameworks=(
        ref("aws-wa-sus", "SUS01-BP01"),
        ref("nist-ai-rmf", "MEASURE 2.12"),
        ref("iso-30134", "30134-8 (CUE)", verified=False),
    ),
    remediation=(
        "Place energy-heavy training where the grid is cleaner (within the allow-list), or contract renewable supply."
    ),
    passing=(example(Site(id="stockholm", provider="aws", region="eu-north-1")),),
    failing=(example(Site(id="virginia", provider="aws", region="us-east-1")),),
)
