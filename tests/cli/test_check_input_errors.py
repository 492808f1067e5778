"""Every failure reaches the pull request: a design that cannot be loaded is in every output, at its file and line.

One case per class of input error (malformed YAML, an unknown field, a name not in the catalogue, a Python
design that raises) x every output format, written in one run as CI writes them; the exit code stays 2.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from aifab.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
DESIGNS = "tests/fixtures/designs"
SCHEMA = ROOT / "tests" / "report" / "schemas" / "sarif-schema-2.1.0.json"
RAISES = '"""A design whose own code fails."""\n\nraise RuntimeError("the design could not reach its inventory")\n'


@pytest.fixture(autouse=True)
def _no_github_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"):
        monkeypatch.delenv(name, raising=False)


def _raising_design(tmp_path: Path) -> str:
    design = tmp_path / "raises" / "design.py"
    design.parent.mkdir()
    design.write_text(RAISES)
    return str(design)


# (how to get the design, the file:line every output must name, words of the message)
CASES = {
    "broken YAML": (f"{DESIGNS}/broken_syntax.yaml", 6, "malformed YAML"),
    "unknown field": (f"{DESIGNS}/broken_types.yaml", 19, "unknown field"),
    "unknown catalogue name": (f"{DESIGNS}/broken_catalogue.yaml", 22, "unknown instance type 'p5.48xl'"),
    "Python design raising": (None, 3, "the design raised RuntimeError"),
}


def _check(tmp_path: Path, *paths: str) -> tuple[int, dict[str, str], str, str]:
    files = {fmt: tmp_path / f"out.{fmt}" for fmt in ("sarif", "junit", "markdown", "json", "text")}
    args = ["check", *paths, "--no-preview", "--today", "2026-12-01", "--format", "github"]
    for fmt, file in files.items():
        args += ["--output", f"{fmt}={file}"]
    result = CliRunner().invoke(cli, args)
    return result.exit_code, {f: p.read_text() for f, p in files.items()}, result.stdout, result.stderr


@pytest.mark.parametrize("case", list(CASES))
def test_an_unusable_design_is_in_every_output(tmp_path: Path, case: str) -> None:
    path, line, words = CASES[case]
    file = path if path is not None else _raising_design(tmp_path)
    code, out, github, stderr = _check(tmp_path, file)
    assert code == 2
    assert words in stderr  # as before, on standard error too

    # SARIF: valid against the official schema, an error result at the file and line, exit code 2
    document = json.loads(out["sarif"])
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).iter_errors(document))
    assert not errors, errors[0].message
    run = document["runs"][0]
    assert run["invocations"][0]["exitCode"] == 2
    located = {
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in run["results"]
        if r["ruleId"] == "AIFAB-INPUT" and r["level"] == "error"
    }
    uri = file if path is not None else Path(file).as_uri()
    assert (uri, line) in located
    assert any(words in r["message"]["text"] for r in run["results"])

    # JUnit: parses, with a failure at the file and line
    root = ET.fromstring(out["junit"])
    failures = [c for c in root.iter("testcase") if c.find("failure") is not None]
    assert any(c.get("file") == file and c.get("line") == str(line) for c in failures)
    assert int(root.get("failures", "0")) >= 1

    # Markdown: the file:line in the table; GitHub: an ::error annotation on the line
    assert f"`{file}:{line}`" in out["markdown"] and out["markdown"].startswith("## aifab check: ❌")
    assert any(a.startswith(f"::error file={file},line={line},") for a in github.splitlines())

    # JSON and text carry it too
    problems = json.loads(out["json"])["input_errors"]
    assert {"file": file, "line": line} in [p["location"] for p in problems]
    assert json.loads(out["json"])["summary"]["exit_code"] == 2
    assert f"{file}:{line}" in out["text"] and "result: FAILED (input that cannot be used)" in out["text"]


def test_a_folder_of_stacks_checks_the_usable_ones_beside_the_unusable_one(tmp_path: Path) -> None:
    stacks = tmp_path / "stacks"
    shutil.copytree(ROOT / "stacks" / "uk-sovereign-training", stacks / "uk")
    (stacks / "typo").mkdir()
    shutil.copy(ROOT / DESIGNS / "broken_types.yaml", stacks / "typo" / "design.yaml")
    code, out, github, _ = _check(tmp_path, str(stacks))
    assert code == 2
    document = json.loads(out["json"])
    assert [d["design"] for d in document["designs"]] == ["uk-sovereign-training"]
    assert {p["path"] for p in document["input_errors"]} == {str(stacks / "typo")}
    assert document["findings"]  # the usable stack's findings are all there
    assert f"::error file={stacks / 'typo' / 'design.yaml'},line=19," in github


def test_an_unknown_pack_is_reported_too(tmp_path: Path) -> None:
    code, out, github, stderr = _check(tmp_path, "tests/policy/fixtures/good.yaml", "--pack", "sovereign-gb")
    assert code == 2 and "unknown policy pack 'sovereign-gb'" in stderr
    assert "unknown policy pack 'sovereign-gb'" in github and "unknown policy pack" in out["markdown"]


def test_junit_fails_only_on_what_blocks(tmp_path: Path) -> None:
    code, out, _, _ = _check(
        tmp_path, "tests/report/fixtures/noncompliant", "--policies", "tests/report/fixtures/extra-policies"
    )
    assert code == 1
    findings = json.loads(out["json"])["findings"]
    root = ET.fromstring(out["junit"])
    failed = {
        c.get("name") for c in root.iter("testcase") if c.find("failure") is not None or c.find("error") is not None
    }
    blocking = {
        f"{f['rule_id']} {f['component'] or '(design)'}"
        for f in findings
        if f["enforcement"] == "mandatory" and f["status"] in ("fail", "error")
    }
    assert failed == blocking
    advisory = [f for f in findings if f["enforcement"] == "advisory" and f["status"] == "fail"]
    assert advisory and not {f"{f['rule_id']} {f['component'] or '(design)'}" for f in advisory} & failed
