"""Every blueprint kind, found through the registry (no hand-kept list or count), goes the whole way: its
module's usage examples build one, and that component exports and loads back unchanged, is a node of the
graph, is in the design schema and has its section in the generated reference (docs/blueprints.md)."""

from __future__ import annotations

import doctest
import functools
import importlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import aifab.blueprints as blueprints
from aifab.design.component import Component
from aifab.design.design import Design
from aifab.design.export import design_document, export_design
from aifab.design.loader import load_design
from aifab.design.reference import design_schema
from aifab.graph.build import build_graph

from ..conftest import ROOT

KINDS = blueprints.registry()


@functools.cache
def _built_by_examples(module_name: str) -> dict[str, Component]:
    """The components a module's docstring examples build, the first of each kind."""
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    built: dict[str, Component] = {}
    for test in doctest.DocTestFinder().find(importlib.import_module(module_name)):
        runner.run(test, clear_globs=False)
        for value in test.globs.values():
            if isinstance(value, Component):
                built.setdefault(value.kind, value)
        test.globs.clear()
    assert runner.failures == 0, f"{module_name}: a usage example fails (the doctests say which)"
    return built


def example(kind: str) -> Component:
    cls = KINDS[kind]
    built = _built_by_examples(cls.__module__).get(kind)
    assert built is not None, f"no usage example in {cls.__module__} builds a {cls.__name__} ({kind!r})"
    return built


@pytest.fixture(params=sorted(KINDS))
def kind(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


def test_a_usage_example_builds_one(kind: str) -> None:
    assert type(example(kind)) is KINDS[kind]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_exports_and_loads_back_unchanged(kind: str, fmt: str, tmp_path: Path) -> None:
    design = Design(name="one", components=[example(kind)])
    path = tmp_path / f"design.{fmt}"
    path.write_text(export_design(design, "json" if fmt == "json" else "yaml"))
    assert load_design(path).design == design


def test_is_a_graph_node(kind: str) -> None:
    component = example(kind)
    graph = build_graph(Design(name="one", components=[component]))
    assert graph.graph.nodes[component.id]["kind"] == kind


def _schema_kinds(schema: dict[str, Any]) -> set[str]:
    members = schema["properties"]["components"]["items"]["oneOf"]
    definitions = (schema["$defs"][m["$ref"].rsplit("/", 1)[1]] for m in members)
    return {d["properties"]["kind"]["const"] for d in definitions if "kind" in d["properties"]}


def test_is_in_the_design_schema(kind: str) -> None:
    schema = json.loads(design_schema())
    assert kind in _schema_kinds(schema)
    jsonschema.validate(design_document(Design(name="one", components=[example(kind)])), schema)
    assert kind in _schema_kinds(json.loads((ROOT / "docs" / "design.schema.json").read_text()))


def test_is_in_the_blueprint_reference(kind: str) -> None:
    text = (ROOT / "docs" / "blueprints.md").read_text()
    assert f"\n## {kind}\n" in text and f"[`{kind}`](#{kind})" in text
