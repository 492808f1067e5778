"""``aifab graph PATH``: the design's dependency graph as node-link JSON, Mermaid or DOT, or a query on it."""

from __future__ import annotations

import json

import click

from aifab.errors import InputError
from aifab.graph.build import DesignGraph, GraphError, build_graph
from aifab.graph.render import PLACEMENT, relations, render

from ._common import env_option, handle_errors, load, path_argument


@click.command("graph")
@path_argument
@env_option
@click.option("--format", "fmt", type=click.Choice(["json", "mermaid", "dot"]), default="json", show_default=True)
@click.option(
    "--links",
    "links",
    metavar="KIND[,KIND...]",
    help="Mermaid and DOT: draw only these link kinds (e.g. uses,joins,runs_on); default: every kind but "
    + ", ".join(sorted(PLACEMENT))
    + ", which the nesting in boundary > site > environment shows.",
)
@click.option("--deployment-order", is_flag=True, help="Print the groups of components in deployment order instead.")
@click.option("--blast-radius", "blast_radius", metavar="ID", help="Print what depends on component ID, with hops.")
@handle_errors()
def graph_command(
    path: str, env: str | None, fmt: str, links: str | None, deployment_order: bool, blast_radius: str | None
) -> None:
    """Print the dependency graph of the design at PATH (links that name nothing are left out).

    Edges point from a component to what it depends on. Mermaid and DOT nest components inside their
    sovereign boundary, site and environment; --links picks the link kinds drawn as arrows. JSON keeps
    every link. With --deployment-order or --blast-radius, print that query's answer as JSON instead.
    """
    graph = build_graph(load(path, env).design)
    if deployment_order or blast_radius:
        click.echo(json.dumps(_query(graph, deployment_order, blast_radius), indent=2))
        return
    chosen = _links(graph, links) if links is not None else None
    click.echo(render(graph, fmt, chosen), nl=False)  # type: ignore[arg-type]


def _links(graph: DesignGraph, option: str) -> set[str]:
    """The link kinds named by --links; a kind no blueprint declares is a usage error (exit 2)."""
    from aifab.blueprints import registry

    known = {spec.relation for kind in registry().values() for spec in kind.link_fields().values()}
    known.update(relations(graph))  # and any a custom blueprint in this design declares
    chosen = {k.strip() for k in option.split(",") if k.strip()}
    unknown = sorted(chosen - known)
    if unknown or not chosen:
        raise click.BadParameter(
            f"unknown link kind(s) {', '.join(unknown) or '(none given)'}; choose from {', '.join(sorted(known))}",
            param_hint="--links",
        )
    return chosen


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
