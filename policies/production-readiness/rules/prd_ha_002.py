"""PRD-HA-002: Production inference is redundant."""

from aifab.blueprints import Environment, GpuPool, ModelServing
from aifab.blueprints.compute import ComputePool
from aifab.design.component import Component
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(serving: ModelServing, ctx: PolicyContext) -> list[Verdict]:
    if not ctx.is_production(serving):
        return [not_applicable("not a production endpoint")]
    minimum = int(ctx.params["min_serving_replicas"])
    out = []
    if serving.min_replicas < minimum:
        out.append(
            fail(f"scales down to {serving.min_replicas} replica(s); at least {minimum} required", field="min_replicas")
        )
    for pool in ctx.linked(serving, "pool"):
        if not isinstance(pool, ComputePool):
            continue
        floor = pool.min_node_count if pool.min_node_count is not None else pool.node_count
        if floor < minimum:
            out.append(
                fail(
                    f"inference pool {pool.id!r} can shrink to {floor} node(s)",
                    component=pool.id,
                    field="min_node_count" if pool.min_node_count is not None else "node_count",
                )
            )
        if pool.placement == "cluster" and pool.instance_type is not None:
            out.append(
                fail(
                    f"inference pool {pool.id!r} uses a cluster placement group, which keeps every node "
                    "in one availability zone",
                    component=pool.id,
                    field="placement",
                )
            )
    return out or [passed(f"at least {serving.min_replicas} replicas on a spread pool")]


def _design(replicas: int, placement: str = "spread") -> tuple[Component, ...]:
    return (
        Environment(id="prod", purpose="production"),
        GpuPool(
            id="gpu",
            role="inference",
            instance_type="g6e.48xlarge",
            node_count=4,
            min_node_count=2,
            placement=placement,
            environment="prod",
        ),
        ModelServing(id="serve", pool="gpu", min_replicas=replicas, environment="prod"),
    )


rule = Rule(
    id="PRD-HA-002",
    title="Production inference is redundant",
    why=(
        "One replica is an outage waiting for a node drain, a GPU fault or a deployment. Production "
        "endpoints keep at least two replicas on at least two nodes, spread across availability zones."
    ),
    severity="medium",
    pack="production-readiness",
    applies_to=("model_serving",),
    check=check,
    frameworks=(ref("fsbp", "SageMaker.4"), ref("aws-wa-rel", "REL10-BP01", verified=False)),
    remediation="Set min_replicas >= 2, the pool's min_node_count >= 2 and placement: spread.",
    passing=(example(*_design(2)),),
    failing=(example(*_design(1)), example(*_design(2, placement="cluster"))),
)
