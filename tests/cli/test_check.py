"""`aifab check`: exit codes, several outputs at once, and clear errors for unusable input."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from aifab.cli.check import parse_outputs
from aifab.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
GOOD = "tests/policy/fixtures/good.yaml"
BAD = "tests/report/fixtures/noncompliant"
EXTRA = "tests/report/fixtures/extra-policies"
TODAY = ("--today", "2026-12-01")


@pytest.fixture(autouse=True)
def _no_github_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"):
        monkeypatch.delenv(name, raising=False)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_compliant_design_exits_0() -> None:
    code, out, _ = run(GOOD, *TODAY)
    assert code == 0, out
    assert "result: passed" in out


def test_mandatory_findings_exit_1_and_every_output_is_written(tmp_path: Path) -> None:
    sarif, junit, md, js = (tmp_path / n for n in ("r.sarif", "r.xml", "summary.md", "r.json"))
    code, out, err = run(
        BAD,
        "--policies",
        EXTRA,
        *TODAY,
        "--format",
        "github",
        "--output",
        f"sarif={sarif}",
        "--output",
        f"junit={junit}",
        "--output",
        f"markdown={md}",
        "--output",
        f"json={js}",
    )
    assert code == 1
    assert out.startswith("::error file=tests/report/fixtures/noncompliant/design.yaml")
    assert "mandatory finding(s) stand" in err
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert ET.parse(junit).getroot().tag == "testsuites"
    assert md.read_text().startswith("## aifab check")
    assert json.loads(js.read_text())["summary"]["exit_code"] == 1


def test_advisory_findings_do_not_block() -> None:
    code, out, _ = run(BAD, "--policies", EXTRA, "--pack", "energy", *TODAY)
    assert code == 0
    assert "FAIL (advisory)" in out


def test_stdout_gets_text_when_every_format_goes_to_a_file(tmp_path: Path) -> None:
    code, out, _ = run(GOOD, *TODAY, "--format", "json", "--output", str(tmp_path / "r.json"))
    assert code == 0 and out.startswith("design good-platform")
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["exit_code"] == 0


def test_environment_enforcement_and_overlay_lines() -> None:
    _, out, _ = run(
        "docs/examples/environments", "--env", "dev", "--pack", "baseline-security", *TODAY, "--format", "json"
    )
    findings = [f for f in json.loads(out)["findings"] if f["status"] == "fail"]
    assert {(f["component"], f["environment"], f["enforcement"]) for f in findings} == {("scratch", "dev", "advisory")}
    versioning = next(f for f in findings if f["rule_id"] == "SEC-S3-004")  # versioning: false comes from the overlay
    assert versioning["location"] == {"file": "docs/examples/environments/Pulumi.dev.yaml", "line": 5}


def test_several_designs_in_one_run() -> None:
    _, out, _ = run(GOOD, "tests/policy/fixtures/eu-pass.yaml", *TODAY, "--format", "json")
    document = json.loads(out)
    assert [d["design"] for d in document["designs"]] == ["good-platform", "eu-pass"]
    assert "sovereign-eu" in document["designs"][1]["packs"]


@pytest.mark.parametrize(
    ("formats", "outputs", "stdout", "files"),
    [
        ((), (), ["text"], {}),
        (("json",), ("out.json",), ["text"], {"json": "out.json"}),
        (("github",), ("sarif=a.sarif", "junit=b.xml"), ["github"], {"sarif": "a.sarif", "junit": "b.xml"}),
        (("json", "markdown"), ("markdown=s.md",), ["json"], {"markdown": "s.md"}),
    ],
)
def test_parse_outputs(
    formats: tuple[str, ...], outputs: tuple[str, ...], stdout: list[str], files: dict[str, str]
) -> None:
    assert parse_outputs(formats, outputs) == (stdout, files)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--output", "out.x"), "--output FORMAT=FILE"),
        (("--output", "pdf=out.pdf"), "unknown format 'pdf'"),
        (("--output", "sarif=a", "--output", "sarif=b"), "sarif is written to two files"),
        (("--today", "yesterday"), "does not match the format"),
    ],
)
def test_bad_options_exit_2(args: tuple[str, ...], message: str) -> None:
    code, _, err = run(GOOD, *args)
    assert code == 2
    assert message in err


def test_unknown_pack_exits_2_with_suggestions() -> None:
    code, _, err = run(GOOD, "--pack", "sovereign-gb")
    assert code == 2
    assert "unknown policy pack 'sovereign-gb'" in err and "sovereign-" in err


def test_bad_policy_config_exits_2_naming_file_line_field(tmp_path: Path) -> None:
    config = tmp_path / "policy.yaml"
    config.write_text("packs:\n  energy:\n    params:\n      pue_target: high\n")
    out_file = tmp_path / "r.sarif"
    code, _, err = run(GOOD, "--policy-config", str(config), "--output", f"sarif={out_file}")
    assert code == 2
    assert f"{config}:4: packs.energy.params.pue_target: expected a number" in err
    # the unusable input reaches the pull request too: the SARIF names it at its file and line
    result = json.loads(out_file.read_text())["runs"][0]["results"][0]
    assert result["ruleId"] == "AIFAB-INPUT" and result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 4


def test_bad_waivers_exit_2(tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n  - rule: SEC-EKS-001\n    target: eks\n    reason: ok\n    owner: me@example.org\n"
        "    expires: 2027-01-01\n"
    )
    code, _, err = run(GOOD, "--waivers", str(waivers))
    assert code == 2
    assert f"{waivers}:4: waivers[0].reason" in err and "placeholder" in err


def test_missing_design_exits_2() -> None:
    code, _, err = run("no/such/design.yaml")
    assert code == 2 and "no such file or folder" in err


def test_unusable_design_exits_2() -> None:
    code, _, err = run("tests/fixtures/designs/broken_catalogue.yaml")
    assert code == 2 and "do not exist" in err


def test_a_folder_of_stacks_checks_each_stack() -> None:
    code, out, _ = run("stacks", "--env", "prod", *TODAY, "--format", "json")
    assert code in (0, 1)
    assert "uk-sovereign-training" in [d["design"] for d in json.loads(out)["designs"]]


def test_unwritable_outputs_exit_2_before_writing_anything(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from aifab.cli.main import cli

    good = tmp_path / "out.sarif"
    result = CliRunner().invoke(
        cli,
        ["check", "stacks/uk-sovereign-training", "--output", f"sarif={good}", "--output", f"junit={tmp_path}"],
    )
    assert result.exit_code == 2 and "is a folder; expected a file to write" in result.stderr
    assert not good.exists()


def test_reports_are_readable_by_others(tmp_path: Path) -> None:
    import stat

    from click.testing import CliRunner

    from aifab.cli.main import cli

    out = tmp_path / "out.sarif"
    CliRunner().invoke(cli, ["check", "stacks/uk-sovereign-training", "--output", f"sarif={out}"])
    assert out.stat().st_mode & stat.S_IROTH


def test_a_policy_config_that_is_a_folder_is_an_error(tmp_path: Path) -> None:
    import shutil

    from click.testing import CliRunner

    from aifab.cli.main import cli

    stack = tmp_path / "stack"
    shutil.copytree("stacks/uk-sovereign-training", stack)
    (stack / "policy.yaml").unlink()
    (stack / "policy.yaml").mkdir()
    result = CliRunner().invoke(cli, ["check", str(stack)])
    assert result.exit_code == 2 and "policy.yaml: expected a file, found a folder" in result.stderr


def test_policy_test_on_a_folder_without_packs_is_a_usage_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from aifab.cli.main import cli

    result = CliRunner().invoke(cli, ["policy", "test", str(tmp_path)])
    assert result.exit_code == 2 and "holds no pack" in result.stderr and "internal error" not in result.stderr


def test_enforcement_for_an_unknown_environment_is_an_error(tmp_path: Path) -> None:
    import shutil

    stack = tmp_path / "stack"
    shutil.copytree("stacks/uk-sovereign-training", stack)
    config = stack / "policy.yaml"
    config.write_text(
        config.read_text().replace("production-readiness: {}", "production-readiness: {enforcement: {dve: advisory}}")
    )
    result = CliRunner().invoke(cli, ["check", str(stack)])
    assert result.exit_code == 2
    assert "packs.production-readiness.enforcement.dve: no environment 'dve' in this stack; known: dev, prod" in (
        result.stderr
    )


def test_enforcement_by_environment_id_and_purpose(tmp_path: Path) -> None:
    import shutil

    stack = tmp_path / "stack"
    shutil.copytree("docs/examples/environments", stack)
    (stack / "policy.yaml").write_text(
        "packs:\n  baseline-security: {enforcement: {prod: advisory, experimentation: mandatory}}\n"
    )
    code, out, _ = run(str(stack), *TODAY, "--format", "json")
    s3_002 = {f["component"]: f["enforcement"] for f in json.loads(out)["findings"] if f["rule_id"] == "SEC-S3-002"}
    assert s3_002 == {"scratch": "mandatory", "curated": "advisory"}
    assert code == 1
