"""The offline recorder: what the mock monitor captures is what the engine would see."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pytest

from aifab.preview.capture import UNKNOWN, ProgramFailed, plain, run_function


class _Box(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("test:area:Box", name, None)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"bucket": self.bucket.bucket})


def test_urns_keep_the_whole_parent_type_chain_and_parents_are_recorded() -> None:
    def program() -> None:
        outer = _Box("outer")
        aws.s3.BucketPolicy(
            "policy",
            bucket=outer.bucket.id,
            policy=json.dumps({"Version": "2012-10-17", "Statement": []}),
            opts=pulumi.ResourceOptions(parent=outer.bucket),
        )

    capture = run_function(program, project="p", stack="s")
    policy = capture.one("aws:s3/bucketPolicy:BucketPolicy", "policy")
    assert policy.urn == "urn:pulumi:s::p::test:area:Box$aws:s3/bucket:Bucket$aws:s3/bucketPolicy:BucketPolicy::policy"
    bucket = capture.one("aws:s3/bucket:Bucket", "outer-bucket")
    assert policy.parent == bucket.urn
    assert capture.children("urn:pulumi:s::p::test:area:Box::outer") == [bucket]
    assert policy.property_dependencies["bucket"] == (bucket.urn,)
    assert bucket.urn in policy.dependencies


def test_duplicate_urns_fail_as_in_the_engine() -> None:
    def program() -> None:
        aws.s3.Bucket("same")
        aws.s3.Bucket("same")

    with pytest.raises(ProgramFailed, match="Duplicate resource URN"):
        run_function(program, project="p", stack="s")


def test_resources_created_inside_apply_are_reported() -> None:
    def program() -> None:
        bucket = aws.s3.Bucket("b")
        bucket.bucket.apply(lambda name: aws.s3.BucketPolicy("late", bucket=name, policy="{}"))

    capture = run_function(program, project="p", stack="s", preview=False)
    assert capture.created_in_apply == ["aws:s3/bucketPolicy:BucketPolicy::late"]


def test_preview_leaves_computed_outputs_unknown_and_resolve_fabricates_them() -> None:
    def program() -> None:
        vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
        aws.ec2.Subnet("subnet", vpc_id=vpc.id, cidr_block="10.0.0.0/20")
        aws.ec2.SecurityGroup("sg", vpc_id=vpc.id, description=vpc.arn)

    preview = run_function(program, project="p", stack="s", preview=True)
    # a resource not created yet has no id or ARN: both are unknown in preview, as under the engine
    assert set(preview.one("aws:ec2/securityGroup:SecurityGroup", "sg").unknown_paths) == {"vpcId", "description"}
    resolved = run_function(program, project="p", stack="s", preview=False)
    assert resolved.one("aws:ec2/securityGroup:SecurityGroup", "sg").inputs["description"] == "vpc-arn"
    assert resolved.one("aws:ec2/subnet:Subnet", "subnet").inputs["vpcId"] == "vpc-id"


def test_secrets_are_unwrapped_and_their_paths_recorded_kubernetes_objects_autonamed() -> None:
    def program() -> None:
        secret = k8s.core.v1.Secret("db", string_data={"password": pulumi.Output.secret("hunter2")})
        k8s.core.v1.ConfigMap("uses", data={"secret": secret.metadata.name})

    capture = run_function(program, project="p", stack="s", preview=False)
    record = capture.one("kubernetes:core/v1:Secret", "db")
    assert record.secret_paths == ("stringData",)
    assert record.inputs["stringData"] == {"password": "hunter2"}
    assert capture.one("kubernetes:core/v1:ConfigMap", "uses").inputs["data"]["secret"].startswith("db-")


def test_invokes_are_answered_and_unknown_invokes_fail_clearly() -> None:
    def program() -> None:
        zones = aws.get_availability_zones_output()
        pulumi.export("zones", zones.names)

    capture = run_function(program, project="p", stack="s", config={"aws:region": "eu-west-2"})
    assert capture.outputs["zones"][:2] == ["eu-west-2a", "eu-west-2b"]

    def unknown() -> None:
        aws.ec2.get_vpc(default=True)

    with pytest.raises(ProgramFailed, match="no answer for invoke aws:ec2/getVpc:getVpc"):
        run_function(unknown, project="p", stack="s")


def test_plain_form_of_wire_values() -> None:
    secrets: list[str] = []
    unknowns: list[str] = []
    envelope = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "s"}
    wire = {"a": 2.0, "b": [UNKNOWN], "c": envelope}
    assert plain(wire, "", secrets, unknowns) == {"a": 2, "b": ["<unknown>"], "c": "s"}
    assert (secrets, unknowns) == (["c"], ["b[0]"])


def test_stack_references_read_the_outputs_given() -> None:
    def program() -> None:
        ref = pulumi.StackReference("prod", stack_name="organization/p/prod")
        pulumi.export("arn", ref.get_output("kms").apply(lambda d: d["key_arn"]))

    capture = run_function(
        program, project="p", stack="dev", preview=False, stack_outputs={"prod": {"kms": {"key_arn": "arn:k"}}}
    )
    assert capture.outputs["arn"] == "arn:k"
