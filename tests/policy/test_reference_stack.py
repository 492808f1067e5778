"""The reference architecture passes its own packs in every environment, with only its justified waiver."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from aifab.catalogue import Catalogue
from aifab.design.loader import load_design
from aifab.policy import PackSet, check_design, load_policy_config, load_waivers

STACK = Path(__file__).resolve().parents[2] / "stacks" / "uk-sovereign-training"
TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize("env", ["prod", "dev"])
def test_the_stack_passes_its_packs(env: str, packs: PackSet, catalogue: Catalogue) -> None:
    result = check_design(
        load_design(STACK, env=env),
        packs,
        config=load_policy_config(STACK / "policy.yaml", packs),
        waivers=load_waivers(STACK / "waivers.yaml", packs),
        catalogue=catalogue,
        today=TODAY,
    )
    standing = [(f.rule_id, f.component, f.message) for f in result.findings if f.standing]
    assert standing == []
    assert not [f for f in result.findings if f.status == "error"]
    assert [(f.rule_id, f.component) for f in result.findings if f.status == "waived"] == [("PRD-DUR-001", "lustre")]


def test_the_stack_files_load(packs: PackSet) -> None:
    config = load_policy_config(STACK / "policy.yaml", packs)
    assert config.production_environments == ("prod",)
    assert [w.rule for w in load_waivers(STACK / "waivers.yaml", packs).waivers] == ["PRD-DUR-001"]
