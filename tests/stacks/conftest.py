"""Each reference stack's program is run once per environment per test session (runs are seconds each)."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from functools import cache
from pathlib import Path

from aifab.design.environments import EnvironmentModel
from aifab.design.loader import load_design
from aifab.preview.capture import Capture, run_program

TODAY = "2026-12-01"


NEEDED = re.compile(r"`pulumi config set (?:--secret )?aifab:([\w.-]+) <value>`")


def deploy_config(preview: Capture) -> dict[str, str]:
    """A stand-in value for every config key a preview reported a real deploy needs."""
    return {f"aifab:{key}": f"stand-in-{key}" for w in preview.warnings for key in NEEDED.findall(w)}


REFERENCE = re.compile(r"stack reference [^/]+/[^/]+/([\w-]+): no outputs given")


def referenced(preview: Capture) -> list[str]:
    """The stacks a preview read through a StackReference."""
    return sorted({stack for w in preview.warnings for stack in REFERENCE.findall(w)})


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
        preview_run = captured(stack, env)
        # Stacks read each other both ways (dev's lake uses prod's key; prod's roles name dev's resources, and
        # leave out what dev has not exported yet): the stack that hosts the shared components goes first, so
        # it reads nothing, and the others read its exports (from its own resolved run).
        host = EnvironmentModel.of(load_design(stack).design).host
        others = {o: captured(stack, o, preview=False).outputs for o in referenced(preview_run) if o == host != env}
        return run_program(copy, env, preview=False, config=deploy_config(preview_run), stack_outputs=others)
    finally:
        if before is None:
            del os.environ["AIFAB_TODAY"]
        else:
            os.environ["AIFAB_TODAY"] = before
