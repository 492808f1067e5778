"""ATT-001: sovereignty attestations are recorded and current."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from aifab.blueprints import Attestation
from aifab.design.design import Design
from aifab.policy import PolicyContext, Rule, Verdict, fail, passed

from .examples import boundary_example, jurisdiction_rule, sovereign_example
from .jurisdictions import Jurisdiction
from .scope import boundaries


def attestations_rule(j: Jurisdiction) -> Rule:
    def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
        judged = boundaries(ctx)
        if not judged:
            yield fail(f"no sovereign boundary in {j.name} to hold attestations")
            return
        required = [str(r) for r in ctx.params.get("required_attestations", [])]
        for boundary in judged:
            expired = [a for a in boundary.attestations if a.expires < ctx.today]
            for a in expired:
                yield fail(
                    f"attestation expired on {a.expires}: {a.obligation}", component=boundary.id, field="attestations"
                )
            current = [a for a in boundary.attestations if a.expires >= ctx.today]

            def covering(requirement: str, pool: list[Attestation]) -> Attestation | None:
                alternatives = [alt.strip().lower() for alt in requirement.split("|")]
                return next((a for a in pool if any(alt in a.obligation.lower() for alt in alternatives)), None)

            met = [a for a in current if a.status == "met"]
            missing = [r for r in required if covering(r, met) is None]
            accepted = {r: covering(r, [a for a in current if a.status == "risk-accepted"]) for r in missing}
            for requirement, attestation in accepted.items():
                if attestation is not None:
                    yield fail(
                        f"not met, risk accepted by {attestation.accepted_by}: {requirement} "
                        f"(recorded until {attestation.expires})",
                        component=boundary.id,
                        field="attestations",
                    )
            unrecorded = [r for r, a in accepted.items() if a is None]
            if unrecorded:
                yield fail(
                    f"no unexpired attestation covers: {'; '.join(unrecorded)}",
                    component=boundary.id,
                    field="attestations",
                )
            if not missing and not expired:
                soonest = min((a.expires for a in boundary.attestations), default=None)
                yield passed(
                    f"{len(boundary.attestations)} attestations, all current"
                    + (f" (next expiry {soonest})" if soonest else ""),
                    component=boundary.id,
                )

    good = Attestation(
        obligation=j.attestation_example, evidence="https://example.org/evidence", expires=dt.date(2027, 6, 30)
    )
    old = Attestation(
        obligation=j.attestation_example, evidence="https://example.org/evidence", expires=dt.date(2026, 1, 31)
    )
    return jurisdiction_rule(
        j,
        "ATT-001",
        "attestations",
        title=f"Sovereignty attestations for {j.name} are recorded and current",
        why=(
            "Some obligations cannot be seen in infrastructure code: who operates the platform and where, the "
            "provider's legal exposure, the legal basis for any transfer. They are recorded as attestations "
            "with evidence and an expiry; the rule checks that each required one (pack parameter "
            "required_attestations; 'A|B' accepts either) is present and that none has expired. An obligation "
            "recorded as not met with the risk accepted (status risk-accepted, accepted_by) stays a finding, "
            "naming who accepted it. It checks the record exists, not that the claim is true."
        ),
        severity="low",
        target="design",
        check=check,
        remediation="Add or renew attestations on the sovereign boundary, with evidence links and expiry dates.",
        passing=(sovereign_example(boundary_example(j, attestations=(good,))),),
        failing=(sovereign_example(boundary_example(j, attestations=(old,))), sovereign_example(boundary_example(j))),
    )
