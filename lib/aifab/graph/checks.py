"""Structural validation of a design graph: ids, links, kinds, required links, cycles, placement.

Each check is a small function from the graph to diagnostics; :data:`STRUCTURAL_CHECKS` lists them
in the order they run. Messages name the component and carry its location.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator

import networkx as nx

from aifab.design.component import Component
from aifab.design.environments import EnvironmentModel
from aifab.errors import Diagnostic

from .build import DesignGraph

Check = Callable[[DesignGraph], Iterator[Diagnostic]]


def duplicate_ids(g: DesignGraph) -> Iterator[Diagnostic]:
    for component in g.design.components:
        first = g.component(component.id)
        if first is not component:
            yield component.problem(
                "duplicate-id",
                f"id {component.id!r} is already used by a {first.kind} defined at {first.location}",
                field="id",
            )


def link_targets(g: DesignGraph) -> Iterator[Diagnostic]:
    """Every link must name a component that exists and is of a kind the link accepts."""
    ids = list(g.graph.nodes)
    for component in _unique(g):
        for link in component.links():
            if link.target not in g.graph:
                close = difflib.get_close_matches(link.target, ids, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                yield component.problem(
                    "unknown-link-target",
                    f"{link.field} links to {link.target!r}, which is not defined in the design{hint}",
                    field=link.field,
                )
                continue
            target_kind = g.graph.nodes[link.target]["kind"]
            if "*" not in link.spec.kinds and target_kind not in link.spec.kinds:
                expected = " or ".join(link.spec.kinds)
                yield component.problem(
                    "wrong-link-kind",
                    f"{link.field} must link to a {expected}, but {link.target!r} is a {target_kind}",
                    field=link.field,
                )


def required_links(g: DesignGraph) -> Iterator[Diagnostic]:
    for component in _unique(g):
        for name, spec in component.link_fields().items():
            if spec.required and getattr(component, name) in (None, ()):
                kinds = " or ".join(spec.kinds)
                yield component.problem("missing-link", f"{name} is required: link a {kinds}")


def component_rules(g: DesignGraph) -> Iterator[Diagnostic]:
    """Each kind's own conditional rules (e.g. a multi-node training pool needs a fabric)."""
    for component in _unique(g):
        yield from component.check()


def cycles(g: DesignGraph) -> Iterator[Diagnostic]:
    for scc in nx.strongly_connected_components(g.graph):
        if len(scc) == 1:
            (node,) = scc
            if not g.graph.has_edge(node, node):
                continue
        sub = g.graph.subgraph(scc)
        start = min(scc)
        edges = nx.find_cycle(sub, source=start)
        path = " -> ".join([f"{u} ({g.graph.edges[u, v, k]['relation']})" for u, v, k in edges] + [edges[0][0]])
        yield g.component(start).problem("cycle", f"dependency cycle: {path}", field=edges[0][2])


def placement(g: DesignGraph) -> Iterator[Diagnostic]:
    """When a design declares sites or boundaries, everything that needs one must sit in one."""
    kinds = {data["kind"] for _, data in g.graph.nodes(data=True)}
    has_sites = "site" in kinds
    has_boundaries = "sovereign_boundary" in kinds
    for component in _unique(g):
        if has_boundaries and component.needs_boundary and getattr(component, "inside", None) is None:
            yield component.problem(
                "outside-boundary",
                "the design declares sovereign boundaries but this component is in none (field 'inside')",
            )
        if has_sites and component.needs_site and getattr(component, "site", None) is None:
            yield component.problem(
                "outside-site", "the design declares sites but this component is at none (field 'site')"
            )
        site_id, inside = getattr(component, "site", None), getattr(component, "inside", None)
        if isinstance(site_id, str) and site_id in g.graph and inside is not None:
            site_inside = getattr(g.component(site_id), "inside", None)
            if site_inside is not None and site_inside != inside:
                yield component.problem(
                    "placement-mismatch",
                    f"is inside boundary {inside!r} but sits at site {site_id!r}, which is inside {site_inside!r}; "
                    "data sits where its site is",
                    field="site",
                )


def environments(g: DesignGraph) -> Iterator[Diagnostic]:
    """Every deployable component has a stack to deploy it; links between stacks are called out."""
    yield from EnvironmentModel.of(g.design).diagnostics()


STRUCTURAL_CHECKS: tuple[Check, ...] = (
    duplicate_ids,
    link_targets,
    required_links,
    component_rules,
    cycles,
    placement,
    environments,
)


def structural_diagnostics(g: DesignGraph) -> list[Diagnostic]:
    return [d for check in STRUCTURAL_CHECKS for d in check(g)]


def _unique(g: DesignGraph) -> Iterator[Component]:
    for _, data in g.graph.nodes(data=True):
        yield data["component"]
