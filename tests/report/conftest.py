"""Fixtures for the report tests: one check of the deliberately non-compliant design, and golden files.

Golden files live in tests/report/golden. Regenerate them with ``AIFAB_UPDATE_GOLDEN=1 pytest
tests/report`` and review the diff.

The check runs a fixed, named selection of rules (:data:`GOLDEN_RULES`), not every rule of every pack: a
rule added to a pack changes its own examples and the generated index, not these golden files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType

import pytest

from aifab.catalogue import load_catalogue
from aifab.design.loader import load_design
from aifab.policy import (
    PackSet,
    builtin_policies_dir,
    check_design,
    load_packs,
    load_policy_config,
    load_waivers,
)
from aifab.report import CheckReport

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
GOLDEN = HERE / "golden"
NONCOMPLIANT = FIXTURES / "noncompliant"
EXTRA = FIXTURES / "extra-policies"
TODAY = dt.date(2026, 12, 1)

# Between them these rules give every status, severity, enforcement and waiver state the reports render.
GOLDEN_RULES = (
    "SEC-EKS-001",  # fail, mandatory, located on the offending field's line
    "SEC-EKS-002",  # pass
    "SEC-S3-001",  # waived
    "SEC-S3-002",  # fail, advisory
    "SEC-KMS-001",  # fail under an expired waiver
    "SEC-MDL-001",  # pass, with an unused waiver
    "SEC-CT-001",  # not applicable (design-level)
    "GOV-LOG-001",  # fail on the design as a whole
    "PRD-QTA-001",  # not evaluated: needs what an offline check cannot see
    "NRG-REG-001",  # low severity, with a pack parameter from policy.yaml
    "SOV-UK-GEN-001",  # critical, on several components
    "SOV-UK-ATT-001",  # an expired attestation
    "TST-ERR-001",  # error: the rule raised
    "TST-RES-001",  # not evaluated: a resource-level rule
)


def select_rules(packs: PackSet, rule_ids: Iterable[str]) -> PackSet:
    """The same packs holding only the named rules (each must exist), in their loaded order."""
    wanted = {packs.rule(rule_id).id for rule_id in rule_ids}
    kept = {
        name: dataclasses.replace(pack, rules=tuple(r for r in pack.rules if r.id in wanted))
        for name, pack in packs.packs.items()
    }
    rules = {rule_id: rule for rule_id, rule in packs.rules.items() if rule_id in wanted}
    return PackSet(packs=MappingProxyType(kept), rules=MappingProxyType(rules))


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
    packs = select_rules(load_packs(builtin_policies_dir(), EXTRA), GOLDEN_RULES)
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
