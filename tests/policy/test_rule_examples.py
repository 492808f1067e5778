"""Every rule's passing and failing examples, run through the engine (one test per example)."""

from __future__ import annotations

import pytest

from aifab.policy import builtin_policies_dir, load_packs, run_examples
from aifab.policy.harness import ExampleResult

_PACKS = load_packs(builtin_policies_dir())
_RESULTS = run_examples(
    sorted(_PACKS.rules.values(), key=lambda r: r.id), params={p.name: p.defaults() for p in _PACKS}
)


@pytest.mark.parametrize("result", _RESULTS, ids=[r.name for r in _RESULTS])
def test_example_gives_its_verdict(result: ExampleResult) -> None:
    assert result.ok, (
        f"{result.name} at {result.location}: expected {result.expected}, got {result.actual}: {result.messages}"
    )


def test_every_rule_has_both_kinds_of_example() -> None:
    kinds = {(r.rule_id, r.kind) for r in _RESULTS}
    for rule_id in _PACKS.rules:
        assert (rule_id, "passing") in kinds and (rule_id, "failing") in kinds, rule_id


def test_a_failing_example_really_fails() -> None:
    # the harness must not count "not applicable" as a failure: at least one example per rule truly fails,
    # except rules whose only failing examples are documented as not evaluated
    failing = {r.rule_id for r in _RESULTS if r.kind == "failing" and r.actual in ("fail", "error")}
    assert set(_PACKS.rules) == failing
