"""SEC-RES-RDS-002: Recorded RDS instances are not publicly accessible."""

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN, flag

RDS = "aws:rds/instance:Instance"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    if resource.get("publiclyAccessible") == UNKNOWN:
        return not_evaluated("publiclyAccessible is not known until apply")
    if flag(resource.get("publiclyAccessible")):  # default false
        return fail("publiclyAccessible is true: the database gets a public DNS name and address")
    return passed("reachable only inside the VPC")


rule = Rule(
    id="SEC-RES-RDS-002",
    title="Recorded RDS instances are not publicly accessible",
    why="A publicly accessible database is one leaked password away from the internet.",
    severity="critical",
    pack="baseline-security",
    target="resource",
    applies_to=(RDS,),
    check=check,
    frameworks=(
        ref("fsbp", "RDS.2"),
        ref("cis-aws-3.0.0", "2.3.3", verified=False, note="section number from a public crosswalk"),
        ref("nist-800-53", "SC-7"),
        ref("nist-800-53", "AC-3"),
    ),
    remediation="Set publiclyAccessible: false and reach the database from inside the VPC.",
    passing=(example(resources=(ResourceSubject(RDS, "db", {"engine": "postgres"}),)),),
    failing=(example(resources=(ResourceSubject(RDS, "db", {"publiclyAccessible": True}),)),),
)
