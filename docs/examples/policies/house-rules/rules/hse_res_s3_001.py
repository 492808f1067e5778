"""HSE-RES-S3-001: Buckets a stack would create carry the design's component tag."""

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, passed

BUCKET = "aws:s3/bucket:Bucket"


def check(bucket: ResourceSubject, ctx: PolicyContext) -> Verdict:
    # A resource-level rule reads the inputs as sent (wire names, camelCase); a missing key is the
    # provider's default, and here that means no tag at all.
    if not bucket.get("tags", {}).get("aifab:component"):
        return fail("the bucket carries no aifab:component tag, so nobody can tell which design made it")
    return passed("tagged with its design component")


rule = Rule(
    id="HSE-RES-S3-001",
    title="Buckets carry their design component's tag",
    why="An untagged bucket in an audit is a bucket nobody can trace back to a design or an owner.",
    severity="low",
    pack="house-rules",
    target="resource",
    applies_to=(BUCKET,),
    check=check,
    remediation="Build buckets through aifab's realisers, which tag every resource with its component.",
    passing=(example(resources=(ResourceSubject(BUCKET, "lake", {"tags": {"aifab:component": "lake"}}),)),),
    failing=(example(resources=(ResourceSubject(BUCKET, "lake", {}),)),),
)
