"""SEC-RES-OS-001: Recorded OpenSearch domains encrypt data at rest and between nodes."""

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN, flag

DOMAIN = "aws:opensearch/domain:Domain"
SETTINGS = ("encryptAtRest.enabled", "nodeToNodeEncryption.enabled")


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    unknown = [s for s in SETTINGS if resource.get(s) == UNKNOWN]
    if unknown:
        return not_evaluated(f"{', '.join(unknown)} not known until apply")
    off = [s for s in SETTINGS if not flag(resource.get(s))]  # both default to false
    if off:
        return fail(f"{', '.join(off)} {'is' if len(off) == 1 else 'are'} false or unset (unset is false)")
    return passed("encrypted at rest and between nodes")


def _domain(**settings: bool) -> ResourceSubject:
    return ResourceSubject(
        DOMAIN, "vectors", {k.split(".")[0]: {"enabled": True} for k in SETTINGS if settings.get(k.split(".")[0], True)}
    )


rule = Rule(
    id="SEC-RES-OS-001",
    title="Recorded OpenSearch domains encrypt data at rest and between nodes",
    why=(
        "Vector indexes are derived from the documents they embed and can leak them. OpenSearch encrypts "
        "neither the indexes on disk nor the traffic between its nodes unless both are switched on, and "
        "neither can be switched on later without a new domain on older engines."
    ),
    severity="high",
    pack="baseline-security",
    target="resource",
    applies_to=(DOMAIN,),
    check=check,
    frameworks=(
        ref("fsbp", "Opensearch.1"),
        ref("fsbp", "Opensearch.3"),
        ref("nist-800-53", "SC-28"),
        ref("nist-800-53", "SC-8"),
    ),
    remediation="Set encryptAtRest: {enabled: true, kmsKeyId: <key>} and nodeToNodeEncryption: {enabled: true}.",
    passing=(example(resources=(_domain(),)),),
    failing=(
        example(resources=(_domain(nodeToNodeEncryption=False),)),
        example(resources=(_domain(encryptAtRest=False),)),
    ),
)
