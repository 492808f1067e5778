"""SEC-S3-005: Sensitive data lakes record object-level access."""

from aifab.blueprints import AuditLog, DataLake
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref

SENSITIVE = ("confidential", "personal", "special-category")


def check(lake: DataLake, ctx: PolicyContext) -> Verdict:
    if lake.data_classification not in SENSITIVE:
        return not_applicable(f"the lake holds {lake.data_classification} data")
    if ctx.linking(lake, field_name="stores_in"):
        return not_applicable(
            "this lake receives the audit trail itself; logging its data events into the same trail would loop"
        )
    trails = [t for t in ctx.linked(lake, "logs_to") if isinstance(t, AuditLog)]
    if not trails:
        return fail(f"{lake.data_classification} data with no audit log linked (field logs_to)", field="logs_to")
    if not any(t.data_events for t in trails):
        return fail(
            f"audit log {trails[0].id!r} does not record data events (reads and writes of objects)", field="logs_to"
        )
    return passed(f"object reads and writes are recorded by {trails[0].id!r}")


rule = Rule(
    id="SEC-S3-005",
    title="Sensitive data lakes record object-level access",
    why=(
        "Management events say who changed a bucket; only data events say who read or wrote the personal or "
        "confidential objects in it. Without them a data leak cannot be scoped."
    ),
    severity="medium",
    pack="baseline-security",
    applies_to=("data_lake",),
    check=check,
    frameworks=(
        ref("cis-aws-3.0.0", "3.8"),
        ref("cis-aws-3.0.0", "3.9"),
        ref("nist-800-53", "AU-2"),
        ref("nist-800-53", "AU-12"),
    ),
    remediation="Link an audit_log with data_events: true through logs_to.",
    passing=(
        example(AuditLog(id="trail", stores_in="logs"), DataLake(id="lake", encrypted_by="k", logs_to="trail")),
        example(
            DataLake(id="public-data", encryption="provider-managed", data_classification="public"),
            expect="not_applicable",
        ),
    ),
    failing=(
        example(DataLake(id="lake", encrypted_by="k", data_classification="personal")),
        example(
            AuditLog(id="trail", stores_in="logs", data_events=False),
            DataLake(id="lake", encrypted_by="k", logs_to="trail"),
        ),
    ),
)
