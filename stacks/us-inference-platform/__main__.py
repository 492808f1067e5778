"""Pulumi program for the US inference platform reference architecture.

At this stage it validates the design for the selected stack (environment) and exports a summary;
a design with errors never reaches the cloud. Cloud resources are added by the deployment layer.
"""

from pathlib import Path

from aifab.program import run_stack

stack = run_stack(Path(__file__).parent)
