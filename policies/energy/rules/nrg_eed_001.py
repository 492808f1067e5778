"""NRG-EED-001: EU data centres above the threshold record their EED reporting."""

from aifab.blueprints import GpuPool, Site
from aifab.design.component import Component
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, not_evaluated, passed, ref


def check(site: Site, ctx: PolicyContext) -> Verdict:
    if site.provider == "aws":
        return not_applicable("a cloud region's operator reports under the EED, not the tenant")
    if site.country not in set(ctx.params["eu_countries"]):
        return not_applicable(f"the site is not in an EU member state ({site.country or 'country not stated'})")
    assert ctx.capacity is not None
    cap = ctx.capacity.sites.get(site.id)
    if cap is None:
        return not_evaluated("the capacity estimate has no figures for this site")
    it_kw = cap.it_kw
    threshold = float(ctx.params["eed_threshold_kw"])
    if it_kw < threshold:
        return not_applicable(f"about {it_kw:,.0f} kW of IT power, below the {threshold:g} kW reporting threshold")
    if site.labels.get("eed-reporting"):
        return passed(f"about {it_kw:,.0f} kW IT; EED reporting recorded: {site.labels['eed-reporting']}")
    return fail(
        f"about {it_kw:,.0f} kW of IT power in {site.country} triggers annual EED reporting to the European "
        "database; record it with the label eed-reporting",
        field="labels",
    )


def _design(labels: dict[str, str]) -> tuple[Component, ...]:
    return (
        Site(
            id="frankfurt",
            provider="colo",
            country="DE",
            grid_zone="DE",
            power_budget_kw=2000,
            cooling="direct-liquid",
            labels=labels,
        ),
        GpuPool(id="train", role="training", node_model="dgx-b200", node_count=64, site="frankfurt"),
    )


rule = Rule(
    id="NRG-EED-001",
    title="EU data centres above the threshold record their EED reporting",
    why=(
        "The recast Energy Efficiency Directive requires data centres with at least 500 kW of installed IT "
        "power in an EU member state to report energy and water KPIs every year. A large GPU hall crosses "
        "that line quickly; the design should say who reports. The delegated regulation's article numbers "
        "could not be checked and are not cited."
    ),
    severity="medium",
    pack="energy",
    applies_to=("site",),
    check=check,
    requires=("catalogue", "capacity"),
    frameworks=(ref("eed", "Art. 12"),),
    remediation="Add the label eed-reporting (e.g. the European database registration id) to the site.",
    passing=(example(*_design({"eed-reporting": "EU-DC-DB 12345"})),),
    failing=(example(*_design({})),),
)
