"""HSE-COST-001: Production compute pools name the cost centre that pays for them."""

from aifab.blueprints import GpuPool
from aifab.blueprints.compute import ComputePool
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed


def check(pool: ComputePool, ctx: PolicyContext) -> Verdict:
    if not ctx.is_production(pool):
        return not_applicable("only production pools are charged back")
    tag = str(ctx.params["cost_centre_tag"])
    if not pool.labels.get(tag):
        return fail(f"no {tag!r} label: nobody is charged for {pool.node_count} nodes", field="labels")
    return passed(f"charged to {pool.labels[tag]}")


def _pool(**labels: str) -> GpuPool:
    return GpuPool(id="infer", role="inference", instance_type="g6e.xlarge", node_count=2, labels=labels)


rule = Rule(
    id="HSE-COST-001",
    title="Production compute pools name their cost centre",
    why="Unlabelled GPU capacity is the first thing finance asks about and the last thing anyone owns.",
    severity="medium",
    pack="house-rules",
    applies_to=("gpu_pool", "accelerator_pool", "cpu_pool"),
    check=check,
    remediation="Add labels={'cost-centre': '<code>'} to the pool.",
    passing=(example(_pool(**{"cost-centre": "ml-platform"})),),
    failing=(example(_pool()),),
)
