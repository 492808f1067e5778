"""Graph output formats: node-link JSON, Mermaid and DOT nested in boundary > site > environment."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest

from aifab.design.loader import load_design
from aifab.graph.build import DesignGraph, build_graph
from aifab.graph.render import PLACEMENT, PLACES, mermaid_id, render, to_dot, to_json, to_mermaid

from ..conftest import reference_stacks


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
    assert 'subgraph s_london["london (site)"]' in text  # the site holds its components
    assert "sited_at" not in text
    g = build_graph(load_design("stacks/uk-sovereign-training").design)
    assert "slough_colo" in to_mermaid(g) and "slough-colo[" not in to_mermaid(g)


def test_dot_draws_every_link_but_placement_and_clusters_the_places(fixtures: Path) -> None:
    text = to_dot(_graph(fixtures))
    assert text.startswith('digraph "minimal" {')
    assert "subgraph cluster_s_london {" in text
    arrows = [line.strip() for line in text.splitlines() if " -> " in line]
    assert arrows == [
        '"eks" -> "vpc" [label="in_network"];',
        '"train" -> "efa" [label="uses"];',
        '"train" -> "eks" [label="joins"];',
    ]
    assert len(to_dot(_graph(fixtures), links=PLACEMENT).splitlines()) > len(text.splitlines())  # when asked


def _stack_graphs() -> list[DesignGraph]:
    return [build_graph(load_design(stack).design) for stack in reference_stacks()]


def _declared(mermaid: str) -> list[str]:
    return re.findall(r"^\s+(\w+)\[\"", mermaid, flags=re.MULTILINE)


@pytest.mark.parametrize("g", _stack_graphs(), ids=lambda g: g.design.name)
def test_reference_stack_mermaid_nests_and_draws_each_component_once(g: DesignGraph) -> None:
    text = to_mermaid(g)
    lines = [line.strip() for line in text.splitlines()]
    opened = sum(line.startswith("subgraph ") for line in lines)
    assert opened == lines.count("end") and opened > 0
    depth = 0
    for line in lines:  # balanced in order, not just in number
        depth += line.startswith("subgraph ") - (line == "end")
        assert depth >= 0
    edges = re.findall(r"-->\|(\w+)\|", text)
    assert edges and not set(edges) & PLACEMENT
    places = {n for n, d in g.graph.nodes(data=True) if d["kind"] in PLACES}
    declared = _declared(text)
    components = sorted(mermaid_id(n) for n in g.graph.nodes if n not in places)
    assert sorted(declared) == components  # every component once, as a node
    for place in places:  # every place as a container (an environment once per site it spans)
        assert re.search(rf'^\s+subgraph \w*{mermaid_id(place)}\["{place} \(', text, flags=re.MULTILINE), place


@pytest.mark.parametrize("g", _stack_graphs(), ids=lambda g: g.design.name)
def test_reference_stack_dot_is_well_formed_with_clusters(g: DesignGraph) -> None:
    text = to_dot(g)
    body = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)  # braces inside strings do not count
    depth = 0
    for char in body:
        depth += (char == "{") - (char == "}")
        assert depth >= 0
    assert depth == 0
    clusters = re.findall(r"subgraph (cluster_\w+) \{", text)
    assert clusters and len(clusters) == len(set(clusters))
    assert not re.findall(r'label="(?:sited_at|inside|belongs_to)"', text)
    for node in g.graph.nodes:
        if g.graph.nodes[node]["kind"] not in PLACES:
            assert len(re.findall(rf'^\s+"{node}" \[label=', text, flags=re.MULTILINE)) == 1, node


def test_links_picks_the_kinds_drawn() -> None:
    g = build_graph(load_design("stacks/uk-sovereign-training").design)
    for text in (to_mermaid(g, links={"uses"}), render(g, "mermaid", {"uses"})):
        assert set(re.findall(r"-->\|(\w+)\|", text)) == {"uses"}
    assert set(re.findall(r'label="(\w+)"\]', to_dot(g, links={"uses", "joins"}))) == {"uses", "joins"}
    assert to_json(g) == render(g, "json", {"uses"})  # the data keeps every link
