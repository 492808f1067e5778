"""SEC-RES-EKS-001: Recorded EKS clusters have a private API endpoint only."""

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN, flag

EKS = "aws:eks/cluster:Cluster"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    public, private = (resource.get(f"vpcConfig.{k}") for k in ("endpointPublicAccess", "endpointPrivateAccess"))
    if UNKNOWN in (public, private):
        return not_evaluated("vpcConfig's endpoint access is not known until apply")
    if flag(public, default=True):  # EKS's default: public on, private off
        return fail("vpcConfig.endpointPublicAccess is true (or unset, which defaults to true)")
    if not flag(private):
        return fail("vpcConfig.endpointPrivateAccess is false or unset: the API would be unreachable")
    return passed("the API endpoint is private")


def _eks(**vpc: object) -> ResourceSubject:
    return ResourceSubject(EKS, "eks", {"vpcConfig": {"subnetIds": ["a", "b"], **vpc}})


rule = Rule(
    id="SEC-RES-EKS-001",
    title="Recorded EKS clusters have a private API endpoint only",
    why=(
        "EKS clusters get a public API endpoint unless told otherwise; anyone on the internet can then probe "
        "it and try stolen credentials. A private endpoint is reachable only from the cluster's network."
    ),
    severity="high",
    pack="baseline-security",
    target="resource",
    applies_to=(EKS,),
    check=check,
    frameworks=(
        ref("fsbp", "EKS.1"),
        ref("nist-800-53", "SC-7"),
        ref("cis-eks", "5.4", verified=False, note="section number from Pulumi's pre-built pack"),
        ref("cdk-nag", "AwsSolutions-EKS1"),
    ),
    remediation="Set vpcConfig.endpointPublicAccess: false and endpointPrivateAccess: true.",
    passing=(example(resources=(_eks(endpointPublicAccess=False, endpointPrivateAccess=True),)),),
    failing=(example(resources=(_eks(),)), example(resources=(_eks(endpointPublicAccess=False),))),
)
