"""SEC-RES-OS-002: Recorded OpenSearch domains accept HTTPS only."""

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN, flag

DOMAIN = "aws:opensearch/domain:Domain"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    if resource.get("domainEndpointOptions.enforceHttps") == UNKNOWN:
        return not_evaluated("domainEndpointOptions.enforceHttps is not known until apply")
    if not flag(resource.get("domainEndpointOptions.enforceHttps")):  # default false
        return fail("domainEndpointOptions.enforceHttps is false or unset (unset is false)")
    return passed("the endpoint refuses plain HTTP")


rule = Rule(
    id="SEC-RES-OS-002",
    title="Recorded OpenSearch domains accept HTTPS only",
    why="Queries and results carry the embedded documents; over plain HTTP anyone on the path can read them.",
    severity="high",
    pack="baseline-security",
    target="resource",
    applies_to=(DOMAIN,),
    check=check,
    frameworks=(
        ref("fsbp", "Opensearch.8", verified=False, note="FSBP checks the TLS policy; enforcing HTTPS is its premise"),
        ref("nist-800-53", "SC-8"),
        ref("nist-800-53", "SC-8(1)"),
    ),
    remediation="Set domainEndpointOptions: {enforceHttps: true, tlsSecurityPolicy: Policy-Min-TLS-1-2-PFS-2023-10}.",
    passing=(
        example(resources=(ResourceSubject(DOMAIN, "vectors", {"domainEndpointOptions": {"enforceHttps": True}}),)),
    ),
    failing=(example(resources=(ResourceSubject(DOMAIN, "vectors", {}),)),),
)
