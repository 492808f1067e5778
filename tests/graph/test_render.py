"""Graph output formats: node-link JSON, Mermaid and DOT."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from aifab.design.loader import load_design
from aifab.graph.build import build_graph
from aifab.graph.render import to_dot, to_json, to_mermaid


def _graph(fixtures: Path):  # type: ignore[no-untyped-def]
    return build_graph(load_design(fixtures / "minimal.yaml").design)


def test_json_is_node_link_data_with_kinds(fixtures: Path) -> None:
    data = json.loads(to_json(_graph(fixtures)))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["train"]["kind"] == "gpu_pool"
    assert nodes["train"]["spec"]["node_count"] == 2
    assert nodes["train"]["line"] == 25
    links = {(link["source"], link["target"], link["relation"]) for link in data["links"]}
    assert ("train", "efa", "uses") in links
    # and networkx reads it back
    back = nx.node_link_graph(data, edges="links")
    assert back.number_of_nodes() == 5 and back.number_of_edges() == 7


def test_mermaid_is_a_flowchart_with_sanitised_ids(fixtures: Path) -> None:
    text = to_mermaid(_graph(fixtures))
    assert text.startswith("flowchart LR\n")
    assert "  train -->|uses| efa" in text
    assert "subgraph compute" in text
    g = build_graph(load_design("stacks/uk-sovereign-training").design)
    assert "slough_colo" in to_mermaid(g) and "slough-colo[" not in to_mermaid(g)


def test_dot_has_every_edge(fixtures: Path) -> None:
    text = to_dot(_graph(fixtures))
    assert text.startswith('digraph "minimal" {')
    assert text.count("->") == 7
