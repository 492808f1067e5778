"""SEC-RES-EKS-003: Recorded EKS clusters send API, audit and authenticator logs."""

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN

EKS = "aws:eks/cluster:Cluster"
REQUIRED = ("api", "audit", "authenticator")


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    types = resource.get("enabledClusterLogTypes")
    if types == UNKNOWN or (isinstance(types, list) and UNKNOWN in types):
        return not_evaluated("enabledClusterLogTypes is not known until apply")
    enabled = set(types) if isinstance(types, list) else set()  # unset: no control-plane logs
    missing = [t for t in REQUIRED if t not in enabled]
    if missing:
        return fail(f"enabledClusterLogTypes lacks {', '.join(missing)}")
    return passed(f"control-plane logs: {', '.join(sorted(enabled))}")


rule = Rule(
    id="SEC-RES-EKS-003",
    title="Recorded EKS clusters send API, audit and authenticator logs",
    why=(
        "Without the audit and authenticator logs nobody can say who did what to the cluster: they are the "
        "evidence an incident review and an EU AI Act event log both need. EKS sends none unless asked."
    ),
    severity="medium",
    pack="baseline-security",
    target="resource",
    applies_to=(EKS,),
    check=check,
    frameworks=(
        ref("fsbp", "EKS.8"),
        ref("nist-800-53", "AU-2"),
        ref("nist-800-53", "AU-12"),
        ref("cis-eks", "2.1", verified=False, note="section number from Pulumi's pre-built pack"),
        ref("cdk-nag", "AwsSolutions-EKS2"),
        ref("checkov", "CKV_AWS_37"),
    ),
    remediation="Set enabledClusterLogTypes to include api, audit and authenticator (ideally all five).",
    passing=(
        example(
            resources=(ResourceSubject(EKS, "eks", {"enabledClusterLogTypes": ["api", "audit", "authenticator"]}),)
        ),
    ),
    failing=(
        example(resources=(ResourceSubject(EKS, "eks", {}),)),
        example(resources=(ResourceSubject(EKS, "eks", {"enabledClusterLogTypes": ["api", "audit"]}),)),
    ),
)
