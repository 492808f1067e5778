"""GOV-MON-002: Production inference monitoring is kept at least six months."""

from aifab.blueprints import Environment, ModelServing, Monitoring
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(monitoring: Monitoring, ctx: PolicyContext) -> Verdict:
    endpoints = [c.id for c in ctx.linked(monitoring, "monitors") if c.kind == "model_serving" and ctx.is_production(c)]
    if not endpoints:
        return not_applicable("monitors no production endpoint")
    minimum = int(ctx.params["monitoring_min_retention_days"])
    if monitoring.retention_days < minimum:
        return fail(
            f"keeps {monitoring.retention_days} days of data on {', '.join(endpoints)}; at least {minimum} required",
            field="retention_days",
        )
    return passed(f"keeps {monitoring.retention_days} days of data on {', '.join(endpoints)}")


rule = Rule(
    id="GOV-MON-002",
    title="Production inference monitoring is kept at least six months",
    why=(
        "Inference logs and metrics are the record of how the system behaved in use; the EU AI Act asks "
        "providers and deployers of high-risk systems to keep automatically generated logs for at least six months."
    ),
    severity="medium",
    pack="governance-mlops",
    applies_to=("monitoring",),
    check=check,
    frameworks=(ref("eu-ai-act", "Art. 19(1)"), ref("eu-ai-act", "Art. 26(6)"), ref("nist-800-53", "AU-11")),
    remediation="Raise retention_days to at least monitoring_min_retention_days (default 183).",
    passing=(
        example(
            Environment(id="prod", purpose="production"),
            ModelServing(id="serve", pool="gpu", environment="prod"),
            Monitoring(id="mon", retention_days=400, monitors=("serve",)),
        ),
    ),
    failing=(
        example(
            Environment(id="prod", purpose="production"),
            ModelServing(id="serve", pool="gpu", environment="prod"),
            Monitoring(id="mon", retention_days=30, monitors=("serve",)),
        ),
    ),
)
