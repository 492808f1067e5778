"""Render the design graph: networkx node-link JSON, Mermaid (renders on GitHub) and Graphviz DOT.

Mermaid and DOT nest components inside their sovereign boundary, site and environment (subgraphs, DOT
clusters) instead of drawing a placement arrow from every component; the arrows left are the links chosen
with ``links`` (by default every relation but the placement ones, which the nesting shows).

>>> from aifab.design.loader import load_design
>>> from aifab.graph.build import build_graph
>>> print(to_mermaid(build_graph(load_design("docs/examples/minimal.yaml").design), links={"uses"}))  # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any, Literal

import networkx as nx

from aifab.design.component import Component

from .build import DesignGraph

GraphFormat = Literal["json", "mermaid", "dot"]

__all__ = [
    "PLACEMENT",
    "PLACES",
    "GraphFormat",
    "children",
    "group_id",
    "mermaid_id",
    "nesting",
    "plain_graph",
    "relations",
    "render",
    "to_dot",
    "to_json",
    "to_mermaid",
]

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

PLACEMENT = frozenset({"sited_at", "inside", "belongs_to"})
"""Relations shown by nesting (boundary > site > environment), not by arrows."""
PLACES = {"sovereign_boundary": "b", "site": "s", "environment": "e"}
"""Kinds drawn as containers, and the letter that marks them in a nesting path (``("b:uk", "s:london")``)."""
_PLACE_AREA = {"b": "sovereign", "s": "facility", "e": "environment"}
_MERMAID_RESERVED = frozenset(
    {"end", "graph", "subgraph", "flowchart", "style", "class", "classdef", "click", "default"}
)

Path = tuple[str, ...]


def mermaid_id(component_id: str) -> str:
    """An id Mermaid accepts: word characters only, never a keyword, starting with a letter."""
    ident = re.sub(r"\W", "_", component_id)
    return f"{ident}_" if ident.lower() in _MERMAID_RESERVED or not ident[:1].isalpha() else ident


def nesting(
    components: Mapping[str, Component], *, with_empty: bool = False
) -> tuple[dict[Path, list[Component]], set[Path]]:
    """Where each component that is not a place sits, and the containers that hold something.

    Returns ``{path: components}`` with ``path`` like ``("b:uk", "s:slough-colo", "e:prod")`` (boundary,
    site, environment, each optional), and every container path with its parents. ``with_empty`` adds the
    places that hold nothing, so every component of the design is drawn.
    """

    def target(c: Component, relation: str) -> str | None:
        for link in c.links():
            if link.spec.relation == relation and link.target in components:
                return link.target
        return None

    def boundary_of_site(site: str | None) -> str | None:
        return target(components[site], "inside") if site is not None else None

    tree: dict[Path, list[Component]] = {}
    for c in components.values():
        if c.kind in PLACES:
            continue
        site = target(c, "sited_at")
        boundary = boundary_of_site(site) if site is not None else target(c, "inside")
        env = target(c, "belongs_to")
        path = tuple(
            p
            for p in (f"b:{boundary}" if boundary else "", f"s:{site}" if site else "", f"e:{env}" if env else "")
            if p
        )
        tree.setdefault(path, []).append(c)
    groups: set[Path] = set()
    for path in tree:
        groups.update(path[:i] for i in range(1, len(path) + 1))
    if with_empty:
        held = {p.split(":", 1)[1] for g in groups for p in g}
        for c in components.values():
            letter = PLACES.get(c.kind)
            if letter is None or c.id in held:
                continue
            if letter == "s":
                boundary = boundary_of_site(c.id)
                path = ((f"b:{boundary}",) if boundary else ()) + (f"s:{c.id}",)
            else:
                path = (f"{letter}:{c.id}",)
            groups.update(path[:i] for i in range(1, len(path) + 1))
    return tree, groups


def children(groups: Iterable[Path], path: Path) -> list[Path]:
    """The containers directly inside ``path``: boundaries, then sites, then environments, by id."""
    return sorted(
        (g for g in groups if len(g) == len(path) + 1 and g[: len(path)] == path),
        key=lambda g: ("bse".index(g[-1][0]), g[-1]),
    )


def group_id(path: Path) -> str:
    """The Mermaid id of a container path: ``("b:uk", "s:aws-london")`` -> ``b_uk_s_aws_london``."""
    return "_".join(mermaid_id(p.replace(":", "_", 1)) for p in path)


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


def to_json(g: DesignGraph, links: Collection[str] | None = None) -> str:
    """networkx node-link JSON of the whole graph (``links`` is ignored: the data keeps every link)."""
    data = nx.node_link_data(plain_graph(g), edges="links")
    return json.dumps(data, indent=2) + "\n"


def relations(g: DesignGraph) -> list[str]:
    """Every relation the graph's links use, sorted."""
    return sorted({data["relation"] for _, _, data in g.graph.edges(data=True)})


class _Layout:
    """The nesting of a graph and the arrows to draw, shared by Mermaid and DOT."""

    def __init__(self, g: DesignGraph, links: Collection[str] | None) -> None:
        self.g = g
        self.components: dict[str, Component] = {n: d["component"] for n, d in g.graph.nodes(data=True)}
        self.tree, self.groups = nesting(self.components, with_empty=True)
        # a place drawn in several containers (an environment spread over sites) takes its arrows at the first
        self.anchor: dict[str, Path] = {}
        for path in sorted(self.groups, key=lambda p: (len(p), p)):
            self.anchor.setdefault(path[-1].split(":", 1)[1], path)
        self.edges = [
            (u, v, data["relation"])
            for u, v, data in g.graph.edges(data=True)
            if (data["relation"] in links if links is not None else data["relation"] not in PLACEMENT)
        ]

    def label(self, part: str) -> str:
        ident = part.split(":", 1)[1]
        return f"{ident} ({self.components[ident].kind})"


def to_mermaid(g: DesignGraph, links: Collection[str] | None = None) -> str:
    """A Mermaid flowchart: components nested in boundary > site > environment, arrows for ``links``."""
    layout = _Layout(g, links)
    lines = ["flowchart LR"]
    areas: set[str] = set()
    styles: list[str] = []

    def node(ident: str) -> str:
        path = layout.anchor.get(ident)
        return group_id(path) if path is not None else mermaid_id(ident)

    def emit(path: Path, depth: int) -> None:
        pad = "  " * depth
        for c in layout.tree.get(path, []):
            areas.add(c.area)
            lines.append(f'{pad}{mermaid_id(c.id)}["{c.id}<br/><small>{c.kind}</small>"]:::{c.area}')
        for child in children(layout.groups, path):
            gid = group_id(child)
            lines.append(f'{pad}subgraph {gid}["{layout.label(child[-1])}"]')
            emit(child, depth + 1)
            lines.append(f"{pad}end")
            styles.append(f"  style {gid} {_AREA_STYLE[_PLACE_AREA[child[-1][0]]]}")

    emit((), 1)
    lines.extend(f"  {node(u)} -->|{relation}| {node(v)}" for u, v, relation in layout.edges)
    lines.extend(f"  classDef {area} {style}" for area, style in _AREA_STYLE.items() if area in areas)
    lines.extend(styles)
    return "\n".join(lines) + "\n"


def _dot_quote(text: str) -> str:
    """A DOT string; ``\\n`` in ``text`` stays a DOT line break (ids and kinds hold no backslash)."""
    return '"' + text.replace('"', '\\"') + '"'


def to_dot(g: DesignGraph, links: Collection[str] | None = None) -> str:
    """Graphviz DOT: clusters for boundary > site > environment, arrows for ``links``.

    An arrow to or from a place ends at its cluster's border (``compound=true``, ``lhead``/``ltail``),
    anchored on an invisible point inside it.
    """
    layout = _Layout(g, links)
    lines = [
        f"digraph {_dot_quote(g.design.name)} {{",
        "  rankdir=LR;",
        "  compound=true;",
        "  node [shape=box, style=rounded];",
    ]
    linked = {x for u, v, _ in layout.edges for x in (u, v) if x in layout.anchor}

    def emit(path: Path, depth: int) -> None:
        pad = "  " * depth
        for c in layout.tree.get(path, []):
            label = f"{c.id}\\n({c.kind})"
            lines.append(f"{pad}{_dot_quote(c.id)} [label={_dot_quote(label)}, group={_dot_quote(c.area)}];")
        for child in children(layout.groups, path):
            gid = group_id(child)
            ident = child[-1].split(":", 1)[1]
            lines.append(f"{pad}subgraph cluster_{gid} {{")
            lines.append(f"{pad}  label={_dot_quote(layout.label(child[-1]))};")
            if ident in linked and layout.anchor[ident] == child:
                lines.append(f'{pad}  {_dot_quote("cluster_" + gid)} [shape=point, style=invis, label=""];')
            emit(child, depth + 1)
            lines.append(f"{pad}}}")

    emit((), 1)
    for u, v, relation in layout.edges:
        attrs = [f"label={_dot_quote(relation)}"]
        ends = []
        for end, key in ((u, "ltail"), (v, "lhead")):
            path = layout.anchor.get(end)
            if path is None:
                ends.append(_dot_quote(end))
            else:
                cluster = "cluster_" + group_id(path)
                ends.append(_dot_quote(cluster))
                attrs.append(f"{key}={_dot_quote(cluster)}")
        lines.append(f"  {ends[0]} -> {ends[1]} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


RENDERERS = {"json": to_json, "mermaid": to_mermaid, "dot": to_dot}


def render(g: DesignGraph, fmt: GraphFormat, links: Collection[str] | None = None) -> str:
    """The graph in ``fmt``; Mermaid and DOT draw only the relations in ``links`` (default: all but placement)."""
    return RENDERERS[fmt](g, links)
