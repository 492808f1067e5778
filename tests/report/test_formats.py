"""Every output format, from one report of the deliberately non-compliant design: golden files, the SARIF
schema, JUnit that parses, and the properties each consumer relies on."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from aifab.errors import InputError
from aifab.policy.rule import SEVERITIES
from aifab.report import FORMATS, CheckReport, render, write_atomic
from aifab.report import sarif as sarif_writer
from aifab.report.model import TOOL_URI

from .conftest import HERE, assert_golden

SUFFIX = {"text": "txt", "json": "json", "sarif": "sarif", "junit": "xml", "markdown": "md", "github": "txt"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(report: CheckReport, fmt: str) -> None:
    assert_golden(f"noncompliant.{fmt}.{SUFFIX[fmt]}", render(report, fmt))


def _sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((HERE / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("help_base", [None, "https://github.com/acme/platform/blob/abc123"])
def test_sarif_validates_against_the_official_schema(report: CheckReport, help_base: str | None) -> None:
    document = json.loads(sarif_writer.render(report, help_base=help_base))
    errors = sorted(_sarif_validator().iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    if help_base:
        assert rules[0]["helpUri"].startswith(help_base + "/docs/policies.md#")
    else:
        assert all("helpUri" not in r for r in rules)


def test_sarif_content(report: CheckReport) -> None:
    run = json.loads(render(report, "sarif"))["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    results = run["results"]
    eks = next(r for r in results if r["ruleId"] == "SEC-EKS-001")
    assert eks["level"] == "error" and eks["kind"] == "fail"
    region = eks["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == "tests/report/fixtures/noncompliant/design.yaml"
    assert region["region"]["startLine"] == 22  # the endpoint_public line, not the component's first line
    assert rules["SEC-EKS-001"]["properties"]["security-severity"] == "8.0"
    assert "fsbp:EKS.1" in rules["SEC-EKS-001"]["properties"]["tags"]
    assert (
        results[eks["ruleIndex"]] is not None
        and run["tool"]["driver"]["rules"][eks["ruleIndex"]]["id"] == "SEC-EKS-001"
    )
    waived = next(r for r in results if r["ruleId"] == "SEC-S3-001")
    assert waived["suppressions"][0]["kind"] == "external"
    assert "open-data mirror" in waived["suppressions"][0]["justification"]
    # the level says what blocks: a mandatory medium finding is an error, an advisory one a warning, waived a note
    medium = next(r for r in results if r["ruleId"] == "SEC-S3-002")
    assert medium["level"] == "error" and medium["properties"]["enforcement"] == "mandatory"
    advisory = next(r for r in results if r["ruleId"] == "NRG-REG-001")
    assert advisory["level"] == "warning" and advisory["properties"]["enforcement"] == "advisory"
    assert waived["level"] == "note"
    assert {r["level"] == "error" for r in results} == {True, False}
    assert all(
        (r["level"] == "error") == (r["properties"]["enforcement"] == "mandatory")
        for r in results
        if r["properties"]["status"] == "fail"
    )
    driver = run["tool"]["driver"]
    assert driver["informationUri"] == TOOL_URI and driver["informationUri"].startswith("https://")
    assert driver["version"] == "0.1.0"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert {n["associatedRule"]["id"] for n in notes} == {"TST-ERR-001", "TST-RES-001", "PRD-QTA-001"}
    assert not [r for r in results if r["properties"]["status"] in ("pass", "not_applicable")]


def test_junit_parses_with_a_case_per_rule_and_component(report: CheckReport) -> None:
    root = ET.fromstring(render(report, "junit"))
    cases = root.findall(".//testcase")
    assert len(cases) == len(report.findings)
    assert int(root.get("tests", "0")) == len(cases)
    by_name = {c.get("name"): c for c in cases}
    assert by_name["SEC-EKS-001 eks"].find("failure") is not None
    assert by_name["TST-ERR-001 lake"].find("error") is not None
    skipped = by_name["SEC-S3-001 lake"].find("skipped")
    assert skipped is not None and skipped.get("message", "").startswith("waived until 2027-06-30")
    # only what blocks fails: an advisory failure is skipped, with its reason
    assert int(root.get("failures", "0")) == sum(f.status == "fail" and f.standing for f in report.findings)
    advisory = by_name["NRG-REG-001 ireland"].find("skipped")
    assert advisory is not None and advisory.get("message", "").startswith("advisory failure, not blocking: ")


def test_json_shape(report: CheckReport) -> None:
    document = json.loads(render(report, "json"))
    assert set(document) >= {"findings", "summary"}
    finding = document["findings"][0]
    assert set(finding) >= {
        "rule_id",
        "title",
        "severity",
        "enforcement",
        "status",
        "component",
        "message",
        "location",
        "frameworks",
        "waiver",
    }
    assert {f["status"] for f in document["findings"]} == {
        "pass",
        "fail",
        "waived",
        "not_applicable",
        "not_evaluated",
        "error",
    }
    assert set(document["summary"]["failing_by_severity"]) == set(SEVERITIES)
    expired = next(f for f in document["findings"] if f["rule_id"] == "SEC-KMS-001")
    assert expired["status"] == "fail" and expired["waiver"]["active"] is False
    assert document["summary"]["exit_code"] == 1
    assert document["unused_waivers"][0]["rule"] == "SEC-MDL-001"


def test_github_annotations_land_on_lines(report: CheckReport) -> None:
    lines = render(report, "github").splitlines()
    assert (
        "::error file=tests/report/fixtures/noncompliant/design.yaml,line=22,title=SEC-EKS-001 (high%2C mandatory)"
        "::eks: the Kubernetes API endpoint is reachable from the internet"
    ) in lines
    assert any(line.startswith("::error ") and "SEC-S3-002" in line for line in lines)  # the lake is production's
    assert any(line.startswith("::warning ") and "NRG-REG-001" in line for line in lines)
    assert any(line.startswith("::notice ") and "SEC-S3-001" in line for line in lines)
    assert any("unused waiver SEC-MDL-001" in line for line in lines)


def test_markdown_lists_what_stands_and_what_is_waived(report: CheckReport) -> None:
    text = render(report, "markdown")
    assert text.startswith("## aifab check: ❌")
    assert "### Mandatory findings" in text and "### Waived" in text and "### Unused waivers" in text


def test_write_atomic_never_leaves_half_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.sarif"
    write_atomic(target, "first")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", disk_full)
    with pytest.raises(InputError, match="cannot write: No space left"):
        write_atomic(target, "second, longer content")
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["out.sarif"]


def test_sarif_tool_metadata_is_the_projects_own() -> None:
    from importlib import metadata

    from aifab import __version__

    urls = dict(entry.split(", ", 1) for entry in metadata.metadata("aifab").get_all("Project-URL") or [])
    assert urls["Homepage"] == TOOL_URI
    driver = json.loads(sarif_writer.render(CheckReport(designs=())))["runs"][0]["tool"]["driver"]
    assert (driver["informationUri"], driver["version"]) == (TOOL_URI, __version__)
