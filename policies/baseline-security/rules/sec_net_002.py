"""SEC-NET-002: Networks record flow logs."""

from aifab.blueprints import Network
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(network: Network, ctx: PolicyContext) -> Verdict:
    if not network.flow_logs:
        return fail("flow logs are off: connections in and out of the network leave no record", field="flow_logs")
    return passed("flow logs are on")


rule = Rule(
    id="SEC-NET-002",
    title="Networks record flow logs",
    why=(
        "Flow logs show which addresses talked to which, on what port: the evidence for spotting data "
        "exfiltration from a training cluster and for proving it did not happen."
    ),
    severity="medium",
    pack="baseline-security",
    applies_to=("network",),
    check=check,
    frameworks=(
        ref("fsbp", "EC2.6"),
        ref("cis-aws-3.0.0", "3.7"),
        ref("nist-800-53", "AU-12"),
        ref("cdk-nag", "AwsSolutions-VPC7"),
    ),
    remediation="Set flow_logs: true.",
    passing=(example(Network(id="vpc", provider="aws", cidr="10.0.0.0/16")),),
    failing=(example(Network(id="vpc", provider="aws", cidr="10.0.0.0/16", flow_logs=False)),),
)
