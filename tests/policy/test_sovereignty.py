"""Shared sovereignty checks on designs built to slip past them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from aifactory.cli.main import cli

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
