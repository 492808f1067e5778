"""Plain text for a terminal or a CI log: what stands, what is waived, what could not be evaluated.

With ``width`` every line fits in that many columns (unless one word is longer): a finding's heading keeps
its aligned columns when they fit and otherwise breaks between fields, and messages wrap with an indent;
numbers, rule ids, component ids and paths are never split. Without ``width`` (files, golden tests) lines
are as long as they need to be.

>>> render(report, width=80)   # doctest: +SKIP
"""

from __future__ import annotations

import textwrap

from .model import CheckReport, location_text, sort_key

_SHOWN = ("fail", "error", "waived", "not_evaluated")
_LABEL = {"fail": "FAIL", "error": "ERROR", "waived": "WAIVED", "not_evaluated": "NOT EVALUATED"}

_DETAIL = "      "  # a finding's message, waiver and notes
_MORE = "        "  # their continuation lines


def _wrap(text: str, width: int | None, indent: str, more: str) -> list[str]:
    """``text`` at ``indent``, wrapped at spaces only (never inside a word, a number or a hyphenated id)."""
    if width is None:
        return [indent + text]
    lines: list[str] = []
    for i, paragraph in enumerate(text.split("\n")):  # a multi-line message keeps its lines
        lines += textwrap.wrap(
            paragraph,
            width,
            initial_indent=indent if i == 0 else more,
            subsequent_indent=more,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [indent if i == 0 else more]
    return lines


def _fields(aligned: str, fields: list[str], width: int | None, indent: str) -> list[str]:
    """The aligned line if it fits; else its last field (the location) on a line of its own under the
    aligned rest; else the fields packed onto lines, each field whole."""
    if width is None or len(aligned) <= width:
        return [aligned]
    last = fields[-1]
    shorter = aligned[: len(aligned) - len(last)].rstrip()
    if len(shorter) <= width and len(_DETAIL + last) <= width:
        return [shorter, _DETAIL + last]
    lines: list[str] = []
    line = indent
    for field in fields:
        if line.strip() and len(line) + 1 + len(field) > width:
            lines.append(line)
            line = _DETAIL + field
        else:
            line = f"{line} {field}" if line.strip() else line + field
    lines.append(line)
    return lines


def render(report: CheckReport, show_passed: bool = False, width: int | None = None) -> str:
    """The report as text; ``width`` is the terminal's (``None``: lines are not wrapped)."""
    lines: list[str] = []

    def say(text: str, indent: str = "", more: str = "    ") -> None:
        lines.extend(_wrap(text, width, indent, more))

    for problem in report.input_errors:
        say(f"INPUT ERROR {problem.path}: cannot be checked")
        say(str(problem), _DETAIL, _MORE)
    for design in report.designs:
        env = f" [{design.env}]" if design.env else ""
        say(f"design {design.design}{env}: {design.file}")
        say(f"packs: {', '.join(design.packs) or 'none'}", "  ", "    ")
        if design.policy_config:
            say(f"policy config: {design.policy_config}", "  ", "    ")
        if design.waivers_file:
            say(f"waivers: {design.waivers_file}", "  ", "    ")
        shown = _SHOWN + (("pass",) if show_passed else ())
        for f in sorted((f for f in design.findings if f.status in shown), key=sort_key):
            label = _LABEL.get(f.status, f.status.upper())
            if f.status in ("fail", "error"):
                label += f" ({f.enforcement})"
            who = f.component or "(design)"
            where = location_text(f)
            aligned = f"  {label:<22} {f.severity:<8} {f.rule_id:<16} {who:<22} {where}"
            lines.extend(_fields(aligned, [label, f.severity, f.rule_id, who, where], width, "  "))
            say(f.message, _DETAIL, _MORE)
            if f.waiver is not None:
                state = "" if f.waiver.active else " [not applied]"
                say(
                    f"waiver{state}: {f.waiver.reason} (owner {f.waiver.owner}, expires {f.waiver.expires})",
                    _DETAIL,
                    _MORE,
                )
            for note in f.notes:
                say(f"note: {note}", _DETAIL, _MORE)
        for unused in design.unused_waivers:
            aligned = f"  UNUSED WAIVER          {unused.waiver.rule:<16} {unused.waiver.target:<22} {unused.reason}"
            if width is None or len(aligned) <= width:
                lines.append(aligned)
            else:  # the reason is prose: it wraps under the aligned fields
                head = f"  UNUSED WAIVER          {unused.waiver.rule:<16} {unused.waiver.target}"
                lines.extend(_fields(head, ["UNUSED WAIVER", unused.waiver.rule, unused.waiver.target], width, "  "))
                say(unused.reason, _DETAIL, _MORE)
    s = report.summary()
    by = s["by_status"]
    say(
        f"summary: {s['findings']} results: {by['pass']} pass, {by['fail']} fail "
        f"({s['mandatory_failing']} mandatory), {by['waived']} waived, {by['not_applicable']} not applicable, "
        f"{by['not_evaluated']} not evaluated, {by['error']} errors"
        + (f", {s['unused_waivers']} unused waivers" if s["unused_waivers"] else "")
        + (f", {s['input_errors']} input errors" if s["input_errors"] else ""),
        "",
        "  ",
    )
    result = {0: "passed", 1: "FAILED (mandatory findings stand)", 2: "FAILED (input that cannot be used)"}
    lines.append("result: " + result[report.exit_code])
    return "\n".join(lines) + "\n"
