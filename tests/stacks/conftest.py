"""Each reference stack's program is run once per environment per test session (runs are seconds each)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from aifab.preview.capture import Capture, run_program

TODAY = "2026-12-01"


@cache
def captured(stack: Path, env: str, preview: bool = True) -> Capture:
    """The recorded run of ``stack`` as ``env`` (offline, no config beyond its Pulumi.<env>.yaml)."""
    before = os.environ.get("AIFAB_TODAY")
    os.environ["AIFAB_TODAY"] = TODAY
    try:
        return run_program(stack, env, preview=preview)
    finally:
        if before is None:
            del os.environ["AIFAB_TODAY"]
        else:
            os.environ["AIFAB_TODAY"] = before
