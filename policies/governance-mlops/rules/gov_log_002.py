"""GOV-LOG-002: Audit logs are kept long enough."""

from aifab.blueprints import AuditLog
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(trail: AuditLog, ctx: PolicyContext) -> Verdict:
    minimum = int(ctx.params["audit_log_min_retention_days"])
    if trail.retention_days < minimum:
        return fail(f"kept {trail.retention_days} days; at least {minimum} required", field="retention_days")
    return passed(f"kept {trail.retention_days} days")


rule = Rule(
    id="GOV-LOG-002",
    title="Audit logs are kept long enough",
    why=(
        "Breaches are found months after they start, and the EU AI Act asks providers and deployers of "
        "high-risk systems to keep logs for at least six months. The pack's default is a year."
    ),
    severity="high",
    pack="governance-mlops",
    applies_to=("audit_log",),
    check=check,
    frameworks=(
        ref("nist-800-53", "AU-11"),
        ref("eu-ai-act", "Art. 19(1)"),
        ref("eu-ai-act", "Art. 26(6)"),
        ref("checkov", "CKV_AWS_338", verified=False),
    ),
    remediation="Raise retention_days to the pack's audit_log_min_retention_days (default 365).",
    passing=(example(AuditLog(id="trail", stores_in="logs")),),
    failing=(example(AuditLog(id="trail", stores_in="logs", retention_days=90)),),
)
