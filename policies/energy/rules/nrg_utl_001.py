"""NRG-UTL-001: Cloud accelerators and endpoints can scale down."""

from aifab.blueprints import GpuPool, ModelServing
from aifab.design.component import Component
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(component: Component, ctx: PolicyContext) -> Verdict:
    if isinstance(component, ModelServing):
        if component.min_replicas >= component.max_replicas:
            return fail(
                f"fixed at {component.max_replicas} replicas: it cannot scale down off-peak", field="min_replicas"
            )
        return passed(f"scales between {component.min_replicas} and {component.max_replicas} replicas")
    node_count = getattr(component, "node_count", 0)
    capacity = getattr(component, "capacity", "")
    if capacity in ("owned", "reserved"):
        return not_applicable(f"{capacity} capacity is paid for whether it runs or not")
    floor = getattr(component, "min_node_count", None)
    if floor is None or floor >= node_count:
        return fail(f"fixed at {node_count} nodes: idle accelerators keep drawing power", field="min_node_count")
    return passed(f"scales between {floor} and {node_count} nodes")


rule = Rule(
    id="NRG-UTL-001",
    title="Cloud accelerators and endpoints can scale down",
    why=(
        "An idle GPU node still draws hundreds of watts and costs its full hourly price. Pools and endpoints "
        "that scale with demand (to zero for experimentation) cut both. Owned and reserved capacity is not "
        "applicable. The Well-Architected best-practice id is from a secondary source."
    ),
    severity="low",
    pack="energy",
    applies_to=("gpu_pool", "accelerator_pool", "model_serving"),
    check=check,
    frameworks=(ref("aws-wa-sus", "SUS02-BP01", verified=False), ref("nist-ai-rmf", "MEASURE 2.12")),
    remediation="Set min_node_count below node_count (0 for experimentation) and min_replicas below max_replicas.",
    passing=(
        example(
            GpuPool(id="gpu", role="training", instance_type="p5.48xlarge", node_count=4, min_node_count=0),
            ModelServing(id="serve", pool="gpu", min_replicas=1, max_replicas=4),
        ),
    ),
    failing=(
        example(GpuPool(id="gpu", role="training", instance_type="p5.48xlarge", node_count=4)),
        example(ModelServing(id="serve", pool="gpu", min_replicas=4, max_replicas=4)),
    ),
)
