"""NRG-PWR-001: Sites keep headroom in their power budget.

Being over the budget at all is a capacity error from validation (``capacity-power-budget``), reported
there once; this rule is the policy on top of it: keep a share of the feed free for growth, failover and
measurement error, and it is not applicable to a site already over its budget.
"""

from aifab.blueprints import GpuPool, Site
from aifab.design.component import Component
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, not_evaluated, passed, ref


def check(site: Site, ctx: PolicyContext) -> Verdict:
    if site.power_budget_kw is None:
        return not_applicable("the site states no power budget")
    assert ctx.capacity is not None
    cap = ctx.capacity.sites.get(site.id)
    if cap is None:
        return not_evaluated("the capacity estimate has no figures for this site")
    detail = (
        f"{cap.it_kw:,.0f} kW IT (compute, fabric, storage, management) x PUE {cap.pue:g} "
        f"({'declared on the site' if cap.pue_source == 'site' else cap.pue_source}) "
        f"= {cap.facility_kw:,.0f} kW"
    )
    if cap.facility_kw > site.power_budget_kw:  # owned by validation: reported once, as capacity-power-budget
        return not_applicable(f"{detail}: over the {site.power_budget_kw:,.0f} kW budget (capacity-power-budget)")
    wanted = float(ctx.params["min_power_headroom"])
    headroom = 1 - cap.facility_kw / site.power_budget_kw
    if headroom < wanted:
        usable = site.power_budget_kw * (1 - wanted)
        return fail(
            f"{detail} of the {site.power_budget_kw:,.0f} kW budget leaves {headroom:.0%} headroom; "
            f"at least {wanted:.0%} required (keep facility power under {usable:,.0f} kW)",
            field="power_budget_kw",
        )
    return passed(f"{detail} of {site.power_budget_kw:,.0f} kW ({headroom:.0%} headroom)")


def _design(nodes: int) -> tuple[Component, ...]:
    return (
        Site(
            id="hall",
            provider="colo",
            country="GB",
            grid_zone="GB",
            power_budget_kw=500,
            cooling="direct-liquid",
            pue=1.25,
        ),
        GpuPool(id="train", role="training", node_model="dgx-h100", node_count=nodes, site="hall"),
    )


rule = Rule(
    id="NRG-PWR-001",
    title="Sites keep headroom in their power budget",
    why=(
        "A hall's power feed is fixed for years; a design that uses all of it has no room for growth, for "
        "failover load or for the estimate being wrong (over budget outright is a capacity error, reported by "
        "validation and not again here). "
        "Facility power = IT power x PUE, where IT power is the capacity estimate's "
        "node power from the catalogue plus fabric, storage and management power (the same numbers as the "
        "capacity findings). A budget is an engineering limit rather than a framework control; ISO/IEC "
        "30134-2 defines the PUE used."
    ),
    severity="high",
    pack="energy",
    applies_to=("site",),
    check=check,
    requires=("catalogue", "capacity"),
    frameworks=(ref("iso-30134", "30134-2 (PUE)", verified=False),),
    remediation=(
        "Reduce node_count at the site, move pools to another site, raise power_budget_kw with the facility, "
        "or lower min_power_headroom in the energy pack's params if the facility already reserves headroom."
    ),
    passing=(example(*_design(32)),),
    failing=(example(*_design(35)),),
)
