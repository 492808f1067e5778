"""GOV-REG-001: Production serving pulls only approved models."""

from aifab.blueprints import Environment, ExperimentTracking, ModelServing
from aifab.design.component import Component
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(serving: ModelServing, ctx: PolicyContext) -> Verdict:
    if not ctx.is_production(serving):
        return not_applicable("not a production endpoint")
    registries = [r for r in ctx.linked(serving, "model_registry") if isinstance(r, ExperimentTracking)]
    if not registries:
        return fail("production serving names no model registry to pull approved models from", field="model_registry")
    registry = registries[0]
    if not registry.model_registry:
        return fail(f"{registry.id!r} has its model registry turned off", component=registry.id, field="model_registry")
    if not registry.production_requires_approval:
        return fail(
            f"registry {registry.id!r} lets models reach production without an approval",
            component=registry.id,
            field="production_requires_approval",
        )
    return passed(f"models come from {registry.id!r}, which requires approval for production")


def _design(approval: bool, registry: bool = True) -> tuple[Component, ...]:
    return (
        Environment(id="prod", purpose="production"),
        ExperimentTracking(id="mlflow", artifact_store="lake", production_requires_approval=approval),
        ModelServing(id="serve", pool="gpu", model_registry="mlflow" if registry else None, environment="prod"),
    )


rule = Rule(
    id="GOV-REG-001",
    title="Production serving pulls only approved models",
    why=(
        "An approval gate between the registry and production is where evaluation results, bias checks and "
        "sign-off are enforced. Registry stages are deprecated since MLflow 2.9, so the gate is an alias plus "
        "recorded approval; the design states it with production_requires_approval."
    ),
    severity="high",
    pack="governance-mlops",
    applies_to=("model_serving",),
    check=check,
    frameworks=(
        ref("nist-ai-rmf", "MANAGE 1.1"),
        ref("eu-ai-act", "Art. 17(1)(b)"),
        ref("iso-42001", "A.6.2.4", verified=False, note="Annex A numbering from a public crosswalk"),
        ref("iso-42001", "A.6.2.5", verified=False, note="Annex A numbering from a public crosswalk"),
    ),
    remediation="Link model_registry to a tracking server with production_requires_approval: true.",
    passing=(example(*_design(True)),),
    failing=(example(*_design(False)), example(*_design(True, registry=False))),
)
