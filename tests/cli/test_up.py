"""`aifab up` / `aifab destroy`: the gate first (exit 1), then the pulumi CLI (exit 2 without a usable one).

This machine has no pulumi CLI; each test also strips PATH and points HOME at an empty folder, so the
result does not depend on the machine. The real-engine runs are in tests/test_deploy.py (marked pulumi_cli).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from aifab.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
EU = "stacks/eu-sovereign-inference"
NOT_INSTALLED = "the pulumi CLI is not installed (looked on PATH and in ~/.pulumi/bin)"
OFFLINE_HINT = "aifab preview stacks/eu-sovereign-inference --env dev"


@pytest.fixture
def no_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PATH without any pulumi and an empty HOME (so no ~/.pulumi/bin); returns the folder on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK", raising=False)
    return bin_dir


def fake_pulumi(bin_dir: Path, version: str, *, marker: Path | None = None) -> Path:
    """A `pulumi` script that prints ``version`` (and touches ``marker`` when it is run at all)."""
    script = bin_dir / "pulumi"
    touch = f'echo called >> "{marker}"\n' if marker else ""
    script.write_text(f"#!/bin/sh\n{touch}echo {version}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


def refused_stack(tmp_path: Path) -> Path:
    """The EU stack with a public EKS API endpoint in prod: a mandatory finding stands."""
    stack_dir = tmp_path / "eu-sovereign-inference"
    shutil.copytree(ROOT / EU, stack_dir)
    config_file = stack_dir / "Pulumi.prod.yaml"
    config = yaml.safe_load(config_file.read_text())
    config["config"]["aifab:overrides"] = {"eks-serve": {"endpoint_public": True}}
    config_file.write_text(yaml.safe_dump(config))
    return stack_dir


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_up_without_the_cli_exits_2_and_points_to_the_offline_preview(no_cli: Path) -> None:
    code, out, err = run("up", EU, "--env", "dev")
    assert code == 2
    assert out == ""
    assert NOT_INSTALLED in err
    assert "https://www.pulumi.com/docs/install/" in err
    assert OFFLINE_HINT in err and "no credentials" in err
    assert "Traceback" not in err


def test_up_with_yes_and_a_backend_without_the_cli_exits_2(no_cli: Path, tmp_path: Path) -> None:
    code, _, err = run("up", EU, "--env", "dev", "--yes", "--backend", tmp_path.as_uri())
    assert code == 2
    assert NOT_INSTALLED in err


def test_destroy_without_the_cli_exits_2(no_cli: Path) -> None:
    code, _, err = run("destroy", EU, "--env", "dev", "--yes")
    assert code == 2
    assert NOT_INSTALLED in err and "`aifab destroy`" in err


def test_a_mandatory_finding_refuses_with_exit_1_before_the_cli_is_looked_for(no_cli: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pulumi-was-run"
    fake_pulumi(no_cli, "v3.272.0", marker=marker)  # a CLI that would be found, if anything looked
    code, _, err = run("up", str(refused_stack(tmp_path)), "--env", "prod", "--yes")
    assert code == 1, err
    assert "refused:" in err
    assert "mandatory finding(s) stand; nothing was sent to the Pulumi engine" in err
    assert "eks-serve" in err
    assert not marker.exists(), "the pulumi CLI was run for a refused design"


def test_the_gate_comes_before_the_missing_cli(no_cli: Path, tmp_path: Path) -> None:
    code, _, err = run("up", str(refused_stack(tmp_path)), "--env", "prod")
    assert code == 1  # refused for findings, not exit 2 for the absent CLI
    assert NOT_INSTALLED not in err


def test_a_too_old_cli_exits_2_saying_so(no_cli: Path) -> None:
    fake_pulumi(no_cli, "v3.0.0")
    code, _, err = run("up", EU, "--env", "dev", "--yes")
    assert code == 2
    assert "the pulumi CLI is not usable" in err
    assert "minimum CLI version requirement is 3.1.0, your current CLI version is 3.0.0" in err
    assert "install a current one" in err and OFFLINE_HINT in err


def test_a_too_old_cli_in_home_dot_pulumi_is_reported_too(no_cli: Path) -> None:
    home_bin = Path(os.environ["HOME"]) / ".pulumi" / "bin"
    home_bin.mkdir(parents=True)
    fake_pulumi(home_bin, "v3.0.0")
    code, _, err = run("up", EU, "--env", "dev", "--yes")
    assert code == 2
    assert ".pulumi/bin/pulumi: Minimum version requirement failed" in err


def test_an_unreadable_design_is_exit_2(no_cli: Path, tmp_path: Path) -> None:
    code, _, err = run("up", str(tmp_path / "nowhere"), "--env", "dev", "--yes")
    assert code == 2
    assert "error:" in err and "Traceback" not in err


def test_env_is_required() -> None:
    result = CliRunner().invoke(cli, ["up", EU])
    assert result.exit_code == 2
    assert "--env" in result.stderr


def test_as_a_real_process_it_prints_no_traceback(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "PATH": str(tmp_path), "HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-c", "from aifab.cli.main import main; main()", "up", EU, "--env", "dev"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert NOT_INSTALLED in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("verb", ["up", "destroy"])
def test_without_yes_and_without_a_terminal_it_exits_2_before_the_engine(no_cli: Path, verb: str) -> None:
    fake_pulumi(no_cli, "v3.272.0")  # passes the version check; never asked to do anything else
    code, _, err = run(verb, EU, "--env", "dev")
    assert code == 2
    assert "pass --yes" in err
