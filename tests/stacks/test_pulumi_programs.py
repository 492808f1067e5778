"""Each reference architecture's Pulumi program runs under the SDK's mock monitor, per environment."""

from __future__ import annotations

import runpy
import shutil
from pathlib import Path
from typing import Any

import pulumi
import pytest

from aifab.design.environments import EnvironmentModel
from aifab.design.loader import load_design

from ..conftest import FIXTURES, reference_stacks


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, object]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, []


def _run(stack_dir: Path, stack: str) -> dict[str, object]:
    pulumi.runtime.set_mocks(_Mocks(), project=stack_dir.name, stack=stack, preview=True)
    return runpy.run_path(str(stack_dir / "__main__.py"), run_name="__main__")


def _environments(stack: Path) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stack.glob("Pulumi.*.yaml"))


@pytest.mark.parametrize(
    ("stack", "env"),
    [(s, e) for s in reference_stacks() for e in _environments(s)],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_program_validates_its_environment(stack: Path, env: str) -> None:
    run = _run(stack, env)["stack"]
    assert run.result.valid  # type: ignore[attr-defined]
    assert run.loaded.env == env  # type: ignore[attr-defined]


@pytest.mark.parametrize("stack", reference_stacks(), ids=lambda p: p.name)
def test_each_stack_deploys_its_own_environment_and_nothing_of_another(stack: Path) -> None:
    deployed = {env: [c.id for c in _run(stack, env)["stack"].components] for env in _environments(stack)}  # type: ignore[attr-defined]
    design = load_design(stack).design
    model = EnvironmentModel.of(design)
    for env, ids in deployed.items():
        assert ids, f"stack {env} deploys nothing"
        assert {model.deployer(design.component(i)) for i in ids} == {env}
    everything = [i for ids in deployed.values() for i in ids]
    assert sorted(everything) == sorted(c.id for c in design.components if c.deployable)  # each exactly once
    host = model.host
    shared = [c.id for c in design.components if c.deployable and model.owner(c) is None]
    assert host is not None and set(shared) <= set(deployed[host])


def test_a_stack_named_after_no_environment_is_refused(tmp_path: Path) -> None:
    stack = tmp_path / "stray"
    shutil.copytree(reference_stacks()[0], stack)
    (stack / "Pulumi.staging.yaml").write_text("config: {}\n")
    with pytest.raises(pulumi.RunError, match="stack 'staging' is not an environment of the design"):
        _run(stack, "prod")


def test_every_stack_is_a_python_pulumi_project_with_dev_and_prod() -> None:
    import yaml

    for stack in reference_stacks():
        project = yaml.safe_load((stack / "Pulumi.yaml").read_text())
        assert project["name"] == stack.name
        assert project["runtime"]["name"] == "python"
        assert {"dev", "prod"} <= set(_environments(stack))


def test_unusable_design_is_refused_with_its_message(tmp_path: Path) -> None:
    stack = tmp_path / "unusable"
    shutil.copytree(reference_stacks()[0], stack)
    (stack / "design.py").unlink()
    shutil.copy(FIXTURES / "broken_syntax.yaml", stack / "design.yaml")
    with pytest.raises(pulumi.RunError, match=r"design cannot be used:\n.*malformed YAML"):
        _run(stack, "dev")


def test_invalid_design_never_reaches_the_cloud(tmp_path: Path) -> None:
    stack = tmp_path / "broken"
    shutil.copytree(reference_stacks()[0], stack)
    (stack / "design.py").unlink()
    shutil.copy(FIXTURES / "broken_links.yaml", stack / "design.yaml")
    (stack / "Pulumi.dev.yaml").write_text("config: {}\n")
    with pytest.raises(pulumi.RunError, match="design is invalid"):
        _run(stack, "dev")
