"""PRD-MON-001: Production accelerator pools have telemetry and alerting."""

from aifab.blueprints import AcceleratorPool, Environment, GpuPool, Monitoring
from aifab.blueprints.compute import ComputePool
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(pool: ComputePool, ctx: PolicyContext) -> Verdict:
    if not ctx.is_production(pool):
        return not_applicable("not a production pool")
    watchers = [m for m in ctx.linking(pool, field_name="monitors") if isinstance(m, Monitoring)]
    if not watchers:
        return fail("no monitoring covers this production pool")
    good = [m for m in watchers if m.alerting and (pool.kind != "gpu_pool" or m.gpu_telemetry != "none")]
    if not good:
        m = watchers[0]
        what = "alerting is off" if not m.alerting else "it collects no GPU telemetry (DCGM)"
        return fail(
            f"monitored by {m.id!r}, but {what}",
            component=m.id,
            field="alerting" if not m.alerting else "gpu_telemetry",
        )
    return passed(f"telemetry and alerting from {good[0].id!r}")


def _pool() -> GpuPool:
    return GpuPool(id="gpu", role="training", node_model="dgx-h100", node_count=1, environment="prod")


rule = Rule(
    id="PRD-MON-001",
    title="Production accelerator pools have telemetry and alerting",
    why=(
        "GPUs fail in ways the node does not report: XID errors, ECC faults, thermal throttling, a dropped "
        "NVLink. DCGM telemetry with alerts catches a failing GPU before it stalls a training job of "
        "thousands of GPU-hours or degrades an endpoint."
    ),
    severity="medium",
    pack="production-readiness",
    applies_to=("gpu_pool", "accelerator_pool"),
    check=check,
    frameworks=(ref("nist-800-53", "SI-4"), ref("nvidia-gpu-operator", "DCGM exporter")),
    remediation="List the pool in a monitoring component with gpu_telemetry: dcgm-exporter and alerting: true.",
    passing=(
        example(Environment(id="prod", purpose="production"), _pool(), Monitoring(id="mon", monitors=("gpu",))),
        example(
            Environment(id="exp", purpose="experimentation"),
            AcceleratorPool(id="trn", role="training", instance_type="trn1.32xlarge", node_count=1, environment="exp"),
            expect="not_applicable",
        ),
    ),
    failing=(
        example(Environment(id="prod", purpose="production"), _pool()),
        example(
            Environment(id="prod", purpose="production"),
            _pool(),
            Monitoring(id="mon", gpu_telemetry="none", monitors=("gpu",)),
        ),
    ),
)
