"""SEC-CT-002: Audit logs are tamper-evident and encrypted with a customer-managed key."""

from aifab.blueprints import AuditLog, KeyManagement
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(trail: AuditLog, ctx: PolicyContext) -> list[Verdict]:
    problems = []
    if not trail.log_file_validation:
        problems.append(
            fail("log file validation is off: edited or deleted log files go undetected", field="log_file_validation")
        )
    if not [k for k in ctx.linked(trail, "encrypted_by") if isinstance(k, KeyManagement)]:
        problems.append(fail("the audit log is not encrypted with a customer-managed key", field="encrypted_by"))
    return problems or [passed("log files are validated and encrypted with a customer-managed key")]


rule = Rule(
    id="SEC-CT-002",
    title="Audit logs are tamper-evident and encrypted with a customer-managed key",
    why=(
        "An intruder's first move is to edit the logs that would expose them. Digest validation makes "
        "tampering detectable, and a customer-managed key keeps the logs readable only to those the key "
        "policy allows."
    ),
    severity="medium",
    pack="baseline-security",
    applies_to=("audit_log",),
    check=check,
    frameworks=(
        ref("fsbp", "CloudTrail.4"),
        ref("fsbp", "CloudTrail.2"),
        ref("cis-aws-3.0.0", "3.2"),
        ref("cis-aws-3.0.0", "3.5"),
        ref("nist-800-53", "AU-9"),
        ref("checkov", "CKV_AWS_36"),
    ),
    remediation="Set log_file_validation: true and link a key with encrypted_by.",
    passing=(example(KeyManagement(id="kms"), AuditLog(id="trail", stores_in="logs", encrypted_by="kms")),),
    failing=(
        example(AuditLog(id="trail", stores_in="logs")),
        example(
            KeyManagement(id="kms"),
            AuditLog(id="trail", stores_in="logs", encrypted_by="kms", log_file_validation=False),
        ),
    ),
)
