"""The policy test harness: run every rule's passing and failing examples through the real engine.

>>> from aifab.policy import builtin_policies_dir, load_packs, run_examples
>>> packs = load_packs(builtin_policies_dir())
>>> results = run_examples(packs.rules.values(), params={pack.name: pack.defaults() for pack in packs})
>>> [r for r in results if not r.ok]
[]

An example's verdict is the strongest outcome among the rule's results on it, in the order
error > fail > pass > not_evaluated > not_applicable: a passing example must give no failure and at
least one pass; a failing example must give at least one failure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aifab.catalogue import Catalogue
from aifab.errors import Location
from aifab.graph.build import build_graph

from .capacity import estimate_capacity
from .engine import ResultStatus, RuleResult, frozen_graph, make_context, run_rule
from .rule import Example, Rule

_STRENGTH: tuple[ResultStatus, ...] = ("error", "fail", "pass", "not_evaluated", "not_applicable")
EXAMPLE_TODAY = dt.date(2026, 6, 1)
"""The date examples are judged on unless they pin their own (expiry rules stay deterministic)."""


@dataclass(frozen=True)
class ExampleResult:
    rule_id: str
    index: int
    kind: str  # "passing" or "failing"
    expected: ResultStatus
    actual: ResultStatus
    messages: tuple[str, ...]
    location: Location

    @property
    def ok(self) -> bool:
        return self.expected == self.actual

    @property
    def name(self) -> str:
        return f"{self.rule_id}[{self.kind} {self.index + 1}]"


def verdict_of(results: list[RuleResult]) -> ResultStatus:
    statuses = {r.status for r in results}
    for status in _STRENGTH:
        if status in statuses:
            return status
    return "not_applicable"


def run_example(
    rule: Rule, example: Example, params: Mapping[str, Any], catalogue: Catalogue | None
) -> list[RuleResult]:
    design = example.design()
    graph = frozen_graph(build_graph(design))
    ctx = make_context(
        design,
        graph,
        {**params, **example.params},
        catalogue=catalogue,
        capacity=estimate_capacity(design, catalogue) if catalogue is not None else None,
        today=example.today or EXAMPLE_TODAY,
        capabilities=example.capabilities,
    )
    return run_rule(rule, ctx, example.resources if rule.target == "resource" else None)


def run_examples(
    rules: Iterable[Rule],
    *,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    catalogue: Catalogue | None = None,
) -> list[ExampleResult]:
    """Run every example of every rule. ``params`` maps a pack name to its parameter defaults."""
    if catalogue is None:
        from aifab.catalogue import load_catalogue

        catalogue = load_catalogue()
    out = []
    for rule in rules:
        pack_params = (params or {}).get(rule.pack, {})
        groups: tuple[tuple[str, tuple[Example, ...], ResultStatus], ...] = (
            ("passing", rule.passing, "pass"),
            ("failing", rule.failing, "fail"),
        )
        for kind, examples, default in groups:
            for index, example in enumerate(examples):
                results = run_example(rule, example, pack_params, catalogue)
                design = example.design()
                out.append(
                    ExampleResult(
                        rule_id=rule.id,
                        index=index,
                        kind=kind,
                        expected=example.expect or default,
                        actual=verdict_of(results),
                        messages=tuple(f"{r.status}: {r.component or '-'}: {r.message}" for r in results),
                        location=design.components[0].location if design.components else Location(),
                    )
                )
    return out
