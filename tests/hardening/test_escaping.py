"""Hostile user text in reports: JUnit stays well-formed XML, Markdown stays text in its table cell."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from aifab.cli.main import cli
from aifab.errors import Location
from aifab.policy.findings import AppliedWaiver, Enforcement, Finding, Status
from aifab.report import CheckReport, render
from aifab.report.escape import md_cell, md_code, xml_text

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests/report/fixtures/noncompliant"
EXTRA = ROOT / "tests/report/fixtures/extra-policies"

HOSTILE = [
    "ctrl \x00\x01\x02\x07\x08\x0b\x0c\x0e\x1b[31m\x1f\x7f end",
    "lone surrogates \ud800 and \udfff here",
    "pipes | break | the | table",
    "new\nline\r\n# Heading injected",
    "# leading heading",
    "<script>alert(1)</script> <img src=x onerror=alert(1)>",
    "[a link](https://evil.example) and ![an image](https://evil.example/x.png)",
    "`code` and ``more`` and a ` lone backtick",
    "]]> <![CDATA[ x ]]> &amp; &#0; \"quotes\" 'single'",
    "back\\slash \\| escaped pipe",
    "</td></tr></table><h1>x</h1>",
    "\ufffe\uffff nonchars",
]


def _prose(md: str) -> str:
    """The Markdown without its inline code spans (where ``<``, ``[`` and ``#`` are shown as typed, inert)."""
    return re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "CODE", md)


def _finding(text: str, status: Status = "waived", enforcement: Enforcement = "mandatory") -> Finding:
    return Finding(
        design=f"design {text}",
        rule_id="SEC-EKS-001",
        title="Kubernetes API endpoints are private",
        severity="high",
        pack="baseline-security",
        enforcement=enforcement,
        status=status,
        component=f"c {text}",
        kind="kubernetes_cluster",
        message=f"message {text}",
        location=Location(file="stacks/x/design.yaml", line=3),
        notes=(f"note {text}",),
        waiver=AppliedWaiver(
            rule="SEC-EKS-001",
            target=f"target {text}",
            reason=f"reason {text}",
            owner=f"owner {text}",
            expires=dt.date(2027, 1, 1),
        )
        if status == "waived"
        else None,
    )


def _report(text: str) -> CheckReport:
    from aifab.policy.engine import DesignCheck

    findings = (_finding(text), _finding(text, "fail"), _finding(text, "fail", "advisory"), _finding(text, "error"))
    check = DesignCheck(design=f"d {text}", file="stacks/x/design.yaml", env=None, packs=("x",), findings=findings)
    return CheckReport(designs=(check,), today=dt.date(2026, 12, 1))


@pytest.mark.parametrize("text", HOSTILE)
def test_junit_is_well_formed_whatever_the_text(text: str) -> None:
    xml = render(_report(text), "junit")
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "testsuites"
    every = " ".join([*(v for n in root.iter() for v in n.attrib.values()), *(n.text or "" for n in root.iter())])
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", every)


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_keeps_user_text_inside_its_cell(text: str) -> None:
    md = render(_report(text), "markdown")
    prose = _prose(md)
    assert "<script" not in prose and "<img" not in prose and "<h1>" not in prose and "</table>" not in prose
    assert "](https://evil" not in prose.replace("\\](https://evil", "")  # every bracket escaped: no link
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert all(h.startswith(("## aifab check", "### ")) for h in headings), headings
    assert not any("Heading injected" in h or "leading heading" in h for h in headings)
    for block in md.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        if rows:  # every row of a table has as many cells as its header
            widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
            assert len(widths) == 1, rows


def test_inline_code_survives_backticks_and_pipes() -> None:
    assert md_code("a`b") == "``a`b``"
    assert md_code("`x`") == "`` `x` ``"
    assert md_code("a|b") == "`a\\|b`"
    assert md_cell("x\ny") == "x y"
    assert xml_text("\x00ok\ud800") == "\ufffdok\ufffd"


def _hostile_stack(tmp_path: Path, reason: str, target: str) -> Path:
    stack = tmp_path / "stack"
    shutil.copytree(BAD, stack)
    (stack / "waivers.yaml").write_text(
        "waivers:\n"
        "  - rule: SEC-EKS-001\n    target: eks\n"
        f'    reason: "{reason}"\n'
        '    owner: "platform-team@example.org"\n    expires: 2027-01-31\n'
        "  - rule: SEC-KMS-001\n"
        f'    target: "{target}"\n'
        "    reason: The key is rotated by hand until the rotation job ships next quarter.\n"
        "    owner: security@example.org\n    expires: 2027-01-31\n"
    )
    design = (stack / "design.yaml").read_text()
    if "description:" not in design:
        design = design.replace("name:", f'description: "{reason}"\nname:', 1)
    (stack / "design.yaml").write_text(design)
    return stack


HOSTILE_YAML = [
    # (reason, waiver target) as YAML double-quoted escapes: control characters, HTML, headings, links, pipes
    (r"Risk accepted \x01\x02\x1b[31m by the board \x7f until the fix | # ships <b>soon</b>", r"x | y \x00"),
    (r"Cluster is private behind VPN \\n## Injected heading\\n[click](https://evil.example)", "<script>"),
    (r"Accepted for the pilot phase only `rm -rf` \u0007 bell ]]> <!-- comment -->", r"# heading \ud800"),
]


@pytest.mark.parametrize(("reason", "target"), HOSTILE_YAML)
def test_hostile_waivers_through_the_cli(tmp_path: Path, reason: str, target: str) -> None:
    stack = _hostile_stack(tmp_path, reason, target)
    junit, md = tmp_path / "r.xml", tmp_path / "r.md"
    args = ["check", str(stack), "--policies", str(EXTRA), "--today", "2026-12-01", "--output", f"junit={junit}"]
    result = CliRunner().invoke(cli, [*args, "--output", f"markdown={md}"])
    assert result.exit_code in (1, 2), result.output
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    text = _prose(md.read_text())
    assert "<script" not in text and "<b>" not in text and "<!--" not in text
    assert not any(line.startswith("## Injected") or line.startswith("# heading") for line in text.splitlines())
    assert "](https://evil" not in text.replace("\\](https://evil", "")
