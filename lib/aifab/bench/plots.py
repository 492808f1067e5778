"""Plots of a verified run, as PNG and SVG (matplotlib, no display needed).

One figure per scope (``local``, ``pool train``) and kind, each only when the run measured something for it:

* ``collective`` — bus bandwidth against message size (log scale) per op, measured points over the
  model's curve (:func:`aifab.models.expected_collective` at the run's rank count);
* ``gemm`` — TFLOP/s per dtype, measured against expected (and the datasheet or derived peak);
* ``storage`` — sequential and checkpoint rates (MB/s) against expected, with the rates the design
  requires of each node for data loading and checkpoints where it states them;
* ``serving`` — tokens/s and requests/s, and latency and time to first token (p50, p95), against concurrency.

Figures are built with :class:`matplotlib.figure.Figure` (no pyplot state, no GUI backend) and saved
without timestamps, so the same run gives the same SVG.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from aifab.bench.expect import Expectations
from aifab.bench.outputs import size_text
from aifab.bench.result import BenchResult, Metric
from aifab.bench.verify import Check, Verification
from aifab.errors import InputError

__all__ = ["write_plots"]

_COLOURS = {"measured": "#1f77b4", "expected": "#7f7f7f", "fail": "#d62728", "model": "#ff7f0e"}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "run"


def _save(fig: Figure, folder: Path, stem: str) -> list[Path]:
    written = []
    for suffix in (".png", ".svg"):
        target = folder / f"{stem}{suffix}"
        metadata: dict[str, str | None] = {"Date": None} if suffix == ".svg" else {"Software": "aifab"}
        try:
            fig.savefig(target, format=suffix[1:], dpi=110, bbox_inches="tight", metadata=metadata)
        except OSError as exc:
            raise InputError(f"cannot write the plot: {exc.strerror or exc}", file=str(target)) from None
        written.append(target)
    return written


def write_plots(
    folder: Path, results: Iterable[BenchResult], verification: Verification, expectations: Expectations
) -> list[Path]:
    """Write every plot the run has data for into ``folder``; the files written (PNG and SVG of each)."""
    if folder.exists() and not folder.is_dir():
        raise InputError("is not a folder; --plots names the folder plots go into", file=str(folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder: {exc.strerror or exc}", file=str(folder)) from None
    by_scope: dict[str, list[tuple[BenchResult, Metric]]] = defaultdict(list)
    for result in results:
        scope = expectations.scope_of(result) or "unmatched"
        for metric in result.metrics:
            by_scope[scope].append((result, metric))
    checks: dict[tuple[str, str], Check] = {(c.scope, c.key): c for c in verification.checks}
    written: list[Path] = []
    for scope, measured in sorted(by_scope.items()):
        stem = _slug(scope)
        for kind, draw in (
            ("collective", _collective),
            ("gemm", _gemm),
            ("storage", _storage),
            ("serving", _serving),
        ):
            fig = draw(scope, measured, checks, expectations)
            if fig is not None:
                written += _save(fig, folder, f"{stem}-{kind}")
    return written


# ------------------------------------------------------------------------------------------------ figures


def _collective(
    scope: str,
    measured: list[tuple[BenchResult, Metric]],
    checks: dict[tuple[str, str], Check],
    expectations: Expectations,
) -> Figure | None:
    points: dict[str, list[tuple[int, float, bool]]] = defaultdict(list)
    ranks_by_op: dict[str, tuple[int | None, int | None]] = {}
    for result, m in measured:
        if m.name != "collective.busbw_gbs" or not m.labels.get("message_bytes", "").isdigit():
            continue
        op = m.labels.get("op", "?")
        check = checks.get((scope, m.key()))
        points[op].append((int(m.labels["message_bytes"]), m.value, check is not None and check.failed))
        ws, nodes = result.parameters.get("world_size"), result.parameters.get("nodes")
        ranks_by_op[op] = (ws if isinstance(ws, int) else None, nodes if isinstance(nodes, int) else None)
    if not points:
        return None
    shape = expectations.scopes[scope].collective if scope in expectations.scopes else None
    fig = Figure(figsize=(7.5, 4.5))
    ax = fig.add_subplot()
    colours = ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
    for index, (op, rows) in enumerate(sorted(points.items())):
        rows.sort()
        colour = colours[index % len(colours)]
        sizes = [r[0] for r in rows]
        ax.plot(sizes, [r[1] for r in rows], "o-", color=colour, label=f"{op} measured", markersize=4)
        failed = [(s, v) for s, v, bad in rows if bad]
        if failed:
            ax.plot(*zip(*failed, strict=True), "x", color=_COLOURS["fail"], markersize=9, mew=2)
        if shape is not None:
            ranks, nodes = ranks_by_op[op]
            low, high = max(1, min(sizes)), max(sizes)
            grid = sorted({int(2 ** (math.log2(low) + i * (math.log2(high) - math.log2(low)) / 60)) for i in range(61)})
            model = [(s, line.busbw_gbs) for s in grid if (line := shape.expect(op, s, ranks, nodes)) is not None]
            if model:
                ax.plot(*zip(*model, strict=True), "--", color=colour, alpha=0.7, label=f"{op} model")
    if any(bad for rows in points.values() for *_, bad in rows):
        ax.plot([], [], "x", color=_COLOURS["fail"], label="below tolerance")
    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: size_text(v)))
    ax.set_xlabel("message size")
    ax.set_ylabel("bus bandwidth (GB/s)")
    ax.set_title(
        f"{scope}: collective bus bandwidth (nccl-tests busbw)"
        + ("" if shape else "\nno model curve: nothing states this link's bandwidth"),
        fontsize=11,
    )
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def _bars(
    ax: Axes,
    labels: list[str],
    measured: list[float],
    expected: list[float | None],
    failed: list[bool],
) -> list[Artist]:
    """Measured beside expected bars (a failing one red), each labelled with its ratio; the legend's handles."""
    x = list(range(len(labels)))
    width = 0.38
    colours = [_COLOURS["fail"] if bad else _COLOURS["measured"] for bad in failed]
    ax.bar([i - width / 2 for i in x], measured, width, color=colours)
    ax.bar([i + width / 2 for i in x], [e if e is not None else 0 for e in expected], width, color=_COLOURS["expected"])
    for i, (m, e) in enumerate(zip(measured, expected, strict=True)):
        note = f"{m / e:.2f}x" if e else "not checked"
        ax.annotate(note, (i - width / 2, m), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, [label.replace(" ", "\n") for label in labels])
    ax.grid(True, axis="y", alpha=0.3)
    handles: list[Artist] = [Patch(color=_COLOURS["measured"], label="measured")]
    if any(failed):
        handles.append(Patch(color=_COLOURS["fail"], label="measured, below tolerance"))
    handles.append(Patch(color=_COLOURS["expected"], label="expected"))
    return handles


def _gemm(
    scope: str,
    measured: list[tuple[BenchResult, Metric]],
    checks: dict[tuple[str, str], Check],
    expectations: Expectations,
) -> Figure | None:
    rows = [(m.labels.get("dtype", "?"), m) for _, m in measured if m.name == "gemm.tflops"]
    if not rows:
        return None
    rows.sort(key=lambda r: r[0])
    fig = Figure(figsize=(6.5, 4.2))
    ax = fig.add_subplot()
    found = [checks.get((scope, m.key())) for _, m in rows]
    handles = _bars(
        ax,
        [d for d, _ in rows],
        [m.value for _, m in rows],
        [c.expected if c is not None else None for c in found],
        [c is not None and c.failed for c in found],
    )
    peaks = expectations.scopes[scope].gemm_peaks if scope in expectations.scopes else {}
    marked = [(i, peaks[d]) for i, (d, _) in enumerate(rows) if d in peaks]
    for i, peak in marked:
        ax.hlines(peak, i - 0.4, i + 0.4, colors="black", linestyles="--", linewidth=1.2)
        # at the line's right end, over the expected bar: the ratio sits over the measured one
        ax.annotate(
            f"peak {peak:.4g}", (i + 0.4, peak), xytext=(0, 3), textcoords="offset points", ha="right", fontsize=8
        )
    if marked:
        ax.set_ylim(top=max(max(p for _, p in marked), max(m.value for _, m in rows)) * 1.15)
        handles.append(Line2D([], [], color="black", linestyle="--", label="peak (datasheet or derived)"))
    ax.set_ylabel("TFLOP/s")
    ax.set_title(f"{scope}: GEMM throughput per dtype against the model (peak dashed)")
    ax.legend(handles=handles, fontsize=8)
    return fig


def _storage(
    scope: str,
    measured: list[tuple[BenchResult, Metric]],
    checks: dict[tuple[str, str], Check],
    expectations: Expectations,
) -> Figure | None:
    labels: list[str] = []
    values: list[float] = []
    expected: list[float | None] = []
    failed: list[bool] = []
    for _, m in sorted(measured, key=lambda r: r[1].key()):
        if m.name == "storage.bw_mbs":
            scale, label = 1.0, m.labels.get("pattern", "?")
        elif m.name in ("checkpoint.write_gbs", "checkpoint.restore_gbs"):
            scale, label = 1000.0, "checkpoint " + m.name.split(".")[1].removesuffix("_gbs")
        else:
            continue
        check = checks.get((scope, m.key()))
        labels.append(label)
        values.append(m.value * scale)
        expected.append(check.expected * scale if check is not None and check.expected is not None else None)
        failed.append(check is not None and check.failed)
    if not labels:
        return None
    fig = Figure(figsize=(7.5, 4.2))
    ax = fig.add_subplot()
    handles = _bars(ax, labels, values, expected, failed)
    reference = expectations.scopes[scope].reference if scope in expectations.scopes else {}
    for (name, rate), style in zip(sorted(reference.items()), ("--", ":"), strict=False):
        handles.append(
            ax.axhline(rate, linestyle=style, color="#2ca02c", label=f"required per node: {name} {rate:,.0f} MB/s")
        )
    positive = [v for v in values + [e or 0 for e in expected] + list(reference.values()) if v > 0]
    if positive and max(positive) / min(positive) > 100:
        ax.set_yscale("log")
    ax.set_ylabel("MB/s")
    ax.set_title(f"{scope}: storage and checkpoint throughput")
    ax.tick_params(axis="x", labelsize=8)
    ax.legend(handles=handles, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    return fig


def _serving(
    scope: str,
    measured: list[tuple[BenchResult, Metric]],
    checks: dict[tuple[str, str], Check],
    expectations: Expectations,
) -> Figure | None:
    series: dict[str, list[tuple[int, Metric]]] = defaultdict(list)
    for _, m in measured:
        if m.name.startswith("serving.") and m.labels.get("concurrency", "").isdigit():
            series[m.name].append((int(m.labels["concurrency"]), m))
    if not series:
        return None
    fig = Figure(figsize=(10, 4.2))
    left, right = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    for name, axis, colour, style in (
        ("serving.tokens_per_s", left, "#1f77b4", "o-"),
        ("serving.requests_per_s", left.twinx(), "#ff7f0e", "s--"),  # often proportional: keep both visible
    ):
        rows = sorted(series.get(name, []), key=lambda r: r[0])
        if rows:
            axis.plot([c for c, _ in rows], [m.value for _, m in rows], style, color=colour, label=name.split(".")[1])
            axis.set_ylabel(rows[0][1].unit, color=colour)
    handles = [line for axis in fig.axes for line in axis.get_lines() if not str(line.get_label()).startswith("_")]
    if handles:
        left.legend(handles=handles, fontsize=8, loc="best")
    left.set_xlabel("concurrency")
    left.set_title(f"{scope}: serving throughput")
    left.grid(True, alpha=0.3)
    for name, colour in (("serving.latency_ms", "#1f77b4"), ("serving.ttft_ms", "#2ca02c")):
        rows = sorted(series.get(name, []), key=lambda r: r[0])
        if not rows:
            continue
        xs = [c for c, _ in rows]
        right.plot(xs, [m.value for _, m in rows], "o-", color=colour, label=f"{name.split('.')[1]} p50")
        p95 = [(c, m.p95) for c, m in rows if m.p95 is not None]
        if p95:
            right.plot(*zip(*p95, strict=True), "--", color=colour, alpha=0.7, label=f"{name.split('.')[1]} p95")
    right.set_xlabel("concurrency")
    right.set_ylabel("ms")
    right.set_title(f"{scope}: latency")
    right.grid(True, alpha=0.3)
    if right.lines:
        right.legend(fontsize=8)
    concurrencies = sorted({c for rows in series.values() for c, _ in rows})
    for axis in (left, right):
        if len(concurrencies) > 1 and concurrencies[-1] / max(concurrencies[0], 1) >= 8:
            axis.set_xscale("log", base=2)
        axis.set_xticks(concurrencies)  # the levels measured, as whole numbers
        axis.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    fig.tight_layout()
    return fig
