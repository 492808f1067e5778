"""Report writers: one report model (:class:`CheckReport`), one small module per output format.

>>> from aifab.report import render
>>> print(render(report, "sarif"))     # doctest: +SKIP

Formats: ``text``, ``json``, ``sarif`` (SARIF 2.1.0 for code scanning), ``junit`` (one test case per
rule x component), ``markdown`` (a pull-request comment or job summary) and ``github`` (workflow
annotations that land on the design line). Inputs that could not be used at all (a design that does not
load, a broken policy config) are in every format too, at their file and line (:class:`InputProblem`).
"""

from __future__ import annotations

from collections.abc import Callable

from . import github, json_report, junit, markdown, sarif, text
from ._io import STDOUT, check_outputs, check_writable, write_all, write_atomic
from .model import CheckReport, InputProblem

WRITERS: dict[str, Callable[[CheckReport], str]] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "markdown": markdown.render,
    "github": github.render,
}
FORMATS = tuple(WRITERS)


def render(report: CheckReport, fmt: str) -> str:
    return WRITERS[fmt](report)


__all__ = [
    "FORMATS",
    "STDOUT",
    "WRITERS",
    "CheckReport",
    "InputProblem",
    "check_outputs",
    "check_writable",
    "render",
    "write_all",
    "write_atomic",
]
