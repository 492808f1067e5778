"""Fuzzed designs, catalogue overrides, policy and waiver files and ``estimate --set`` values (issue 15).

Whatever the input, the CLI ends with exit 0, 1 or 2 (never 3, an internal error), prints no traceback, and
``--format json``/``sarif`` output parses. Example counts are small here; ``benchmarks/fuzz_inputs.py``
runs the same generators at scale.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from .fuzzing import STRATEGIES, Case, run_case, verdict

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


def _assert_handled(case: Case) -> None:
    with tempfile.TemporaryDirectory() as folder:
        outcome = run_case(case, Path(folder))
    problem = verdict(case, outcome)
    assert problem is None, f"{problem}\nargs: {case.args}\nfiles: {case.files}"


@FUZZ
@given(STRATEGIES["design"])
def test_fuzzed_designs_are_handled(case: Case) -> None:
    _assert_handled(case)


@FUZZ
@given(STRATEGIES["catalogue"])
def test_fuzzed_catalogue_overrides_are_handled(case: Case) -> None:
    _assert_handled(case)


@FUZZ
@given(STRATEGIES["governance"])
def test_fuzzed_policy_and_waiver_files_are_handled(case: Case) -> None:
    _assert_handled(case)


@FUZZ
@given(STRATEGIES["set"])
def test_fuzzed_estimate_settings_are_handled(case: Case) -> None:
    _assert_handled(case)
