"""Hostile input files: FIFOs, devices, oversized and deeply nested files, impossible paths.

Every reader (designs, catalogue overrides, policy and waiver files, stack overlays) goes through
``aifab.design.yamlsource.read_input_text``: what is refused there is refused everywhere, with exit 2.
The FIFO tests run the CLI in a child process with a timeout, so a regression hangs nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from aifab.cli.main import cli
from aifab.design.yamlsource import MAX_DEPTH, read_input_text, read_yaml
from aifab.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "docs/examples/minimal.yaml"
GOOD = ROOT / "tests/policy/fixtures/good.yaml"
TODAY = ("--today", "2026-12-01")
AIFAB = [sys.executable, "-c", "from aifab.cli.main import main; main()"]

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.output


def run_child(*args: str) -> tuple[int, str]:
    """The CLI in a child process: a FIFO opened by mistake blocks, and the timeout ends the test."""
    done = subprocess.run([*AIFAB, *args], capture_output=True, text=True, timeout=60, cwd=ROOT)
    return done.returncode, done.stdout + done.stderr


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def assert_input_error(code: int, output: str, *words: str) -> None:
    assert code == 2, output
    assert "Traceback" not in output and "internal error" not in output, output
    for word in words:
        assert word in output, output


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@needs_fifo
def test_a_fifo_design_is_refused_without_opening_it(fifo: Path) -> None:
    assert_input_error(*run_child("validate", str(fifo)), "FIFO")


@needs_fifo
def test_a_symlink_to_a_fifo_is_refused(fifo: Path, tmp_path: Path) -> None:
    link = tmp_path / "design.yaml"
    link.symlink_to(fifo)
    assert_input_error(*run_child("validate", str(link)), "FIFO")


@needs_fifo
@pytest.mark.parametrize("option", ["--catalogue", "--policy-config", "--waivers"])
def test_a_fifo_as_catalogue_policy_or_waivers_is_refused(fifo: Path, option: str) -> None:
    command = ["validate", str(MINIMAL)] if option == "--catalogue" else ["check", str(GOOD), *TODAY]
    assert_input_error(*run_child(*command, option, str(fifo)), "FIFO")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_symlink_to_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "design.yaml"
    link.symlink_to("/dev/zero")
    assert_input_error(*run_child("validate", str(link)), "device")


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    design = tmp_path / "design.yaml"
    shutil.copy(MINIMAL, design)
    code, output = run("validate", str(design), env={"AIFAB_MAX_INPUT_BYTES": "100"})
    assert_input_error(code, output, "too large", "AIFAB_MAX_INPUT_BYTES")
    assert run("validate", str(design), env={"AIFAB_MAX_INPUT_BYTES": "1000000"})[0] == 0


@pytest.mark.parametrize("levels", [MAX_DEPTH + 50, 1000])
def test_deep_nesting_in_a_design_is_a_located_error(tmp_path: Path, levels: int) -> None:
    design = tmp_path / "design.yaml"
    design.write_text(f"name: deep\ncomponents: []\nlabels:\n  x: {deep(levels)}\n")
    assert_input_error(*run("validate", str(design)), "design.yaml:4", "nest")


@pytest.mark.parametrize("levels", [MAX_DEPTH + 50, 1000])
def test_deep_nesting_in_a_catalogue_override_is_a_located_error(tmp_path: Path, levels: int) -> None:
    overrides = tmp_path / "catalogue.yaml"
    overrides.write_text(f"instance_types:\n  p5.48xlarge:\n    prices: {deep(levels)}\n")
    assert_input_error(*run("validate", str(MINIMAL), "--catalogue", str(overrides)), "catalogue.yaml:3", "nest")


@pytest.mark.parametrize("option", ["--policy-config", "--waivers"])
@pytest.mark.parametrize("levels", [MAX_DEPTH + 50, 1000])
def test_deep_nesting_in_policy_and_waiver_files_is_a_located_error(tmp_path: Path, option: str, levels: int) -> None:
    file = tmp_path / "deep.yaml"
    file.write_text(f"x:\n  - {deep(levels)}\n")
    code, output = run("check", str(GOOD), *TODAY, option, str(file))
    assert_input_error(code, output, "deep.yaml:2", "nest")


def test_deep_nesting_in_a_stack_overlay_is_a_located_error(tmp_path: Path) -> None:
    stack = tmp_path / "stack"
    stack.mkdir()
    shutil.copy(MINIMAL, stack / "design.yaml")
    (stack / "Pulumi.yaml").write_text("name: stack\nruntime: python\n")
    (stack / "Pulumi.dev.yaml").write_text(f"config:\n  x: {deep(MAX_DEPTH + 50)}\n")
    code, output = run("validate", str(stack), "--env", "dev")
    assert_input_error(code, output, "Pulumi.dev.yaml:2", "nest")


def test_aliases_count_towards_the_depth_limit() -> None:
    levels = ["a0: &a0 []"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, MAX_DEPTH + 10)]
    with pytest.raises(InputError, match="nested too deeply"):
        read_yaml("\n".join(levels) + "\n", "aliases.yaml")


def test_nesting_within_the_limit_is_read() -> None:
    data, _ = read_yaml(f"x: {deep(MAX_DEPTH - 5)}\n", "ok.yaml")
    assert isinstance(data["x"], list)


def test_a_path_too_long_for_the_file_system_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / ("a" * 5000 + ".yaml")
    assert_input_error(*run("validate", str(path)), "too long")
    assert_input_error(*run("validate", str(MINIMAL), "--catalogue", str(path)), "too long")
    with pytest.raises(InputError, match="too long"):
        read_input_text(path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root enters every folder")
def test_a_folder_that_cannot_be_entered_is_an_input_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    shutil.copy(MINIMAL, locked / "design.yaml")
    locked.chmod(0)
    try:
        assert_input_error(*run("validate", str(locked / "design.yaml")), "permission denied")
    finally:
        locked.chmod(0o700)


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory"):
        read_input_text(tmp_path)
