"""PRD-DUR-001: Production file systems are backed up."""

from aifab.blueprints import Environment, FileSystem
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(fs: FileSystem, ctx: PolicyContext) -> Verdict:
    if not ctx.is_production(fs):
        return not_applicable("not a production file system")
    if fs.engine == "fsx-lustre" and (fs.deployment_type or "").upper().startswith("SCRATCH"):
        return not_applicable(f"FSx {fs.deployment_type} file systems do not support automatic backups")
    minimum = int(ctx.params["min_backup_retention_days"])
    if fs.backup_retention_days < minimum:
        got = "no backups" if fs.backup_retention_days == 0 else f"backups kept {fs.backup_retention_days} days"
        return fail(f"{got}; at least {minimum} days required", field="backup_retention_days")
    return passed(f"backups kept {fs.backup_retention_days} days")


def _fs(days: int) -> FileSystem:
    return FileSystem(
        id="fs",
        engine="fsx-lustre",
        deployment_type="PERSISTENT_2",
        per_unit_throughput_mbps_per_tib=250,
        capacity_tib=4.8,
        encrypted_by="k",
        backup_retention_days=days,
        environment="prod",
    )


rule = Rule(
    id="PRD-DUR-001",
    title="Production file systems are backed up",
    why=(
        "Checkpoints and curated datasets on the shared file system take GPU-weeks to recreate; a deleted "
        "directory or a corrupted metadata server without a backup loses them. A cache that only mirrors "
        "a versioned data lake can be waived with that reason."
    ),
    severity="high",
    pack="production-readiness",
    applies_to=("file_system",),
    check=check,
    frameworks=(
        ref("nist-800-53", "CP-9"),
        ref("aws-wa-rel", "REL09-BP01", verified=False),
    ),
    remediation="Set backup_retention_days (FSx automatic backups), or waive for a pure cache of the data lake.",
    passing=(example(Environment(id="prod", purpose="production"), _fs(14)),),
    failing=(example(Environment(id="prod", purpose="production"), _fs(0)),),
)
