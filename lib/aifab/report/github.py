"""GitHub Actions workflow commands: annotations that land on the design file and line.

What blocks is ``::error`` (a mandatory failure, or a mandatory rule that raised), advisory failures and
errors ``::warning``, waived findings ``::notice`` (so the reviewer of the pull request still sees them).
An input that could not be used is an ``::error`` at its file and line, titled ``aifab: unusable input``.
"""

from __future__ import annotations

from aifab.policy.findings import Finding

from .model import CheckReport, InputProblem, sort_key


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str | None:
    if f.status == "waived":
        command = "notice"
    elif f.standing:
        command = "error"
    elif f.status in ("fail", "error"):
        command = "warning"
    else:
        return None
    props = []
    if f.location.file:
        props.append(f"file={_prop(f.location.file)}")
        if f.location.line:
            props.append(f"line={f.location.line}")
    state = "waived" if f.status == "waived" else f.enforcement
    props.append(f"title={_prop(f'{f.rule_id} ({f.severity}, {state})')}")
    message = f"{f.component or f.design}: {f.message}"
    if f.status == "waived" and f.waiver is not None:
        message += f" [waived until {f.waiver.expires.isoformat()}: {f.waiver.reason}]"
    for note in f.notes:
        message += f" [{note}]"
    return f"::{command} {','.join(props)}::{_data(message)}"


def input_annotation(p: InputProblem) -> str:
    props = []
    if p.file:
        props.append(f"file={_prop(p.file)}")
        if p.line:
            props.append(f"line={p.line}")
    props.append(f"title={_prop('aifab: unusable input')}")
    message = f"{p.field}: {p.message}" if p.field else p.message
    return f"::error {','.join(props)}::{_data(f'{p.path} cannot be checked: {message}')}"


def render(report: CheckReport) -> str:
    lines = [input_annotation(p) for p in report.input_errors]
    lines += [line for f in sorted(report.findings, key=sort_key) if (line := annotation(f))]
    for unused in report.unused_waivers:
        props = f"file={_prop(unused.file)},line={unused.waiver._line}" if unused.file else ""
        title = _prop(f"unused waiver {unused.waiver.rule}")
        lines.append(f"::warning {props}{',' if props else ''}title={title}::{_data(unused.reason)}")
    return "\n".join(lines) + ("\n" if lines else "")
