"""GOV-INV-001: Production AI components carry inventory labels."""

from aifab.blueprints import Environment, GpuPool, ModelServing
from aifab.design.component import Component
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(component: Component, ctx: PolicyContext) -> Verdict:
    if not ctx.is_production(component):
        return not_applicable("not in production")
    if getattr(component, "role", "inference") == "general":
        return not_applicable("a general-purpose pool runs no AI system")
    required = list(ctx.params["inventory_labels"])
    missing = [label for label in required if not component.labels.get(label)]
    if missing:
        return fail(f"missing inventory labels: {', '.join(missing)}", field="labels")
    return passed("carries " + ", ".join(f"{k}={component.labels[k]}" for k in required))


LABELS = {"owner": "ml-platform", "ai-system-id": "support-assistant", "risk-tier": "limited"}

rule = Rule(
    id="GOV-INV-001",
    title="Production AI components carry inventory labels",
    why=(
        "An AI-system inventory (owner, system id, risk tier) is how an organisation knows which models it "
        "runs, who answers for them and which obligations apply. Labels on the serving and accelerator "
        "components tie the infrastructure to that inventory. The label names are a pack parameter."
    ),
    severity="medium",
    pack="governance-mlops",
    applies_to=("model_serving", "gpu_pool", "accelerator_pool"),
    check=check,
    frameworks=(
        ref("nist-ai-rmf", "GOVERN 1.6"),
        ref("eu-ai-act", "Art. 11"),
        ref("iso-42001", "A.4.2", verified=False, note="Annex A numbering from a public crosswalk"),
    ),
    remediation="Add labels owner, ai-system-id and risk-tier (see inventory_labels) to the component.",
    passing=(
        example(
            Environment(id="prod", purpose="production"),
            ModelServing(id="serve", pool="gpu", environment="prod", labels=LABELS),
        ),
    ),
    failing=(
        example(
            Environment(id="prod", purpose="production"),
            GpuPool(
                id="gpu",
                role="inference",
                instance_type="g6.xlarge",
                node_count=2,
                environment="prod",
                labels={"owner": "ml-platform"},
            ),
        ),
    ),
)
