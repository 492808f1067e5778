"""Generated blueprint docs and the design JSON Schema: current, complete, and consistent with the loader."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from aifab.design.export import design_document
from aifab.design.loader import load_design
from aifab.design.reference import blueprint_reference, design_schema

from ..conftest import ROOT, reference_stacks

REGENERATE = "aifab design reference > docs/blueprints.md && aifab design schema > docs/design.schema.json"


def test_docs_are_current() -> None:
    assert (ROOT / "docs" / "blueprints.md").read_text() == blueprint_reference(), f"stale: run {REGENERATE}"
    assert (ROOT / "docs" / "design.schema.json").read_text() == design_schema(), f"stale: run {REGENERATE}"


@pytest.mark.parametrize("stack", reference_stacks(), ids=lambda p: p.name)
def test_exported_designs_satisfy_the_schema(stack: Path) -> None:
    schema = json.loads(design_schema())
    jsonschema.validate(design_document(load_design(stack).design), schema)


def test_schema_rejects_what_the_loader_rejects(fixtures: Path) -> None:
    schema = json.loads(design_schema())
    broken = yaml.safe_load((fixtures / "broken_types.yaml").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
    jsonschema.validate(yaml.safe_load((fixtures / "minimal.yaml").read_text()), schema)
