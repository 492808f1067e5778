"""A Markdown summary for a pull-request comment or ``$GITHUB_STEP_SUMMARY``, rendered with jinja2."""

from __future__ import annotations

import jinja2

from aifactory.policy.findings import Finding

from .model import CheckReport, location_text, sort_key

MAX_ROWS = 50
"""Rows per table; the rest are counted, keeping comments under GitHub's size limit."""


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("aifactory.report", "templates"),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["cell"] = _cell
    env.filters["where"] = location_text
    return env


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
        waived=pick("waived"),
        not_evaluated=pick("not_evaluated"),
        unused=report.unused_waivers,
        max_rows=MAX_ROWS,
    )
