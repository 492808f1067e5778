"""Plan diffs: what a design change does to the resources, judged against the sourced replacement table."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pytest
import yaml
from click.testing import CliRunner

from aifab.cli.main import cli
from aifab.preview.capture import run_function, run_program
from aifab.preview.diff import (
    REPLACEMENT_TABLE,
    STATEFUL_MARK,
    diff_plans,
    render_text,
    to_json,
)
from aifab.preview.plan import Plan, PlannedResource, ResourceOptions

REPO = Path(__file__).resolve().parents[2]
EU = REPO / "stacks" / "eu-sovereign-inference"
FSX = "aws:fsx/lustreFileSystem:LustreFileSystem"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"


def _stack_plan(stack_dir: Path) -> Plan:
    return Plan.from_capture(run_program(stack_dir, "dev"), design="eu-sovereign-inference")


@pytest.fixture(scope="module")
def changed_stack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the EU stack after a design change, through its dev overrides: the experimentation file
    system moves from the 250 to the 500 MB/s/TiB tier and the GPU pool from p5en.48xlarge to p5.48xlarge."""
    changed = tmp_path_factory.mktemp("changed") / "eu-sovereign-inference"
    shutil.copytree(EU, changed)
    config_file = changed / "Pulumi.dev.yaml"
    config = yaml.safe_load(config_file.read_text())
    overrides = config["config"]["aifab:overrides"]
    overrides.setdefault("explore", {})["instance_type"] = "p5.48xlarge"
    overrides.setdefault("exp-fsx", {})["per_unit_throughput_mbps_per_tib"] = 500
    config_file.write_text(yaml.safe_dump(config))
    return changed


@pytest.fixture(scope="module")
def eu_plans(changed_stack: Path) -> Iterator[tuple[Plan, Plan]]:
    """The EU stack's approved dev plan and the plan after the design change."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIFAB_TODAY", "2026-12-01")
        yield _stack_plan(EU), _stack_plan(changed_stack)


def test_the_changed_design_is_still_acceptable(changed_stack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIFAB_TODAY", "2026-12-01")
    result = CliRunner().invoke(cli, ["check", str(changed_stack), "--env", "dev"])
    assert result.exit_code == 0, result.output
    assert "result: passed" in result.output


def test_a_design_change_updates_the_file_system_and_replaces_the_gpu_node_group(eu_plans: tuple[Plan, Plan]) -> None:
    old, new = eu_plans
    diff = diff_plans(old, new)

    fsx = diff.find(FSX, "exp-fsx")
    assert fsx.action == "update"
    tier = {c.path: c for c in fsx.changes}["perUnitStorageThroughput"]
    assert (tier.old, tier.new, tier.verdict) == (250, 500, "update")
    assert "#34932" in tier.reason  # the provider changelog entry that made the tier updatable in place
    assert not fsx.loses_data

    pool = diff.find(NODE_GROUP, "explore-ng")
    assert pool.action == "replace"
    instance = {c.path: c for c in pool.changes}["instanceTypes[0]"]
    assert (instance.old, instance.new, instance.verdict) == ("p5en.48xlarge", "p5.48xlarge", "replace")
    assert "node_group.go" in instance.reason
    assert pool.stateful.startswith("GPU nodes")
    assert [r.urn for r in diff.stateful_replacements] == [pool.urn]

    template = diff.find(LAUNCH_TEMPLATE, "explore-lt")
    assert template.action == "update"
    assert "networkInterfaces" in {c.path for c in template.changes}  # p5 has 32 EFA interfaces, p5en 16

    # Nothing else is replaced, and the cluster, keys and lake are untouched.
    assert {r.urn for r in diff.resources if r.action in ("replace", "may replace")} == {pool.urn}
    assert diff.find("aws:eks/cluster:Cluster", "eks-exp").action == "same"
    assert diff.find("aws:kms/key:Key", "kms-exp-key").action == "same"
    assert diff.counts()["create"] == diff.counts()["delete"] == 0

    text = render_text(diff)
    assert text.index("1 to replace") < text.index("Updates (")  # counts come first
    assert f"{STATEFUL_MARK} replace: {NODE_GROUP} explore-ng (explore)" in text
    assert "perUnitStorageThroughput: 250 -> 500" in text
    assert 'instanceTypes[0]: "p5en.48xlarge" -> "p5.48xlarge" [replace]' in text
    assert "component exp-fsx:" in text

    data = to_json(diff)
    assert data["stateful_replacements"] == [pool.urn]
    assert json.dumps(data, sort_keys=True) == json.dumps(to_json(diff_plans(old, new)), sort_keys=True)
    assert [r["urn"] for r in data["resources"]] == sorted(r["urn"] for r in data["resources"])


def test_identical_plans_and_a_plan_file_round_trip_show_no_changes(
    eu_plans: tuple[Plan, Plan], tmp_path: Path
) -> None:
    old, _ = eu_plans
    same = diff_plans(old, old)
    assert not same.has_changes
    registered = [r for r in old.resources if r.operation == "create"]  # components and providers included
    assert same.counts() == {
        **dict.fromkeys(("create", "update", "replace", "may replace", "delete"), 0),
        "same": len(registered),
    }
    assert render_text(same).endswith("no changes\n")
    assert to_json(same)["resources"] == []

    path = tmp_path / "plan.json"
    path.write_text(old.to_json())
    assert not diff_plans(Plan.load(path), old).has_changes
    assert not diff_plans(old, Plan.load(path)).has_changes


def test_a_removed_component_is_deleted_and_its_file_system_is_called_out(eu_plans: tuple[Plan, Plan]) -> None:
    old, _ = eu_plans
    without = old.model_copy(update={"resources": tuple(r for r in old.resources if r.component != "exp-fsx")})
    removed = {r.urn for r in old.resources if r.component == "exp-fsx" and r.custom}
    assert removed

    diff = diff_plans(old, without)
    assert {r.urn for r in diff.by_action("delete")} >= removed
    fsx = diff.find(FSX, "exp-fsx")
    assert fsx.action == "delete" and fsx.stateful == "a file system"
    assert fsx in diff.stateful_replacements
    text = render_text(diff)
    assert f"{STATEFUL_MARK} delete: {FSX} exp-fsx (exp-fsx): a file system" in text
    assert "Deletes (" in text

    back = diff_plans(without, old)
    assert {r.urn for r in back.by_action("create")} >= removed
    assert not back.stateful_replacements  # creating loses nothing


def _plan(program: Callable[[], None]) -> Plan:
    return Plan.from_capture(run_function(program, project="p", stack="s"))


def _database(secret_password: str | None = None, **changes: Any) -> Callable[[], None]:
    args: dict[str, Any] = {
        "instance_class": "db.r6g.large",
        "engine": "postgres",
        "allocated_storage": 100,
        "username": "app",
        "storage_encrypted": True,
        **changes,
    }

    def program() -> None:
        extra: dict[str, Any] = {} if secret_password is None else {"password": pulumi.Output.secret(secret_password)}
        aws.rds.Instance("db", **args, **extra)

    return program


def test_a_secret_input_change_shows_no_value() -> None:
    old = _plan(_database())
    new = _plan(_database(secret_password="hunter2-very-secret"))
    diff = diff_plans(old, new)

    db = diff.find("aws:rds/instance:Instance", "db")
    change = {c.path: c for c in db.changes}["password"]
    assert change.secret and change.shown() == "[secret] changed"
    assert db.action == "update"  # the password is set in place (ModifyDBInstance)
    text, data = render_text(diff), json.dumps(to_json(diff))
    assert "password: [secret] changed" in text
    for output in (text, data, repr(diff)):
        assert "hunter2" not in output


def test_forcenew_properties_replace_and_unknown_ones_of_a_stateful_type_may_replace() -> None:
    old = _plan(_database())

    encrypted = diff_plans(old, _plan(_database(storage_encrypted=False)))
    db = encrypted.find("aws:rds/instance:Instance", "db")
    assert db.action == "replace"
    assert any("storageEncrypted forces a new resource" in r for r in db.reasons)
    assert [r.name for r in encrypted.stateful_replacements] == ["db"]

    unknown = diff_plans(old, _plan(_database(network_type="DUAL")))
    db = unknown.find("aws:rds/instance:Instance", "db")
    assert db.action == "may replace"
    assert any("networkType is not in aifab's replacement table" in r for r in db.reasons)
    assert unknown.stateful_replacements == (db,)

    bigger = diff_plans(old, _plan(_database(instance_class="db.r6g.xlarge", allocated_storage=200)))
    assert bigger.find("aws:rds/instance:Instance", "db").action == "update"
    assert not bigger.stateful_replacements


def _lustre(capacity: int, multi_region: bool = False) -> Callable[[], None]:
    def program() -> None:
        key = aws.kms.Key("key", multi_region=multi_region)
        aws.fsx.LustreFileSystem(
            "fs",
            deployment_type="PERSISTENT_2",
            per_unit_storage_throughput=250,
            storage_capacity=capacity,
            subnet_ids="subnet-1",
            kms_key_id=key.arn,
        )

    return program


def test_file_system_capacity_grows_in_place_shrinks_by_replacement_and_follows_its_key() -> None:
    base = _plan(_lustre(2400))
    assert diff_plans(base, _plan(_lustre(4800))).find(FSX, "fs").action == "update"

    shrink = diff_plans(base, _plan(_lustre(1200))).find(FSX, "fs")
    assert shrink.action == "replace"
    assert any("storageCapacity" in r and "shrinks" in r for r in shrink.reasons)

    # A multi-Region key is a new key (multiRegion forces a new resource); the file system's kmsKeyId comes
    # from it and is unknown until apply, so the file system may be replaced too.
    rekeyed = diff_plans(base, _plan(_lustre(2400, multi_region=True)))
    assert rekeyed.find("aws:kms/key:Key", "key").action == "replace"
    fs = rekeyed.find(FSX, "fs")
    assert fs.action == "may replace"
    kms = {c.path: c for c in fs.changes}["kmsKeyId"]
    assert kms.uncertain and kms.verdict == "may replace" and "Key key" in kms.reason
    assert {r.name for r in rekeyed.stateful_replacements} == {"key", "fs"}


def test_type_change_and_replace_on_changes_replace_option_changes_update() -> None:
    def before() -> None:
        k8s.core.v1.ConfigMap("settings", metadata={"name": "settings", "namespace": "ml"}, data={"a": "1"})
        aws.ec2.SecurityGroup("sg", description="one", opts=pulumi.ResourceOptions(replace_on_changes=["description"]))
        aws.s3.Bucket("lake")

    def after() -> None:
        k8s.core.v1.Secret("settings", metadata={"name": "settings", "namespace": "ml"}, string_data={"a": "1"})
        aws.ec2.SecurityGroup("sg", description="two", opts=pulumi.ResourceOptions(replace_on_changes=["description"]))
        aws.s3.Bucket("lake", opts=pulumi.ResourceOptions(protect=True, retain_on_delete=True))

    diff = diff_plans(_plan(before), _plan(after))
    retyped = diff.find("kubernetes:core/v1:Secret", "settings")
    assert retyped.action == "replace"
    assert retyped.old_urn is not None and retyped.old_urn.endswith("kubernetes:core/v1:ConfigMap::settings")
    assert "type changed" in retyped.reasons[0]
    assert not [r for r in diff.resources if r.action in ("create", "delete")]

    sg = diff.find("aws:ec2/securityGroup:SecurityGroup", "sg")
    assert sg.action == "replace"
    assert "replace_on_changes lists 'description'" in sg.reasons[0]

    lake = diff.find("aws:s3/bucket:Bucket", "lake")
    assert lake.action == "update" and not lake.changes
    assert {(o.name, o.old, o.new) for o in lake.options} == {("protect", None, True), ("retain_on_delete", None, True)}
    assert "option protect: (absent) -> true" in render_text(diff)


def test_a_changed_provider_may_replace() -> None:
    def program(region: str) -> Callable[[], None]:
        def run() -> None:
            provider = aws.Provider(f"aws-{region}", region=region)
            aws.s3.Bucket("logs", opts=pulumi.ResourceOptions(provider=provider))

        return run

    diff = diff_plans(_plan(program("eu-north-1")), _plan(program("eu-west-1")))
    bucket = diff.find("aws:s3/bucket:Bucket", "logs")
    assert bucket.action == "may replace"
    assert bucket.provider is not None and bucket.provider[1] is not None
    assert bucket.provider[1].endswith("::aws-eu-west-1")
    assert bucket in diff.stateful_replacements


def _resource(urn_name: str, type_: str, inputs: dict[str, Any], **kw: Any) -> PlannedResource:
    return PlannedResource(urn=f"urn:pulumi:s::p::{type_}::{urn_name}", type=type_, name=urn_name, inputs=inputs, **kw)


def _one(*resources: PlannedResource) -> Plan:
    return Plan(project="p", stack="s", resources=resources)


@pytest.mark.parametrize(
    ("type_", "before", "after", "action"),
    [
        ("aws:s3/bucket:Bucket", {"bucket": "a"}, {"bucket": "b"}, "replace"),
        ("aws:s3/bucket:Bucket", {"objectLockEnabled": False}, {"objectLockEnabled": True}, "replace"),
        ("aws:s3/bucket:Bucket", {"tags": {"a": "1"}}, {"tags": {"a": "2"}}, "update"),
        ("aws:eks/cluster:Cluster", {"name": "a"}, {"name": "b"}, "replace"),
        ("aws:eks/cluster:Cluster", {"vpcConfig": {"subnetIds": ["a"]}}, {"vpcConfig": {"subnetIds": ["b"]}}, "update"),
        ("aws:eks/cluster:Cluster", {"encryptionConfig": {"resources": ["secrets"]}}, {}, "may replace"),
        (
            "aws:eks/nodeGroup:NodeGroup",
            {"scalingConfig": {"desiredSize": 1}},
            {"scalingConfig": {"desiredSize": 2}},
            "update",
        ),
        ("aws:eks/nodeGroup:NodeGroup", {"capacityType": "ON_DEMAND"}, {"capacityType": "CAPACITY_BLOCK"}, "replace"),
        ("aws:opensearch/domain:Domain", {"domainName": "a"}, {"domainName": "b"}, "replace"),
        (
            "aws:opensearch/domain:Domain",
            {"encryptAtRest": {"enabled": True}},
            {"encryptAtRest": {"enabled": False}},
            "replace",
        ),
        (
            "aws:opensearch/domain:Domain",
            {"engineVersion": "OpenSearch_2.11"},
            {"engineVersion": "OpenSearch_2.13"},
            "may replace",
        ),
        ("aws:kms/key:Key", {"enableKeyRotation": False}, {"enableKeyRotation": True}, "update"),
        ("aws:kms/key:Key", {"keyUsage": "ENCRYPT_DECRYPT"}, {"keyUsage": "SIGN_VERIFY"}, "replace"),
        ("aws:ec2/launchTemplate:LaunchTemplate", {"imageId": "ami-1"}, {"imageId": "ami-2"}, "update"),
        ("aws:ec2/launchTemplate:LaunchTemplate", {"name": "a"}, {"name": "b"}, "replace"),
        (
            "kubernetes:core/v1:PersistentVolumeClaim",
            {"spec": {"storageClassName": "a"}},
            {"spec": {"storageClassName": "b"}},
            "replace",
        ),
        (
            "kubernetes:core/v1:PersistentVolumeClaim",
            {"spec": {"resources": {"requests": {"storage": "1Gi"}}}},
            {"spec": {"resources": {"requests": {"storage": "2Gi"}}}},
            "update",
        ),
        ("kubernetes:core/v1:ConfigMap", {"metadata": {"namespace": "a"}}, {"metadata": {"namespace": "b"}}, "replace"),
        ("aws:ec2/securityGroup:SecurityGroup", {"ingress": []}, {"ingress": [{"fromPort": 443}]}, "update"),
    ],
)
def test_the_replacement_table_decides(type_: str, before: dict[str, Any], after: dict[str, Any], action: str) -> None:
    diff = diff_plans(_one(_resource("r", type_, before)), _one(_resource("r", type_, after)))
    assert diff.find(type_, "r").action == action


def test_ignore_changes_hides_a_change_and_unknown_on_both_sides_is_unchanged() -> None:
    opts = ResourceOptions(ignore_changes=("tags",))
    old = _resource("b", "aws:s3/bucket:Bucket", {"tags": {"a": "1"}, "bucket": "[unknown]"}, unknown_paths=("bucket",))
    new = _resource(
        "b",
        "aws:s3/bucket:Bucket",
        {"tags": {"a": "2"}, "bucket": "[unknown]"},
        unknown_paths=("bucket",),
        options=opts,
    )
    diff = diff_plans(_one(old), _one(new))
    bucket = diff.find("aws:s3/bucket:Bucket", "b")
    assert bucket.ignored == ("tags.a",)
    assert bucket.action == "update"  # only the option changed
    assert [o.name for o in bucket.options] == ["ignore_changes"]


def test_every_table_entry_names_its_source() -> None:
    for type_, rules in REPLACEMENT_TABLE.items():
        for prop, rule in rules.properties.items():
            assert rule.source.startswith(("hashicorp/terraform-provider-aws", "pulumi/pulumi-kubernetes")), (
                type_,
                prop,
            )
            if rule.verdict == "may replace" or rule.replace_if:
                assert rule.note, (type_, prop)
