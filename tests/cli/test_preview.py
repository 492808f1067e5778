"""``aifab preview``: the offline plan of a stack, deterministic, with secrets masked, needing no network
and no credentials."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from aifab.cli.main import cli
from aifab.preview.plan import Plan

STACK = Path("stacks/eu-sovereign-inference")
TODAY = ["--today", "2026-12-01"]


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["preview", *args], catch_exceptions=False)


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name / STACK.name
    shutil.copytree(STACK, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_plans_are_byte_identical_across_runs_and_folders(tmp_path: Path) -> None:
    first, second = _copy(tmp_path, "a"), _copy(tmp_path, "b")
    assert _run(str(first), "--env", "dev", "--out", str(tmp_path / "out-a"), *TODAY).exit_code == 0
    assert _run(str(second), "--env", "dev", "--out", str(tmp_path / "out-b"), *TODAY).exit_code == 0
    for name in ("plan.json", "graph.json", "summary.txt"):
        a, b = ((tmp_path / out / name).read_bytes() for out in ("out-a", "out-b"))
        assert a == b, name
        assert str(tmp_path).encode() not in a and b"/work/" not in a, f"{name} holds an absolute path"
    plan = Plan.load(tmp_path / "out-a" / "plan.json")
    assert plan.stack == "dev" and plan.design == "eu-sovereign-inference"
    assert len(plan.created()) > 40


def test_preview_opens_no_connection_and_needs_no_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "KUBECONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.aws, no ~/.kube, no ~/.pulumi
    attempts: list[object] = []

    def refuse(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(address)
            raise OSError("network access attempted during an offline preview")
        return original(self, address)  # the SDK's local gRPC plumbing (unix sockets) stays allowed

    original = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(socket.socket(), a[0]))
    result = _run(str(STACK), "--env", "prod", *TODAY)
    assert result.exit_code == 0, result.output
    assert attempts == []
    assert "aws:eks/cluster:Cluster" in result.output


def test_a_known_secret_never_reaches_the_plan_graph_summary_or_output(tmp_path: Path) -> None:
    stack = tmp_path / "uk"
    shutil.copytree("stacks/uk-sovereign-training", stack, ignore=shutil.ignore_patterns("__pycache__"))
    config = yaml.safe_load((stack / "Pulumi.prod.yaml").read_text())
    known = "KNOWN-SECRET-4b1d"
    config["config"]["aifab:train-k8s-kubeconfig"] = known
    (stack / "Pulumi.prod.yaml").write_text(yaml.safe_dump(config))
    result = _run(str(stack), "--env", "prod", "--out", str(tmp_path / "out"), "--format", "json", *TODAY)
    assert result.exit_code == 0
    assert known not in result.output
    for file in (tmp_path / "out").iterdir():
        assert known not in file.read_text(), file.name
    plan = Plan.load(tmp_path / "out" / "plan.json")
    provider = next(r for r in plan.resources if r.name == "k8s-train-k8s")
    assert provider.inputs["kubeconfig"] == "[secret]" and "kubeconfig" in provider.secret_paths


def test_a_refused_design_exits_1_with_the_findings_and_writes_no_plan(tmp_path: Path) -> None:
    stack = _copy(tmp_path, "bad")
    config = yaml.safe_load((stack / "Pulumi.prod.yaml").read_text())
    config["config"]["aifab:overrides"] = {"eks-serve": {"endpoint_public": True}}
    (stack / "Pulumi.prod.yaml").write_text(yaml.safe_dump(config))
    result = _run(str(stack), "--env", "prod", "--out", str(tmp_path / "out"), *TODAY)
    assert result.exit_code == 1
    assert "SEC-EKS-001" in result.output and "nothing was registered" in result.output
    assert not (tmp_path / "out" / "plan.json").exists()


def test_several_environments_go_to_one_folder_each(tmp_path: Path) -> None:
    result = _run(str(STACK), "--out", str(tmp_path), "--format", "json", *TODAY)
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dev", "prod"]
    assert [entry["env"] for entry in json.loads(result.output)] == ["dev", "prod"]
    graph = json.loads((tmp_path / "prod" / "graph.json").read_text())
    relations = {link["relation"] for link in graph["links"]}
    assert {"parent", "provider", "depends_on"} <= relations and any(r.startswith("input:") for r in relations)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["docs"], "not a stack folder"),
        ([str(STACK), "--env", "staging"], "no stack 'staging' here; known: dev, prod"),
        ([str(STACK), "--baseline", "x.json"], "a baseline is one environment's plan: give --env"),
        ([str(STACK), "--env", "dev", "--baseline", "missing.json"], "missing.json: no such plan file"),
        ([str(STACK), "--env", "dev", "--baseline", "README.md"], "README.md:1: not JSON"),
    ],
)
def test_unusable_input_exits_2_with_a_clear_message(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["preview", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_engine_preview_without_the_pulumi_cli_says_so_and_points_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no pulumi on PATH
    monkeypatch.setenv("HOME", str(tmp_path))  # and none in ~/.pulumi/bin
    result = CliRunner().invoke(cli, ["preview", str(STACK), "--env", "dev", "--engine", *TODAY])
    assert result.exit_code == 2
    assert "the pulumi CLI is not installed" in result.output
    assert f"aifab preview {STACK} --env dev" in result.output  # the offline way


EXTRAS = "tests/report/fixtures/extra-policies"


def test_check_previews_a_stack_and_a_resource_level_violation_fails_it(tmp_path: Path) -> None:
    stack = _copy(tmp_path, "public")
    config = yaml.safe_load((stack / "Pulumi.prod.yaml").read_text())
    config["config"]["aifab:overrides"] = {"eks-serve": {"endpoint_public": True}}
    (stack / "Pulumi.prod.yaml").write_text(yaml.safe_dump(config))
    args = ["check", str(stack), "--env", "prod", "--policies", EXTRAS, "--pack", "test-extras", "--format", "json"]
    result = CliRunner().invoke(cli, [*args, *TODAY])
    assert result.exit_code == 1  # only the resource-level rule runs: it judged the recorded cluster
    findings = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "TST-RES-001"]
    failing = [f for f in findings if f["status"] == "fail"]
    assert [(f["component"], f["environment"]) for f in failing] == [("eks-serve", "prod")]
    assert failing[0]["message"].startswith("Cluster eks-serve:")
    assert {f["component"] for f in findings if f["status"] == "pass"} == {"eks-train"}
    offline = CliRunner().invoke(cli, [*args, "--no-preview", *TODAY])
    assert offline.exit_code == 0
    (skipped,) = [f for f in json.loads(offline.stdout)["findings"] if f["rule_id"] == "TST-RES-001"]
    assert skipped["status"] == "not_evaluated"


def test_baseline_shows_what_a_design_change_updates_and_replaces(tmp_path: Path) -> None:
    stack = _copy(tmp_path, "change")
    approved = tmp_path / "approved"
    assert _run(str(stack), "--env", "dev", "--out", str(approved), *TODAY).exit_code == 0
    config = yaml.safe_load((stack / "Pulumi.dev.yaml").read_text())
    config["config"]["aifab:overrides"].setdefault("explore", {})["instance_type"] = "p5.48xlarge"
    (stack / "Pulumi.dev.yaml").write_text(yaml.safe_dump(config))
    changed = tmp_path / "changed"
    baseline = str(approved / "plan.json")
    result = _run(str(stack), "--env", "dev", "--out", str(changed), "--baseline", baseline, *TODAY)
    assert result.exit_code == 0, result.output
    assert 'instanceTypes[0]: "p5en.48xlarge" -> "p5.48xlarge" [replace]' in result.output
    assert "[STATEFUL]" in result.output
    diff = json.loads((changed / "diff.json").read_text())
    assert diff == json.loads(json.dumps(diff, sort_keys=True))  # plain JSON, written sorted
    replaced = [r for r in diff["resources"] if r["action"] == "replace"]
    assert [r["urn"].rsplit("::", 1)[-1] for r in replaced] == ["explore-ng"]
