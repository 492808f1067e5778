"""Export: golden-tested, and it loads back into the same design."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aifab.design.export import export_design
from aifab.design.loader import load_design
from tests.golden import assert_golden

from ..conftest import reference_stacks


@pytest.mark.parametrize("stack", reference_stacks(), ids=lambda p: p.name)
def test_reference_export_matches_golden(stack: Path) -> None:
    assert_golden(f"{stack.name}.export.yaml", export_design(load_design(stack).design))


def test_python_export_equals_yaml_export(fixtures: Path) -> None:
    from_python = export_design(load_design(fixtures / "python_design.py").design)
    assert from_python == export_design(load_design(fixtures / "minimal.yaml").design)
    assert_golden("minimal.export.yaml", from_python)


@pytest.mark.parametrize("stack", reference_stacks(), ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_round_trips(stack: Path, fmt: str, tmp_path: Path) -> None:
    design = load_design(stack, env="dev").design
    path = tmp_path / f"design.{fmt}"
    path.write_text(export_design(design, fmt))  # type: ignore[arg-type]
    assert load_design(path).design == design


def test_json_export_is_plain_json(fixtures: Path) -> None:
    data = json.loads(export_design(load_design(fixtures / "minimal.yaml").design, "json"))
    assert data["components"][4]["node_count"] == 2
    assert data["components"][4]["placement"] == "cluster"  # defaults are expanded
