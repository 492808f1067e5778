"""Instance availability per region: a pool of an instance type its region does not offer is an error."""

from __future__ import annotations

from aifab.blueprints import GpuPool, Site
from aifab.catalogue import load_catalogue
from aifab.design.design import Design
from aifab.validate import validate


def _pool_in(region: str, instance_type: str) -> Design:
    site = Site(id="gov", provider="aws", region=region)
    pool = GpuPool(id="infer", role="inference", instance_type=instance_type, node_count=1, site=site)
    return Design(name="a", components=[site, pool])


def test_availability_is_recorded_with_its_source() -> None:
    # Karpenter's GovCloud price table (AWS Pricing API, 2026-07-20): p5.48xlarge in us-gov-west-1 only,
    # g6.xlarge in both GovCloud regions, no g5 in either:
    # https://github.com/aws/karpenter-provider-aws/blob/1d927085dd81a9df9301e613f371dac5b4d16bfe/pkg/providers/pricing/zz_generated.pricing_aws_us_gov.go
    cat = load_catalogue()
    assert cat.instance_type("p5.48xlarge").availability == {"aws-us-gov": ("us-gov-west-1",)}
    assert cat.instance_type("g6.xlarge").availability == {"aws-us-gov": ("us-gov-west-1", "us-gov-east-1")}
    assert cat.instance_type("g5.xlarge").availability == {"aws-us-gov": ()}
    assert "pricing_aws_us_gov.go" in (cat.instance_type("p5.48xlarge").source_for("availability").url or "")


def test_a_pool_in_a_region_that_does_not_offer_its_type_is_an_error() -> None:
    result = validate(_pool_in("us-gov-east-1", "p5.48xlarge"), capacity=False)
    (d,) = [e for e in result.errors if e.code == "instance-type-not-offered"]
    assert d.component == "infer" and not result.valid
    assert "p5.48xlarge is not offered in us-gov-east-1" in d.message
    # every region with a price offers it: London since its Libcloud price (2025-03-02) was added
    assert "regions that offer it: eu-west-2, us-east-1, us-gov-west-1" in d.message
    none = validate(_pool_in("us-gov-west-1", "g5.xlarge"), capacity=False)
    (g5,) = [e for e in none.errors if e.code == "instance-type-not-offered"]
    assert "g5.xlarge is not offered in us-gov-west-1" in g5.message


def test_offered_regions_and_unrecorded_partitions_pass() -> None:
    assert not [e for e in validate(_pool_in("us-gov-west-1", "p5.48xlarge"), capacity=False).errors
                if e.code == "instance-type-not-offered"]  # fmt: skip
    # the commercial partition's availability is not recorded: no check there
    assert not [e for e in validate(_pool_in("eu-west-2", "p5.48xlarge"), capacity=False).errors
                if e.code == "instance-type-not-offered"]  # fmt: skip
