"""Measured against expected: one verdict per metric, and whether the run as a whole passes.

Verdicts:

* ``pass`` / ``fail`` — the metric has an expectation; within tolerance or not (:meth:`Expectation.passes`).
* ``not-checked`` — measured, but nothing is expected of it (reported, never a failure).
* ``missing`` — expected, but no workload measured it (it failed, or was not run): a failure unless
  ``allow_missing``.
* a workload that failed (``BenchResult.error``) is a ``fail`` row naming the workload and its error.

>>> from aifab.bench.expect import Expectation, Expectations, Requirement, ScopeExpectations
>>> e = Expectation(scope="local", name="gemm.tflops", labels={"dtype": "fp32"}, expected=1.0,
...                 unit="TFLOP/s", tolerance=0.2, source="stated")
>>> exp = Expectations(basis="example", default_scope="local", scopes={"local": ScopeExpectations(
...     scope="local", fixed={e.key: e}, required=(Requirement(name=e.name, labels=e.labels, expectation=e),))})
>>> verify([], exp).checks[0].verdict
'missing'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from aifab.bench.expect import Expectations
from aifab.bench.result import BenchResult

__all__ = ["FORMAT", "Check", "Verdict", "Verification", "verify"]

FORMAT: Final = "aifab.verdict/v1"

Verdict = Literal["pass", "fail", "not-checked", "missing"]


class _Closed(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Check(_Closed):
    """One row of the verdict: a metric (or a failed workload) in one scope."""

    scope: str
    """``local``, ``pool <id>``, or ``unmatched`` (a result whose pool the design does not have)."""
    workload: str
    node: str | None = None
    """The node (or host) that measured it, when the result says (a cluster run has one result per node)."""
    key: str
    name: str
    labels: dict[str, str] = Field(default_factory=dict)
    unit: str = ""
    expected: float | None = None
    measured: float | None = None
    ratio: float | None = None
    """measured / expected (None when either is missing or expected is 0)."""
    tolerance: float | None = None
    higher_is_better: bool = True
    verdict: Verdict
    source: str = ""
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.verdict == "fail"

    @property
    def where(self) -> str:
        """The scope, and the node when known: ``pool train (node-3)``."""
        return f"{self.scope} ({self.node})" if self.node else self.scope


class Verification(_Closed):
    """Every check of a run, with the basis of the expectations and the policy for missing metrics."""

    format: Literal["aifab.verdict/v1"] = FORMAT
    basis: str
    allow_missing: bool
    checks: tuple[Check, ...]
    notes: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        """Checks per verdict, every verdict present (0 when none)."""
        found = Counter(c.verdict for c in self.checks)
        return {v: found.get(v, 0) for v in ("pass", "fail", "missing", "not-checked")}

    @property
    def failures(self) -> list[Check]:
        """What makes the run fail: failed checks, and missing ones unless missing is allowed."""
        return [c for c in self.checks if c.failed or (c.verdict == "missing" and not self.allow_missing)]

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def summary(self) -> str:
        """One line: ``PASS: 7 pass, 0 fail, 0 missing, 3 not checked``."""
        c = self.counts()
        head = "PASS" if self.passed else "FAIL"
        allowed = " (allowed)" if self.allow_missing and c["missing"] else ""
        return (
            f"{head}: {c['pass']} pass, {c['fail']} fail, {c['missing']} missing{allowed}, "
            f"{c['not-checked']} not checked"
        )

    def to_json(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["passed"] = self.passed
        data["counts"] = self.counts()
        return data


def verify(results: Iterable[BenchResult], expectations: Expectations, *, allow_missing: bool = False) -> Verification:
    """Compare every measured metric with its expectation; add a missing row for each unmet requirement."""
    checks: list[Check] = []
    measured_by_scope: dict[str, list[Any]] = {}
    for result in results:
        scope = expectations.scope_of(result)
        shown = scope or _unmatched(result)
        node = result.environment.node
        if result.error is not None:
            checks.append(
                Check(
                    scope=shown,
                    workload=result.workload,
                    node=node,
                    key=f"{result.workload} (workload)",
                    name=f"{result.workload}.run",
                    verdict="fail",
                    message=f"workload {result.workload} failed: {result.error}",
                )
            )
        for metric in result.metrics:
            if scope is not None:
                measured_by_scope.setdefault(scope, []).append(metric)
            exp = expectations.expect(result, metric)
            if exp is None:
                checks.append(
                    Check(
                        scope=shown,
                        workload=result.workload,
                        node=node,
                        key=metric.key(),
                        name=metric.name,
                        labels=dict(metric.labels),
                        unit=metric.unit,
                        measured=metric.value,
                        higher_is_better=metric.higher_is_better,
                        verdict="not-checked",
                        message=_why_unchecked(expectations, result, scope),
                    )
                )
                continue
            ok = exp.passes(metric.value)
            ratio = metric.value / exp.expected if exp.expected else None
            bound = "at least" if exp.higher_is_better else "at most"
            limit = exp.expected * (1 - exp.tolerance if exp.higher_is_better else 1 + exp.tolerance)
            checks.append(
                Check(
                    scope=shown,
                    workload=result.workload,
                    node=node,
                    key=metric.key(),
                    name=metric.name,
                    labels=dict(metric.labels),
                    unit=exp.unit,
                    expected=exp.expected,
                    measured=metric.value,
                    ratio=ratio,
                    tolerance=exp.tolerance,
                    higher_is_better=exp.higher_is_better,
                    verdict="pass" if ok else "fail",
                    source=exp.source,
                    message=(
                        ""
                        if ok
                        else f"measured {metric.value:.4g} {exp.unit}, expected {bound} {limit:.4g} {exp.unit} "
                        f"({exp.expected:.4g} with tolerance {exp.tolerance:.0%})"
                    ),
                )
            )
    for scope_name, expected in expectations.scopes.items():
        seen = measured_by_scope.get(scope_name, [])
        for req in expected.required:
            if any(req.met_by(m) for m in seen):
                continue
            e = req.expectation
            checks.append(
                Check(
                    scope=scope_name,
                    workload=e.name.split(".", 1)[0],
                    key=e.key if req.labels == e.labels else f"{e.key} (any size)",
                    name=e.name,
                    labels=dict(req.labels),
                    unit=e.unit,
                    expected=e.expected,
                    tolerance=e.tolerance,
                    higher_is_better=e.higher_is_better,
                    verdict="missing",
                    source=e.source,
                    message=f"expected but not measured in {scope_name} (the workload failed or was not run)",
                )
            )
    notes = tuple(f"{name}: {note}" for name, scope in expectations.scopes.items() for note in scope.notes)
    return Verification(basis=expectations.basis, allow_missing=allow_missing, checks=tuple(checks), notes=notes)


def _unmatched(result: BenchResult) -> str:
    return f"pool {result.environment.pool} (not in the design)" if result.environment.pool else "unmatched"


def _why_unchecked(expectations: Expectations, result: BenchResult, scope: str | None) -> str:
    if scope is not None:
        return "no expectation for this metric"
    if result.environment.pool is not None and "local" in expectations.scopes:
        return f"measured on pool {result.environment.pool!r}: verify it against its design (--design PATH --env ENV)"
    if result.environment.pool is not None:
        return f"pool {result.environment.pool!r} is not a GPU pool of {expectations.basis}"
    return f"the result names no pool and {expectations.basis} has several: pass --pool"
