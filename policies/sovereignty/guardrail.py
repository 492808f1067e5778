"""GEN-005: a preventive guardrail (a region-deny SCP) is attested."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from aifab.blueprints import Attestation, Site
from aifab.design.design import Design
from aifab.policy import PolicyContext, Rule, Verdict, fail, not_applicable, passed

from .examples import boundary_example, jurisdiction_rule, site_example, sovereign_example
from .jurisdictions import Jurisdiction
from .scope import attested, boundaries, scoped


def guardrail_rule(j: Jurisdiction) -> Rule:
    def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
        cloud = [s for s in scoped(ctx, "site") if isinstance(s, Site) and s.provider == "aws"]
        if not cloud:
            yield not_applicable("no AWS site inside the boundary")
            return
        needles = list(ctx.params.get("guardrail_attestations", []))
        found = attested(ctx, needles)
        target = boundaries(ctx)[0].id if boundaries(ctx) else None
        if found:
            yield passed(f"attested: {found[0].obligation} (until {found[0].expires})", component=target)
        else:
            yield fail(
                "no unexpired attestation of a region-deny guardrail (an SCP denying requests outside the "
                f"allow-list, e.g. Control Tower CT.MULTISERVICE.PV.1); looked for: {', '.join(needles)}",
                component=target,
                field="attestations",
            )

    guard = Attestation(
        obligation="Region-deny SCP (Control Tower CT.MULTISERVICE.PV.1) on workload OUs",
        evidence="https://example.org/scp",
        expires=dt.date(2030, 1, 1),
    )
    return jurisdiction_rule(
        j,
        "GEN-005",
        "guardrail",
        title=f"A preventive guardrail denies regions outside {j.name}",
        why=(
            "Design checks catch what is written down; a service control policy that denies every request "
            "outside the allow-list also stops what is not (a console click, a script in another region). The "
            "organisation's SCPs live outside this design, so the rule asks for an unexpired attestation that "
            "names the guardrail; a resource-level rule can check the SCP itself once it is in a stack."
        ),
        severity="high",
        target="design",
        check=check,
        remediation="Attach a region-deny SCP to the workload OUs and record it as an attestation on the boundary.",
        passing=(sovereign_example(boundary_example(j, attestations=(guard,)), site_example(j)),),
        failing=(sovereign_example(boundary_example(j), site_example(j)),),
    )
