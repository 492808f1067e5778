"""The engine: rule outcomes, errors as findings, not-evaluated, discovery by path, purity."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import networkx as nx
import pytest

from aifab.blueprints import DataLake, KeyManagement, KubernetesCluster
from aifab.catalogue import Catalogue
from aifab.design.design import Design
from aifab.errors import InputError
from aifab.graph.build import build_graph
from aifab.policy import (
    PackSet,
    ResourceSubject,
    Rule,
    builtin_policies_dir,
    example,
    fail,
    load_packs,
    passed,
    run_rule,
)
from aifab.policy.engine import frozen_graph, make_context
from aifab.policy.packs import load_rule_file
from aifab.policy.rule import RuleDefinitionError

TODAY = dt.date(2026, 12, 1)


def _ctx(*components: object, **capabilities: object) -> object:
    design = Design(name="t", components=list(components))
    return make_context(
        design,
        frozen_graph(build_graph(design)),
        {},
        catalogue=None,
        capacity=None,
        today=TODAY,
        capabilities=capabilities,
    )


def _rule(check: object, **fields: object) -> Rule:
    defaults: dict[str, object] = dict(
        id="TST-X-001",
        title="A test rule",
        why="Because.",
        severity="high",
        pack="test",
        applies_to=("key_management",),
        check=check,
        passing=(example(KeyManagement(id="k")),),
        failing=(example(KeyManagement(id="k")),),
    )
    defaults.update(fields)
    return Rule(**defaults)  # type: ignore[arg-type]


def test_a_rule_that_raises_becomes_an_error_naming_it() -> None:
    def boom(key: KeyManagement, ctx: object) -> object:
        raise RuntimeError("kaboom")

    results = run_rule(_rule(boom), _ctx(KeyManagement(id="k")))  # type: ignore[arg-type]
    assert [(r.status, r.component) for r in results] == [("error", "k")]
    assert "TST-X-001 raised RuntimeError: kaboom" in results[0].message


def test_a_rule_that_returns_garbage_is_an_error_too() -> None:
    results = run_rule(_rule(lambda k, ctx: "yes"), _ctx(KeyManagement(id="k")))  # type: ignore[arg-type]
    assert results[0].status == "error" and "Verdict" in results[0].message


def test_no_subject_is_not_applicable() -> None:
    results = run_rule(_rule(lambda k, ctx: passed()), _ctx(DataLake(id="lake", encrypted_by="k")))  # type: ignore[arg-type]
    assert [r.status for r in results] == ["not_applicable"]


def test_missing_capability_is_not_evaluated_never_passed() -> None:
    rule = _rule(lambda k, ctx: passed(), requires=("catalogue",))
    results = run_rule(rule, _ctx(KeyManagement(id="k")))  # type: ignore[arg-type]
    assert [r.status for r in results] == ["not_evaluated"]
    assert "catalogue" in results[0].message


def test_design_rules_name_their_components() -> None:
    rule = _rule(lambda d, ctx: [fail("bad", component="k", field="rotation_days")], target="design")
    results = run_rule(rule, _ctx(KeyManagement(id="k")))  # type: ignore[arg-type]
    assert [(r.status, r.component, r.field) for r in results] == [("fail", "k", "rotation_days")]


def test_resource_rules_need_a_recorded_preview() -> None:
    def check(resource: ResourceSubject, ctx: object) -> object:
        return fail("public") if resource.inputs.get("endpointPublicAccess", True) else passed()

    rule = _rule(check, target="resource", applies_to=("aws:eks/cluster:Cluster",))
    ctx = _ctx()
    assert [r.status for r in run_rule(rule, ctx)] == ["not_evaluated"]  # type: ignore[arg-type]
    recorded = [
        ResourceSubject(type="aws:eks/cluster:Cluster", name="a", inputs={"endpointPublicAccess": False}),
        ResourceSubject(type="aws:eks/cluster:Cluster", name="b", inputs={}),
        ResourceSubject(type="aws:s3/bucket:Bucket", name="c"),
    ]
    assert [(r.status, r.component) for r in run_rule(rule, ctx, recorded)] == [("pass", "a"), ("fail", "b")]  # type: ignore[arg-type]


def test_the_graph_rules_see_is_frozen() -> None:
    ctx = _ctx(KeyManagement(id="k"))
    with pytest.raises(nx.NetworkXError):
        ctx.graph.graph.add_node("x")  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        ctx.params["x"] = 1  # type: ignore[attr-defined]


def test_rule_metadata_is_checked() -> None:
    with pytest.raises(RuleDefinitionError, match="id 'bad id'"):
        _rule(lambda k, ctx: passed(), id="bad id")
    with pytest.raises(RuleDefinitionError, match="severity"):
        _rule(lambda k, ctx: passed(), severity="urgent")
    with pytest.raises(RuleDefinitionError, match="passing and one failing example"):
        _rule(lambda k, ctx: passed(), failing=())


def test_loading_twice_gives_new_objects_and_no_side_effects(packs: PackSet) -> None:
    import sys

    before = set(sys.modules)
    again = load_packs(builtin_policies_dir())
    assert again.rules.keys() == packs.rules.keys()
    assert again.rule("SEC-EKS-001") is not packs.rule("SEC-EKS-001")
    assert not {m for m in set(sys.modules) - before if m.startswith("_aifab_rules")}


RULE = """
from aifab.blueprints import KeyManagement
from aifab.policy import Rule, example, passed

rule = Rule(id="{id}", title="T", why="W", severity="low", pack="{pack}", applies_to=("key_management",),
            check=lambda k, ctx: passed(), passing=(example(KeyManagement(id="k")),),
            failing=(example(KeyManagement(id="k")),))
"""


def _pack(root: Path, name: str, rules: dict[str, str]) -> Path:
    folder = root / name
    (folder / "rules").mkdir(parents=True)
    (folder / "pack.yaml").write_text(f"name: {name}\ntitle: Test pack\ndescription: For tests.\n")
    for file, text in rules.items():
        (folder / "rules" / file).write_text(text)
    return folder


def test_duplicate_rule_ids_are_an_error(tmp_path: Path) -> None:
    _pack(tmp_path, "one", {"tst_a_001.py": RULE.format(id="TST-A-001", pack="one")})
    _pack(tmp_path, "two", {"tst_a_001.py": RULE.format(id="TST-A-001", pack="two")})
    with pytest.raises(InputError, match="duplicate rule id 'TST-A-001'"):
        load_packs(tmp_path)


def test_a_duplicate_of_a_builtin_rule_is_an_error(tmp_path: Path) -> None:
    _pack(tmp_path, "mine", {"sec_eks_001.py": RULE.format(id="SEC-EKS-001", pack="mine")})
    with pytest.raises(InputError, match="duplicate rule id 'SEC-EKS-001'"):
        load_packs(builtin_policies_dir(), tmp_path)


@pytest.mark.parametrize(
    ("file", "text", "message"),
    [
        ("tst_a_001.py", "rule = 3\n", "module-level 'rule'"),
        ("tst_a_001.py", "def (:\n", "Python syntax error"),
        ("tst_a_001.py", "raise ValueError('nope')\n", "raised ValueError: nope"),
        ("other_name.py", RULE.format(id="TST-A-001", pack="mine"), "must be named tst_a_001.py"),
        ("tst_a_001.py", RULE.format(id="TST-A-001", pack="elsewhere"), "lives in pack 'mine'"),
        ("tst_a_001.py", RULE.format(id="lower-case", pack="mine"), "must look like"),
    ],
)
def test_bad_rule_modules_name_the_file(tmp_path: Path, file: str, text: str, message: str) -> None:
    _pack(tmp_path, "mine", {file: text})
    with pytest.raises(InputError, match=message) as info:
        load_packs(tmp_path)
    assert file in str(info.value)


def test_pack_name_must_match_its_folder(tmp_path: Path) -> None:
    folder = _pack(tmp_path, "mine", {})
    (folder / "pack.yaml").write_text("name: other\ntitle: Test pack\ndescription: For tests.\n")
    with pytest.raises(InputError, match="must match its folder"):
        load_packs(tmp_path)


def test_a_single_rule_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "tst_a_001.py"
    path.write_text(RULE.format(id="TST-A-001", pack="anything"))
    assert load_rule_file(path).id == "TST-A-001"


def test_example_locations_point_at_the_rule_file(packs: PackSet) -> None:
    example_component = packs.rule("SEC-EKS-001").passing[0].design().components[0]
    assert example_component.location.file is not None
    assert example_component.location.file.endswith("sec_eks_001.py")


def test_component_kinds_in_applies_to_exist(packs: PackSet) -> None:
    from aifab.blueprints import registry

    kinds = set(registry())
    for rule in packs.rules.values():
        if rule.target == "component":
            assert set(rule.applies_to) <= kinds, rule.id


def test_context_queries(catalogue: Catalogue) -> None:
    from aifab.blueprints import Environment, SovereignBoundary

    design = Design(
        name="q",
        components=[
            SovereignBoundary(id="uk", jurisdiction="UK"),
            Environment(id="prod", purpose="production"),
            KeyManagement(id="k", inside="uk"),
            DataLake(id="lake", encrypted_by="k", environment="prod", inside="uk"),
            KubernetesCluster(id="eks", provider="eks", secrets_encrypted_by="k"),
            Environment(id="exp", purpose="experimentation"),
            DataLake(id="scratch", encrypted_by="k", environment="exp", inside="uk"),
        ],
    )
    ctx = make_context(design, frozen_graph(build_graph(design)), {}, catalogue=catalogue, capacity=None, today=TODAY)
    key = ctx.component("k")
    assert key is not None
    assert [c.id for c in ctx.linking(key)] == ["lake", "eks", "scratch"]
    assert [c.id for c in ctx.linking(key, field_name="encrypted_by")] == ["lake", "scratch"]
    assert ctx.is_production(ctx.component("lake"))  # type: ignore[arg-type]
    assert ctx.is_production(ctx.component("eks"))  # type: ignore[arg-type]  # shared: the strictest purpose
    assert not ctx.is_production(ctx.component("scratch"))  # type: ignore[arg-type]
    assert ctx.boundary_of(key).id == "uk"  # type: ignore[union-attr]
    assert ctx.has("catalogue") and not ctx.has("capacity") and not ctx.has("quotas")
