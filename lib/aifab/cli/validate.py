"""``aifab validate PATH``: is the design well-formed? Exit 0 valid, 1 design errors, 2 unusable input."""

from __future__ import annotations

import json
import sys

import click
from rich.markup import escape

from aifab.validate import validate

from ._common import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_OK,
    catalogue,
    catalogue_option,
    env_option,
    handle_errors,
    load,
    out,
    path_argument,
)


@click.command("validate")
@path_argument
@env_option
@catalogue_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handle_errors(json_errors=True)
def validate_command(path: str, env: str | None, catalogue_path: str | None, fmt: str) -> None:
    """Validate the design at PATH (a stack folder, a Python design file, or a YAML/JSON document)."""
    loaded = load(path, env)
    result = validate(loaded.design, catalogue(catalogue_path, loaded))
    if fmt == "json":
        click.echo(json.dumps({**result.to_json(), "env": env}, indent=2))
    else:
        for d in result.diagnostics:
            style = "red" if d.severity == "error" else "yellow"
            out.print(f"[{style}]{d.severity}[/] {escape(str(d))}", markup=True)
        summary = (
            f"design '{result.design.name}'"
            + (f" [{env}]" if env else "")
            + f": {len(result.design.components)} components, {result.graph.graph.number_of_edges()} links, "
            f"{len(result.errors)} errors, {len(result.warnings)} warnings"
        )
        out.print(("[green]valid[/] " if result.valid else "[red]invalid[/] ") + escape(summary), markup=True)
    if result.input_unusable:
        sys.exit(EXIT_INPUT)
    sys.exit(EXIT_OK if result.valid else EXIT_FINDINGS)
