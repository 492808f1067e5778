"""SEC-NET-003: Networks have no public subnets."""

from aifab.blueprints import Network
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(network: Network, ctx: PolicyContext) -> Verdict:
    if network.public_subnets:
        return fail(
            "the network has public subnets: anything placed there gets a route to the internet", field="public_subnets"
        )
    return passed("all subnets are private")


rule = Rule(
    id="SEC-NET-003",
    title="Networks have no public subnets",
    why=(
        "GPU nodes, file systems and model servers never need an internet route in; public subnets are "
        "where a mis-placed node or load balancer becomes exposed. Reach the internet through a NAT or "
        "proxy in a separate egress network, and publish services through an approved gateway."
    ),
    severity="medium",
    pack="baseline-security",
    applies_to=("network",),
    check=check,
    frameworks=(ref("nist-800-53", "SC-7"), ref("ncsc-csp", "11")),
    remediation="Set public_subnets: false; if a public entry point is needed, waive with the gateway's design.",
    passing=(example(Network(id="vpc", provider="aws", cidr="10.0.0.0/16")),),
    failing=(example(Network(id="vpc", provider="aws", cidr="10.0.0.0/16", public_subnets=True)),),
)
