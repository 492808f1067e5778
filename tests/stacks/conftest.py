"""Each reference stack's program is run once per environment per test session (runs are seconds each)."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from functools import cache
from pathlib import Path

from aifab.preview.capture import Capture, run_program

TODAY = "2026-12-01"


NEEDED = re.compile(r"`pulumi config set (?:--secret )?aifab:([\w.-]+) <value>`")


def deploy_config(preview: Capture) -> dict[str, str]:
    """A stand-in value for every config key a preview reported a real deploy needs."""
    return {f"aifab:{key}": f"stand-in-{key}" for w in preview.warnings for key in NEEDED.findall(w)}


@cache
def captured(stack: Path, env: str, preview: bool = True) -> Capture:
    """The recorded run of ``stack`` as ``env``: a preview with nothing but its Pulumi.<env>.yaml, or a
    resolved run (as ``pulumi up`` would) with stand-ins for the config a real deploy needs."""
    before = os.environ.get("AIFAB_TODAY")
    os.environ["AIFAB_TODAY"] = TODAY
    try:
        if preview:
            return run_program(stack, env)
        # a real deploy writes files beside the program (an on-prem bill of materials): run a copy
        copy = Path(tempfile.mkdtemp(prefix=f"aifab-{stack.name}-")) / stack.name
        shutil.copytree(stack, copy, ignore=shutil.ignore_patterns("__pycache__", "bom"))
        atexit.register(shutil.rmtree, copy.parent, True)
        return run_program(copy, env, preview=False, config=deploy_config(captured(stack, env)))
    finally:
        if before is None:
            del os.environ["AIFAB_TODAY"]
        else:
            os.environ["AIFAB_TODAY"] = before
