"""Composites in designs: Python and YAML expand alike, errors point at the user's line, exports round-trip."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import aifab.blueprints as blueprints
import aifab.blueprints.composites as composites
from aifab.design.composite import Composite
from aifab.design.export import export_design
from aifab.design.loader import load_design
from aifab.errors import InputError
from aifab.validate import validate

from ...conftest import ROOT

EXAMPLE = ROOT / "docs" / "examples" / "composites"


@pytest.mark.parametrize("module", sorted({cls.__module__ for cls in composites.COMPOSITES}))
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{module} has no usage example"
    assert result.failed == 0


def test_registry_is_new_each_time_and_apart_from_the_kinds() -> None:
    first, second = composites.registry(), composites.registry()
    assert first == second and first is not second and len(first) == len(composites.COMPOSITES)
    assert not set(first) & set(blueprints.registry())
    assert all(issubclass(cls, Composite) and cls.__doc__ for cls in first.values())


def test_yaml_use_equals_python_and_validates() -> None:
    from_python, from_yaml = (load_design(EXAMPLE.with_suffix(s)).design for s in (".py", ".yaml"))
    assert from_python == from_yaml
    assert validate(from_yaml).valid
    assert [c.id for c in from_yaml.components][:3] == ["uk", "london", "kms-data"]


def test_expanded_components_are_located_at_the_composite() -> None:
    from_yaml = load_design(EXAMPLE.with_suffix(".yaml")).design
    lines = {c.id: c.location.line for c in from_yaml.components}
    assert lines["uk"] == lines["london"] == 5 and lines["kms-data"] == lines["lake-data"] == 14
    assert from_yaml.component("train").expanded_from == "eks-gpu-platform 'gpu'"
    from_python = load_design(EXAMPLE.with_suffix(".py")).design
    text = EXAMPLE.with_suffix(".py").read_text().splitlines()
    located = from_python.component("vpc-gpu").location
    assert located.line is not None
    assert located.file == "docs/examples/composites.py" and text[located.line - 1].startswith("platform = ")


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_shows_the_expansion_and_loads_back(fmt: str, tmp_path: Path) -> None:
    design = load_design(EXAMPLE.with_suffix(".yaml")).design
    text = export_design(design, fmt)  # type: ignore[arg-type]
    assert "use" not in text.split("components", 1)[1].split() and "eks-gpu" in text
    path = tmp_path / f"design.{fmt}"
    path.write_text(text)
    assert load_design(path).design == design


DOC = """\
name: d
components:
  - use: gpu-scalable-unit
    id: su1
    instance_type: p5.48xlarge
    node_count: 0
    technology: efa
    link_gbps: 3200
  - use: gpu-scalabel-unit
    id: su2
  - use: eks-gpu-platform
    id: exp
    cidr: 10.0.0.0/16
    kubernetes_versoin: "1.35"
    pools:
      - kind: gpu_pool
        id: explore
        role: training
        instance_type: p5.48xlarge
        node_cont: 2
"""


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "d.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_design(path)
    return [p.render().replace(str(path), "d.yaml") for p in caught.value.problems]


def test_yaml_errors_point_at_the_parameter_with_suggestions(tmp_path: Path) -> None:
    assert _problems(tmp_path, DOC) == [
        "d.yaml:6: components[0].node_count: gpu-scalable-unit 'su1': "
        "gpu_pool 'su1': Input should be greater than or equal to 1 (got 0)",
        "d.yaml:9: components[1].use: gpu-scalabel-unit 'su2': "
        "unknown composite 'gpu-scalabel-unit'; did you mean 'gpu-scalable-unit'?",
        "d.yaml:16: components[2].pools[0].node_count: eks-gpu-platform 'exp': required field is missing",
        "d.yaml:20: components[2].pools[0].node_cont: eks-gpu-platform 'exp': "
        "unknown field (not part of this kind; did you mean 'node_count', 'min_node_count', 'node_model'?)",
        "d.yaml:14: components[2].kubernetes_versoin: eks-gpu-platform 'exp': "
        "unknown field (not part of this composite; did you mean 'kubernetes_version'?)",
    ]


def test_python_errors_point_at_the_line_that_built_the_composite(tmp_path: Path) -> None:
    path = tmp_path / "d.py"
    path.write_text(
        "from aifab.blueprints.composites import EdgeFleet\n"
        "from aifab.design.design import Design\n"
        "\n"
        "fleet = EdgeFleet(id='edge', latency_target_ms=20, acelerator='l4', locations={})\n"
        "design = Design(name='d', components=[fleet])\n"
    )
    with pytest.raises(InputError) as caught:
        load_design(path)
    rendered = [p.render() for p in caught.value.problems]
    assert all(":4: EdgeFleet." in r for r in rendered)
    assert any("did you mean 'accelerator'?" in r for r in rendered)


def test_validation_errors_on_expanded_components_name_the_composite(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(DOC.split("  - use: gpu-scalabel-unit")[0].replace("node_count: 0", "node_count: 4"))
    result = validate(load_design(path).design)
    messages = {d.component: (d.location.line if d.location else None, d.message) for d in result.errors}
    line, message = messages["su1"]
    assert line == 3 and message.endswith("(expanded from gpu-scalable-unit 'su1')")
