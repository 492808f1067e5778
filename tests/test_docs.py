"""Hand-written docs: every example file is valid, and the guide quotes each one exactly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from aifab.cli.main import cli
from aifab.design.loader import load_design

from .conftest import ROOT

EXAMPLES = sorted((ROOT / "docs" / "examples").glob("minimal.*"))
QUOTE = re.compile(r"<!-- example: (?P<path>[^ ]+) -->\n```[a-z]*\n(?P<body>.*?)```", re.S)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_designs_validate(example: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(example.relative_to(ROOT))])
    assert result.exit_code == 0, result.stdout + result.stderr


def test_python_and_yaml_examples_are_the_same_design() -> None:
    designs = {p.suffix: load_design(p).design for p in EXAMPLES}
    assert designs[".py"] == designs[".yaml"]


@pytest.mark.parametrize("doc", sorted((ROOT / "docs").glob("*.md")), ids=lambda p: p.name)
def test_quoted_examples_match_their_files(doc: Path) -> None:
    for match in QUOTE.finditer(doc.read_text()):
        assert (ROOT / match["path"]).read_text() == match["body"], f"{doc.name} quotes {match['path']} inexactly"


def test_environment_example_overlays(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: minimal\nruntime: python\n")
    shutil.copy(ROOT / "docs/examples/minimal.yaml", tmp_path / "design.yaml")
    shutil.copy(ROOT / "docs/examples/dev-overrides.yaml", tmp_path / "Pulumi.dev.yaml")
    assert load_design(tmp_path, env="dev").design.component("train").node_count == 1  # type: ignore[attr-defined]
