"""What a sovereign pack judges, and the small helpers its checks share.

Scope: a pack judges the components inside sovereign boundaries whose jurisdiction is one of the pack's
``jurisdictions`` parameter. A design with no such boundary fails ``GEN-001`` once, and the other rules then
judge the whole design, so a missing boundary never hides anything. Which components a boundary holds and
which regions it allows are answered by :class:`~aifab.policy.PolicyContext` (``held_by``,
``allowed_regions``), the same answers the energy pack gets.
"""

from __future__ import annotations

from aifab.blueprints import Attestation, SovereignBoundary
from aifab.design.component import Component
from aifab.policy import PolicyContext


def codes(ctx: PolicyContext) -> set[str]:
    """The jurisdictions this pack judges (its ``jurisdictions`` parameter), upper-case."""
    return {str(j).upper() for j in ctx.params.get("jurisdictions", [])}


def boundaries(ctx: PolicyContext) -> list[SovereignBoundary]:
    """The boundaries this pack judges."""
    return ctx.boundaries(*codes(ctx)) if codes(ctx) else []


def in_scope(ctx: PolicyContext, component: Component) -> bool:
    judged = boundaries(ctx)
    if not judged:
        return True
    boundary = ctx.boundary_of(component)
    return boundary is not None and boundary in judged


def scoped(ctx: PolicyContext, *kinds: str) -> list[Component]:
    """The components this pack judges: those its boundaries hold, or every one when it judges none."""
    judged = boundaries(ctx)
    if not judged:
        return ctx.components(*kinds)
    return [c for c in ctx.components(*kinds) if ctx.boundary_of(c) in judged]


def allowed_regions(ctx: PolicyContext, boundary: SovereignBoundary | None) -> tuple[str, ...]:
    """The regions a component in ``boundary`` may use; with no boundary (the design declares none), the
    pack's ``allowed_regions`` parameter or the allow-list of its first jurisdiction."""
    if boundary is not None:
        return ctx.allowed_regions(boundary)
    override = ctx.params.get("allowed_regions")
    return tuple(override) if override else ctx.jurisdiction_regions(next(iter(sorted(codes(ctx))), ""))


def region_text(regions: tuple[str, ...]) -> str:
    return ", ".join(regions) or "none"


def attested(ctx: PolicyContext, needles: list[str]) -> list[Attestation]:
    """Unexpired attestations of met obligations, in the judged boundaries, that mention any of ``needles``."""
    found = []
    for boundary in boundaries(ctx):
        for a in boundary.attestations:
            text = a.obligation.lower()
            if a.expires >= ctx.today and a.status == "met" and any(n.lower() in text for n in needles):
                found.append(a)
    return found
