"""Governance cannot be switched off quietly: disabling needs a record, shows in every report, and expires."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from aifab.cli.main import cli
from aifab.policy import builtin_policies_dir, load_packs

ROOT = Path(__file__).resolve().parents[2]
TODAY = ("--today", "2026-12-01")
RECORD = (
    "    reason: The regional grid factor is published yearly; we report it by hand until the feed exists.\n"
    "    owner: energy-team@example.org\n"
)


@pytest.fixture(autouse=True)
def _no_github_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    folder = tmp_path / "stack"
    folder.mkdir()
    shutil.copy(ROOT / "tests/policy/fixtures/good.yaml", folder / "design.yaml")
    return folder


def check(stack: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", str(stack), *TODAY, *args])
    return result.exit_code, result.stdout, result.stderr


def test_disabling_a_rule_in_production_without_a_record_is_an_input_error(stack: Path) -> None:
    (stack / "policy.yaml").write_text("rules:\n  NRG-REG-001: {enforcement: disabled}\n")
    code, _, err = check(stack)
    assert code == 2
    assert f"{stack / 'policy.yaml'}:2: rules.NRG-REG-001: rule NRG-REG-001 is disabled in production" in err
    assert "reason, owner, expires" in err


def test_a_production_key_or_default_disabling_needs_a_record_too(stack: Path) -> None:
    for spec in ("{production: disabled}", "{default: disabled}"):
        (stack / "policy.yaml").write_text(f"rules:\n  NRG-REG-001: {{enforcement: {spec}}}\n")
        code, _, err = check(stack)
        assert code == 2, spec
        assert "disabled in production" in err


def test_disabling_outside_production_needs_no_record(stack: Path) -> None:
    (stack / "policy.yaml").write_text("rules:\n  NRG-REG-001: {enforcement: {non-production: disabled}}\n")
    code, out, _ = check(stack, "--format", "json")
    assert code == 0
    assert json.loads(out)["governance_exceptions"] == []


def test_a_recorded_exception_appears_in_every_report(stack: Path, tmp_path: Path) -> None:
    (stack / "policy.yaml").write_text(
        f"rules:\n  NRG-REG-001:\n    enforcement: disabled\n{RECORD}    expires: 2027-03-31\n"
    )
    files = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "sarif", "markdown", "junit")}
    code, out, err = check(stack, *(a for fmt, f in files.items() for a in ("--output", f"{fmt}={f}")))
    assert code == 0, err
    report = json.loads(files["json"].read_text())
    [exception] = report["governance_exceptions"]
    assert exception["kind"] == "rule-disabled" and exception["subject"] == "NRG-REG-001"
    assert exception["record"]["owner"] == "energy-team@example.org"
    assert exception["location"]["line"] == 3  # the setting, under its rule
    assert not any(f["rule_id"] == "NRG-REG-001" for f in report["findings"])  # the rule did not run
    notes = json.loads(files["sarif"].read_text())["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any(n["level"] == "note" and "NRG-REG-001" in n["message"]["text"] for n in notes)
    md = files["markdown"].read_text()
    assert "### Governance exceptions" in md and "energy-team@example.org" in md
    assert "governance:rule-disabled" in files["junit"].read_text()
    assert "governance:rule-disabled" in out and "energy-team@example.org" in out  # the text report


def test_an_expired_exception_stops_applying(stack: Path) -> None:
    (stack / "policy.yaml").write_text(
        f"rules:\n  NRG-REG-001:\n    enforcement: disabled\n{RECORD}    expires: 2026-11-30\n"
    )
    code, out, _ = check(stack, "--format", "json")
    report = json.loads(out)
    assert any(f["rule_id"] == "NRG-REG-001" for f in report["findings"])  # the rule runs again
    [exception] = report["governance_exceptions"]
    assert exception["status"] == "fail" and "expired" in exception["record"]["why_inactive"]
    assert code == 0  # the rule itself passes


def test_an_exception_beyond_the_horizon_is_an_input_error(stack: Path) -> None:
    (stack / "policy.yaml").write_text(
        f"rules:\n  NRG-REG-001:\n    enforcement: disabled\n{RECORD}    expires: 2029-01-01\n"
    )
    code, _, err = check(stack)
    assert code == 2 and "more than 365 days" in err


def test_no_packs_at_all_needs_a_record(stack: Path) -> None:
    (stack / "policy.yaml").write_text("packs: {}\n")
    code, _, err = check(stack)
    assert code == 2 and "no policy pack runs" in err
    (stack / "policy.yaml").write_text(
        "packs: {}\nno_packs:\n  reason: A throwaway lab design for a workshop; it is never deployed anywhere.\n"
        "  owner: '@lab-team'\n  expires: 2027-01-15\n"
    )
    code, out, _ = check(stack, "--format", "json")
    assert code == 0
    assert [e["kind"] for e in json.loads(out)["governance_exceptions"]] == ["no-packs"]


def test_critical_sovereignty_rules_can_be_neither_disabled_nor_waived(stack: Path) -> None:
    packs = load_packs(builtin_policies_dir())
    critical = [r for r in packs.rules.values() if r.pack.startswith("sovereign-") and r.severity == "critical"]
    assert critical and all(not r.disableable and not r.waivable for r in critical)
    rule = critical[0].id
    (stack / "policy.yaml").write_text(f"rules:\n  {rule}:\n    enforcement: {{dev: disabled}}\n{RECORD}")
    code, _, err = check(stack)
    assert code == 2 and f"rule {rule} cannot be disabled" in err
    (stack / "policy.yaml").write_text(f"packs:\n  {critical[0].pack}: {{enforcement: disabled}}\n")
    code, _, err = check(stack)
    assert code == 2 and "holds rules that cannot be disabled" in err


def _waiver(
    reason: str = "The endpoint is reachable only through the office VPN until the migration.", **kw: str
) -> str:
    fields = {"owner": "platform-team@example.org", "expires": "2027-01-31", **kw}
    return f"waivers:\n  - rule: SEC-EKS-001\n    target: eks\n    reason: {json.dumps(reason)}\n" + "".join(
        f"    {k}: {v}\n" for k, v in fields.items()
    )


def test_a_waiver_beyond_the_horizon_is_an_input_error(stack: Path) -> None:
    (stack / "waivers.yaml").write_text(_waiver(expires="2028-01-01"))
    code, _, err = check(stack)
    assert code == 2
    assert f"{stack / 'waivers.yaml'}:6: waivers[0].expires" in err and "more than 365 days" in err
    (stack / "policy.yaml").write_text("max_waiver_days: 400\n")
    code, _, err = check(stack)
    assert code == 0, err  # the project's own horizon (an unused waiver does not fail the check)


FILLER = [
    "n/a n/a n/a n/a n/a n/a n/a",
    "todo todo todo todo todo todo",
    "xxx xxx xxx xxx xxx xxx",
    "lorem ipsum lorem ipsum lorem ipsum",
    "waiver waiver waiver reason reason",
    "tbd tbd tbd tbd tbd tbd tbd tbd",
    "blah blah blah blah blah blah",
    "fix later fix later fix later",
]


@pytest.mark.parametrize("reason", FILLER)
def test_filler_words_are_not_a_reason(stack: Path, reason: str) -> None:
    (stack / "waivers.yaml").write_text(_waiver(reason))
    code, _, err = check(stack)
    assert code == 2 and "waivers[0].reason" in err


BAD_OWNERS = ["n/a", "'1234'", "x", "'@'", "'--'", "nobody", "a@b", "'...'", "me"]


@pytest.mark.parametrize("owner", BAD_OWNERS)
def test_owners_must_look_like_owners(stack: Path, owner: str) -> None:
    (stack / "waivers.yaml").write_text(_waiver(owner=owner))
    code, _, err = check(stack)
    assert code == 2 and "waivers[0].owner" in err


@pytest.mark.parametrize("owner", ["platform-team@example.org", "'@octo-org/platform'", "'@alice'", "Data Platform"])
def test_real_owners_pass(stack: Path, owner: str) -> None:
    (stack / "waivers.yaml").write_text(_waiver(owner=owner))
    code, _, err = check(stack)
    assert code == 0, err
