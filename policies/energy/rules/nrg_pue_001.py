"""NRG-PUE-001: Sites meet the PUE target."""

from aifab.blueprints import Site
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_evaluated, passed, ref


def check(site: Site, ctx: PolicyContext) -> Verdict:
    assert ctx.capacity is not None
    cap = ctx.capacity.sites.get(site.id)
    if cap is None:
        return not_evaluated("the capacity estimate has no figures for this site")
    target = float(ctx.params["pue_target"])
    source = "declared on the site" if cap.pue_source == "site" else cap.pue_source
    if cap.pue > target:
        return fail(f"PUE {cap.pue:g} ({source}) is above the {target:g} target", field="pue")
    return passed(f"PUE {cap.pue:g} ({source}) meets the {target:g} target")


rule = Rule(
    id="NRG-PUE-001",
    title="Sites meet the PUE target",
    why=(
        "Every watt of cooling and power-conversion overhead is paid for and emitted on top of the IT load; "
        "AI halls at 40-130 kW per rack need liquid cooling to stay efficient. A PUE stated in the design is a "
        "design value, not a 12-month measurement to ISO/IEC 30134-2; report it as such. The current edition "
        "of 30134-2 and the EED annex numbering could not be checked and are marked unverified."
    ),
    severity="medium",
    pack="energy",
    applies_to=("site",),
    check=check,
    requires=("catalogue", "capacity"),
    frameworks=(
        ref("iso-30134", "30134-2 (PUE)", verified=False),
        ref("eed", "Annex VII", verified=False),
        ref("eu-csf", "SOV-8", verified=False),
    ),
    remediation=(
        "Choose more efficient cooling (direct-liquid, immersion) or a site with a lower PUE; "
        "set pue to the measured value."
    ),
    passing=(example(Site(id="hall", provider="colo", country="GB", cooling="direct-liquid", power_budget_kw=100)),),
    failing=(example(Site(id="hall", provider="onprem", country="GB", cooling="air", power_budget_kw=100)),),
)
