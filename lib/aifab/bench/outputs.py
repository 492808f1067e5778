"""The verdict in every format: a terminal table, JSON (``aifab.verdict/v1``), JUnit XML and Markdown.

JUnit has one test suite per workload and scope (``local/gemm``, ``pool train/collective``), one test case
per metric: a failed or missing metric is a ``<failure>``, a metric not checked is ``<skipped>`` (a missing
one allowed by ``--allow-missing`` too), so CI shows which pool or fabric fell short. Text users wrote
(pool names, error messages from a workload) is cleaned the way ``aifab check`` cleans it
(:mod:`aifab.report.escape`): XML gets no character it cannot carry, Markdown no pipe, link or HTML.

>>> number(1234.5678), number(0.000123456), number(None)
('1,235', '0.0001235', '—')
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from aifab.bench.verify import Check, Verification
from aifab.report.escape import md_cell, md_code, xml_text

__all__ = [
    "FORMATS",
    "WRITERS",
    "number",
    "print_table",
    "render",
    "render_json",
    "render_junit",
    "render_markdown",
    "size_text",
]

_STYLE = {"pass": "green", "fail": "bold red", "missing": "red", "not-checked": "dim"}


def number(value: float | None) -> str:
    """Four significant figures, thousands separated; ``—`` for nothing."""
    if value is None:
        return "—"
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _ratio(check: Check) -> str:
    return f"{check.ratio:.2f}" if check.ratio is not None else "—"


def _verdict(check: Check, verification: Verification) -> str:
    if check.verdict == "missing" and verification.allow_missing:
        return "missing (allowed)"
    return check.verdict


def print_table(console: Console, verification: Verification) -> None:
    """The table (metric, expected, measured, ratio, verdict) per scope, then failures' reasons and the summary."""
    table = Table(
        title=f"Benchmarks against {verification.basis}",
        title_justify="left",
        expand=False,
        box=box.SIMPLE_HEAD,  # no side borders: the table fits a 100-column CI log
        pad_edge=False,
        collapse_padding=True,
    )
    # the table says "train (node-3)" for "pool train (node-3)": the column is narrow and never cut
    # the summary line says when missing metrics are allowed; the column stays narrow
    rows = [
        (row[0].removeprefix("pool "), *row[1:-1], row[-1].removesuffix(" (allowed)"))
        for row in _table_rows(verification)
    ]
    widths = {
        "scope": max((len(row[0]) for row in rows), default=5),
        # keys fold only when the terminal leaves them less than their length (numbers take about 60 columns)
        "metric": min(max((len(row[1]) for row in rows), default=6), max(16, console.width - 64)),
    }
    for name, justify in (
        ("scope", "left"),
        ("metric", "left"),
        ("expected", "right"),
        ("measured", "right"),
        ("unit", "left"),
        ("ratio", "right"),
        ("verdict", "left"),
    ):
        # numbers and scopes never split; a long key or unit folds rather than widen the table
        table.add_column(
            name,
            justify=justify,  # type: ignore[arg-type]
            no_wrap=name in ("scope", "expected", "measured", "ratio"),
            overflow="fold",
            min_width=widths.get(name),
        )
    for row in rows:
        table.add_row(*(Text(cell) for cell in row[:-1]), Text(row[-1], style=_STYLE[row[-1].split(" ")[0]]))
    console.print(table)
    for check in verification.failures:
        console.print(Text(f"{check.verdict}: {check.where} {check.key}: {check.message}", style=_STYLE[check.verdict]))
    for note in verification.notes:
        console.print(Text(f"note: {note}", style="dim"))
    console.print(Text(verification.summary(), style="bold green" if verification.passed else "bold red"))


def _sweep_key(check: Check) -> str | None:
    """For a not-checked point of a message-size sweep: the metric without its size (one table row for all)."""
    if check.verdict != "not-checked" or "message_bytes" not in check.labels:
        return None
    labels = ",".join(f"{k}={v}" for k, v in sorted(check.labels.items()) if k != "message_bytes")
    return f"{check.name}{{{labels}}}" if labels else check.name


def size_text(value: float) -> str:
    """A message size as nccl-tests prints it: 1K, 64M, 8G (binary multiples).

    >>> size_text(1024), size_text(2**26), size_text(8)
    ('1K', '64M', '8')
    """
    for unit, size in (("G", 2**30), ("M", 2**20), ("K", 2**10)):
        if value >= size:
            return f"{value / size:g}{unit}"
    return f"{value:g}"


def _shown_key(check: Check) -> str:
    """The key, a sweep point's size written short at the end: ``collective.busbw_gbs{op=all_reduce} @1G``."""
    size = check.labels.get("message_bytes", "")
    if not size.isdigit():
        return check.key
    labels = ",".join(f"{k}={v}" for k, v in sorted(check.labels.items()) if k != "message_bytes")
    return (f"{check.name}{{{labels}}}" if labels else check.name) + f" @{size_text(int(size))}"


def _table_rows(verification: Verification) -> list[tuple[str, ...]]:
    """(scope, metric, expected, measured, unit, ratio, verdict) per check; a sweep nobody expected anything
    of is one row (its best figure shown), so the table stays readable; JSON, JUnit and Markdown keep every point."""
    checks = _ordered(verification.checks)
    sweeps: dict[tuple[str, str], list[Check]] = defaultdict(list)
    for check in checks:
        key = _sweep_key(check)
        if key is not None:
            sweeps[(check.where, key)].append(check)
    rows: list[tuple[str, ...]] = []
    for check in checks:
        key = _sweep_key(check)
        if key is None:
            rows.append(
                (
                    check.where,
                    _shown_key(check),
                    number(check.expected),
                    number(check.measured),
                    check.unit,
                    _ratio(check),
                    _verdict(check, verification),
                )
            )
            continue
        group = sweeps.pop((check.where, key), None)
        if group is None:
            continue  # already shown
        best = max((c.measured for c in group if c.measured is not None), default=None)
        rows.append((check.where, key, "—", f"max {number(best)}", check.unit, "—", "not-checked"))
    return rows


def _ordered(checks: tuple[Check, ...]) -> list[Check]:
    return sorted(checks, key=lambda c: (c.scope, c.workload, c.name, _label_order(c), c.key))


def _label_order(check: Check) -> tuple[int, str]:
    size = check.labels.get("message_bytes", "")
    return (int(size), "") if size.isdigit() else (0, "")


def render_json(verification: Verification) -> str:
    """``aifab.verdict/v1``: basis, counts, passed, and every check with its expected, measured, ratio and source."""
    return json.dumps(verification.to_json(), indent=2) + "\n"


def _suite_name(check: Check) -> str:
    return f"{check.scope}/{check.workload}"


def render_junit(verification: Verification) -> str:
    """One ``testsuite`` per scope and workload, one ``testcase`` per metric."""
    root = ET.Element("testsuites", {"name": f"aifab bench verify: {verification.basis}"})
    by_suite: dict[str, list[Check]] = defaultdict(list)
    for check in _ordered(verification.checks):
        by_suite[_suite_name(check)].append(check)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    failing = {id(c) for c in verification.failures}
    for name, checks in by_suite.items():
        counts = {
            "tests": len(checks),
            "failures": sum(id(c) in failing for c in checks),
            "errors": 0,
            "skipped": sum(id(c) not in failing and c.verdict in ("not-checked", "missing") for c in checks),
        }
        suite = ET.SubElement(root, "testsuite", {"name": name, "time": "0", **{k: str(v) for k, v in counts.items()}})
        for check in checks:
            label = f"{check.key} on {check.node}" if check.node else check.key
            case = ET.SubElement(suite, "testcase", {"classname": f"aifab.bench.{name}", "name": label, "time": "0"})
            detail = (
                f"expected {number(check.expected)} {check.unit}, measured {number(check.measured)} {check.unit}, "
                f"ratio {_ratio(check)}"
                + (f", tolerance {check.tolerance:.0%}" if check.tolerance is not None else "")
                + (f"\nsource: {check.source}" if check.source else "")
            )
            if id(check) in failing:
                node = ET.SubElement(
                    case, "failure", {"message": check.message or check.verdict, "type": check.verdict}
                )
                node.text = detail
            elif check.verdict in ("not-checked", "missing"):
                ET.SubElement(case, "skipped", {"message": f"{_verdict(check, verification)}: {check.message}"})
            else:
                ET.SubElement(case, "system-out").text = detail
        for key, value in counts.items():
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    for node in root.iter():  # what users and workloads wrote may hold characters XML 1.0 cannot carry
        node.attrib = {k: xml_text(v) for k, v in node.attrib.items()}
        if node.text is not None:
            node.text = xml_text(node.text)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render_markdown(verification: Verification) -> str:
    """A summary for a pull request or ``$GITHUB_STEP_SUMMARY``: the verdict, the table, failures, notes."""
    mark = "✅" if verification.passed else "❌"
    lines = [
        f"## {mark} Benchmarks against {md_cell(verification.basis)}",
        "",
        md_cell(verification.summary()),
        "",
        "| Scope | Metric | Expected | Measured | Unit | Ratio | Verdict |",
        "|---|---|--:|--:|---|--:|---|",
    ]
    for where, key, expected, measured, unit, ratio, verdict in _table_rows(verification):
        cells = [md_cell(where), md_code(key), md_cell(expected), md_cell(measured), md_cell(unit), ratio]
        lines.append("| " + " | ".join([*cells, md_cell(verdict)]) + " |")
    if verification.failures:
        lines += ["", "### What fell short", ""]
        lines += [f"- {md_cell(c.where)} {md_code(c.key)}: {md_cell(c.message)}" for c in verification.failures]
    sources: dict[str, str] = {}  # one line per metric; a sweep's points share their model (the largest is shown)
    for c in _ordered(verification.checks):
        if c.source and c.verdict != "not-checked":
            labels = ",".join(f"{k}={v}" for k, v in sorted(c.labels.items()) if k != "message_bytes")
            sweep = "message_bytes" in c.labels
            key = (f"{c.name}{{{labels}}}" if labels else c.name) + (" (each size)" if sweep else "")
            sources[f"{c.scope}: {key}"] = c.source  # checks are ordered by size: the largest stays
    if sources:
        lines += ["", "<details><summary>Where each expected value comes from</summary>", ""]
        lines += [f"- {md_code(key)}: {md_cell(source)}" for key, source in sorted(sources.items())]
        lines += ["", "</details>"]
    if verification.notes:
        lines += ["", *(f"- note: {md_cell(n)}" for n in verification.notes)]
    return "\n".join(lines) + "\n"


WRITERS: dict[str, Callable[[Verification], str]] = {
    "json": render_json,
    "junit": render_junit,
    "markdown": render_markdown,
}
FORMATS = tuple(WRITERS)


def render(verification: Verification, fmt: str) -> str:
    return WRITERS[fmt](verification)
