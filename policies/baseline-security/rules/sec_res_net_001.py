"""SEC-RES-NET-001: Recorded security groups admit nothing from the whole internet."""

from collections.abc import Iterator

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
ANYWHERE = ("0.0.0.0/0", "::/0")


def _sources(resource: ResourceSubject) -> Iterator[tuple[str, object]]:
    """(path, CIDR) of every ingress source the resource opens."""
    if resource.type == SECURITY_GROUP:
        ingress = resource.get("ingress")
        if ingress == UNKNOWN:
            yield "ingress", UNKNOWN
            return
        for i, rule in enumerate(ingress or []):
            for key in ("cidrBlocks", "ipv6CidrBlocks"):
                value = rule.get(key) if isinstance(rule, dict) else None
                if value == UNKNOWN:
                    yield f"ingress[{i}].{key}", UNKNOWN
                for j, cidr in enumerate(value if isinstance(value, list) else []):
                    yield f"ingress[{i}].{key}[{j}]", cidr
    elif resource.type == INGRESS_RULE:
        for key in ("cidrIpv4", "cidrIpv6"):
            if resource.get(key) is not None:
                yield key, resource.get(key)
    elif resource.get("type") == "ingress":
        for key in ("cidrBlocks", "ipv6CidrBlocks"):
            value = resource.get(key)
            if value == UNKNOWN:
                yield key, UNKNOWN
            for j, cidr in enumerate(value if isinstance(value, list) else []):
                yield f"{key}[{j}]", cidr


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    sources = list(_sources(resource))
    open_to_all = [path for path, cidr in sources if cidr in ANYWHERE]
    if open_to_all:
        return fail(f"ingress open to the internet at {', '.join(open_to_all)}")
    unknown = [path for path, cidr in sources if cidr == UNKNOWN]
    if unknown:
        return not_evaluated(f"{', '.join(unknown)} not known until apply")
    return passed("no ingress from 0.0.0.0/0 or ::/0")


def _sg(*cidrs: str) -> ResourceSubject:
    ingress = [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": list(cidrs)}]
    return ResourceSubject(SECURITY_GROUP, "endpoints", {"vpcId": "vpc", "ingress": ingress})


rule = Rule(
    id="SEC-RES-NET-001",
    title="Recorded security groups admit nothing from the whole internet",
    why=(
        "An AI platform's nodes, file systems, databases and endpoints serve other parts of the platform; "
        "an ingress rule from 0.0.0.0/0 or ::/0 exposes them to every scanner on the internet. Public traffic "
        "belongs behind a load balancer or an API gateway, whose own groups are reviewed."
    ),
    severity="high",
    pack="baseline-security",
    target="resource",
    applies_to=(SECURITY_GROUP, INGRESS_RULE, GROUP_RULE),
    check=check,
    frameworks=(
        ref("fsbp", "EC2.18", verified=False, note="unrestricted ingress on unauthorised ports"),
        ref("fsbp", "EC2.13"),
        ref("cis-aws-3.0.0", "5.2"),
        ref("cis-aws-3.0.0", "5.3"),
        ref("nist-800-53", "SC-7"),
        ref("cdk-nag", "AwsSolutions-EC23"),
    ),
    remediation="Narrow the source to the VPC's or the peer's CIDR, or to a source security group.",
    passing=(example(resources=(_sg("10.0.0.0/16"),)),),
    failing=(
        example(resources=(_sg("10.0.0.0/16", "0.0.0.0/0"),)),
        example(resources=(ResourceSubject(INGRESS_RULE, "ssh", {"cidrIpv6": "::/0", "fromPort": 22, "toPort": 22}),)),
    ),
)
