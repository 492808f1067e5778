"""``aifab report PATH --env ENV``: the compliance review pack a reviewer approves before a deploy.

Writes ``DIR/review.html`` (one self-contained page: inline CSS and SVG charts, a Content-Security-Policy
that forbids every fetch) and ``DIR/review.md``, both from the same model, offline. Exit 0: written;
2: unusable input (not a stack, an unknown environment, an unreadable baseline or results file). Both files
are written, or neither.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from aifab.report import check_outputs, write_all

from ._common import EXIT_OK, err, handle_errors

FILES = ("review.html", "review.md")


@click.command("report")
@click.argument("path", metavar="PATH")
@click.option("--env", "env", metavar="ENV", required=True, help="The environment (Pulumi stack) to review.")
@click.option("--baseline", metavar="OLD_PLAN", help="The last approved plan.json, to show what changes.")
@click.option("--results", metavar="FILE", help="Measured benchmarks (the JSON benchmarks/gpu_calibration.py prints).")
@click.option("--out", "out_dir", metavar="DIR", default="review", show_default=True, help="Where to write.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="Judge expiry dates as of DATE, e.g. 2026-12-31 (default: today).",
)
def report_command(
    path: str, env: str, baseline: str | None, results: str | None, out_dir: str, today: dt.datetime | None
) -> None:
    """Write the compliance review pack for stack PATH, environment ENV: review.html and review.md.

    Every planned resource with its security settings, the policy results with framework controls and
    rationale, waivers, what the offline run could not evaluate, data residency and cross-border flows,
    attestations, the diff against --baseline, and power, cost, carbon and benchmark figures. Offline:
    no credentials, no network.
    """
    _report(path, env, baseline, results, out_dir, today.date() if today is not None else dt.date.today())


@handle_errors()
def _report(path: str, env: str, baseline: str | None, results: str | None, out_dir: str, today: dt.date) -> None:
    from aifab.preview.plan import Plan
    from aifab.report.review import build_review, load_results, render_review

    targets = {name: Path(out_dir) / name for name in FILES}
    inputs = [p for p in (baseline, results) if p is not None]  # never written over
    check_outputs(targets.values(), inputs)  # before any work
    old = Plan.load(baseline) if baseline is not None else None
    measured = load_results(results) if results is not None else None
    pack = build_review(
        Path(path),
        env,
        today=today,
        baseline=old,
        baseline_name=Path(baseline).name if baseline is not None else "",
        results=measured,
    )
    rendered = render_review(pack)  # both rendered before either is written
    write_all({target: rendered[name] for name, target in targets.items()}, inputs=inputs)
    err.print(f"wrote {targets['review.html']} and {targets['review.md']}", highlight=False)
    raise SystemExit(EXIT_OK)


__all__ = ["report_command"]
