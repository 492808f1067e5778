"""Build the design graph from links alone: one node per component, one edge per link.

An edge points from the dependent to its dependency (``train --uses--> ib``), so a component's
dependencies are its descendants and whatever depends on it (its blast radius) are its ancestors.

>>> from aifab.design.loader import load_design
>>> from aifab.graph.build import build_graph
>>> g = build_graph(load_design("docs/examples/minimal.yaml").design)
>>> g.deployment_order()
[['london'], ['efa', 'vpc'], ['eks'], ['train']]
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from aifab.design.component import Component
from aifab.design.design import Design
from aifab.errors import AifabError


class GraphError(AifabError):
    """A graph query that needs a valid graph (e.g. deployment order of a design with a cycle)."""


@dataclass
class DesignGraph:
    """The design's dependency graph (a networkx ``MultiDiGraph``) and the queries other commands need."""

    design: Design
    graph: nx.MultiDiGraph

    def component(self, component_id: str) -> Component:
        node: Component = self.graph.nodes[component_id]["component"]
        return node

    def deployment_order(self) -> list[list[str]]:
        """Groups of component ids that can be deployed together, dependencies first."""
        try:
            generations = nx.topological_generations(self.graph.reverse(copy=False))
            return [sorted(g) for g in generations]
        except nx.NetworkXUnfeasible:
            raise GraphError("the design has a dependency cycle; no deployment order exists") from None

    def dependents(self, component_id: str) -> set[str]:
        """Everything that depends on ``component_id``, directly or not: what breaks if it goes."""
        self._require(component_id)
        return set(nx.ancestors(self.graph, component_id))

    def dependencies(self, component_id: str) -> set[str]:
        """Everything ``component_id`` needs, directly or not."""
        self._require(component_id)
        return set(nx.descendants(self.graph, component_id))

    def blast_radius(self, component_id: str) -> dict[str, int]:
        """Dependents with their distance in links (1 = depends on it directly)."""
        self._require(component_id)
        lengths = nx.single_source_shortest_path_length(self.graph.reverse(copy=False), component_id)
        return {node: hops for node, hops in sorted(lengths.items(), key=lambda kv: (kv[1], kv[0])) if hops}

    def _require(self, component_id: str) -> None:
        if component_id not in self.graph:
            raise GraphError(f"no component {component_id!r} in design {self.design.name!r}")


def build_graph(design: Design) -> DesignGraph:
    """Nodes for every component (first definition wins for duplicate ids), edges for resolvable links.

    Structural problems are not raised here; :func:`aifab.graph.checks.structural_diagnostics`
    reports them, using this graph.
    """
    graph = nx.MultiDiGraph(name=design.name)
    for component in design.components:
        if component.id in graph:
            continue
        graph.add_node(
            component.id,
            kind=component.kind,
            area=component.area,
            component=component,
        )
    for component in design.components:
        if graph.nodes[component.id]["component"] is not component:
            continue  # a duplicate: reported by the checks, kept out of the graph
        for link in component.links():
            if link.target in graph:
                graph.add_edge(component.id, link.target, key=link.field, relation=link.spec.relation)
    return DesignGraph(design=design, graph=graph)
