"""`aifab policy list | test | docs`: the rule index and the test harness for pack authors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from aifab.cli.main import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["policy", *args])
    return result.exit_code, result.stdout, result.stderr


def test_list_text_and_json() -> None:
    code, out, _ = run("list")
    assert code == 0 and "SEC-EKS-001" in out
    code, out, _ = run("list", "--format", "json", "--pack", "energy")
    packs = json.loads(out)["packs"]
    assert [p["name"] for p in packs] == ["energy"]
    assert {r["id"] for r in packs[0]["rules"]} >= {"NRG-PWR-001", "NRG-PUE-001"}


def test_list_markdown_is_the_policy_index() -> None:
    code, out, _ = run("list", "--format", "markdown")
    assert code == 0
    assert out == Path("docs/policies.md").read_text(encoding="utf-8")


def test_the_builtin_examples_pass() -> None:
    code, out, _ = run("test")
    assert code == 0
    assert ", 0 failed" in out.splitlines()[-1]


GOOD_RULE = '''"""ACME-NET-001: networks are not called default."""

from aifab.blueprints import Network
from aifab.policy import Rule, example, fail, passed


def check(network, ctx):
    return fail("named default", field="id") if network.id == "default" else passed()


rule = Rule(
    id="ACME-NET-001",
    title="Networks are not called default",
    why="Default networks are a smell.",
    severity="low",
    pack="acme",
    applies_to=("network",),
    check=check,
    passing=(example(Network(id="core", provider="aws", cidr="10.0.0.0/16")),),
    failing=(example(Network(id={failing_id!r}, provider="aws", cidr="10.0.0.0/16")),),
)
'''


def _user_pack(root: Path, failing_id: str) -> Path:
    pack = root / "acme"
    (pack / "rules").mkdir(parents=True)
    (pack / "pack.yaml").write_text("name: acme\ntitle: ACME rules\ndescription: House rules.\n")
    (pack / "rules" / "acme_net_001.py").write_text(GOOD_RULE.format(failing_id=failing_id))
    return root


def test_users_test_their_own_rules(tmp_path: Path) -> None:
    code, out, _ = run("test", str(_user_pack(tmp_path, "default")))
    assert code == 0
    assert "ACME-NET-001[failing 1]: fail" in out and "SEC-EKS-001" not in out


def test_a_wrong_verdict_exits_1(tmp_path: Path) -> None:
    code, out, _ = run("test", str(_user_pack(tmp_path, "other")))
    assert code == 1
    assert "FAILED ACME-NET-001[failing 1]" in out and "expected fail, got pass" in out


def test_a_single_rule_file(tmp_path: Path) -> None:
    path = _user_pack(tmp_path, "default") / "acme" / "rules" / "acme_net_001.py"
    code, out, _ = run("test", str(path), "--format", "json")
    assert code == 0
    assert [r["example"] for r in json.loads(out)] == ["ACME-NET-001[passing 1]", "ACME-NET-001[failing 1]"]


def test_a_broken_rule_exits_2(tmp_path: Path) -> None:
    root = _user_pack(tmp_path, "default")
    (root / "acme" / "rules" / "acme_net_001.py").write_text("rule = None\n")
    code, _, err = run("test", str(root))
    assert code == 2 and "module-level 'rule'" in err


def test_docs_check(tmp_path: Path) -> None:
    assert run("docs", "--check", "--output", "docs/policies.md")[0] == 0
    stale = tmp_path / "policies.md"
    stale.write_text("old\n")
    code, _, err = run("docs", "--check", "--output", str(stale))
    assert code == 1 and "stale" in err
    assert run("docs", "--output", str(stale))[0] == 0
    assert stale.read_text() == Path("docs/policies.md").read_text()
