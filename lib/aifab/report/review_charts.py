"""Charts for the review pack as inline SVG strings: matplotlib (Agg) when installed, else plain SVG bars.

Deterministic: no date or tool metadata, element ids salted by the title (stable, and unique per chart
in one document), text kept as text.

>>> svg = bar_chart("Power", "kW", ["dev", "prod"], {"IT": [1.0, 2.0]})
>>> svg.startswith("<svg") and "Power" in svg
True
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from html import escape

COLOURS = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5")


def bar_chart(title: str, unit: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]]) -> str:
    """Grouped bars: one group per label, one bar per series (None: not measured, no bar)."""
    try:
        import matplotlib
    except ImportError:
        return _plain(title, unit, labels, series)
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with matplotlib.rc_context(
        {
            "svg.hashsalt": f"aifab-{title}",  # ids unique per chart, stable per run
            "svg.fonttype": "none",
            "font.family": "sans-serif",
            "font.size": 9,
        }
    ):
        fig, ax = plt.subplots(figsize=(4.2, 2.6))
        width = 0.8 / max(len(series), 1)
        for i, (name, values) in enumerate(series.items()):
            xs = [j + (i - (len(series) - 1) / 2) * width for j in range(len(labels))]
            ys = [v if v is not None else 0.0 for v in values]
            ax.bar(xs, ys, width=width, label=name, color=COLOURS[i % len(COLOURS)])
        ax.set_xticks(range(len(labels)), list(labels))
        ax.set_title(title)
        ax.set_ylabel(unit)
        ax.spines[["top", "right"]].set_visible(False)
        if len(series) > 1:
            ax.legend(frameon=False)
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
        plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :].strip()  # inline: no XML declaration or DOCTYPE


def _plain(title: str, unit: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]]) -> str:
    """The same chart hand-built, for machines without matplotlib."""
    width, height, left, bottom, top = 420, 260, 50, 30, 30
    peak = max((v for values in series.values() for v in values if v is not None), default=0.0) or 1.0
    group = (width - left - 10) / max(len(labels), 1)
    bar = group * 0.8 / max(len(series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">',
        f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="13">{escape(title)}</text>',
        f'<text x="12" y="{height / 2}" font-size="10" transform="rotate(-90 12 {height / 2})">{escape(unit)}</text>',
    ]
    scale = (height - top - bottom) / peak
    for i, (name, values) in enumerate(series.items()):
        for j, value in enumerate(values):
            if value is None:
                continue
            x = left + j * group + group * 0.1 + i * bar
            h = value * scale
            parts.append(
                f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[i % len(COLOURS)]}"><title>{escape(name)}: {value:,.1f}</title></rect>'
            )
    for j, label in enumerate(labels):
        x = left + j * group + group / 2
        parts.append(f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" font-size="10">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["bar_chart"]
