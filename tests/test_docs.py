"""Hand-written docs: every example file is valid, and the guide quotes each one exactly."""

from __future__ import annotations

import json
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


ENVIRONMENTS = "docs/examples/environments"


@pytest.mark.parametrize(("env", "exit_code"), [(None, 1), ("dev", 0), ("prod", 1)])
def test_environment_example_judges_each_component_under_its_own_environment(env: str | None, exit_code: int) -> None:
    args = ["check", ENVIRONMENTS, "--pack", "baseline-security", "--format", "json"]
    result = CliRunner().invoke(cli, [*args, *(["--env", env] if env else [])])
    assert result.exit_code == exit_code, result.stderr
    s3_002 = {
        f["component"]: f["enforcement"] for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "SEC-S3-002"
    }
    expected = {"scratch": "advisory", "curated": "mandatory"}
    assert s3_002 == {
        c: e for c, e in expected.items() if env is None or c == {"dev": "scratch", "prod": "curated"}[env]
    }


def test_environment_example_overlays_only_its_own_stack(tmp_path: Path) -> None:
    assert load_design(ROOT / ENVIRONMENTS, env="dev").design.component("scratch").versioning is False  # type: ignore[attr-defined]
    assert load_design(ROOT / ENVIRONMENTS, env="prod").design.component("scratch").versioning is True  # type: ignore[attr-defined]
    stack = tmp_path / "stack"
    shutil.copytree(ROOT / ENVIRONMENTS, stack)
    (stack / "Pulumi.dev.yaml").write_text("config:\n  aifab:overrides:\n    curated: {versioning: false}\n")
    result = CliRunner().invoke(cli, ["validate", str(stack), "--env", "dev"])
    assert result.exit_code == 2
    assert (
        "data_lake 'curated' belongs to environment 'prod'; stack 'dev' overrides only the components it deploys"
        in (result.stderr)
    )


def test_deploying_guide_covers_every_realised_kind() -> None:
    from aifab.infra import REALISERS

    text = Path("docs/deploying.md").read_text()
    missing = [kind for kind in REALISERS if f"`{kind}`" not in text]
    assert not missing, f"docs/deploying.md does not say what these kinds become: {missing}"


def test_the_rule_writing_guides_example_pack_passes_its_own_examples_and_runs_in_check() -> None:
    tested = CliRunner().invoke(cli, ["policy", "test", "docs/examples/policies"])
    assert tested.exit_code == 0, tested.output
    assert "4 passed, 0 failed" in tested.output
    args = ["check", "stacks/us-inference-platform", "--env", "prod", "--policies", "docs/examples/policies"]
    result = CliRunner().invoke(cli, [*args, "--pack", "house-rules", "--today", "2026-12-01", "--format", "json"])
    findings = {(f["rule_id"], f["status"]) for f in json.loads(result.stdout)["findings"]}
    assert ("HSE-COST-001", "fail") in findings  # the reference stack's pools carry no cost-centre label
    assert ("HSE-RES-S3-001", "pass") in findings  # the realisers tag every bucket with its component
