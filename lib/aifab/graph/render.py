"""Render the design graph: networkx node-link JSON, Mermaid (renders on GitHub) and Graphviz DOT."""

from __future__ import annotations

import json
from typing import Any, Literal

import networkx as nx

from .build import DesignGraph

GraphFormat = Literal["json", "mermaid", "dot"]

# One Mermaid style per area, so the diagram reads as architecture rather than a hairball.
_AREA_STYLE = {
    "sovereign": "fill:#fde2e4,stroke:#c9184a",
    "facility": "fill:#fff3bf,stroke:#e67700",
    "environment": "fill:#e9ecef,stroke:#495057",
    "security": "fill:#ffe8cc,stroke:#d9480f",
    "network": "fill:#d0ebff,stroke:#1864ab",
    "compute": "fill:#d3f9d8,stroke:#2b8a3e",
    "storage": "fill:#e5dbff,stroke:#5f3dc4",
    "mlops": "fill:#c5f6fa,stroke:#0b7285",
    "edge": "fill:#f8f0fc,stroke:#a61e4d",
}


def plain_graph(g: DesignGraph, with_spec: bool = True) -> nx.MultiDiGraph:
    """A copy of the graph holding only JSON-compatible attributes."""
    plain = nx.MultiDiGraph(name=g.design.name)
    for node, data in g.graph.nodes(data=True):
        component = data["component"]
        attrs: dict[str, Any] = {
            "kind": data["kind"],
            "area": data["area"],
            "file": component.location.file,
            "line": component.location.line,
        }
        if with_spec:
            attrs["spec"] = component.model_dump(mode="json", exclude={"kind", "id"})
        plain.add_node(node, **attrs)
    for u, v, key, data in g.graph.edges(keys=True, data=True):
        plain.add_edge(u, v, key=key, relation=data["relation"], field=key)
    return plain


def to_json(g: DesignGraph) -> str:
    data = nx.node_link_data(plain_graph(g), edges="links")
    return json.dumps(data, indent=2) + "\n"


def _mermaid_id(node: str) -> str:
    return node.replace("-", "_")


def to_mermaid(g: DesignGraph) -> str:
    lines = ["flowchart LR"]
    areas: dict[str, list[str]] = {}
    for node, data in g.graph.nodes(data=True):
        areas.setdefault(data["area"], []).append(node)
    for area, nodes in areas.items():
        lines.append(f"  subgraph {area}")
        for node in nodes:
            kind = g.graph.nodes[node]["kind"]
            lines.append(f'    {_mermaid_id(node)}["{node}<br/><small>{kind}</small>"]:::{area}')
        lines.append("  end")
    for u, v, data in g.graph.edges(data=True):
        lines.append(f"  {_mermaid_id(u)} -->|{data['relation']}| {_mermaid_id(v)}")
    for area, style in _AREA_STYLE.items():
        if area in areas:
            lines.append(f"  classDef {area} {style}")
    return "\n".join(lines) + "\n"


def to_dot(g: DesignGraph) -> str:
    lines = [f'digraph "{g.design.name}" {{', "  rankdir=LR;", "  node [shape=box, style=rounded];"]
    for node, data in g.graph.nodes(data=True):
        lines.append(f'  "{node}" [label="{node}\\n({data["kind"]})", group="{data["area"]}"];')
    for u, v, data in g.graph.edges(data=True):
        lines.append(f'  "{u}" -> "{v}" [label="{data["relation"]}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


RENDERERS = {"json": to_json, "mermaid": to_mermaid, "dot": to_dot}


def render(g: DesignGraph, fmt: GraphFormat) -> str:
    return RENDERERS[fmt](g)
