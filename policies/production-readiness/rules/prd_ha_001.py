"""PRD-HA-001: Production cloud networks span several availability zones."""

from aifab.blueprints import Environment, Network
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(network: Network, ctx: PolicyContext) -> Verdict:
    if not ctx.is_production(network):
        return not_applicable("not a production network")
    if network.provider != "aws":
        return not_applicable("availability zones are a cloud concept; on-prem redundancy is the site's design")
    minimum = int(ctx.params["min_availability_zones"])
    if network.availability_zones < minimum:
        return fail(
            f"spans {network.availability_zones} availability zone(s); at least {minimum} required",
            field="availability_zones",
        )
    return passed(f"spans {network.availability_zones} availability zones")


rule = Rule(
    id="PRD-HA-001",
    title="Production cloud networks span several availability zones",
    why=(
        "A single availability zone is a single data centre: one power or network event takes every "
        "service in it down. In a one-region jurisdiction (the UK), multi-AZ is the only DR there is."
    ),
    severity="medium",
    pack="production-readiness",
    applies_to=("network",),
    check=check,
    frameworks=(ref("aws-wa-rel", "REL10-BP01", verified=False), ref("nist-800-53", "CP-7", verified=False)),
    remediation="Set availability_zones to 2 or more.",
    passing=(
        example(
            Environment(id="prod", purpose="production"),
            Network(id="vpc", provider="aws", cidr="10.0.0.0/16", availability_zones=3, environment="prod"),
        ),
    ),
    failing=(
        example(
            Environment(id="prod", purpose="production"),
            Network(id="vpc", provider="aws", cidr="10.0.0.0/16", availability_zones=1, environment="prod"),
        ),
    ),
)
