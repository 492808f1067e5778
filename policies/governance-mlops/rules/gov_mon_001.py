"""GOV-MON-001: Production endpoints are monitored with alerting."""

from aifab.blueprints import Environment, ModelServing, Monitoring
from aifab.design.component import Component
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(serving: ModelServing, ctx: PolicyContext) -> Verdict:
    if not ctx.is_production(serving):
        return not_applicable("not a production endpoint")
    watchers = [m for m in ctx.linking(serving, field_name="monitors") if isinstance(m, Monitoring)]
    if not watchers:
        return fail("no monitoring watches this production endpoint")
    alerting = [m.id for m in watchers if m.alerting]
    if not alerting:
        return fail(
            f"monitored by {watchers[0].id!r}, but with alerting off", component=watchers[0].id, field="alerting"
        )
    return passed(f"monitored with alerting by {', '.join(alerting)}")


def _design(alerting: bool, watched: bool = True) -> tuple[Component, ...]:
    return (
        Environment(id="prod", purpose="production"),
        ModelServing(id="serve", pool="gpu", environment="prod"),
        Monitoring(id="mon", alerting=alerting, monitors=("serve",) if watched else ("gpu",)),
    )


rule = Rule(
    id="GOV-MON-001",
    title="Production endpoints are monitored with alerting",
    why=(
        "Models drift and fail quietly; post-deployment monitoring with alerts to a named owner is how a "
        "bad model is noticed and disengaged, as the NIST AI RMF and the EU AI Act's post-market "
        "monitoring ask. The disengage path itself (scale to zero, traffic shift) is not modelled yet."
    ),
    severity="medium",
    pack="governance-mlops",
    applies_to=("model_serving",),
    check=check,
    frameworks=(
        ref("nist-ai-rmf", "MEASURE 2.4"),
        ref("nist-ai-rmf", "MANAGE 4.1"),
        ref("eu-ai-act", "Art. 72"),
        ref("iso-42001", "A.6.2.6", verified=False, note="Annex A numbering from a public crosswalk"),
    ),
    remediation="List the serving component in a monitoring component's monitors, with alerting: true.",
    passing=(example(*_design(True)),),
    failing=(example(*_design(False)), example(*_design(True, watched=False))),
)
