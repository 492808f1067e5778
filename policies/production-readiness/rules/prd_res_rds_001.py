"""PRD-RES-RDS-001: Recorded production databases have deletion protection."""

from aifab.blueprints import Environment, ExperimentTracking
from aifab.policy import (
    Example,
    PolicyContext,
    ResourceSubject,
    Rule,
    Verdict,
    example,
    fail,
    not_applicable,
    not_evaluated,
    passed,
    ref,
)
from aifab.policy.resources import UNKNOWN, flag, purpose

RDS = "aws:rds/instance:Instance"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    judged = purpose(resource, ctx)
    if judged is None:
        return not_evaluated("whether the database serves production needs the design")
    if judged != "production":
        return not_applicable(f"a database of a {judged} environment")
    if resource.get("deletionProtection") == UNKNOWN:
        return not_evaluated("deletionProtection is not known until apply")
    if not flag(resource.get("deletionProtection")):  # default false
        return fail("deletionProtection is false or unset (unset is false)")
    return passed("deletion protection is on")


def _example(protected: bool, env: str, expect: str | None = None) -> Example:
    return example(
        Environment(id=env, purpose="production" if env == "prod" else "experimentation", hosts_shared=True),
        ExperimentTracking(id="mlflow", environment=env),
        resources=(ResourceSubject(RDS, "mlflow-db", {"deletionProtection": protected}, component="mlflow"),),
        expect=expect,  # type: ignore[arg-type]
    )


rule = Rule(
    id="PRD-RES-RDS-001",
    title="Recorded production databases have deletion protection",
    why=(
        "The tracking and registry database is the record of which model was trained on what and approved by "
        "whom; a stray destroy or a replacement should not be able to delete it."
    ),
    severity="medium",
    pack="production-readiness",
    target="resource",
    applies_to=(RDS,),
    check=check,
    frameworks=(ref("fsbp", "RDS.8"), ref("nist-800-53", "CP-9"), ref("nist-800-53", "SI-12")),
    remediation="Set deletionProtection: true on production instances.",
    passing=(_example(True, "prod"), _example(False, "dev", "not_applicable")),
    failing=(_example(False, "prod"),),
)
