"""docs/policies.md is generated from the rule metadata and must not go stale."""

from __future__ import annotations

from pathlib import Path

from aifab.policy import PackSet
from aifab.report.policy_index import render_index

DOCS = Path(__file__).resolve().parents[2] / "docs" / "policies.md"


def test_policy_index_is_up_to_date(packs: PackSet) -> None:
    assert DOCS.read_text(encoding="utf-8") == render_index(packs), (
        "docs/policies.md is stale; regenerate it with: aifab policy docs --output docs/policies.md"
    )


def test_every_rule_has_an_anchor(packs: PackSet) -> None:
    text = DOCS.read_text(encoding="utf-8")
    for rule_id in packs.rules:
        assert f'<a id="{rule_id.lower()}"></a>{rule_id}:' in text
