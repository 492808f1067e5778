"""``aifab init``: every template scaffolds a stack that validates and checks clean in each environment."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from aifab.cli.init import DEFAULT_TEMPLATE, MAIN_PY, templates
from aifab.cli.main import cli

TEMPLATES = sorted(templates())


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_templates_are_the_reference_stacks_and_composites() -> None:
    repo_stacks = {p.name for p in (Path(__file__).parents[2] / "stacks").iterdir() if (p / "Pulumi.yaml").is_file()}
    assert repo_stacks <= set(TEMPLATES)
    assert "composite:eks_platform" in TEMPLATES
    assert DEFAULT_TEMPLATE in TEMPLATES


@pytest.mark.slow
@pytest.mark.parametrize("template", TEMPLATES)
def test_scaffold_validates_and_checks_clean(template: str, tmp_path: Path) -> None:
    target = tmp_path / "my-stack"
    code, output = invoke("init", "--template", template, str(target))
    assert code == 0, output
    names = {p.name for p in target.iterdir()}
    assert {"Pulumi.yaml", "__main__.py", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "policy.yaml", "waivers.yaml"} <= names
    assert names & {"design.py", "design.yaml"}
    project = yaml.safe_load((target / "Pulumi.yaml").read_text(encoding="utf-8"))
    assert project["name"] == "my-stack" and project["runtime"] == "python"  # no path back into the repository
    assert (target / "__main__.py").read_text(encoding="utf-8") == MAIN_PY
    envs = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in target.glob("Pulumi.*.yaml"))
    for env in envs:
        code, output = invoke("validate", str(target), "--env", env)
        assert code == 0, f"{template} {env}: {output}"
        code, output = invoke("check", str(target), "--env", env, "--today", "2026-12-01")
        assert code == 0, f"{template} {env}: {output}"


def test_default_template(tmp_path: Path) -> None:
    code, _ = invoke("init", str(tmp_path / "s"))
    assert code == 0
    assert (tmp_path / "s" / "design.py").is_file()


def test_refuses_a_non_empty_folder_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    code, output = invoke("init", "--template", "composite:eks_platform", str(tmp_path))
    assert code == 2 and "not empty" in output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]  # nothing half-written
    code, _ = invoke("init", "--template", "composite:eks_platform", "--force", str(tmp_path))
    assert code == 0
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "design.yaml").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left behind


def test_unknown_template_is_exit_2_with_suggestions(tmp_path: Path) -> None:
    code, output = invoke("init", "--template", "uk-sovereign", str(tmp_path / "s"))
    assert code == 2 and "uk-sovereign-training" in output
    assert not (tmp_path / "s").exists()


def test_missing_reference_stacks_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIFAB_STACKS", str(tmp_path / "nowhere"))
    code, output = invoke("init", "--template", "uk-sovereign-training", str(tmp_path / "s"))
    assert code == 2 and "AIFAB_STACKS" in output


def test_list_names_every_template() -> None:
    code, output = invoke("init", "--list")
    assert code == 0
    assert all(name in output for name in TEMPLATES)
