"""Graph building and the queries other commands rely on."""

from __future__ import annotations

import networkx as nx
import pytest

from aifab.blueprints import DataLake, Environment, KeyManagement
from aifab.design.design import Design
from aifab.design.loader import load_design
from aifab.graph.build import GraphError, build_graph


def _chain() -> Design:
    key = KeyManagement(id="kms")
    lake = DataLake(id="lake", encrypted_by=key)
    logs = DataLake(id="logs", encrypted_by=key)
    return Design(name="chain", components=[lake, logs, key])


def test_nodes_carry_kind_and_edges_carry_relation() -> None:
    g = build_graph(_chain())
    assert g.graph.nodes["kms"]["kind"] == "key_management"
    assert g.graph.edges["lake", "kms", "encrypted_by"]["relation"] == "encrypted_by"
    assert g.graph.number_of_edges() == 2


def test_deployment_order_puts_dependencies_first() -> None:
    assert build_graph(_chain()).deployment_order() == [["kms"], ["lake", "logs"]]


def test_blast_radius_and_dependencies() -> None:
    g = build_graph(load_design("stacks/uk-sovereign-training").design)
    radius = g.blast_radius("lake")
    assert radius["mlflow"] == 1 and radius["serving"] == 2
    assert "lake" not in radius
    assert g.dependents("lake") == set(radius)
    assert {"hsm-keys", "uk", "aws-london"} <= g.dependencies("lake")


def test_unknown_component_in_query() -> None:
    with pytest.raises(GraphError, match="no component 'nope'"):
        build_graph(_chain()).dependents("nope")


def test_deployment_order_refuses_a_cycle() -> None:
    a = Environment(id="a", purpose="staging", promotes_from="b")
    b = Environment(id="b", purpose="production", promotes_from="a")
    with pytest.raises(GraphError, match="cycle"):
        build_graph(Design(name="c", components=[a, b])).deployment_order()


def test_dangling_links_and_duplicates_stay_out_of_the_graph() -> None:
    first = KeyManagement(id="kms")
    lake = DataLake(id="lake", encrypted_by="ghost")
    g = build_graph(Design(name="d", components=[first, lake, KeyManagement(id="kms", rotation_days=400)]))
    assert set(g.graph.nodes) == {"kms", "lake"}
    assert g.component("kms") is first
    assert g.graph.number_of_edges() == 0
    assert nx.is_directed_acyclic_graph(g.graph)
