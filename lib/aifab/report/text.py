"""Plain text for a terminal or a CI log: what stands, what is waived, what could not be evaluated."""

from __future__ import annotations

from .model import CheckReport, location_text, sort_key

_SHOWN = ("fail", "error", "waived", "not_evaluated")
_LABEL = {"fail": "FAIL", "error": "ERROR", "waived": "WAIVED", "not_evaluated": "NOT EVALUATED"}


def render(report: CheckReport, show_passed: bool = False) -> str:
    lines: list[str] = []
    for problem in report.input_errors:
        lines.append(f"INPUT ERROR {problem.path}: cannot be checked")
        lines.append(f"      {problem}")
    for design in report.designs:
        env = f" [{design.env}]" if design.env else ""
        lines.append(f"design {design.design}{env}: {design.file}")
        lines.append(f"  packs: {', '.join(design.packs) or 'none'}")
        if design.policy_config:
            lines.append(f"  policy config: {design.policy_config}")
        if design.waivers_file:
            lines.append(f"  waivers: {design.waivers_file}")
        shown = _SHOWN + (("pass",) if show_passed else ())
        for f in sorted((f for f in design.findings if f.status in shown), key=sort_key):
            label = _LABEL.get(f.status, f.status.upper())
            if f.status in ("fail", "error"):
                label += f" ({f.enforcement})"
            who = f.component or "(design)"
            lines.append(f"  {label:<22} {f.severity:<8} {f.rule_id:<16} {who:<22} {location_text(f)}")
            lines.append(f"      {f.message}")
            if f.waiver is not None:
                state = "" if f.waiver.active else " [not applied]"
                lines.append(
                    f"      waiver{state}: {f.waiver.reason} (owner {f.waiver.owner}, expires {f.waiver.expires})"
                )
            for note in f.notes:
                lines.append(f"      note: {note}")
        for unused in design.unused_waivers:
            lines.append(
                f"  UNUSED WAIVER          {unused.waiver.rule:<16} {unused.waiver.target:<22} {unused.reason}"
            )
    s = report.summary()
    by = s["by_status"]
    lines.append(
        f"summary: {s['findings']} results: {by['pass']} pass, {by['fail']} fail "
        f"({s['mandatory_failing']} mandatory), {by['waived']} waived, {by['not_applicable']} not applicable, "
        f"{by['not_evaluated']} not evaluated, {by['error']} errors"
        + (f", {s['unused_waivers']} unused waivers" if s["unused_waivers"] else "")
        + (f", {s['input_errors']} input errors" if s["input_errors"] else "")
    )
    result = {0: "passed", 1: "FAILED (mandatory findings stand)", 2: "FAILED (input that cannot be used)"}
    lines.append("result: " + result[report.exit_code])
    return "\n".join(lines) + "\n"
