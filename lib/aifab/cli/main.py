"""The ``aifab`` command line. Each verb lives in its own module; this file only names them.

Command modules are imported when their command runs (:class:`~aifab.cli.lazy.LazyGroup`), so start-up
(``aifab --version``, ``aifab --help``, a pre-commit run) does not pay for the engine. A new command is
one row of :data:`COMMANDS`; ``tests/cli/test_lazy.py`` checks every row against the command itself.
"""

from __future__ import annotations

import click

from aifab import __version__

from .examples import EXAMPLES, add_examples, epilog
from .lazy import LazyCommand, LazyGroup

COMMANDS: dict[str, LazyCommand] = {
    "validate": LazyCommand(
        "aifab.cli.validate",
        "validate_command",
        "Validate the design at PATH (a stack folder, a Python design file, or a YAML/JSON document).",
    ),
    "graph": LazyCommand(
        "aifab.cli.graph",
        "graph_command",
        "Print the dependency graph of the design at PATH (links that name nothing are left out).",
    ),
    "design": LazyCommand("aifab.cli.design", "design_group", "Work with design documents."),
    "check": LazyCommand(
        "aifab.cli.check",
        "check_command",
        "Check the designs at PATH...: structural validation, capacity findings and the selected policy packs.",
    ),
    "docs": LazyCommand(
        "aifab.cli.docs",
        "docs_command",
        "Generate docs/reference/<arch>.md for every reference architecture, and docs/index.md.",
    ),
    "policy": LazyCommand(
        "aifab.cli.policy",
        "policy_group",
        "Work with policy packs: list rules, test them, generate their documentation.",
    ),
    "size": LazyCommand("aifab.cli.size", "size", "Size infrastructure with the capacity models (fabric, ...)."),
    "estimate": LazyCommand(
        "aifab.cli.estimate",
        "estimate_command",
        "Estimate GPUs, CPU nodes, fabric, power, racks, energy, carbon, cost and expected benchmark numbers for PATH.",
    ),
    "preview": LazyCommand(
        "aifab.cli.preview",
        "preview_command",
        "Preview the stack at PATH offline: every planned resource, its settings and what it waits for.",
    ),
    "report": LazyCommand(
        "aifab.cli.report",
        "report_command",
        "Write the compliance review pack for stack PATH, environment ENV: review.html and review.md.",
    ),
    "up": LazyCommand(
        "aifab.cli.up",
        "up_command",
        "Deploy the stack at PATH for environment ENV under the real Pulumi engine, policy packs attached.",
    ),
    "destroy": LazyCommand(
        "aifab.cli.up",
        "destroy_command",
        "Delete every resource of stack ENV of the project at PATH under the real Pulumi engine.",
    ),
    "catalogue": LazyCommand(
        "aifab.cli.catalogue",
        "catalogue_group",
        "Browse the catalogue: accelerators, instance types (with prices), node models, switches, NICs, storage "
        "tiers, regions and jurisdictions, grid zones and cooling, each figure with its source.",
    ),
    "init": LazyCommand(
        "aifab.cli.init",
        "init_command",
        "Scaffold a stack folder DIR from a reference architecture or a composite.",
    ),
    "bench": LazyCommand(
        "aifab.cli.bench",
        "bench_group",
        "Run benchmark workloads and verify what they measure against the design's expected performance.",
    ),
}
"""Every command: name -> where it lives and its short help (the first sentence of its docstring)."""


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    on_load=lambda name, command: add_examples(command, name),  # every --help ends with examples
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=epilog(EXAMPLES[""]),
)
@click.version_option(__version__, "--version", prog_name="aifab")
def cli() -> None:
    """Design AI infrastructure as code: validate designs, graph them, and export them.

    Exit codes: 0 success, 1 the design has errors (or mandatory findings), 2 unusable input or usage.
    """


def main() -> None:
    cli()
