"""NRG-DATA-001: Training and checkpoint data expire on a lifecycle."""

from aifab.blueprints import DataLake, ExperimentTracking, LifecycleRule
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref

TRAINING_LINKS = ("artifact_store", "reads_from", "data_repository")


def check(lake: DataLake, ctx: PolicyContext) -> Verdict:
    if ctx.linking(lake, field_name="stores_in"):
        return not_applicable("an audit store: its retention is set by governance, not by lifecycle")
    if not any(ctx.linking(lake, field_name=f) for f in TRAINING_LINKS):
        return not_applicable("holds no training data or checkpoints")
    useful = [r for r in lake.lifecycle if r.expire_noncurrent_after_days is not None or r.transition_to is not None]
    if not useful:
        return fail(
            "no lifecycle rule expires old versions or moves cold data: checkpoints pile up forever", field="lifecycle"
        )
    return passed(f"{len(useful)} lifecycle rule(s) expire or tier data")


rule = Rule(
    id="NRG-DATA-001",
    title="Training and checkpoint data expire on a lifecycle",
    why=(
        "Checkpoints of a large model are terabytes each and a long run writes hundreds; with versioning on, "
        "every overwrite keeps the old copy. Lifecycle rules expire noncurrent versions and tier cold data, "
        "saving the storage, energy and cost. They must respect governance retention and object lock."
    ),
    severity="low",
    pack="energy",
    applies_to=("data_lake",),
    check=check,
    frameworks=(
        ref("fsbp", "S3.13"),
        ref("aws-wa-sus", "SUS04-BP03", verified=False),
        ref("checkov", "CKV_AWS_300", verified=False),
    ),
    remediation="Add lifecycle rules, e.g. {prefix: checkpoints/, expire_noncurrent_after_days: 30}.",
    passing=(
        example(
            ExperimentTracking(id="mlflow", artifact_store="lake"),
            DataLake(
                id="lake",
                encrypted_by="k",
                lifecycle=(LifecycleRule(prefix="checkpoints/", expire_noncurrent_after_days=30),),
            ),
        ),
    ),
    failing=(example(ExperimentTracking(id="mlflow", artifact_store="lake"), DataLake(id="lake", encrypted_by="k")),),
)
