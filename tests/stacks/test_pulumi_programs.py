"""Each reference architecture's Pulumi program, run per environment under the SDK mocks and recorded.

The recorder (:mod:`aifab.preview.capture`) sees what the engine would: every resource with its parent,
provider and dependencies. A stack builds exactly its environment's components; a design ``aifab check``
fails registers nothing at all.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from aifab.design.environments import EnvironmentModel
from aifab.design.loader import load_design
from aifab.preview.capture import Capture, ProgramFailed, run_program

from ..conftest import FIXTURES, reference_stacks
from .conftest import captured, deploy_config


@pytest.fixture(autouse=True)
def _pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIFAB_TODAY", "2026-12-01")  # dated facts in the stacks are judged as of this day


def _environments(stack: Path) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stack.glob("Pulumi.*.yaml"))


STACK_ENVS = [(s, e) for s in reference_stacks() for e in _environments(s)]


def _ids(value: object) -> str:
    return value.name if isinstance(value, Path) else str(value)


def _components(capture: Capture) -> dict[str, str]:
    """Realised design components: id -> type token."""
    return {r.name: r.type for r in capture.resources() if r.type.startswith("aifab:") and r.parent == ""}


@pytest.mark.parametrize(("stack", "env"), STACK_ENVS, ids=_ids)
def test_program_builds_exactly_its_environment(stack: Path, env: str) -> None:
    capture = captured(stack, env)
    design = load_design(stack, env=env).design
    model = EnvironmentModel.of(design)
    expected = {c.id: f"aifab:{c.area}:{type(c).__name__}" for c in model.deployed_by(env)}
    assert _components(capture) == expected
    assert capture.outputs["environment"] == env
    assert sorted(capture.outputs["components"]) == sorted(expected)
    assert capture.created_in_apply == []
    for record in capture.resources():  # every cloud resource belongs to a design component
        if not record.type.startswith(("aifab:", "pulumi:pulumi:StackReference")):
            assert record.parent, f"{record.type} {record.name} has no parent component"


@pytest.mark.parametrize("stack", reference_stacks(), ids=_ids)
def test_each_component_is_deployed_by_exactly_one_stack(stack: Path) -> None:
    deployed = {env: _components(captured(stack, env)) for env in _environments(stack)}
    design = load_design(stack).design
    everything = sorted(i for built in deployed.values() for i in built)
    assert everything == sorted(c.id for c in design.components if c.deployable)


def _copy(stack: Path, tmp_path: Path, name: str = "copy") -> Path:
    target = tmp_path / name
    shutil.copytree(stack, target)
    return target


def test_a_design_check_fails_registers_nothing(tmp_path: Path) -> None:
    stack = _copy(Path("stacks/eu-sovereign-inference"), tmp_path)
    config = yaml.safe_load((stack / "Pulumi.prod.yaml").read_text())
    config["config"]["aifab:overrides"] = {"eks-serve": {"endpoint_public": True}}
    (stack / "Pulumi.prod.yaml").write_text(yaml.safe_dump(config))
    with pytest.raises(ProgramFailed) as failed:
        run_program(stack, "prod")
    assert "1 mandatory finding(s) stand; nothing was registered" in failed.value.message
    assert "SEC-EKS-001" in failed.value.message and "eks-serve" in failed.value.message
    assert failed.value.capture.records == {}
    # the other stack is not judged by prod's overrides, and still builds
    assert run_program(stack, "dev").resources()


@pytest.mark.parametrize(("stack", "env"), STACK_ENVS, ids=_ids)
def test_config_only_a_deploy_has_is_reported_by_preview_and_required_by_up(stack: Path, env: str) -> None:
    preview = captured(stack, env)
    needed = deploy_config(preview)
    if not needed:
        assert run_program(stack, env, preview=False).resources()
        return
    with pytest.raises(ProgramFailed, match="needs config the stack does not set; nothing was registered") as up:
        run_program(stack, env, preview=False)
    assert up.value.capture.records == {}
    for key in needed:
        assert f"pulumi config set --secret {key} <value>" in up.value.message or key in up.value.message
    assert captured(stack, env, preview=False).resources()  # with them set, the deploy goes ahead


def test_an_expired_waiver_on_a_mandatory_rule_refuses_the_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIFAB_TODAY", "2031-01-01")  # every dated fact in the stack has expired by then
    with pytest.raises(ProgramFailed, match="mandatory finding") as failed:
        run_program(Path("stacks/uk-sovereign-training"), "prod")
    assert failed.value.capture.records == {}


def test_a_bad_today_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIFAB_TODAY", "tomorrow")
    with pytest.raises(ProgramFailed, match="AIFAB_TODAY must be a date"):
        run_program(reference_stacks()[0], "dev")


def test_a_stack_named_after_no_environment_is_refused(tmp_path: Path) -> None:
    stack = _copy(reference_stacks()[0], tmp_path)
    (stack / "Pulumi.staging.yaml").write_text("config: {}\n")
    with pytest.raises(ProgramFailed, match="stack 'staging' is not an environment of the design"):
        run_program(stack, "prod")


def test_unusable_design_is_refused_with_its_message(tmp_path: Path) -> None:
    stack = _copy(reference_stacks()[0], tmp_path)
    (stack / "design.py").unlink()
    shutil.copy(FIXTURES / "broken_syntax.yaml", stack / "design.yaml")
    with pytest.raises(ProgramFailed, match=r"design cannot be used:\n.*malformed YAML") as failed:
        run_program(stack, "dev")
    assert failed.value.capture.records == {}


def test_invalid_design_never_reaches_the_cloud(tmp_path: Path) -> None:
    stack = _copy(reference_stacks()[0], tmp_path)
    (stack / "design.py").unlink()
    shutil.copy(FIXTURES / "broken_links.yaml", stack / "design.yaml")
    for file in stack.glob("Pulumi.*.yaml"):
        file.unlink()
    (stack / "Pulumi.dev.yaml").write_text("config: {}\n")
    with pytest.raises(ProgramFailed, match="mandatory finding") as failed:
        run_program(stack, "dev")
    assert failed.value.capture.records == {}


def test_every_stack_is_a_python_pulumi_project_with_dev_and_prod() -> None:
    for stack in reference_stacks():
        project = yaml.safe_load((stack / "Pulumi.yaml").read_text())
        assert project["name"] == stack.name
        assert project["runtime"]["name"] == "python"
        assert {"dev", "prod"} <= set(_environments(stack))
        main = (stack / "__main__.py").read_text()
        assert "run_stack(Path(__file__).parent)" in main


def _paths_holding(value: object, needle: str, path: str = "") -> list[str]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _paths_holding(v, needle, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _paths_holding(v, needle, f"{path}[{i}]")]
    return [path] if isinstance(value, str) and needle in value else []


def _secret(path: str, secret_paths: tuple[str, ...]) -> bool:
    return any(path == s or path.startswith((f"{s}.", f"{s}[")) for s in secret_paths)


def test_a_known_secret_travels_only_as_a_secret() -> None:
    stack = Path("stacks/uk-sovereign-training")
    needed = deploy_config(captured(stack, "prod"))
    known = "KNOWN-SECRET-kubeconfig-0f3a"
    config = {**needed, "aifab:train-k8s-kubeconfig": known}
    capture = run_program(stack, "prod", preview=False, config=config, stack_outputs={})
    leaks = [
        f"{r.type} {r.name} at {p}"
        for r in capture.resources(providers=True)
        for p in _paths_holding(dict(r.inputs), known)
        if not _secret(p, r.secret_paths)
    ]
    leaks += [
        f"export {p}" for p in _paths_holding(capture.outputs, known) if not _secret(p, capture.output_secret_paths)
    ]
    leaks += [f"log: {line}" for line in [*capture.warnings, *capture.errors] if known in line]
    assert not leaks, leaks
    provider = capture.one("pulumi:providers:kubernetes", "k8s-train-k8s")
    assert provider.inputs["kubeconfig"] == known and "kubeconfig" in provider.secret_paths
    assert "train-k8s.kubeconfig" in capture.output_secret_paths
