"""A defect is reported once, by the rule that owns it, not again by a general rule in another pack.

Public exposure and a store's encryption are owned by baseline-security (which judges every component,
inside a boundary or not); a site over its power budget is owned by validation (``capacity-power-budget``).
The energy pack asks the policy context for a boundary's allowed regions, as the sovereign packs do.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from aifab.blueprints import Site, SovereignBoundary
from aifab.catalogue import Catalogue
from aifab.design.design import Design
from aifab.design.loader import load_design
from aifab.graph.build import build_graph
from aifab.policy import DesignCheck, PackSet, check_design
from aifab.policy.config import PolicyConfig
from aifab.policy.engine import frozen_graph, make_context
from aifab.policy.waivers import WaiverFile

from .conftest import FIXTURES

TODAY = dt.date(2026, 12, 1)
ROOT = Path(__file__).resolve().parents[2]
EXTRA = ROOT / "tests" / "report" / "fixtures" / "extra-policies"


def _check(path: Path, packs: PackSet, catalogue: Catalogue, *only: str) -> DesignCheck:
    return check_design(
        load_design(path),
        packs,
        config=PolicyConfig(),
        waivers=WaiverFile(),
        catalogue=catalogue,
        today=TODAY,
        only_packs=only,
    )


def _failing(result: DesignCheck, component: str) -> set[str]:
    return {f.rule_id for f in result.findings if f.status == "fail" and f.component == component}


ALL = ("baseline-security", "governance-mlops", "production-readiness", "energy", "sovereign-uk", "sovereign-us")


def test_public_exposure_and_encryption_are_reported_by_baseline_security_only(
    packs: PackSet, catalogue: Catalogue
) -> None:
    result = _check(ROOT / "tests" / "report" / "fixtures" / "noncompliant", packs, catalogue, *ALL)
    assert _failing(result, "eks") == {"SEC-EKS-001"}  # the public API, once
    lake = _failing(result, "lake")
    assert {"SEC-S3-001", "SEC-S3-002"} <= lake  # Block Public Access off; provider-managed encryption
    assert not {r for r in lake if r.startswith("SOV-")}
    us = _check(FIXTURES / "us-fail.yaml", packs, catalogue, *ALL)
    assert _failing(us, "eks") == {"SEC-EKS-001", "SEC-EKS-002"}


def test_a_site_over_its_budget_is_a_capacity_error_only(packs: PackSet, catalogue: Catalogue) -> None:
    result = _check(FIXTURES / "energy-fail.yaml", packs, catalogue, "energy")
    hall = [f for f in result.findings if f.component == "hall"]
    assert [f.rule_id for f in hall if f.status == "fail" and "budget" in f.message] == [
        "capacity:capacity-power-budget"
    ]
    (headroom,) = [f for f in hall if f.rule_id == "NRG-PWR-001"]
    assert headroom.status == "not_applicable" and "capacity-power-budget" in headroom.message


@pytest.mark.parametrize(
    "path",
    [ROOT / "tests" / "report" / "fixtures" / "noncompliant", *sorted(FIXTURES.glob("*.yaml"))],
    ids=lambda p: p.name,
)
def test_no_two_packs_fail_on_the_same_setting(path: Path, packs: PackSet, catalogue: Catalogue) -> None:
    """Rules of two packs failing on one component's one setting is a double report, unless they judge
    different things about it: a region (residency, and grid carbon) is the one such pair."""
    result = _check(path, packs, catalogue)  # the packs the design selects by default
    seen: dict[tuple[str, int], dict[str, str]] = {}
    for f in result.findings:
        line = f.location.line if f.location else None
        if f.status == "fail" and f.component and line and f.pack not in ("validate", "capacity"):
            seen.setdefault((f.component, line), {})[f.pack] = f.rule_id
    component_lines = {(c.id, c.location.line) for c in load_design(path).design.components}
    doubled = {
        key: sorted(rules.values())
        for key, rules in seen.items()
        if len(rules) > 1 and key not in component_lines and set(rules) != {"energy", _sovereign(rules)}
    }
    assert doubled == {}


def _sovereign(rules: dict[str, str]) -> str:
    return next((pack for pack in rules if pack.startswith("sovereign-")), "")


def test_energy_and_sovereignty_ask_the_context_for_allowed_regions(catalogue: Catalogue) -> None:
    boundary = SovereignBoundary(id="uk", jurisdiction="UK", allowed_regions=("eu-west-2", "eu-west-1"))
    site = Site(id="london", provider="aws", region="eu-west-2", inside="uk")
    design = Design(name="d", components=[boundary, site])
    graph = frozen_graph(build_graph(design))

    def ctx(params: dict[str, object]) -> object:
        return make_context(design, graph, params, catalogue=catalogue, capacity=None, today=TODAY)

    energy, sovereign = ctx({}), ctx({"jurisdictions": ["UK"]})
    # eu-west-1 is outside the UK allow-list: the boundary cannot widen it, for either pack
    assert energy.allowed_regions(boundary) == sovereign.allowed_regions(boundary) == ("eu-west-2",)  # type: ignore[attr-defined]
    assert energy.held_by(boundary) == [boundary, site]  # type: ignore[attr-defined]
    assert energy.boundaries("uk") == [boundary] and energy.boundaries("EU") == []  # type: ignore[attr-defined]
