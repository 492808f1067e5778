"""``aifab design export PATH``: the design in its expanded document form (golden-testable)."""

from __future__ import annotations

import click

from aifab.design.export import export_design
from aifab.design.reference import blueprint_reference, design_schema

from ._common import env_option, handle_errors, load, path_argument


@click.group("design")
def design_group() -> None:
    """Work with design documents."""


@design_group.command("export")
@path_argument
@env_option
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@handle_errors()
def export_command(path: str, env: str | None, fmt: str) -> None:
    """Print the design at PATH with every setting expanded, as YAML or JSON that loads back unchanged."""
    loaded = load(path, env)
    click.echo(export_design(loaded.design, fmt), nl=False)  # type: ignore[arg-type]


@design_group.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of design documents (for editor completion and CI checks)."""
    click.echo(design_schema(), nl=False)


@design_group.command("reference")
def reference_command() -> None:
    """Print the Markdown reference of every blueprint kind (docs/blueprints.md is generated from it)."""
    click.echo(blueprint_reference(), nl=False)
