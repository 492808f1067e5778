"""GOV-REG-002: Training data records dataset versions."""

from aifab.blueprints import DataLake, ExperimentTracking, FileSystem
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref

TRAINING_LINKS = ("artifact_store", "reads_from", "data_repository")


def check(lake: DataLake, ctx: PolicyContext) -> Verdict:
    feeds = [c.id for field in TRAINING_LINKS for c in ctx.linking(lake, field_name=field)]
    if not feeds:
        return not_applicable("no pipeline, registry or file system reads training data from this lake")
    if not lake.lineage.record_dataset_versions or lake.lineage.tool == "none":
        return fail(f"feeds {', '.join(sorted(set(feeds)))} but records no dataset versions", field="lineage")
    return passed(f"dataset versions are recorded with {lake.lineage.tool}")


rule = Rule(
    id="GOV-REG-002",
    title="Training data records dataset versions",
    why=(
        "To explain or retrain a model you need the exact data it saw: lineage ties every registered model "
        "version to the dataset versions of its training run, as the EU AI Act's technical documentation asks."
    ),
    severity="medium",
    pack="governance-mlops",
    applies_to=("data_lake",),
    check=check,
    frameworks=(
        ref("eu-ai-act", "Art. 10(2)"),
        ref("eu-ai-act", "Art. 11"),
        ref("iso-42001", "A.7.5", verified=False, note="Annex A numbering from a public crosswalk"),
    ),
    remediation="Set lineage: {record_dataset_versions: true, tool: mlflow} (or openlineage, dvc).",
    passing=(example(DataLake(id="lake", encrypted_by="k"), ExperimentTracking(id="mlflow", artifact_store="lake")),),
    failing=(
        example(
            DataLake(id="lake", encrypted_by="k", lineage={"tool": "none"}),
            FileSystem(
                id="fs", engine="nfs", capacity_tib=1, throughput_gbs=1, encrypted_by="k", data_repository="lake"
            ),
        ),
    ),
)
