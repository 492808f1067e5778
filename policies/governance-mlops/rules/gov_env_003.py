"""GOV-ENV-003: Components stay inside their environment."""

from collections.abc import Iterator

from aifab.blueprints import Environment, GpuPool, KubernetesCluster
from aifab.design.design import Design
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref

# links that place a workload on shared infrastructure: crossing environments here mixes them
PLACEMENT_LINKS = ("cluster", "runs_on", "network", "pool", "fabric")


def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
    for component in ctx.components():
        own = ctx.environment_of(component)
        if own is None:
            continue
        crossings = []
        for link in component.links():
            if link.field not in PLACEMENT_LINKS:
                continue
            target = ctx.component(link.target)
            other = ctx.environment_of(target) if target is not None else None
            if other is not None and other.id != own.id:
                crossings.append((link.field, link.target, other))
        for field_name, target_id, other in crossings:
            yield fail(
                f"belongs to {own.id!r} ({own.purpose}) but is placed on {target_id!r} of {other.id!r} "
                f"({other.purpose}) through {field_name}",
                component=component.id,
                field=field_name,
            )
        if not crossings and any(link.field in PLACEMENT_LINKS for link in component.links()):
            yield passed(f"placed only on infrastructure of {own.id!r}", component=component.id)


rule = Rule(
    id="GOV-ENV-003",
    title="Components stay inside their environment",
    why=(
        "An experimentation pool joined to the production cluster, or a production service on the "
        "experimentation network, makes the environments one: the same nodes, credentials and network "
        "reach both. Separate clusters and networks per environment keep the separation real."
    ),
    severity="medium",
    pack="governance-mlops",
    target="design",
    check=check,
    frameworks=(ref("iso-27001", "A.8.31"), ref("nist-800-53", "AC-4")),
    remediation="Give each environment its own cluster and network, and link components within their environment.",
    passing=(
        example(
            Environment(id="prod", purpose="production"),
            KubernetesCluster(id="eks", provider="eks", environment="prod"),
            GpuPool(
                id="gpu", role="inference", instance_type="g6.xlarge", node_count=2, cluster="eks", environment="prod"
            ),
        ),
    ),
    failing=(
        example(
            Environment(id="prod", purpose="production"),
            Environment(id="exp", purpose="experimentation"),
            KubernetesCluster(id="eks", provider="eks", environment="prod"),
            GpuPool(
                id="gpu", role="training", instance_type="g6.xlarge", node_count=1, cluster="eks", environment="exp"
            ),
        ),
    ),
)
