"""The security area under the SDK mocks: KMS keys and custom key stores, CloudTrail, IAM roles and RBAC."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from aifab.design.design import Design
from aifab.design.loader import load_design
from aifab.infra import REALISERS, Realised
from aifab.infra.security import PERMISSIONS
from aifab.preview.capture import Capture

from .conftest import realise_design

FIXTURES = Path(__file__).parent / "fixtures"
KEY = "aws:kms/key:Key"
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/rolePolicy:RolePolicy"
TRAIL = "aws:cloudtrail/trail:Trail"


class Stand(Realised[Any]):
    """A stand-in for kinds other modules realise: the outputs the security area reads of them."""

    def build(self) -> None:
        c = self.component
        if c.kind == "data_lake":
            bucket = aws.s3.Bucket(self.name("bucket"), opts=self.child(provider=self.ctx.aws(c)))
            self.publish(bucket_name=bucket.bucket, bucket_arn=bucket.arn)
        elif c.kind == "kubernetes_cluster":
            self.publish(cluster_name=pulumi.Output.from_input(c.id), kubeconfig=pulumi.Output.secret("{}"))
        elif c.kind == "network":
            self.publish(vpc_id="vpc-0", private_subnet_ids=[], cidr="10.0.0.0/16")


@pytest.fixture(autouse=True)
def stand_ins(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for kind in ("data_lake", "kubernetes_cluster", "gpu_pool", "network"):
        monkeypatch.setitem(REALISERS, kind, Stand)
    yield


def design(name: str) -> Design:
    return load_design(FIXTURES / f"{name}.yaml").design


def run(name: str, env: str | None = None, *, preview: bool = True, **kwargs: Any) -> Capture:
    capture = realise_design(design(name), env, preview=preview, config={"aws:region": "eu-west-2"}, **kwargs)
    assert capture.created_in_apply == []
    return capture


def statements(document: str) -> dict[str, dict[str, Any]]:
    return {s.get("Sid", str(i)): s for i, s in enumerate(json.loads(document)["Statement"])}


@pytest.mark.parametrize("preview", [True, False])
def test_kms_keys_rotate_and_grant_the_services_wired_to_them(preview: bool) -> None:
    capture = run("security_governed", preview=preview)
    key = capture.one(KEY, "kms-key")
    assert key.parent == capture.one("aifab:security:KeyManagement", "kms").urn
    assert (key.inputs["enableKeyRotation"], key.inputs["rotationPeriodInDays"]) == (True, 180)
    assert key.inputs["deletionWindowInDays"] == 14 and key.inputs["multiRegion"] is False
    alias = capture.one("aws:kms/alias:Alias", "kms-alias")
    assert alias.inputs["name"] == "alias/security-governed/kms"
    assert key.urn in alias.property_dependencies["targetKeyId"]
    if preview:
        return  # the policies hold the account id (an invoke): compared in the resolved run
    general = statements(key.inputs["policy"])
    assert general["AccountAdministersThroughIam"]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    # node volumes are encrypted by it: Auto Scaling's service-linked role may use it; no CloudTrail grants
    assert set(general) == {
        "AccountAdministersThroughIam",
        "AutoScalingUsesKeyForNodeVolumes",
        "AutoScalingGrantsKeyToVolumes",
    }
    audit = statements(capture.one(KEY, "kms-audit-key").inputs["policy"])
    assert {"CloudTrailEncryptsLogs", "CloudWatchLogsEncryptsAuditLogGroups"} <= set(audit)
    assert audit["CloudWatchLogsEncryptsAuditLogGroups"]["Principal"] == {"Service": "logs.eu-west-2.amazonaws.com"}
    assert capture.outputs["kms"]["key_arn"] == "kms-key-arn"


@pytest.mark.parametrize("preview", [True, False])
def test_cloudtrail_into_the_audit_lake_built_here(preview: bool) -> None:
    capture = run("security_governed", preview=preview)
    trail = capture.one(TRAIL, "audit-trail")
    component = capture.one("aifab:security:AuditLog", "audit")
    assert trail.parent == component.urn
    assert trail.inputs["isMultiRegionTrail"] is True
    assert trail.inputs["enableLogFileValidation"] is True
    assert trail.inputs["includeGlobalServiceEvents"] is True
    assert trail.inputs["name"] == "security-governed-audit"
    bucket = capture.one("aws:s3/bucket:Bucket", "audit-lake-bucket")
    key = capture.one(KEY, "kms-audit-key")
    assert bucket.urn in trail.property_dependencies["s3BucketName"]
    assert key.urn in trail.property_dependencies["kmsKeyId"]
    # the lake is built in this stack: the trail grants itself delivery on it, before it is created
    policy = capture.one("aws:s3/bucketPolicy:BucketPolicy", "audit-delivery")
    assert policy.parent == component.urn
    assert policy.urn in trail.dependencies
    assert bucket.urn in policy.property_dependencies["bucket"]
    # data events: management plus S3 object events, except the trail's own deliveries
    selectors = trail.inputs["advancedEventSelectors"]
    assert [s["fieldSelectors"][0]["equals"] for s in selectors] == [["Management"], ["Data"]]
    # log group kept at least retention_days (2555 is no CloudWatch value: 2557), encrypted by the key
    group = capture.one("aws:cloudwatch/logGroup:LogGroup", "audit-trail")
    assert group.inputs["retentionInDays"] == 2557
    assert key.urn in group.property_dependencies["kmsKeyId"]
    assert group.urn in trail.property_dependencies["cloudWatchLogsGroupArn"]
    if not preview:
        grants = statements(policy.inputs["policy"])
        write = grants["CloudTrailWrite"]
        assert write["Resource"].endswith("/AWSLogs/123456789012/*")
        assert write["Condition"]["StringEquals"]["aws:SourceArn"] == (
            "arn:aws:cloudtrail:eu-west-2:123456789012:trail/security-governed-audit"
        )
        assert capture.outputs["audit"]["trail_arn"] == "audit-trail-arn"


def test_cloudtrail_into_a_lake_of_another_stack_adds_no_bucket_policy() -> None:
    lake = {"bucket_name": "records-audit-lake", "bucket_arn": "arn:aws:s3:::records-audit-lake"}
    capture = run("security_remote_lake", "prod", preview=False, stack_outputs={"records": {"audit-lake": lake}})
    assert capture.by_type("aws:s3/bucketPolicy:BucketPolicy") == []
    trail = capture.one(TRAIL, "audit-trail")
    assert trail.inputs["s3BucketName"] == "records-audit-lake"
    assert "advancedEventSelectors" not in trail.inputs  # data_events: false
    (ref,) = trail.property_dependencies["s3BucketName"]
    assert ref.endswith("::pulumi:pulumi:StackReference::stack-records")


@pytest.mark.parametrize("preview", [True, False])
def test_custom_key_stores_and_key_references_come_from_config(preview: bool) -> None:
    config = {
        "aws:region": "eu-west-2",
        "aifab:hsm-custom-key-store-id": "cks-1234567890",
        "aifab:xks-xks-key-store-id": "cks-0987654321",
        "aifab:xks-xks-key-id": "ext-key-1",
        "aifab:vault-key-ref": "transit/keys/platform",
    }
    capture = realise_design(design("security_custody"), preview=preview, config=config)
    hsm = capture.one(KEY, "hsm-key")
    assert hsm.inputs["customKeyStoreId"] == "cks-1234567890"
    assert hsm.inputs["enableKeyRotation"] is False  # KMS does not rotate keys in a custom key store
    assert "rotationPeriodInDays" not in hsm.inputs
    assert hsm.inputs["tags"]["aifab:rotation"].startswith("manual, every 365 days")
    xks = capture.one(KEY, "xks-key")
    assert (xks.inputs["customKeyStoreId"], xks.inputs["xksKeyId"]) == ("cks-0987654321", "ext-key-1")
    assert capture.types()[KEY] == 2  # vault: nothing in AWS
    assert capture.outputs["vault"] == {"provider": "vault", "key_ref": "transit/keys/platform"}
    assert capture.outputs["siem"] == {"provider": "onprem-siem", "retention_days": 730}
    assert capture.by_type(TRAIL) == []


def test_missing_key_store_config_is_a_warning_in_preview_and_a_refusal_on_up() -> None:
    from aifab.preview.capture import ProgramFailed

    capture = realise_design(design("security_custody"), preview=True)
    assert capture.one(KEY, "hsm-key").inputs["customKeyStoreId"] == "<set on deploy>"
    with pytest.raises(ProgramFailed, match="pulumi config set aifab:hsm-custom-key-store-id") as failed:
        realise_design(design("security_custody"), preview=False)
    assert failed.value.capture.resources() == []


@pytest.mark.parametrize("preview", [True, False])
def test_access_control_roles_are_least_privilege_with_rbac_on_governed_clusters(preview: bool) -> None:
    capture = run("security_governed", preview=preview)
    component = capture.one("aifab:security:AccessControl", "rbac")
    roles = {r.name: r for r in capture.by_type(ROLE) if r.parent == component.urn}
    assert set(roles) == {"rbac-data-scientist", "rbac-ml-engineer", "rbac-platform-admin", "rbac-auditor"}
    # Kubernetes RBAC in the cluster's namespace, on the cluster's provider, bound to the members group
    bindings = {r.name: r for r in capture.by_type("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")}
    scientist = bindings["rbac-eks-data-scientist"]
    assert scientist.inputs["subjects"] == [
        {"kind": "Group", "name": "data-scientists", "apiGroup": "rbac.authorization.k8s.io"}
    ]
    assert scientist.inputs["metadata"]["namespace"] == "security-governed"
    assert scientist.inputs["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "Role",
        "name": "aifab-data-scientist",
    }
    assert scientist.provider.split("::")[-2].endswith("k8s-eks")
    assert bindings["rbac-eks-ml-engineer"].inputs["subjects"][0]["name"] == "ml-engineer"  # no members_group
    assert bindings["rbac-eks-platform-admin-admin"].inputs["roleRef"]["name"] == "admin"
    assert "rbac-eks-auditor" not in bindings  # read-audit-logs: nothing in Kubernetes
    entries = {r.name: r for r in capture.by_type("aws:eks/accessEntry:AccessEntry")}
    assert set(entries) == {"rbac-eks-data-scientist", "rbac-eks-ml-engineer", "rbac-eks-platform-admin"}
    assert roles["rbac-data-scientist"].urn in entries["rbac-eks-data-scientist"].property_dependencies["principalArn"]
    assert entries["rbac-eks-data-scientist"].inputs["kubernetesGroups"] == ["data-scientists"]
    assert all(r.parent == component.urn for r in capture.by_type("kubernetes:rbac.authorization.k8s.io/v1:Role"))
    if preview:
        return
    trust = json.loads(roles["rbac-auditor"].inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert trust["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    policies = {r.name: statements(r.inputs["policy"]) for r in capture.by_type(POLICY) if r.parent == component.urn}
    auditor = policies["rbac-auditor"]
    assert auditor["ReadLakeObjects"]["Resource"] == ["audit-lake-bucket-arn/*"]  # the audit lake only
    assert auditor["DecryptLakeObjects"]["Resource"] == ["kms-audit-key-arn"]
    scientist_policy = policies["rbac-data-scientist"]
    assert scientist_policy["GovernedClusters"]["Action"] == ["eks:DescribeCluster"]
    assert scientist_policy["GovernedClusters"]["Resource"] == ["arn:aws:eks:eu-west-2:123456789012:cluster/eks"]
    assert "ReadLakeObjects" not in policies["rbac-ml-engineer"]  # deploy/register-models read no lake
    assert "*" not in json.dumps([s["Action"] for p in policies.values() for s in p.values()])
    assert set(capture.outputs["rbac"]["role_arns"]) == {"data-scientist", "ml-engineer", "platform-admin", "auditor"}


def test_every_permission_has_a_grant() -> None:
    from typing import get_args

    from aifab.blueprints.security import Permission

    assert set(PERMISSIONS) == set(get_args(Permission))
