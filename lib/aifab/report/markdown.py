"""A Markdown summary for a pull-request comment or ``$GITHUB_STEP_SUMMARY``, rendered with jinja2."""

from __future__ import annotations

import jinja2

from aifab.policy.findings import Finding
from aifab.policy.gate import GOVERNANCE
from aifab.templating import template_environment

from .escape import md_cell, md_code
from .model import CheckReport, location_text, sort_key

MAX_ROWS = 50
"""Rows per table; the rest are counted, keeping comments under GitHub's size limit."""


def _cell(text: object) -> str:
    return md_cell(text)


def _quantity(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}{unit}" if abs(value) >= 10 or float(value).is_integer() else f"{value:,.1f}{unit}"


def _signed(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if value == 0:
        return "no change"
    return ("+" if value > 0 else "−") + _quantity(abs(value), unit)


def _environment() -> jinja2.Environment:
    return template_environment(
        "aifab.report", cell=_cell, code=md_code, where=location_text, quantity=_quantity, signed=_signed
    )


def render(report: CheckReport) -> str:
    findings = sorted(report.findings, key=sort_key)

    def pick(*statuses: str, enforcement: str | None = None) -> list[Finding]:
        return [f for f in findings if f.status in statuses and (enforcement is None or f.enforcement == enforcement)]

    template = _environment().get_template("summary.md.j2")
    return template.render(
        report=report,
        summary=report.summary(),
        mandatory=pick("fail", "error", enforcement="mandatory"),
        advisory=pick("fail", "error", enforcement="advisory"),
        waived=[f for f in pick("waived") if f.pack != GOVERNANCE],  # those have their own table
        not_evaluated=pick("not_evaluated"),
        unused=report.unused_waivers,
        max_rows=MAX_ROWS,
    )
