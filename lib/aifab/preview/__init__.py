"""Run a stack's Pulumi program offline, with no CLI and no credentials, and record every resource.

:func:`run_program` drives the program through the Pulumi SDK's own mock monitor (see
:mod:`aifab.preview.capture`); the result is the plan a reviewer reads and the resource-level rules judge.
"""

from .capture import Capture, ProgramFailed, Record, run_function, run_program
from .summary import summarise

__all__ = ["Capture", "ProgramFailed", "Record", "run_function", "run_program", "summarise"]
