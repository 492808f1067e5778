"""The verdict per metric: pass, fail, missing, not checked; directions; tolerances; failed workloads."""

from __future__ import annotations

from typing import Any

import pytest

from aifab.bench.expect import (
    CollectiveShape,
    Expectation,
    Expectations,
    LocalMachine,
    Requirement,
    ScopeExpectations,
    local_expectations,
    parse_tolerances,
)
from aifab.bench.result import BenchResult
from aifab.bench.verify import FORMAT, verify


def result(workload: str, metrics: list[dict[str, Any]], **extra: Any) -> BenchResult:
    """A result document as a workload prints it (only what verification reads is varied)."""
    environment = {"hostname": "h", "platform": "Linux", "python": "3.11", "cpu_count": 2}
    environment.update(extra.pop("environment", {}))
    doc = {
        "format": "aifab.bench/v1",
        "workload": workload,
        "engine": {"name": "test", "version": "0"},
        "started_at": "2026-12-01T10:00:00+00:00",
        "duration_s": 1.0,
        "environment": environment,
        "metrics": metrics,
        **extra,
    }
    return BenchResult.model_validate(doc)


def m(name: str, value: float, unit: str = "x", higher: bool = True, **labels: str) -> dict[str, Any]:
    return {"name": name, "value": value, "unit": unit, "labels": labels, "higher_is_better": higher}


def expectations(
    *items: Expectation,
    required: tuple[str, ...] = (),
    collective: CollectiveShape | None = None,
    by_name: dict[str, Expectation] | None = None,
) -> Expectations:
    fixed = {e.key: e for e in items}
    needs = tuple(Requirement(name=fixed[k].name, labels=fixed[k].labels, expectation=fixed[k]) for k in required)
    scope = ScopeExpectations(scope="local", fixed=fixed, required=needs, collective=collective, by_name=by_name or {})
    return Expectations(basis="test", scopes={"local": scope}, default_scope="local")


GEMM = Expectation(
    scope="local",
    name="gemm.tflops",
    labels={"dtype": "fp32"},
    expected=1.0,
    unit="TFLOP/s",
    tolerance=0.2,
    source="stated",
)
LAT = Expectation(
    scope="local",
    name="storage.lat_us",
    labels={"pattern": "rand_read"},
    expected=100.0,
    unit="us",
    tolerance=0.5,
    higher_is_better=False,
    source="stated",
)


@pytest.mark.parametrize(("measured", "verdict"), [(1.3, "pass"), (0.8, "pass"), (0.79, "fail")])
def test_higher_is_better_within_tolerance(measured: float, verdict: str) -> None:
    run = verify([result("gemm", [m("gemm.tflops", measured, dtype="fp32")])], expectations(GEMM))
    (check,) = run.checks
    assert check.verdict == verdict
    assert check.ratio == pytest.approx(measured)
    assert run.exit_code == (0 if verdict == "pass" else 1)
    if verdict == "fail":
        assert "expected at least 0.8 TFLOP/s" in check.message


@pytest.mark.parametrize(("measured", "verdict"), [(20.0, "pass"), (150.0, "pass"), (151.0, "fail")])
def test_lower_is_better_within_tolerance(measured: float, verdict: str) -> None:
    run = verify(
        [result("storage", [m("storage.lat_us", measured, "us", False, pattern="rand_read")])], expectations(LAT)
    )
    assert run.checks[0].verdict == verdict
    if verdict == "fail":
        assert "expected at most 150 us" in run.checks[0].message


def test_metric_without_expectation_is_not_checked_and_not_a_failure() -> None:
    run = verify([result("gemm", [m("gemm.tflops", 5.0, dtype="bf16")])], expectations(GEMM))
    (check,) = run.checks
    assert (check.verdict, check.expected, check.ratio) == ("not-checked", None, None)
    assert run.passed and run.counts() == {"pass": 0, "fail": 0, "missing": 0, "not-checked": 1}


def test_missing_metric_fails_unless_allowed() -> None:
    exp = expectations(GEMM, required=(GEMM.key,))
    run = verify([result("storage", [])], exp)
    (check,) = run.checks
    assert check.verdict == "missing" and check.expected == 1.0 and check.measured is None
    assert run.exit_code == 1 and run.summary().startswith("FAIL")
    allowed = verify([result("storage", [])], exp, allow_missing=True)
    assert allowed.checks[0].verdict == "missing" and allowed.exit_code == 0


def test_failed_workload_is_a_failure_naming_it_and_its_missing_metrics_are_missing() -> None:
    exp = expectations(GEMM, required=(GEMM.key,))
    broken = result("gemm", [], error="torch is not installed: pip install torch")
    run = verify([broken], exp, allow_missing=True)
    failed = [c for c in run.checks if c.verdict == "fail"]
    assert len(failed) == 1 and failed[0].workload == "gemm"
    assert failed[0].message == "workload gemm failed: torch is not installed: pip install torch"
    assert [c.verdict for c in run.checks if c.name == "gemm.tflops"] == ["missing"]
    assert run.exit_code == 1  # allow_missing does not excuse the failed workload itself


def test_tolerance_override_changes_the_verdict() -> None:
    machine = LocalMachine(cpu_model="x", cores=1, ghz=1.0, ghz_source="s", flags=("avx2", "fma"))
    measured = [result("gemm", [m("gemm.tflops", 0.7 * 0.032 * 0.85, "TFLOP/s", dtype="fp32")])]  # 85 % of expected
    assert verify(measured, local_expectations(machine)).checks[0].verdict == "pass"  # default gemm tolerance 0.2
    strict = local_expectations(machine, parse_tolerances(["gemm.tflops=0.1"]))
    gemm = [c for c in verify(measured, strict).checks if c.name == "gemm.tflops"]
    assert gemm[0].verdict == "fail" and gemm[0].tolerance == 0.1


def test_collective_points_are_expected_at_their_own_size_and_any_size_meets_the_requirement() -> None:
    shape = CollectiveShape(
        nodes=1, gpus_per_node=8, model_inputs={"nvlink_gbs_per_direction": 10.0}, source="test link"
    )
    ref = Expectation(
        scope="local",
        name="collective.busbw_gbs",
        labels={"op": "all_reduce"},
        expected=8.2,
        unit="GB/s",
        tolerance=0.3,
        source="stated",
    )
    scope = ScopeExpectations(
        scope="local",
        fixed={},
        collective=shape,
        required=(Requirement(name="collective.busbw_gbs", labels={"op": "all_reduce"}, expectation=ref),),
    )
    exp = Expectations(basis="test", scopes={"local": scope}, default_scope="local")
    small, large = shape.expect("all_reduce", 1024, ranks=2), shape.expect("all_reduce", 2**30, ranks=2)
    assert small is not None and large is not None and small.busbw_gbs < large.busbw_gbs
    run = verify(
        [
            result(
                "collective",
                [
                    m("collective.busbw_gbs", large.busbw_gbs * 0.9, "GB/s", op="all_reduce", message_bytes=str(2**30)),
                    m("collective.busbw_gbs", small.busbw_gbs * 0.5, "GB/s", op="all_reduce", message_bytes="1024"),
                    m("collective.algbw_gbs", 1.0, "GB/s", op="all_reduce", message_bytes="1024"),
                ],
                parameters={"world_size": 2},
            )
        ],
        exp,
    )
    by_size = {c.labels.get("message_bytes"): c for c in run.checks if c.name == "collective.busbw_gbs"}
    assert by_size[str(2**30)].verdict == "pass" and by_size[str(2**30)].expected == pytest.approx(large.busbw_gbs)
    assert by_size["1024"].verdict == "fail" and by_size["1024"].ratio == pytest.approx(0.5)
    assert "on 2 ranks" in by_size["1024"].source
    assert [c.verdict for c in run.checks if c.name == "collective.algbw_gbs"] == ["not-checked"]  # busbw only
    assert not [c for c in run.checks if c.verdict == "missing"]


def test_serving_errors_are_expected_to_be_zero_at_every_concurrency() -> None:
    zero = Expectation(
        scope="local",
        name="serving.errors",
        expected=0.0,
        unit="requests",
        tolerance=0.0,
        higher_is_better=False,
        source="stated",
    )
    run = verify(
        [
            result(
                "serving",
                [
                    m("serving.errors", 0, "requests", False, concurrency="1"),
                    m("serving.errors", 3, "requests", False, concurrency="8"),
                ],
            )
        ],
        expectations(by_name={"serving.errors": zero}),
    )
    verdicts = {c.labels["concurrency"]: (c.verdict, c.ratio) for c in run.checks}
    assert verdicts == {"1": ("pass", None), "8": ("fail", None)}


def test_results_from_a_pool_the_design_lacks_are_not_checked() -> None:
    run = verify(
        [result("gemm", [m("gemm.tflops", 1.0, dtype="fp32")], environment={"pool": "ghost"})],
        Expectations(
            basis="design x", scopes={"pool train": ScopeExpectations("pool train", {}, ())}, default_scope=None
        ),
    )
    (check,) = run.checks
    assert check.verdict == "not-checked" and check.scope == "pool ghost (not in the design)"
    assert "'ghost' is not a GPU pool" in check.message


def test_json_form_of_the_verdict() -> None:
    run = verify([result("gemm", [m("gemm.tflops", 0.5, dtype="fp32")])], expectations(GEMM))
    data = run.to_json()
    assert data["format"] == FORMAT == "aifab.verdict/v1"
    assert data["passed"] is False and data["counts"]["fail"] == 1
    assert data["checks"][0]["source"] == "stated" and data["checks"][0]["ratio"] == 0.5


def test_cluster_results_against_the_local_machine_point_to_the_design() -> None:
    machine = LocalMachine(cpu_model="x", cores=1, ghz=1.0, ghz_source="s", flags=("avx2", "fma"))
    run = verify(
        [result("gemm", [m("gemm.tflops", 600.0, dtype="bf16")], environment={"pool": "train"})],
        local_expectations(machine),
        allow_missing=True,
    )
    (check,) = [c for c in run.checks if c.verdict == "not-checked"]
    assert "verify it against its design (--design PATH --env ENV)" in check.message
