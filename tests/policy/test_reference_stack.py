"""Every reference architecture passes its own packs in every environment, and all environments at once,
with only its own justified waivers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from aifab.catalogue import Catalogue, load_catalogue
from aifab.design.environments import EnvironmentModel
from aifab.design.loader import load_design
from aifab.policy import PackSet, check_design, load_policy_config, load_waivers

from ..conftest import reference_stacks

TODAY = dt.date(2026, 12, 1)


def _environments(stack: Path) -> list[str | None]:
    return [None, *EnvironmentModel.of(load_design(stack).design).environments]


@pytest.mark.parametrize(
    ("stack", "env"),
    [(s, e) for s in reference_stacks() for e in _environments(s)],
    ids=lambda v: v.name if isinstance(v, Path) else (v or "all-environments"),
)
def test_the_stack_passes_its_packs(stack: Path, env: str | None, packs: PackSet, catalogue: Catalogue) -> None:
    loaded = load_design(stack, env=env)
    result = check_design(
        loaded,
        packs,
        config=load_policy_config(stack / "policy.yaml", packs),
        waivers=load_waivers(stack / "waivers.yaml", packs),
        catalogue=load_catalogue(loaded.catalogue_file) if loaded.catalogue_file else catalogue,
        today=TODAY,
    )
    standing = [(f.rule_id, f.component, f.message) for f in result.findings if f.standing]
    assert standing == []
    assert not [f for f in result.findings if f.status == "error"]
    assert [u.waiver.rule for u in result.unused_waivers] == []
    if env is not None:  # a stack answers only for what it deploys
        model = EnvironmentModel.of(loaded.design)
        foreign = {c.id for c in loaded.design.components if model.deployer(c) not in (None, env)}
        assert not [f for f in result.findings if f.component in foreign]


def test_the_uk_stack_waives_only_its_reviewed_finding(packs: PackSet, catalogue: Catalogue) -> None:
    stack = next(s for s in reference_stacks() if s.name == "uk-sovereign-training")
    result = check_design(
        load_design(stack, env="prod"),
        packs,
        config=load_policy_config(stack / "policy.yaml", packs),
        waivers=load_waivers(stack / "waivers.yaml", packs),
        catalogue=catalogue,
        today=TODAY,
    )
    assert [(f.rule_id, f.component) for f in result.findings if f.status == "waived"] == [("PRD-DUR-001", "lustre")]
