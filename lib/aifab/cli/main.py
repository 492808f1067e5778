"""The ``aifab`` command line. Each verb lives in its own module; this file only assembles them."""

from __future__ import annotations

import click

from aifab import __version__

from .check import check_command
from .design import design_group
from .docs import docs_command
from .estimate import estimate_command
from .graph import graph_command
from .policy import policy_group
from .preview import preview_command
from .report import report_command
from .size import size
from .up import destroy_command, up_command
from .validate import validate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="aifab")
def cli() -> None:
    """Design AI infrastructure as code: validate designs, graph them, and export them.

    Exit codes: 0 success, 1 the design has errors (or mandatory findings), 2 unusable input or usage.
    """


cli.add_command(validate_command)
cli.add_command(graph_command)
cli.add_command(design_group)
cli.add_command(check_command)
cli.add_command(docs_command)
cli.add_command(policy_group)
cli.add_command(size)
cli.add_command(estimate_command)
cli.add_command(preview_command)
cli.add_command(report_command)
cli.add_command(up_command)
cli.add_command(destroy_command)


def main() -> None:
    cli()
