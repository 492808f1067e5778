"""aifab.deploy: the real engine through the Automation API.

Without the pulumi CLI (as here) the tests cover finding the CLI, the gate and its order, the policy packs
attached, and how results are shaped. The tests marked ``pulumi_cli`` drive the real engine on a local
file backend and skip, saying why, where ``pulumi`` is not on PATH.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
import yaml

from aifab import deploy
from aifab.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
EU = ROOT / "stacks" / "eu-sovereign-inference"
PASSPHRASE = {"PULUMI_CONFIG_PASSPHRASE": "not-a-secret", "AIFAB_TODAY": "2026-12-01"}

needs_cli = pytest.mark.skipif(
    shutil.which("pulumi") is None,
    reason="the pulumi CLI is not on PATH: the real engine cannot run here "
    "(the offline path is tested under the SDK mocks, tests/preview and tests/stacks)",
)


@pytest.fixture
def no_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK", raising=False)
    return bin_dir


def script(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pulumi"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def refused_copy(tmp_path: Path) -> Path:
    stack_dir = tmp_path / "eu-sovereign-inference"
    shutil.copytree(EU, stack_dir)
    # the copy is not two levels under the repository: point the runtime at this virtualenv
    project = yaml.safe_load((stack_dir / "Pulumi.yaml").read_text())
    project["runtime"]["options"]["virtualenv"] = str(ROOT / ".venv")
    (stack_dir / "Pulumi.yaml").write_text(yaml.safe_dump(project))
    config = yaml.safe_load((stack_dir / "Pulumi.prod.yaml").read_text())
    config["config"]["aifab:overrides"] = {"eks-serve": {"endpoint_public": True}}
    (stack_dir / "Pulumi.prod.yaml").write_text(yaml.safe_dump(config))
    return stack_dir


# -- finding the CLI -------------------------------------------------------------------------------------


def test_no_cli_anywhere_is_none(no_cli: Path) -> None:
    assert deploy.find_cli() is None
    with pytest.raises(deploy.PulumiCLIMissing) as caught:
        deploy.require_cli("aifab up", "stacks/x", "dev")
    message = str(caught.value)
    assert "the pulumi CLI is not installed" in message
    assert "https://www.pulumi.com/docs/install/" in message
    assert "`aifab preview stacks/x --env dev` previews the stack offline, with no CLI and no credentials" in message
    assert isinstance(caught.value, InputError)  # exit 2 in the CLI


def test_the_cli_on_path_comes_first(no_cli: Path) -> None:
    script(no_cli, "echo v3.272.0")
    script(Path(os.environ["HOME"]) / ".pulumi" / "bin", "echo v3.200.0")
    cli = deploy.find_cli()
    assert cli is not None and cli.command == "pulumi" and str(cli.version) == "3.272.0"


def test_the_cli_in_home_dot_pulumi_is_found_when_path_has_none(no_cli: Path) -> None:
    installed = script(Path(os.environ["HOME"]) / ".pulumi" / "bin", "echo v3.272.0")
    cli = deploy.find_cli()
    assert cli is not None and cli.command == str(installed)


def test_a_too_old_cli_is_not_used_and_the_error_says_why(no_cli: Path) -> None:
    script(no_cli, "echo v3.0.0")
    assert deploy.find_cli() is None
    with pytest.raises(deploy.PulumiCLIMissing, match=r"minimum CLI version requirement is 3\.1\.0"):
        deploy.require_cli()


def test_a_broken_cli_is_not_used(no_cli: Path) -> None:
    script(no_cli, "exit 3")
    assert deploy.find_cli() is None
    with pytest.raises(deploy.PulumiCLIMissing, match="`pulumi version` exited 3"):
        deploy.require_cli()


def test_a_cli_that_cannot_be_executed_is_not_used(no_cli: Path) -> None:
    (no_cli / "pulumi").write_text("not a program")  # not executable
    assert deploy.find_cli() is None


# -- the gate and the packs ------------------------------------------------------------------------------


def test_the_gate_passes_a_compliant_environment() -> None:
    report = deploy.gate(EU, "dev")
    assert report.exit_code == 0


def test_the_gate_refuses_a_mandatory_finding_with_the_findings(tmp_path: Path) -> None:
    with pytest.raises(deploy.DeploymentRefused) as caught:
        deploy.gate(refused_copy(tmp_path), "prod")
    assert caught.value.report.standing
    assert "eks-serve" in caught.value.message
    assert "nothing was sent to the Pulumi engine" in caught.value.message


def test_the_gate_refuses_a_resource_level_violation_the_design_alone_does_not_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gate judges the offline preview's resources too: a launch template the stack would create without
    IMDSv2 (here slipped into what the preview records) refuses `up` although the design is compliant."""
    from aifab.policy.rule import ResourceSubject
    from aifab.preview import plan as plan_module
    from aifab.preview import resources

    real = plan_module.subjects

    def with_a_bad_key(plan: plan_module.Plan) -> list[ResourceSubject]:
        bad = ResourceSubject(
            "aws:ec2/launchTemplate:LaunchTemplate", "explore-lt-2", {"metadataOptions": {}}, component="explore"
        )
        return [*real(plan), bad]

    monkeypatch.setattr(plan_module, "subjects", with_a_bad_key)
    resources._preview.cache_clear()
    stack = tmp_path / "eu"
    shutil.copytree(EU, stack)
    with pytest.raises(deploy.DeploymentRefused) as caught:
        deploy.gate(stack, "dev")
    assert "SEC-RES-EC2-001" in caught.value.message and "explore-lt-2" in caught.value.message
    resources._preview.cache_clear()


@pytest.mark.parametrize("operation", [deploy.up, deploy.preview, deploy.engine_preview])
def test_up_and_preview_refuse_before_looking_for_the_cli(no_cli: Path, tmp_path: Path, operation: object) -> None:
    marker = tmp_path / "ran"
    script(no_cli, f'touch "{marker}"; echo v3.272.0')
    with pytest.raises(deploy.DeploymentRefused):
        operation(refused_copy(tmp_path), "prod")  # type: ignore[operator]
    assert not marker.exists()


def test_up_without_the_cli_after_the_gate_passes(no_cli: Path) -> None:
    with pytest.raises(deploy.PulumiCLIMissing, match="`aifab up` drives the real Pulumi engine"):
        deploy.up(EU, "dev")


def test_destroy_has_no_gate_but_needs_the_cli(no_cli: Path, tmp_path: Path) -> None:
    with pytest.raises(deploy.PulumiCLIMissing, match="`aifab destroy`"):
        deploy.destroy(refused_copy(tmp_path), "prod")


def test_a_bad_aifab_today_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIFAB_TODAY", "tomorrow")
    with pytest.raises(InputError, match="AIFAB_TODAY"):
        deploy.gate(EU, "dev")


def test_the_packs_attached_are_those_policy_yaml_selects() -> None:
    packs = deploy.selected_policy_packs(EU, "prod")
    names = [Path(p).name for p in packs]
    config = yaml.safe_load((EU / "policy.yaml").read_text())
    assert sorted(names) == sorted(config["packs"])
    for pack in packs:
        assert Path(pack).is_absolute()
        assert (Path(pack) / "PulumiPolicy.yaml").is_file()  # what `--policy-pack` needs


def test_engine_stack_needs_a_pulumi_project(no_cli: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no Pulumi\.yaml"):
        deploy.engine_stack(tmp_path, "dev")


# -- results ---------------------------------------------------------------------------------------------


def test_secret_outputs_are_masked() -> None:
    from pulumi.automation import OutputValue

    outputs = {"endpoint": OutputValue("https://x", False), "password": OutputValue("hunter2", True)}
    assert deploy.masked_outputs(outputs) == {"endpoint": "https://x", "password": deploy.SECRET_MASK}


def test_change_summaries_read_as_words() -> None:
    from pulumi.automation import OpType

    changes = deploy._changes({OpType.CREATE: 12, OpType.SAME: 3, OpType.DELETE: 0})
    assert changes == {"create": 12, "same": 3, "delete": 0}
    planned = deploy.EngineResult(operation="preview", stack="dev", changes=changes)
    assert planned.summary() == "stack dev: 12 to create, 3 unchanged"
    done = deploy.EngineResult(operation="up", stack="dev", changes=changes, result="succeeded")
    assert done.summary() == "stack dev: 12 created, 3 unchanged"
    assert deploy.EngineResult(operation="destroy", stack="dev", changes={}).summary() == "stack dev: no changes"


def test_engine_failures_carry_the_engines_own_words() -> None:
    from pulumi.automation.errors import CommandError

    class Result:
        def __str__(self) -> str:
            return "\n code: 255\n stdout: Previewing update (prod)\n stderr: error: nothing was registered.\n"

    assert deploy._tail(CommandError(Result())) == "error: nothing was registered."  # type: ignore[arg-type]


# -- the real engine (skipped without the CLI) -----------------------------------------------------------


def tiny_project(tmp_path: Path) -> Path:
    project = tmp_path / "tiny"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(
        yaml.safe_dump(
            {
                "name": "tiny",
                "runtime": {"name": "python", "options": {"virtualenv": str(ROOT / ".venv")}},
            }
        )
    )
    (project / "__main__.py").write_text(
        "import pulumi\n"
        "pulumi.export('greeting', 'hello')\n"
        "pulumi.export('password', pulumi.Output.secret('hunter2-known-secret'))\n"
    )
    return project


def backend(tmp_path: Path) -> str:
    folder = tmp_path / "state"
    folder.mkdir(exist_ok=True)
    return folder.as_uri()


@pytest.mark.pulumi_cli
@needs_cli
def test_real_engine_preview_up_and_destroy_on_a_local_backend(tmp_path: Path) -> None:
    engine = deploy.engine_stack(tiny_project(tmp_path), "dev", backend(tmp_path), policy_packs=(), env_vars=PASSPHRASE)
    try:
        planned = deploy.preview_stack(engine)
        assert planned.operation == "preview" and planned.changes.get("create") == 1  # the stack itself
        done = deploy.up_stack(engine)
        assert done.result == "succeeded"
        assert done.outputs == {"greeting": "hello", "password": deploy.SECRET_MASK}
        assert "hunter2-known-secret" not in repr(done)
        gone = deploy.destroy_stack(engine)
        assert gone.result == "succeeded"
    finally:
        engine.stack.workspace.remove_stack("dev")


@pytest.mark.pulumi_cli
@needs_cli
def test_real_engine_the_program_refuses_by_itself_when_the_gate_is_bypassed(tmp_path: Path) -> None:
    engine = deploy.engine_stack(
        refused_copy(tmp_path), "prod", backend(tmp_path), policy_packs=(), env_vars=PASSPHRASE
    )
    try:
        with pytest.raises(deploy.EngineFailed, match="nothing was registered"):
            deploy.preview_stack(engine)
    finally:
        engine.stack.workspace.remove_stack("prod")


@pytest.mark.pulumi_cli
@needs_cli
def test_real_engine_destroy_of_a_stack_that_does_not_exist_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no Pulumi stack 'nope'"):
        deploy.engine_stack(
            tiny_project(tmp_path), "nope", backend(tmp_path), policy_packs=(), env_vars=PASSPHRASE, create=False
        )


@pytest.mark.pulumi_cli
@needs_cli
@pytest.mark.skipif(
    not (os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE")),
    reason="a preview of AWS resources needs AWS credentials (the provider checks the account)",
)
def test_real_engine_preview_of_a_reference_stack_with_its_policy_packs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in PASSPHRASE.items():
        monkeypatch.setenv(name, value)
    result = deploy.engine_preview(EU, "dev", backend(tmp_path))
    assert result.changes.get("create", 0) > 10
    assert {Path(p).name for p in result.policy_packs} >= {"baseline-security", "sovereign-eu"}
