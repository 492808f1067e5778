"""`aifab graph` and `aifab design export`."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from aifab.cli.main import cli


def test_graph_json_mermaid_dot(fixtures: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["graph", str(fixtures / "minimal.yaml")])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {n["id"]: n["kind"] for n in data["nodes"]}["efa"] == "fabric"
    mermaid = runner.invoke(cli, ["graph", str(fixtures / "minimal.yaml"), "--format", "mermaid"]).stdout
    assert mermaid.startswith("flowchart LR")
    dot = runner.invoke(cli, ["graph", "stacks/uk-sovereign-training", "--env", "dev", "--format", "dot"]).stdout
    assert dot.startswith('digraph "uk-sovereign-training"')


def test_graph_links_draws_only_the_kinds_named() -> None:
    runner = CliRunner()
    args = ["graph", "stacks/uk-sovereign-training", "--format", "mermaid"]
    result = runner.invoke(cli, [*args, "--links", "uses"])
    assert result.exit_code == 0
    assert set(re.findall(r"-->\|(\w+)\|", result.stdout)) == {"uses"}
    both = runner.invoke(cli, [*args, "--links", "uses, joins"]).stdout
    assert set(re.findall(r"-->\|(\w+)\|", both)) == {"uses", "joins"}
    wrong = runner.invoke(cli, [*args, "--links", "usess"])
    assert wrong.exit_code == 2 and "unknown link kind(s) usess" in wrong.stderr


def test_graph_of_unusable_input_exits_2(fixtures: Path) -> None:
    result = CliRunner().invoke(cli, ["graph", str(fixtures / "broken_syntax.yaml")])
    assert result.exit_code == 2 and "malformed YAML" in result.stderr


def test_export_yaml_and_json(fixtures: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["design", "export", str(fixtures / "python_design.py")]).stdout
    assert out.startswith("# Expanded design 'minimal'")
    path = tmp_path / "d.yaml"
    path.write_text(out)
    assert runner.invoke(cli, ["validate", str(path)]).exit_code == 0
    as_json = runner.invoke(cli, ["design", "export", str(fixtures / "minimal.yaml"), "--format", "json"]).stdout
    assert json.loads(as_json)["name"] == "minimal"


def test_internal_errors_are_reported_without_traceback(monkeypatch, fixtures: Path) -> None:  # type: ignore[no-untyped-def]
    import aifab.cli.graph as graph_cli

    def boom(*_: object) -> str:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(graph_cli, "render", boom)
    result = CliRunner().invoke(cli, ["graph", str(fixtures / "minimal.yaml")])
    assert result.exit_code == 3
    assert "internal error: RuntimeError: kaboom" in result.stderr and "Traceback" not in result.stderr


def test_graph_queries() -> None:
    runner = CliRunner()
    stack = "stacks/uk-sovereign-training"
    result = runner.invoke(cli, ["graph", stack, "--deployment-order", "--blast-radius", "hsm-keys"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["deployment_order"][0] == ["dev", "uk"]
    assert data["blast_radius"]["dependents"]["lake"] == 1
    missing = runner.invoke(cli, ["graph", stack, "--blast-radius", "nope"])
    assert missing.exit_code == 2 and "no component 'nope'" in missing.stderr


def test_deployment_order_of_a_cycle_is_refused(fixtures: Path) -> None:
    result = CliRunner().invoke(cli, ["graph", str(fixtures / "broken_cycle.yaml"), "--deployment-order"])
    assert result.exit_code == 2 and "cycle" in result.stderr
