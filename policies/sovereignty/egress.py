"""GEN-007: traffic leaving the boundary is controlled."""

from __future__ import annotations

from collections.abc import Iterator

from aifab.design.design import Design
from aifab.policy import PolicyContext, Rule, Verdict, fail, not_applicable, passed

from .examples import boundary_example, jurisdiction_rule, sovereign_example
from .jurisdictions import Jurisdiction
from .scope import boundaries


def egress_rule(j: Jurisdiction) -> Rule:
    def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
        judged = boundaries(ctx)
        if not judged:
            yield not_applicable("no boundary to judge")
        for boundary in judged:
            if boundary.egress == "open":
                yield fail(
                    "egress is open: anything inside can send data anywhere", component=boundary.id, field="egress"
                )
            else:
                detail = f" to {', '.join(boundary.egress_allow)}" if boundary.egress_allow else ""
                yield passed(f"egress {boundary.egress}{detail}", component=boundary.id)

    return jurisdiction_rule(
        j,
        "GEN-007",
        "egress",
        title=f"Traffic leaving {j.name}'s boundary is controlled",
        why=(
            "Residency rules about where data is stored mean little if any workload can send it out; the "
            "boundary must deny egress by default or allow only listed destinations."
        ),
        severity="high",
        target="design",
        check=check,
        remediation="Set egress: deny-all, or allow-list with egress_allow naming the permitted destinations.",
        passing=(sovereign_example(boundary_example(j)),),
        failing=(sovereign_example(boundary_example(j, egress="open")),),
    )
