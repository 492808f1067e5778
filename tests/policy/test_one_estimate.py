"""``aifab check`` estimates the design once: validation, capacity findings and the energy rules read that one
estimate, and nothing is written back into the graph."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import aifab.capacity.estimate as estimate_module
from aifab.capacity import assess_design, capacity_findings, estimate_design
from aifab.catalogue import Catalogue, load_catalogue
from aifab.design.loader import load_design
from aifab.errors import InputError
from aifab.policy import PackSet, check_design, load_policy_config, load_waivers
from aifab.policy.capacity import site_capacity
from aifab.validate import validate
from tests.capacity.conftest import FIXTURES as CAPACITY_FIXTURES
from tests.capacity.conftest import fixture_design

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "stacks" / "uk-sovereign-training"
DESIGNS = ROOT / "tests" / "fixtures" / "designs"


def _count_estimates(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every run of the estimate (strict or lenient, whoever asks) appends the design's name."""
    calls: list[str] = []
    real = estimate_module._estimate

    def counting(design: Any, ctx: Any) -> Any:
        calls.append(design.name)
        return real(design, ctx)

    monkeypatch.setattr(estimate_module, "_estimate", counting)
    return calls


def test_check_estimates_the_design_once(monkeypatch: pytest.MonkeyPatch, packs: PackSet, catalogue: Catalogue) -> None:
    loaded = load_design(STACK, env="prod")
    calls = _count_estimates(monkeypatch)
    result = check_design(
        loaded,
        packs,
        config=load_policy_config(None, packs),  # the estimates counted do not depend on enforcement
        waivers=load_waivers(None, packs),
        catalogue=catalogue,
        today=dt.date(2026, 12, 1),
    )
    assert calls == [loaded.design.name]
    energy = [f for f in result.findings if f.pack == "energy" and f.status != "not_applicable"]
    assert energy and not [f for f in energy if f.status == "not_evaluated"]  # the rules had the estimate


def test_the_assessment_is_the_strict_estimate_when_complete(catalogue: Catalogue) -> None:
    design = load_design(STACK, env="prod").design
    assessment = assess_design(design, catalogue)
    assert assessment.complete == estimate_design(design, catalogue)
    assert list(assessment.findings) == capacity_findings(design, catalogue)
    assert site_capacity(assessment.complete) is not None


def test_an_estimate_the_strict_run_refuses_is_not_complete() -> None:
    design = fixture_design("tiny_radix.yaml")  # no fat tree can be built: strict raises, lenient finds
    catalogue = load_catalogue(CAPACITY_FIXTURES / "tiny_switch_catalogue.yaml")
    with pytest.raises(InputError):
        estimate_design(design, catalogue)
    assessment = assess_design(design, catalogue)
    assert assessment.complete is None and site_capacity(assessment.complete) is None
    assert [d.code for d in assessment.findings] == ["capacity-fabric-unbuildable"]


def test_unknown_catalogue_names_leave_no_complete_estimate() -> None:
    design = load_design(DESIGNS / "broken_catalogue.yaml").design
    with pytest.raises(InputError):
        estimate_design(design)
    assert assess_design(design).complete is None


def test_validation_does_not_write_into_the_graph() -> None:
    result = validate(fixture_design("slow_checkpoint.yaml"))
    assert result.diagnostics and not hasattr(result.graph, "diagnostics")
