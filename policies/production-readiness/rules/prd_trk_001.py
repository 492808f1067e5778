"""PRD-TRK-001: The production model registry is highly available."""

from aifab.blueprints import Environment, ExperimentTracking
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(tracking: ExperimentTracking, ctx: PolicyContext) -> list[Verdict]:
    if not ctx.is_production(tracking):
        return [not_applicable("not a production registry")]
    out = []
    if tracking.replicas < 2:
        out.append(fail("one replica: a restart stops every deployment and model pull", field="replicas"))
    if tracking.backend_store == "sqlite":
        out.append(
            fail("a SQLite backend store cannot be shared by replicas or backed up online", field="backend_store")
        )
    return out or [passed(f"{tracking.replicas} replicas on a {tracking.backend_store} backend")]


rule = Rule(
    id="PRD-TRK-001",
    title="The production model registry is highly available",
    why=(
        "Serving, edge sites and pipelines pull models from the registry: when it is down nothing can be "
        "deployed or rolled back. Production needs replicas on a shared database backend."
    ),
    severity="medium",
    pack="production-readiness",
    applies_to=("experiment_tracking",),
    check=check,
    frameworks=(ref("aws-wa-rel", "REL10-BP01", verified=False), ref("nist-800-53", "CP-10", verified=False)),
    remediation="Set replicas >= 2 and backend_store: postgresql (or mysql).",
    passing=(
        example(
            Environment(id="prod", purpose="production"),
            ExperimentTracking(id="mlflow", artifact_store="lake", environment="prod"),
        ),
    ),
    failing=(
        example(
            Environment(id="prod", purpose="production"),
            ExperimentTracking(
                id="mlflow", artifact_store="lake", replicas=1, backend_store="sqlite", environment="prod"
            ),
        ),
    ),
)
