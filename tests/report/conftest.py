"""Fixtures for the report tests: one check of the deliberately non-compliant design, and golden files.

Golden files live in tests/report/golden. Regenerate them with ``AIFAB_UPDATE_GOLDEN=1 pytest
tests/report`` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from aifab.catalogue import load_catalogue
from aifab.design.loader import load_design
from aifab.policy import builtin_policies_dir, check_design, load_packs, load_policy_config, load_waivers
from aifab.report import CheckReport

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
GOLDEN = HERE / "golden"
NONCOMPLIANT = FIXTURES / "noncompliant"
EXTRA = FIXTURES / "extra-policies"
TODAY = dt.date(2026, 12, 1)


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("AIFAB_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"golden file {path} missing; run with AIFAB_UPDATE_GOLDEN=1 to create it"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} differs from its golden file; rerun with AIFAB_UPDATE_GOLDEN=1 and review the diff"
    )


@pytest.fixture(scope="session")
def report() -> CheckReport:
    # the working directory is the repository root (tests/conftest.py), so paths in reports are relative
    os.chdir(HERE.parents[1])
    packs = load_packs(builtin_policies_dir(), EXTRA)
    loaded = load_design(NONCOMPLIANT.relative_to(HERE.parents[1]))
    result = check_design(
        loaded,
        packs,
        config=load_policy_config(NONCOMPLIANT / "policy.yaml", packs),
        waivers=load_waivers(NONCOMPLIANT / "waivers.yaml", packs),
        catalogue=load_catalogue(),
        today=TODAY,
    )
    return CheckReport(designs=(result,), rules=packs.rules, today=TODAY, tool_version="0.1.0")
