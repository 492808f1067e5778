from __future__ import annotations

import pytest
from pydantic import ValidationError

from aifab.blueprints import Attestation, EdgeSite, Environment, PrivateCloud, Site, SovereignBoundary


def test_boundary_egress_rules() -> None:
    assert (
        SovereignBoundary(id="b", jurisdiction="UK", egress="allow-list").check()[0].code == "empty-egress-allow-list"
    )
    (warn,) = SovereignBoundary(id="b", jurisdiction="UK", egress_allow=("10.0.0.0/8",)).check()
    assert warn.severity == "warning"
    with pytest.raises(ValidationError, match="not a CIDR"):
        SovereignBoundary(id="b", jurisdiction="UK", egress="allow-list", egress_allow=("intranet",))


def test_attestation_needs_a_real_obligation_and_date() -> None:
    with pytest.raises(ValidationError):
        Attestation(obligation="x", evidence="e", expires="2027-01-01")
    with pytest.raises(ValidationError):
        Attestation(obligation="Operator personnel screened", evidence="doc", expires="someday")


def test_private_cloud_requires_a_site() -> None:
    from aifab.design.design import Design
    from aifab.graph.build import build_graph
    from aifab.graph.checks import required_links

    pc = PrivateCloud(id="pc", platform="openstack", operator="ops team")
    assert [d.code for d in required_links(build_graph(Design(name="x", components=[pc])))] == ["missing-link"]


def test_site_provider_fields() -> None:
    with pytest.raises(ValidationError, match="needs region"):
        Site(id="s", provider="aws")
    with pytest.raises(ValidationError, match="region is for provider 'aws'"):
        Site(id="s", provider="onprem", region="eu-west-2")
    with pytest.raises(ValidationError):
        Site(id="s", provider="onprem", pue=0.9)
    with pytest.raises(ValidationError):
        Site(id="s", provider="onprem", renewable_share=1.5)
    codes = sorted(d.code for d in Site(id="s", provider="colo").check())
    assert codes == ["site-facility-unspecified", "site-grid-unspecified"]


def test_edge_site_latency() -> None:
    with pytest.raises(ValidationError, match="needs an accelerator"):
        EdgeSite(id="e", location_name="plant", latency_target_ms=10, upstream_round_trip_ms=5)
    remote = EdgeSite(
        id="e",
        location_name="plant",
        latency_target_ms=10,
        node_count=0,
        upstream_round_trip_ms=30,
        syncs_models_from="mlflow",
    )
    assert [d.code for d in remote.check()] == ["edge-latency-unreachable"]
    local = EdgeSite(
        id="e",
        location_name="plant",
        latency_target_ms=10,
        accelerator="l4",
        upstream_round_trip_ms=30,
        syncs_models_from="mlflow",
    )
    assert local.check() == []


def test_environment_account_format() -> None:
    with pytest.raises(ValidationError):
        Environment(id="p", purpose="production", aws_account_id="12345")
    with pytest.raises(ValidationError):
        Environment(id="p", purpose="prod")
