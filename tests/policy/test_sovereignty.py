"""Shared sovereignty checks on designs built to slip past them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from aifab.cli.main import cli

FIXTURES = Path(__file__).parent / "fixtures"


def test_data_inside_the_boundary_at_a_site_abroad_fails_residency() -> None:
    result = CliRunner().invoke(
        cli, ["check", str(FIXTURES / "uk-data-abroad.yaml"), "--pack", "sovereign-uk", "--format", "json"]
    )
    findings = json.loads(result.stdout)["findings"]
    residency = {(f["component"], f["status"]) for f in findings if f["rule_id"] == "SOV-UK-GEN-001"}
    assert ("lake", "fail") in residency
    assert ("london", "pass") in residency
    lake = next(f for f in findings if f["rule_id"] == "SOV-UK-GEN-001" and f["component"] == "lake")
    assert "sits at site 'virginia': region us-east-1 is outside the allow-list" in lake["message"]
    assert lake["location"]["line"] == 30  # the lake's 'site: virginia' line
    assert result.exit_code == 1


def test_an_accepted_risk_is_recorded_but_does_not_meet_the_obligation() -> None:
    result = CliRunner().invoke(
        cli, ["check", "stacks/eu-sovereign-inference", "--env", "prod", "--today", "2026-12-01", "--format", "json"]
    )
    att = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "SOV-EU-ATT-001"]
    (finding,) = [f for f in att if f["status"] != "pass"]
    assert finding["message"].startswith("not met, risk accepted by data protection officer: SecNumCloud 19.6")
    # attestations are mandatory in the sovereign packs: the stack carries a reviewed waiver for this one
    assert finding["status"] == "waived" and finding["waiver"]["owner"] == "dpo@example.eu"
    assert result.exit_code == 0


def test_risk_acceptance_names_who_accepted_it() -> None:
    import pytest
    from pydantic import ValidationError

    from aifab.blueprints import Attestation

    with pytest.raises(ValidationError, match="accepted_by"):
        Attestation(
            obligation="Provider immunity (SecNumCloud 19.6)",
            evidence="tia",
            expires="2027-01-01",
            status="risk-accepted",
        )
