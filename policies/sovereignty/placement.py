"""RES-001: every recorded regional resource's provider targets a region inside the boundary's jurisdiction."""

from __future__ import annotations

from aifab.blueprints import KeyManagement
from aifab.design.design import Design
from aifab.policy import (
    Example,
    PolicyContext,
    ResourceSubject,
    Rule,
    Verdict,
    example,
    fail,
    not_applicable,
    not_evaluated,
    passed,
)
from aifab.policy.harness import EXAMPLE_TODAY
from aifab.policy.resources import UNKNOWN, owner

from .examples import boundary_example, jurisdiction_rule, site_example
from .jurisdictions import Jurisdiction
from .scope import boundaries, codes, region_text

REGIONAL_TYPES: tuple[str, ...] = (
    "aws:cloudtrail/trail:Trail",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:ec2/flowLog:FlowLog",
    "aws:ec2/instance:Instance",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:ec2/placementGroup:PlacementGroup",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:eks/accessEntry:AccessEntry",
    "aws:eks/cluster:Cluster",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation",
    "aws:fsx/lustreFileSystem:LustreFileSystem",
    "aws:kms/alias:Alias",
    "aws:kms/key:Key",
    "aws:opensearch/domain:Domain",
    "aws:rds/instance:Instance",
    "aws:rds/subnetGroup:SubnetGroup",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLogging:BucketLogging",
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:sagemaker/endpoint:Endpoint",
    "aws:sagemaker/model:Model",
)
"""The regional AWS resource types the realisers create (IAM and other global services are not regional)."""


def _allowed(resource: ResourceSubject, ctx: PolicyContext) -> tuple[str, ...] | None:
    """Regions the resource may use: its component's boundary's; for a resource of no judged boundary, every
    judged boundary's together; without the design, the pack's allowed_regions or its jurisdictions' lists.
    ``None``: the resource's component lies outside this pack's boundaries."""
    judged = boundaries(ctx)
    component = owner(resource, ctx)
    if judged and component is not None:
        boundary = ctx.boundary_of(component)
        if boundary in judged:
            assert boundary is not None
            return ctx.allowed_regions(boundary)
        return None
    if judged:
        return tuple(dict.fromkeys(r for b in judged for r in ctx.allowed_regions(b)))
    override = ctx.params.get("allowed_regions")
    if override:
        return tuple(override)
    return tuple(dict.fromkeys(r for code in sorted(codes(ctx)) for r in ctx.jurisdiction_regions(code)))


def resource_regions_rule(j: Jurisdiction) -> Rule:
    def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
        region = resource.provider.get("region")
        if region == UNKNOWN:
            return not_evaluated("the provider's region is not known until apply")
        if not region:
            return not_evaluated("no explicit provider region: the default provider's aws:region config decides")
        allowed = _allowed(resource, ctx)
        if allowed is None:
            return not_applicable(f"component {resource.component} is outside {j.name}'s boundaries")
        if region in allowed:
            return passed(f"provider region {region} is allowed")
        return fail(f"provider region {region} is outside the allow-list ({region_text(allowed)})")

    def bucket(region: str | None) -> ResourceSubject:
        provider = {"type": "pulumi:providers:aws", "region": region} if region else {}
        return ResourceSubject("aws:s3/bucket:Bucket", "lake", {}, component="lake", provider=provider)

    def placed(region: str) -> Example:
        design = Design(
            name="example",
            components=(
                boundary_example(j),
                site_example(j),
                KeyManagement(id="lake", inside="home"),
            ),
        )
        return example(design=design, resources=(bucket(region),), today=EXAMPLE_TODAY)

    return jurisdiction_rule(
        j,
        "RES-001",
        "regions",
        title=f"Recorded regional resources are created in {j.name}'s allowed regions",
        why=(
            f"The design places sites in {j.name}; the plan shows where resources are actually created: in the "
            "region of each resource's AWS provider. A provider pointed at another region (a copied stack, a "
            "default provider, a typo) moves data out of the jurisdiction however the design reads. Allowed: "
            "the allow-list of the resource's boundary (catalogue, narrowed by the pack's allowed_regions and "
            "the boundary's own list)."
        ),
        severity="critical",
        target="resource",
        applies_to=REGIONAL_TYPES,
        check=check,
        requires=("catalogue",),
        remediation="Create the resource with a provider whose region is inside the boundary's allow-list.",
        passing=(placed(j.home_region),),
        failing=(placed(j.foreign_region),),
    )


__all__ = ["REGIONAL_TYPES", "resource_regions_rule"]
