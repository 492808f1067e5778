"""SARIF 2.1.0 for GitHub code scanning: rule metadata, levels, ``security-severity``, locations, suppressions.

* Failing findings are results (``kind: fail``) located at the design file and line; waived findings
  are results too, with a ``suppressions`` entry carrying the waiver's justification, owner and expiry,
  so reviewers see them instead of losing them.
* ``level`` says whether a finding blocks: a standing (mandatory) failure is ``error``, so GitHub's default
  threshold fails the pull request on it; an advisory failure is ``warning``; a waived finding ``note``.
  Severity travels beside it: the rule's ``defaultConfiguration`` level and ``security-severity`` (9.5 /
  8.0 / 5.5 / 2.0) let GitHub rank them.
* An input that could not be used (a design that does not load, an unknown catalogue name, a broken
  policy config) is an ``error`` result of the rule ``AIFAB-INPUT`` at its file and line, so it reaches
  the pull request like a finding; the invocation's ``exitCode`` is then 2.
* Rules that raised, and rules that could not be evaluated, are tool execution notifications: they are
  facts about the run, not about the code.
* Passing and not-applicable outcomes are left out (the JSON and JUnit outputs carry every outcome).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePosixPath
from typing import Any

from aifab.policy.findings import Finding
from aifab.policy.rule import Rule, Severity

from .model import TOOL_NAME, TOOL_URI, CheckReport, InputProblem, sort_key

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS: dict[Severity, str] = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
SECURITY_SEVERITY: dict[Severity, str] = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0"}


INPUT_RULE = "AIFAB-INPUT"
INPUT_DESCRIPTOR: dict[str, Any] = {
    "id": INPUT_RULE,
    "name": "UnusableInput",
    "shortDescription": {"text": "Input that cannot be used"},
    "fullDescription": {
        "text": "A design, policy config, waivers file or policy pack that cannot be loaded (malformed YAML, an "
        "unknown field, a name not in the catalogue, a Python design that raises): nothing in it can be checked."
    },
    "help": {
        "text": "Fix the file at the reported line; `aifab validate PATH` shows the same message.",
        "markdown": "Fix the file at the reported line; `aifab validate PATH` shows the same message.",
    },
    "defaultConfiguration": {"level": "error"},
    "properties": {"tags": ["input"], "precision": "very-high"},
}


def level(f: Finding) -> str:
    """``error`` when the finding blocks (mandatory, standing), ``warning`` for an advisory failure, else ``note``."""
    if f.standing:
        return "error"
    if f.status in ("fail", "error") and f.enforcement == "advisory":
        return "warning"
    return "note"


def _uri(file: str) -> str:
    path = PurePosixPath(file.replace("\\", "/"))
    return path.as_uri() if path.is_absolute() else str(path)


def _locations(f: Finding) -> list[dict[str, Any]]:
    logical = {"name": f.component or f.design, "fullyQualifiedName": f"{f.design}/{f.component or ''}".rstrip("/")}
    if f.kind:
        logical["kind"] = f.kind
    location: dict[str, Any] = {"logicalLocations": [logical]}
    if f.location.file:
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(f.location.file)}}
        if f.location.line:
            physical["region"] = {"startLine": f.location.line}
        location["physicalLocation"] = physical
    return [location]


def _fingerprint(f: Finding) -> str:
    key = f"{f.design}|{f.rule_id}|{f.component or ''}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _help(f: Finding, rule: Rule | None) -> dict[str, str]:
    refs = ", ".join(str(r) for r in f.frameworks)
    remediation = f.remediation or "See the rule's documentation."
    text = f"{remediation}\n\nFrameworks: {refs or 'none'}"
    markdown = f"**Remediation:** {remediation}\n\n**Frameworks:** {refs or 'none'}"
    if rule is not None:
        markdown = f"{rule.why}\n\n" + markdown
    return {"text": text, "markdown": markdown}


def _descriptor(f: Finding, rule: Rule | None, help_base: str | None) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": f.rule_id,
        "name": "".join(part.capitalize() for part in f.rule_id.replace(":", "-").split("-")),
        "shortDescription": {"text": f.title},
        "fullDescription": {"text": rule.why if rule is not None else f.title},
        "help": _help(f, rule),
        "defaultConfiguration": {"level": LEVELS[f.severity]},
        "properties": {
            "tags": ["security", "policy", f.pack, *(r.tag for r in f.frameworks)],
            "precision": "very-high",
            "security-severity": SECURITY_SEVERITY[f.severity],
            "severity": f.severity,
            "pack": f.pack,
        },
    }
    if help_base and f.help_uri:
        descriptor["helpUri"] = help_base.rstrip("/") + "/" + f.help_uri
    return descriptor


def _result(f: Finding, index: int) -> dict[str, Any]:
    message = f.message
    if f.notes:
        message += " (" + "; ".join(f.notes) + ")"
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": index,
        "kind": "fail",
        "level": level(f),
        "message": {"text": message},
        "locations": _locations(f),
        "partialFingerprints": {"aifabFinding/v1": _fingerprint(f)},
        "properties": {
            "status": f.status,
            "enforcement": f.enforcement,
            "severity": f.severity,
            "pack": f.pack,
            "design": f.design,
            "component": f.component,
        },
    }
    if f.status == "waived" and f.waiver is not None:
        w = f.waiver
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": w.reason,
                "properties": {
                    "owner": w.owner,
                    "expires": w.expires.isoformat(),
                    "ticket": w.ticket,
                    "file": w.file,
                    "line": w.line,
                },
            }
        ]
    return result


def _input_result(p: InputProblem, index: int) -> dict[str, Any]:
    location: dict[str, Any] = {"logicalLocations": [{"name": p.field or p.path, "fullyQualifiedName": p.path}]}
    if p.file:
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(p.file)}}
        if p.line:
            physical["region"] = {"startLine": p.line}
        location["physicalLocation"] = physical
    key = f"{p.path}|{p.file or ''}|{p.field or ''}|{p.message}"
    return {
        "ruleId": INPUT_RULE,
        "ruleIndex": index,
        "kind": "fail",
        "level": "error",
        "message": {"text": f"{p.field}: {p.message}" if p.field else p.message},
        "locations": [location],
        "partialFingerprints": {"aifabInput/v1": hashlib.sha256(key.encode()).hexdigest()[:32]},
        "properties": {"status": "input_error", "path": p.path, "field": p.field},
    }


def _notification(f: Finding) -> dict[str, Any]:
    return {
        "level": "error" if f.standing else "warning" if f.status == "error" else "note",
        "message": {"text": f"{f.rule_id} {f.status.replace('_', ' ')} for {f.component or f.design}: {f.message}"},
        "associatedRule": {"id": f.rule_id},
        "locations": _locations(f),
    }


def _exception_note(f: Finding) -> dict[str, Any]:
    """A governance exception (a rule disabled in production, no packs) as a note on the run."""
    w = f.waiver
    record = f" (reason: {w.reason}; owner {w.owner}; expires {w.expires.isoformat()})" if w is not None else ""
    return {
        "level": "note",
        "message": {"text": f"governance exception: {f.message}{record}"},
        "descriptor": {"id": f.rule_id},
        "locations": _locations(f),
    }


def render(report: CheckReport, help_base: str | None = None) -> str:
    findings = sorted(report.findings, key=sort_key)
    reported = [f for f in findings if f.status in ("fail", "waived")]
    noted = [f for f in findings if f.status in ("error", "not_evaluated")]
    order: dict[str, int] = {}
    descriptors: list[dict[str, Any]] = []
    for f in sorted(reported + noted, key=lambda f: f.rule_id):
        if f.rule_id not in order:
            order[f.rule_id] = len(descriptors)
            descriptors.append(_descriptor(f, report.rule(f.rule_id), help_base or report.help_base_uri))
    input_index = len(descriptors)
    if report.input_errors:
        descriptors.append(INPUT_DESCRIPTOR)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": report.tool_version,
                "informationUri": TOOL_URI,
                "rules": descriptors,
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "exitCode": report.exit_code,
                "toolExecutionNotifications": [
                    *(_notification(f) for f in noted),
                    *(_exception_note(f) for f in report.governance_exceptions),
                ],
            }
        ],
        "results": [
            *(_input_result(p, input_index) for p in report.input_errors),
            *(_result(f, order[f.rule_id]) for f in reported),
        ],
        "properties": {"summary": report.summary(), "designs": [d.design for d in report.designs]},
    }
    return json.dumps({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"
