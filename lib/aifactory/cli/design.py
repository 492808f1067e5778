"""``aifactory design export PATH``: the design in its expanded document form (golden-testable)."""

from __future__ import annotations

import click

from aifactory.design.export import export_design

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
