"""GOV-LOG-001: Every sovereignty boundary keeps an audit trail."""

from collections.abc import Iterator

from aifab.blueprints import AuditLog, SovereignBoundary
from aifab.design.design import Design
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
    trails = [t for t in ctx.components("audit_log") if isinstance(t, AuditLog)]
    if not trails:
        yield fail("the design has no audit log: nothing records who did what on the platform")
        return
    for boundary in ctx.components("sovereign_boundary"):
        assert isinstance(boundary, SovereignBoundary)
        inside = [t.id for t in trails if t.inside == boundary.id]
        if inside:
            yield passed(f"audited by {', '.join(inside)}", component=boundary.id)
        else:
            yield fail("no audit log sits inside this boundary", component=boundary.id)
    if not ctx.components("sovereign_boundary"):
        yield passed(f"audited by {', '.join(t.id for t in trails)}")


rule = Rule(
    id="GOV-LOG-001",
    title="Every sovereignty boundary keeps an audit trail",
    why=(
        "High-risk AI systems must record events automatically over their lifetime, and an audit trail "
        "is the first thing an investigation asks for. Each boundary needs its own, kept inside it."
    ),
    severity="high",
    pack="governance-mlops",
    target="design",
    check=check,
    frameworks=(
        ref("eu-ai-act", "Art. 12(1)"),
        ref("nist-800-53", "AU-2"),
        ref("nist-800-53", "AU-12"),
        ref("iso-42001", "A.6.2.8", verified=False, note="Annex A numbering from a public crosswalk"),
    ),
    remediation="Add an audit_log component inside each sovereign boundary.",
    passing=(
        example(SovereignBoundary(id="uk", jurisdiction="UK"), AuditLog(id="trail", stores_in="logs", inside="uk")),
    ),
    failing=(
        example(SovereignBoundary(id="uk", jurisdiction="UK")),
        example(SovereignBoundary(id="uk", jurisdiction="UK"), AuditLog(id="trail", stores_in="logs")),
    ),
)
