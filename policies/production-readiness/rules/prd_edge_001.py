"""PRD-EDGE-001: Production edge sites keep serving when the uplink drops."""

from aifab.blueprints import EdgeSite, Environment
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(edge: EdgeSite, ctx: PolicyContext) -> Verdict:
    if not ctx.is_production(edge):
        return not_applicable("not a production edge site")
    if edge.offline_operation == "none":
        return fail("stops serving whenever the uplink to the core platform drops", field="offline_operation")
    return passed(f"offline operation: {edge.offline_operation}")


def _edge(mode: str) -> EdgeSite:
    return EdgeSite(
        id="plant",
        location_name="Plant 7",
        latency_target_ms=20,
        accelerator="l4",
        node_count=1,
        upstream_round_trip_ms=10,
        offline_operation=mode,
        environment="prod",
    )


rule = Rule(
    id="PRD-EDGE-001",
    title="Production edge sites keep serving when the uplink drops",
    why=(
        "Edge inference exists because the site cannot wait for the core platform; a site that stops when "
        "its WAN link does gives up the reason it was built."
    ),
    severity="low",
    pack="production-readiness",
    applies_to=("edge_site",),
    check=check,
    frameworks=(ref("aws-wa-rel", "REL11-BP05", verified=False),),
    remediation="Set offline_operation: degraded (or full) and cache the current model locally.",
    passing=(example(Environment(id="prod", purpose="production"), _edge("degraded")),),
    failing=(example(Environment(id="prod", purpose="production"), _edge("none")),),
)
