"""``aifab docs [--check] [--out DIR] [--today DATE]``: the reference architecture pages and the docs index.

Writes ``DIR/reference/<arch>.md`` for every stack in ``--stacks`` (a folder with ``Pulumi.yaml``) and
``DIR/index.md``, all rendered before any is written. ``--check`` writes nothing: exit 1 listing the pages
that are stale or missing, 0 when every page is current (CI runs it with the day the pages were made for).
Exit 2: unusable input, or an ``--out`` that is not a writable folder.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from aifab.design.loader import display
from aifab.errors import InputError
from aifab.report import write_all

from ._common import EXIT_FINDINGS, EXIT_OK, err, handle_errors, out, progress

__all__ = ["docs_command"]


def _usable_out(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise InputError("is not a folder; --out names the docs folder to write", file=str(folder), field="--out")


@click.command("docs")
@click.option(
    "--check", "check", is_flag=True, help="Write nothing; exit 1 listing the pages that are stale or missing."
)
@click.option("--out", "out_dir", default="docs", show_default=True, metavar="DIR", help="The docs folder.")
@click.option("--stacks", "stacks_dir", default="stacks", show_default=True, metavar="DIR", help="The stacks folder.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="Judge waiver and attestation expiry as of DATE, e.g. 2026-12-01 (default: today).",
)
def docs_command(check: bool, out_dir: str, stacks_dir: str, today: dt.datetime | None) -> None:
    """Generate docs/reference/<arch>.md for every reference architecture, and docs/index.md."""
    day = today.date() if today is not None else dt.date.today()
    _docs(check, Path(out_dir), Path(stacks_dir), day)


@handle_errors()
def _docs(check: bool, out_dir: Path, stacks_dir: Path, day: dt.date) -> None:
    from aifab.report.reference import generate, orphans, stale

    _usable_out(out_dir)
    if not stacks_dir.is_dir():
        raise InputError("no such folder", file=str(stacks_dir), field="--stacks")
    with progress("generating the reference pages (an offline preview of every stack)"):  # a terminal only
        pages = generate(stacks_dir, out_dir, today=day)
    if check:
        problems = stale(pages, out_dir)
        for path, why in problems:
            err.print(f"{display(path)}: {why}", highlight=False, markup=False)
        if problems:
            err.print(f"run `aifab docs --today {day}` to regenerate them", highlight=False, markup=False)
            sys.exit(EXIT_FINDINGS)
        out.print(f"{len(pages)} pages are current", highlight=False)
        sys.exit(EXIT_OK)
    write_all(pages)  # every target checked before any write: all pages or none
    for path in orphans(pages, out_dir):
        os.unlink(path)
        out.print(f"removed {display(path)} (no such architecture)", highlight=False, markup=False)
    out.print(f"wrote {len(pages)} pages under {display(out_dir)}", highlight=False, markup=False)
