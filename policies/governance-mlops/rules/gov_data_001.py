"""GOV-DATA-001: Audit evidence is stored immutably."""

from aifab.blueprints import AuditLog, DataLake
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(lake: DataLake, ctx: PolicyContext) -> Verdict:
    trails = [t for t in ctx.linking(lake, field_name="stores_in") if isinstance(t, AuditLog)]
    if not trails:
        return not_applicable("this lake holds no audit trail")
    if lake.object_lock == "none":
        return fail(
            f"holds the audit trail of {trails[0].id!r} without object lock: it can be deleted or rewritten",
            field="object_lock",
        )
    longest = max(t.retention_days for t in trails)
    if (lake.object_lock_retention_days or 0) < longest:
        return fail(
            f"object lock keeps {lake.object_lock_retention_days} days, less than the {longest}-day audit retention",
            field="object_lock_retention_days",
        )
    return passed(f"{lake.object_lock}-mode object lock for {lake.object_lock_retention_days} days")


rule = Rule(
    id="GOV-DATA-001",
    title="Audit evidence is stored immutably",
    why=(
        "Audit logs are evidence only if nobody, including administrators, can alter or delete them during "
        "their retention period: object lock in governance or compliance mode makes the store write-once."
    ),
    severity="medium",
    pack="governance-mlops",
    applies_to=("data_lake",),
    check=check,
    frameworks=(
        ref("nist-800-53", "AU-9"),
        ref("fsbp", "S3.15", verified=False),
        ref("control-tower", "CT.S3.PR.9", verified=False),
        ref("iso-42001", "A.7.5", verified=False, note="Annex A numbering from a public crosswalk"),
    ),
    remediation="Set object_lock: compliance (or governance) with object_lock_retention_days >= the audit retention.",
    passing=(
        example(
            AuditLog(id="trail", stores_in="logs"),
            DataLake(id="logs", encrypted_by="k", object_lock="compliance", object_lock_retention_days=400),
        ),
    ),
    failing=(
        example(AuditLog(id="trail", stores_in="logs"), DataLake(id="logs", encrypted_by="k")),
        example(
            AuditLog(id="trail", stores_in="logs"),
            DataLake(id="logs", encrypted_by="k", object_lock="governance", object_lock_retention_days=30),
        ),
    ),
)
