"""Run a stack's Pulumi program offline, with no CLI and no credentials, and record every resource.

:func:`run_program` drives the program through the Pulumi SDK's own mock monitor (see
:mod:`aifab.preview.capture`); the result is the plan a reviewer reads and the resource-level rules judge.
The names below load on first use, so importing this package does not import the Pulumi SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .capture import Capture, ProgramFailed, Record, run_function, run_program
    from .summary import summarise

_LAZY = {
    "Capture": "capture",
    "ProgramFailed": "capture",
    "Record": "capture",
    "run_function": "capture",
    "run_program": "capture",
    "summarise": "summary",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Capture", "ProgramFailed", "Record", "run_function", "run_program", "summarise"]
