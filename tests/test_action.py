"""The reusable CI integration, as another team's repository uses it: ``action.yml`` and ``.pre-commit-hooks.yaml``.

A throwaway consumer repository is built in tmp_path: its own git repository holding a copy of one
reference stack's files and nothing of aifab's source. The action's run scripts (read from action.yml)
run in it with bash, with the ``GITHUB_*`` files pointing into tmp_path and the aifab already installed
here standing in for the install step; the hooks' entries run in it as pre-commit would run them.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
STACK = ROOT / "stacks" / "eu-sovereign-inference"
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")

pytestmark = pytest.mark.slow


def _action() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return document


def _hooks() -> dict[str, dict[str, Any]]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in hooks}


def _environ(tmp: Path) -> dict[str, str]:
    """This environment with the installed aifab (and its python) first on PATH, and no GitHub variables."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "AIFAB_"))}
    environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environ.get('PATH', '')}"
    environ["HOME"] = str(tmp / "home")
    return environ


@pytest.fixture
def consumer(tmp_path: Path) -> Path:
    """A repository of another team: one stack of its own, its own git history, no aifab source."""
    repo = tmp_path / "platform"
    shutil.copytree(STACK, repo / "stacks" / "inference", ignore=shutil.ignore_patterns("__pycache__"))
    (repo / "README.md").write_text("# our platform\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "our stack"], cwd=repo, check=True)
    assert not list(repo.rglob("lib/aifab")) and not (repo / "action.yml").exists()
    return repo


def run_action(repo: Path, tmp: Path, **inputs: str) -> tuple[int, dict[str, dict[str, str]], str, Path]:
    """Run action.yml's run steps as the runner would; returns the job's exit, step outputs, log and summary file."""
    action = _action()
    values = {name: spec.get("default", "") for name, spec in action["inputs"].items()} | inputs
    runner_temp = tmp / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    summary = tmp / "step-summary.md"
    summary.touch()
    outputs: dict[str, dict[str, str]] = {}

    def evaluate(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            expr = match.group(1)
            if expr.startswith("inputs."):
                return str(values[expr.removeprefix("inputs.")])
            if expr.startswith("steps."):
                step, _, output = expr.removeprefix("steps.").partition(".outputs.")
                return outputs.get(step, {}).get(output, "")
            if expr == "runner.temp":
                return str(runner_temp)
            if expr == "github.action_path":
                return str(ROOT)
            raise AssertionError(f"the test does not evaluate ${{{{ {expr} }}}}")

        return EXPRESSION.sub(one, text)

    log, failed = [], 0
    for step in action["runs"]["steps"]:
        if "run" not in step or step.get("id") in ("install", "pip-cache"):
            continue  # uses: steps are GitHub's; aifab is already installed here
        assert "${{" not in step["run"], f"step {step.get('name')}: inputs reach the script through env, not ${{{{ }}}}"
        output_file = tmp / f"output-{step.get('id', 'step')}"
        output_file.write_text("")
        environ = _environ(tmp) | {
            "GITHUB_WORKSPACE": str(repo),
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_TEMP": str(runner_temp),
            "RUNNER_OS": "Linux",
        }
        environ |= {key: evaluate(str(value)) for key, value in step.get("env", {}).items()}
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=repo,
            env=environ,
            capture_output=True,
            text=True,
            timeout=300,
        )
        log.append(done.stdout + done.stderr)
        if "id" in step:
            outputs[step["id"]] = dict(
                line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line
            )
        failed = failed or done.returncode
    return failed, outputs, "".join(log), summary


def test_the_action_checks_a_consumer_repository(consumer: Path, tmp_path: Path) -> None:
    code, outputs, log, summary = run_action(consumer, tmp_path, paths="stacks", env="prod", sarif="true")
    assert code == 0, log
    assert outputs["check"]["exit-code"] == "0"
    assert summary.read_text().startswith("## aifab check: ✅")
    assert "`eu-sovereign-inference` | prod" in summary.read_text()
    sarif = json.loads(Path(outputs["check"]["sarif-file"]).read_text())
    assert sarif["runs"][0]["invocations"][0]["exitCode"] == 0
    assert "aifab check passed" in log


def test_the_action_reports_an_unusable_design_and_fails_after_writing_everything(
    consumer: Path, tmp_path: Path
) -> None:
    broken = consumer / "stacks" / "typo" / "design.yaml"
    broken.parent.mkdir()
    broken.write_text(
        "api_version: aifab/v1\nname: typo\ncomponents:\n  - kind: site\n    id: london\n    provider: aws\n"
        "    region: eu-west-2\n    regoin: eu-west-1\n"
    )
    code, outputs, log, summary = run_action(consumer, tmp_path, paths="stacks", args="--no-preview")
    assert code == 2 and outputs["check"]["exit-code"] == "2"
    # the usable stack is checked beside the unusable one, and every output names the file and line
    assert "::error file=stacks/typo/design.yaml,line=8,title=aifab%3A unusable input::" in log
    text = summary.read_text()
    assert "`stacks/typo/design.yaml:8`" in text and "`eu-sovereign-inference`" in text
    result = json.loads(Path(outputs["check"]["sarif-file"]).read_text())["runs"][0]["results"][0]
    assert result["ruleId"] == "AIFAB-INPUT"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "stacks/typo/design.yaml"
    assert "::error title=aifab check::a design or policy file cannot be used" in log


def test_the_sarif_upload_is_optional_and_cannot_fail_the_job() -> None:
    steps = {step.get("name", step.get("uses")): step for step in _action()["runs"]["steps"]}
    upload = steps["Upload SARIF to code scanning"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["continue-on-error"] is True and "inputs.sarif == 'true'" in upload["if"]
    assert steps["Install aifab"]["run"] == 'python -m pip install "$GITHUB_ACTION_PATH"'
    assert _action()["inputs"]["sarif"]["default"] == "false"
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "aifab-check.yml").read_text(encoding="utf-8"))
    assert any(step.get("uses") == "./" for step in workflow["jobs"]["check"]["steps"])


def _run_hook(
    hook: dict[str, Any], repo: Path, tmp: Path, args: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """Run a hook's entry as pre-commit does: entry, args, then the matching tracked files (when it takes them)."""
    files: list[str] = []
    if hook.get("pass_filenames", True):
        tracked = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True, check=True)
        files = [f for f in tracked.stdout.splitlines() if re.search(hook.get("files", ""), f)]
    command = [*shlex.split(hook["entry"]), *hook.get("args", []), *args, *files]
    return subprocess.run(command, cwd=repo, env=_environ(tmp), capture_output=True, text=True, timeout=300)


def test_the_check_hook_checks_the_changed_stacks(consumer: Path, tmp_path: Path) -> None:
    hook = _hooks()["aifab-check"]
    done = _run_hook(hook, consumer, tmp_path, ("--env", "prod", "--no-preview"))
    assert done.returncode == 0, done.stderr
    assert "design eu-sovereign-inference [prod]: stacks/inference/design.py" in done.stdout
    assert done.stdout.count("design eu-sovereign-inference") == 1  # every file of the stack, one check

    design = consumer / "stacks" / "inference" / "design.py"
    design.write_text(design.read_text() + "\nraise RuntimeError('half-edited')\n")
    done = _run_hook(hook, consumer, tmp_path, ("--no-preview",))
    assert done.returncode == 2
    assert "stacks/inference/design.py:" in done.stderr and "half-edited" in done.stderr


def test_the_policy_index_hook_passes_without_packs_and_checks_a_repositorys_own(
    consumer: Path, tmp_path: Path
) -> None:
    hook = _hooks()["aifab-policy-index"]
    done = _run_hook(hook, consumer, tmp_path)
    assert done.returncode == 0 and "no policy packs in policies/" in done.stdout

    shutil.copytree(ROOT / "tests" / "report" / "fixtures" / "extra-policies", consumer / "policies")
    done = _run_hook(hook, consumer, tmp_path)
    assert done.returncode == 1 and "docs/policies.md is stale" in done.stderr
    assert "5 passed, 0 failed" in done.stdout  # the repository's own rules' examples ran first
    write = subprocess.run(
        [*shlex.split(hook["entry"]), "--write"], cwd=consumer, env=_environ(tmp_path), capture_output=True, text=True
    )
    assert write.returncode == 0, write.stderr
    assert "TST-ERR-001" in (consumer / "docs" / "policies.md").read_text()
    done = _run_hook(hook, consumer, tmp_path)
    assert done.returncode == 0 and "docs/policies.md is up to date" in done.stdout, done.stderr
