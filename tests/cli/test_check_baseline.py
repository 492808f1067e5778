"""``aifab check --baseline REF``: the pull-request comment says what the change does against the base branch."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from aifab.cli.main import cli

STACK = Path("stacks/eu-sovereign-inference")
ARGS = ["--env", "prod", "--format", "markdown", "--no-preview", "--today", "2026-12-01"]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose base commit holds the EU stack as it is in this repository."""
    shutil.copytree(STACK, tmp_path / STACK.name, ignore=shutil.ignore_patterns("__pycache__"))
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "base")
    return tmp_path


def _override(stack: Path, overrides: dict[str, dict[str, object]]) -> None:
    config = yaml.safe_load((stack / "Pulumi.prod.yaml").read_text())
    config["config"]["aifab:overrides"] = overrides
    (stack / "Pulumi.prod.yaml").write_text(yaml.safe_dump(config))


def test_the_comment_shows_changed_components_findings_and_deltas(repo: Path) -> None:
    stack = repo / STACK.name
    _override(stack, {"eks-serve": {"endpoint_public": True}, "infer": {"node_count": 6}})
    result = CliRunner().invoke(cli, ["check", str(stack), *ARGS, "--baseline", "HEAD"])
    assert result.exit_code == 1  # the change introduces a mandatory finding
    out = result.stdout
    assert "### Changes in `eu-sovereign-inference` against `HEAD`" in out
    assert "changed `eks-serve`, `infer`" in out
    assert "| GPUs | 288 | 304 | +16 |" in out  # two more 8-GPU nodes in the inference pool
    # the public endpoint, and the two new nodes no serving replica can use (max_replicas is 16 x 2 GPUs)
    introduced = out.split("**Findings introduced (2)**")[1]
    assert "`SEC-EKS-001` | `eks-serve` | prod" in introduced
    assert "`capacity:capacity-serving-idle-gpus` | `infer` | prod" in introduced
    assert "Findings fixed" not in out


def test_fixing_a_finding_shows_as_fixed(repo: Path) -> None:
    stack = repo / STACK.name
    _override(stack, {"eks-serve": {"endpoint_public": True}})
    _git(repo, "commit", "-qam", "public endpoint")
    _override(stack, {})
    result = CliRunner().invoke(cli, ["check", str(stack), *ARGS, "--baseline", "HEAD"])
    assert result.exit_code == 0
    assert "**Findings fixed (1)**" in result.stdout and "`SEC-EKS-001`" in result.stdout
    assert "| GPUs | 288 | 288 | no change |" in result.stdout


def test_a_stack_new_in_the_change_is_all_new(repo: Path) -> None:
    shutil.copytree(repo / STACK.name, repo / "copy", ignore=shutil.ignore_patterns("__pycache__"))
    result = CliRunner().invoke(cli, ["check", str(repo / "copy"), *ARGS, "--baseline", "HEAD"])
    assert "_not in HEAD: everything in it is new_" in result.stdout
    assert "added `" in result.stdout


@pytest.mark.parametrize(
    ("where", "ref", "message"),
    [("repo", "no-such-branch", "no such git ref 'no-such-branch'"), ("bare", "HEAD", "not in a git repository")],
)
def test_a_bad_baseline_is_exit_2(
    repo: Path, tmp_path_factory: pytest.TempPathFactory, where: str, ref: str, message: str
) -> None:
    stack = repo / STACK.name
    if where == "bare":
        stack = tmp_path_factory.mktemp("nogit") / STACK.name
        shutil.copytree(STACK, stack, ignore=shutil.ignore_patterns("__pycache__"))
    result = CliRunner().invoke(cli, ["check", str(stack), *ARGS, "--baseline", ref])
    assert result.exit_code == 2
    assert message in result.output
