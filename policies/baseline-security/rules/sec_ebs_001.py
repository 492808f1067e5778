"""SEC-EBS-001: Node volumes are encrypted with a customer-managed key."""

from aifab.blueprints import CpuPool, GpuPool, KeyManagement
from aifab.blueprints.compute import ComputePool
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(pool: ComputePool, ctx: PolicyContext) -> Verdict:
    if not [k for k in ctx.linked(pool, "volumes_encrypted_by") if isinstance(k, KeyManagement)]:
        return fail("node volumes are not encrypted with a customer-managed key", field="volumes_encrypted_by")
    return passed(f"node volumes are encrypted with {pool.volumes_encrypted_by!r}")


rule = Rule(
    id="SEC-EBS-001",
    title="Node volumes are encrypted with a customer-managed key",
    why=(
        "Training nodes cache datasets, write checkpoints and keep credentials on local volumes. A snapshot "
        "or a decommissioned disk must not be readable without your key."
    ),
    severity="medium",
    pack="baseline-security",
    applies_to=("gpu_pool", "accelerator_pool", "cpu_pool"),
    check=check,
    frameworks=(
        ref("fsbp", "EC2.7"),
        ref("cis-aws-3.0.0", "2.2.1"),
        ref("nist-800-53", "SC-28(1)"),
    ),
    remediation="Link a key with volumes_encrypted_by.",
    passing=(
        example(
            KeyManagement(id="kms"),
            GpuPool(id="gpu", role="training", instance_type="p5.48xlarge", node_count=1, volumes_encrypted_by="kms"),
        ),
    ),
    failing=(example(CpuPool(id="cpu", role="general", instance_type="m7i.24xlarge", node_count=2)),),
)
