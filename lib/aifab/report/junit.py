"""JUnit XML: a test suite per design and pack, a test case per rule x component.

Only what blocks fails: a mandatory failure is a ``<failure>``, a mandatory rule that raised an
``<error>``. Advisory failures and errors, waived, not-applicable and not-evaluated outcomes are
``<skipped>`` with the reason, so CI dashboards show them rather than counting them as passes or failures.
An input that could not be used is a ``<failure>`` of type ``input-error`` in the suite ``aifab input``,
one test case per problem, with its file and line.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from aifab.policy.findings import Finding

from .escape import xml_text
from .model import CheckReport, InputProblem


def _case(parent: ET.Element, f: Finding) -> None:
    subject = f.component or "(design)"
    case = ET.SubElement(
        parent,
        "testcase",
        {"classname": f"{f.design}.{f.pack}.{f.rule_id}", "name": f"{f.rule_id} {subject}", "time": "0"},
    )
    if f.location.file:
        case.set("file", f.location.file)
        if f.location.line:
            case.set("line", str(f.location.line))
    detail = "\n".join([f"{f.title}", f"location: {f.location}", *(f"note: {n}" for n in f.notes)])
    if f.status == "fail" and f.standing:
        node = ET.SubElement(case, "failure", {"message": f.message, "type": f"{f.severity}/{f.enforcement}"})
        node.text = detail + (f"\nremediation: {f.remediation}" if f.remediation else "")
    elif f.status == "error" and f.standing:
        node = ET.SubElement(case, "error", {"message": f.message, "type": "rule-error"})
        node.text = detail
    elif f.status in ("fail", "error"):
        what = "failure" if f.status == "fail" else "rule error"
        ET.SubElement(case, "skipped", {"message": f"{f.enforcement} {what}, not blocking: {f.message}"})
    elif f.status == "waived" and f.waiver is not None:
        ET.SubElement(
            case,
            "skipped",
            {"message": f"waived until {f.waiver.expires.isoformat()} by {f.waiver.owner}: {f.waiver.reason}"},
        )
    elif f.status in ("not_applicable", "not_evaluated"):
        ET.SubElement(case, "skipped", {"message": f"{f.status.replace('_', ' ')}: {f.message}"})


def _input_suite(parent: ET.Element, problems: tuple[InputProblem, ...]) -> None:
    suite = ET.SubElement(
        parent,
        "testsuite",
        {"name": "aifab input", "time": "0", "tests": str(len(problems)), "failures": str(len(problems))},
    )
    suite.set("errors", "0")
    suite.set("skipped", "0")
    for p in problems:
        case = ET.SubElement(suite, "testcase", {"classname": "aifab.input", "name": f"load {p.path}", "time": "0"})
        if p.file:
            case.set("file", p.file)
            if p.line:
                case.set("line", str(p.line))
        node = ET.SubElement(case, "failure", {"message": str(p), "type": "input-error"})
        node.text = f"nothing in {p.path} could be checked"


def _clean(root: ET.Element) -> None:
    """Every text and attribute with the characters XML 1.0 cannot carry replaced, so the document parses
    whatever users put in reasons, owners, attestations and messages (control characters, lone surrogates)."""
    for node in root.iter():
        node.attrib = {key: xml_text(value) for key, value in node.attrib.items()}
        if node.text is not None:
            node.text = xml_text(node.text)


def render(report: CheckReport) -> str:
    root = ET.Element("testsuites", {"name": "aifab check"})
    totals: dict[str, int] = defaultdict(int)
    if report.input_errors:
        _input_suite(root, report.input_errors)
        totals["tests"] += len(report.input_errors)
        totals["failures"] += len(report.input_errors)
    for design in report.designs:
        by_pack: dict[str, list[Finding]] = defaultdict(list)
        for f in design.findings:
            by_pack[f.pack].append(f)
        for pack, findings in by_pack.items():
            env = f"[{design.env}]" if design.env else ""
            counts = {
                "tests": len(findings),
                "failures": sum(f.status == "fail" and f.standing for f in findings),
                "errors": sum(f.status == "error" and f.standing for f in findings),
                "skipped": sum(not f.standing and f.status != "pass" for f in findings),
            }
            suite = ET.SubElement(
                root,
                "testsuite",
                {"name": f"{design.design}{env}/{pack}", "time": "0", **{k: str(v) for k, v in counts.items()}},
            )
            for f in findings:
                _case(suite, f)
            for key, value in counts.items():
                totals[key] += value
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(totals[key]))
    _clean(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
