"""PRD-QTA-001: Cloud accelerator pools fit the account's service quota."""

from collections.abc import Mapping

from aifab.blueprints import GpuPool
from aifab.blueprints.compute import ComputePool
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, not_evaluated, passed, ref

# instance-type prefix -> the EC2 vCPU quota family it draws from
FAMILIES = (("trn", "Trn"), ("inf", "Inf"), ("p", "P"), ("g", "G"))


def family(instance_type: str) -> str | None:
    for prefix, name in FAMILIES:
        if instance_type.startswith(prefix):
            return name
    return None


def check(pool: ComputePool, ctx: PolicyContext) -> Verdict:
    if pool.instance_type is None:
        return not_applicable("an on-prem pool draws on no cloud quota")
    if pool.capacity in ("capacity-block", "reserved", "owned"):
        return not_applicable(f"{pool.capacity} capacity is not drawn from the on-demand quota")
    if not ctx.has("quotas"):
        return not_evaluated(
            "needs the account's EC2 vCPU quotas (AWS Service Quotas), which the offline check cannot see"
        )
    assert ctx.catalogue is not None
    vcpu = ctx.catalogue.instance_type(pool.instance_type).vcpu
    name = family(pool.instance_type)
    if vcpu is None or name is None:
        return not_evaluated(f"no vCPU count or quota family known for {pool.instance_type}")
    key = f"{name}-spot" if pool.capacity == "spot" else name
    quotas: Mapping[str, float] = ctx.capabilities["quotas"]
    if key not in quotas:
        return not_evaluated(f"the quota for {key} instances was not supplied")
    needed = vcpu * pool.node_count
    if needed > quotas[key]:
        return fail(
            f"{pool.node_count} x {pool.instance_type} need {needed} vCPUs; the {key} quota is {quotas[key]:g}",
            field="node_count",
        )
    return passed(f"needs {needed} of {quotas[key]:g} {key} vCPUs")


def _pool(nodes: int) -> GpuPool:
    return GpuPool(id="gpu", role="training", instance_type="p5.48xlarge", node_count=nodes)


rule = Rule(
    id="PRD-QTA-001",
    title="Cloud accelerator pools fit the account's service quota",
    why=(
        "GPU quotas start near zero and take days to raise; a pool larger than the quota fails at deploy "
        "time, not at review time. Quotas need AWS credentials (Service Quotas), so the offline check "
        "reports this rule as not evaluated; an online run supplies the quotas capability."
    ),
    severity="medium",
    pack="production-readiness",
    applies_to=("gpu_pool", "accelerator_pool"),
    check=check,
    requires=("catalogue",),
    frameworks=(ref("aws-wa-rel", "REL01-BP01", verified=False),),
    remediation="Request a quota increase for the instance family before deploying, or use a capacity block.",
    passing=(example(_pool(2), capabilities={"quotas": {"P": 384}}),),
    failing=(
        example(_pool(4), capabilities={"quotas": {"P": 384}}),
        example(_pool(2), expect="not_evaluated", note="offline: no quotas capability"),
    ),
)
