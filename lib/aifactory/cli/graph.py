"""``aifactory graph PATH``: the design's dependency graph as node-link JSON, Mermaid or DOT."""

from __future__ import annotations

import click

from aifactory.graph.build import build_graph
from aifactory.graph.render import render

from ._common import env_option, handle_errors, load, path_argument


@click.command("graph")
@path_argument
@env_option
@click.option("--format", "fmt", type=click.Choice(["json", "mermaid", "dot"]), default="json", show_default=True)
@handle_errors()
def graph_command(path: str, env: str | None, fmt: str) -> None:
    """Print the dependency graph of the design at PATH (links that name nothing are left out)."""
    loaded = load(path, env)
    click.echo(render(build_graph(loaded.design), fmt), nl=False)  # type: ignore[arg-type]
