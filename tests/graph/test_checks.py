"""Structural validation: each check, against a design built to break exactly it."""

from __future__ import annotations

from pathlib import Path

from aifab.blueprints import (
    DataLake,
    Environment,
    GpuPool,
    KeyManagement,
    KubernetesCluster,
    Network,
    Site,
    SovereignBoundary,
)
from aifab.design.design import Design
from aifab.design.loader import load_design
from aifab.graph.build import build_graph
from aifab.graph.checks import structural_diagnostics


def _codes(*components: object) -> list[tuple[str, str | None]]:
    design = Design(name="t", components=list(components))
    return [(d.code, d.component) for d in structural_diagnostics(build_graph(design))]


def test_valid_minimal_design_has_no_diagnostics(fixtures: Path) -> None:
    assert structural_diagnostics(build_graph(load_design(fixtures / "minimal.yaml").design)) == []


def test_unknown_target_suggests_the_closest_id() -> None:
    design = Design(name="t", components=[KeyManagement(id="kms"), DataLake(id="lake", encrypted_by="kmss")])
    (diag,) = structural_diagnostics(build_graph(design))
    assert diag.code == "unknown-link-target" and "did you mean 'kms'?" in diag.message


def test_wrong_kind_of_link() -> None:
    net = Network(id="vpc", provider="aws", cidr="10.0.0.0/16")
    cluster = KubernetesCluster(id="eks", provider="eks", network=net)
    pool = GpuPool(id="p", role="training", instance_type="p5.48xlarge", node_count=2, fabric="vpc", cluster=cluster)
    assert ("wrong-link-kind", "p") in _codes(net, cluster, pool)


def test_multi_node_training_pool_needs_a_fabric_single_node_does_not() -> None:
    net = Network(id="vpc", provider="aws", cidr="10.0.0.0/16")
    eks = KubernetesCluster(id="eks", provider="eks", network=net)
    two = GpuPool(id="two", role="training", instance_type="p5.48xlarge", node_count=2, cluster=eks)
    one = GpuPool(id="one", role="training", instance_type="p5.48xlarge", node_count=1, cluster=eks)
    infer = GpuPool(id="inf", role="inference", instance_type="p5.48xlarge", node_count=4, cluster=eks)
    assert _codes(net, eks, two, one, infer) == [("missing-link", "two")]


def test_encrypted_store_without_key() -> None:
    assert _codes(DataLake(id="lake")) == [("missing-link", "lake")]
    assert _codes(DataLake(id="lake", encryption="provider-managed")) == []


def test_required_link_missing() -> None:
    from aifab.blueprints import ExperimentTracking

    net = Network(id="vpc", provider="aws", cidr="10.0.0.0/16")
    eks = KubernetesCluster(id="eks", provider="eks", network=net)
    codes = _codes(net, eks, ExperimentTracking(id="mlflow", runs_on=eks))
    assert codes == [("missing-link", "mlflow")]


def test_duplicate_ids_point_at_the_first_definition() -> None:
    first = KeyManagement(id="kms")
    second = KeyManagement(id="kms", rotation_days=400)
    (diag,) = structural_diagnostics(build_graph(Design(name="t", components=[first, second])))
    assert diag.code == "duplicate-id" and str(first.location) in diag.message
    assert diag.location == second.location


def test_cycle_reports_its_path() -> None:
    a = Environment(id="a", purpose="staging", promotes_from="c")
    b = Environment(id="b", purpose="staging", promotes_from="a")
    c = Environment(id="c", purpose="production", promotes_from="b")
    (diag,) = structural_diagnostics(build_graph(Design(name="t", components=[a, b, c])))
    assert diag.code == "cycle"
    assert "a (promotes_from) -> c (promotes_from) -> b (promotes_from) -> a" in diag.message


def test_self_link_is_a_cycle() -> None:
    a = Environment(id="a", purpose="staging", promotes_from="a")
    assert _codes(a) == [("cycle", "a")]


def test_placement_only_when_the_design_declares_sites_or_boundaries() -> None:
    key = KeyManagement(id="kms")
    lake = DataLake(id="lake", encrypted_by=key)
    assert _codes(key, lake) == []
    uk = SovereignBoundary(id="uk", jurisdiction="UK")
    site = Site(id="ldn", provider="aws", region="eu-west-2", inside=uk)
    codes = _codes(uk, site, key, lake)
    assert ("outside-boundary", "kms") in codes and ("outside-boundary", "lake") in codes
    assert ("outside-site", "lake") in codes
    assert ("outside-site", "kms") not in codes  # keys are regional, not racked


def test_field_lines_locate_link_problems(fixtures: Path) -> None:
    diags = structural_diagnostics(build_graph(load_design(fixtures / "broken_links.yaml").design))
    by_code = {d.code: d for d in diags}
    wrong_kind, unknown_target = by_code["wrong-link-kind"].location, by_code["unknown-link-target"].location
    assert wrong_kind is not None and unknown_target is not None
    assert wrong_kind.line == 34  # the 'fabric: lake' line
    assert unknown_target.line == 39  # the 'artifact_store: lakehouse' line


def test_a_component_in_one_boundary_at_a_site_in_another() -> None:
    uk = SovereignBoundary(id="uk", jurisdiction="UK")
    us = SovereignBoundary(id="us", jurisdiction="US")
    virginia = Site(id="virginia", provider="aws", region="us-east-1", inside=us)
    key = KeyManagement(id="kms", inside=uk)
    lake = DataLake(id="lake", encrypted_by=key, inside=uk, site=virginia)
    assert _codes(uk, us, virginia, key, lake) == [("placement-mismatch", "lake")]
