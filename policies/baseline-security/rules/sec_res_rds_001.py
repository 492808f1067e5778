"""SEC-RES-RDS-001: Recorded RDS instances encrypt their storage."""

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN, flag

RDS = "aws:rds/instance:Instance"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    if resource.get("storageEncrypted") == UNKNOWN:
        return not_evaluated("storageEncrypted is not known until apply")
    if not flag(resource.get("storageEncrypted")):  # default false
        return fail("storageEncrypted is false or unset (unset is false)")
    return passed("storage, backups and snapshots are encrypted")


rule = Rule(
    id="SEC-RES-RDS-001",
    title="Recorded RDS instances encrypt their storage",
    why=(
        "Experiment-tracking and registry databases hold run metadata, parameters and model lineage; RDS "
        "leaves storage unencrypted unless asked, and encryption cannot be switched on later."
    ),
    severity="medium",
    pack="baseline-security",
    target="resource",
    applies_to=(RDS,),
    check=check,
    frameworks=(
        ref("fsbp", "RDS.3"),
        ref("cis-aws-3.0.0", "2.3.1", verified=False, note="section number from a public crosswalk"),
        ref("nist-800-53", "SC-28"),
    ),
    remediation="Set storageEncrypted: true and kmsKeyId to the database key (requires a new instance).",
    passing=(example(resources=(ResourceSubject(RDS, "db", {"storageEncrypted": True, "kmsKeyId": "arn:k"}),)),),
    failing=(example(resources=(ResourceSubject(RDS, "db", {"engine": "postgres"}),)),),
)
