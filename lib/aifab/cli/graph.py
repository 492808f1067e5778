"""``aifab graph PATH``: the design's dependency graph as node-link JSON, Mermaid or DOT, or a query on it."""

from __future__ import annotations

import json

import click

from aifab.errors import InputError
from aifab.graph.build import DesignGraph, GraphError, build_graph
from aifab.graph.render import render

from ._common import env_option, handle_errors, load, path_argument


@click.command("graph")
@path_argument
@env_option
@click.option("--format", "fmt", type=click.Choice(["json", "mermaid", "dot"]), default="json", show_default=True)
@click.option("--deployment-order", is_flag=True, help="Print the groups of components in deployment order instead.")
@click.option("--blast-radius", "blast_radius", metavar="ID", help="Print what depends on component ID, with hops.")
@handle_errors()
def graph_command(path: str, env: str | None, fmt: str, deployment_order: bool, blast_radius: str | None) -> None:
    """Print the dependency graph of the design at PATH (links that name nothing are left out).

    Edges point from a component to what it depends on. With --deployment-order or --blast-radius, print
    that query's answer as JSON instead of the graph.
    """
    graph = build_graph(load(path, env).design)
    if deployment_order or blast_radius:
        click.echo(json.dumps(_query(graph, deployment_order, blast_radius), indent=2))
        return
    click.echo(render(graph, fmt), nl=False)  # type: ignore[arg-type]


def _query(graph: DesignGraph, deployment_order: bool, blast_radius: str | None) -> dict[str, object]:
    answer: dict[str, object] = {"design": graph.design.name}
    try:
        if deployment_order:
            answer["deployment_order"] = graph.deployment_order()
        if blast_radius:
            answer["blast_radius"] = {"component": blast_radius, "dependents": graph.blast_radius(blast_radius)}
    except GraphError as exc:
        raise InputError(str(exc)) from None
    return answer
