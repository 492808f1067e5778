"""JSON: every finding with its status, enforcement, location, framework controls and waiver; a summary."""

from __future__ import annotations

import json
from typing import Any

from aifab.policy.findings import Finding
from aifab.policy.waivers import UnusedWaiver

from .model import TOOL_NAME, CheckReport

SCHEMA_VERSION = 1


def finding_json(f: Finding) -> dict[str, Any]:
    return {
        "rule_id": f.rule_id,
        "title": f.title,
        "severity": f.severity,
        "pack": f.pack,
        "enforcement": f.enforcement,
        "status": f.status,
        "design": f.design,
        "component": f.component,
        "kind": f.kind,
        "environment": f.environment,
        "message": f.message,
        "location": {"file": f.location.file, "line": f.location.line},
        "frameworks": [
            {"framework": r.name, "scheme": r.scheme, "control": r.control, "tag": r.tag, "verified": r.verified}
            for r in f.frameworks
        ],
        "remediation": f.remediation or None,
        "help_uri": f.help_uri,
        "waiver": f.waiver.model_dump(mode="json") if f.waiver is not None else None,
        "notes": list(f.notes),
    }


def unused_json(u: UnusedWaiver) -> dict[str, Any]:
    return {
        "rule": u.waiver.rule,
        "target": u.waiver.target,
        "owner": u.waiver.owner,
        "expires": u.waiver.expires.isoformat(),
        "reason": u.reason,
        "location": {"file": u.file, "line": u.waiver._line},
    }


def render(report: CheckReport) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": report.tool_version},
        "evaluated_on": report.today.isoformat(),
        "designs": [
            {
                "design": d.design,
                "file": d.file,
                "env": d.env,
                "packs": list(d.packs),
                "policy_config": d.policy_config,
                "waivers_file": d.waivers_file,
            }
            for d in report.designs
        ],
        "findings": [finding_json(f) for f in report.findings],
        "unused_waivers": [unused_json(u) for u in report.unused_waivers],
        "governance_exceptions": [
            {
                "kind": f.rule_id.removeprefix("governance:"),
                "subject": f.waiver.target if f.waiver else None,
                "what": f.message,
                "design": f.design,
                "environment": f.environment,
                "status": f.status,
                "record": f.waiver.model_dump(mode="json") if f.waiver is not None else None,
                "location": {"file": f.location.file, "line": f.location.line},
            }
            for f in report.governance_exceptions
        ],
        "input_errors": [
            {"path": p.path, "message": p.message, "field": p.field, "location": {"file": p.file, "line": p.line}}
            for p in report.input_errors
        ],
        "summary": report.summary(),
    }
    return json.dumps(document, indent=2) + "\n"
