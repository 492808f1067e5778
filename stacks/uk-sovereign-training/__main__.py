"""Pulumi program for the UK sovereign training reference architecture.

`pulumi up -s <env>` judges the design for that environment as `aifab check --env <env>` does, registers
nothing when a mandatory finding stands, and otherwise builds the environment's components (see
docs/deploying.md).
"""

from pathlib import Path

from aifab.program import run_stack

stack = run_stack(Path(__file__).parent)
