"""MLOps realisers on a small EKS design: stack "ml" deploys the services, the cluster, network, key and
lake come from stack "platform" through a StackReference (their exports are given here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from aifab.design.loader import load_design
from aifab.preview.capture import Capture, Record

from .conftest import realise_design

FIXTURE = Path(__file__).parent / "fixtures" / "mlops_eks.yaml"
K8S_VERSION = "1.35.0"
PLATFORM: dict[str, Any] = {
    "platform": {
        "eks": {
            "cluster_name": "eks-0a1b2c3",
            "kubeconfig": "{}",
            "oidc_provider_arn": "arn:aws:iam::111111111111:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
            "oidc_issuer": "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
            "cluster_security_group_id": "sg-cluster",
            "endpoint": "https://eks.example",
        },
        "vpc": {"vpc_id": "vpc-1", "private_subnet_ids": ["subnet-a", "subnet-b"], "cidr": "10.1.0.0/16"},
        "kms": {"key_arn": "arn:aws:kms:us-east-1:111111111111:key/k", "key_id": "k"},
        "lake": {"bucket_name": "lake-bucket", "bucket_arn": "arn:aws:s3:::lake-bucket"},
    }
}


def k8s_objects(capture: Capture) -> list[Record]:
    return [r for r in capture.resources() if r.type.startswith("kubernetes:") and "helm.sh" not in r.type]


def assert_valid_kubernetes(capture: Capture, version: str = K8S_VERSION) -> None:
    """Every Kubernetes object validates against the cluster version's OpenAPI schema (strict).

    While previewing, a map holding an unknown value (a generated password in ``stringData``) is unknown as a
    whole; such top-level fields are left out, as the engine cannot know them either.
    """
    for record in k8s_objects(capture):
        manifest = {k: v for k, v in record.inputs.items() if v != "<unknown>"}
        kubernetes_validate.validate(manifest, version, strict=True)


def assert_restricted(capture: Capture) -> None:
    """Every pod template is Pod Security "restricted" compliant and sized."""
    for record in capture.resources():
        spec = record.inputs.get("spec") or {}
        template = (spec.get("jobTemplate") or {}).get("spec", spec).get("template")
        if template is None:
            continue
        pod = template["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        for container in [*pod.get("initContainers", []), *pod["containers"]]:
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False
            assert security["capabilities"] == {"drop": ["ALL"]}
            assert container["resources"]["requests"] and container["resources"]["limits"]


@pytest.fixture(scope="module", params=[True, False], ids=["preview", "resolve"])
def capture(request: pytest.FixtureRequest) -> Capture:
    design = load_design(FIXTURE).design
    return realise_design(design, "ml", preview=request.param, stack_outputs=PLATFORM)


def test_builds_the_services_and_nothing_of_the_platform(capture: Capture) -> None:
    types = capture.types()
    assert types["aifab:mlops:ExperimentTracking"] == 1
    assert types["aifab:mlops:Pipelines"] == 1
    assert types["aifab:mlops:Monitoring"] == 1
    assert types["aifab:mlops:ModelServing"] == 1
    assert types["aws:rds/instance:Instance"] == 1
    assert types["kubernetes:helm.sh/v3:Release"] == 4  # mlflow, trainer, kube-prometheus-stack, dcgm-exporter
    assert not [t for t in types if t.startswith("aws:eks/cluster") or t.startswith("aws:s3")]
    assert capture.created_in_apply == []


def test_every_resource_has_its_component_as_parent_and_explicit_providers(capture: Capture) -> None:
    components = {r.urn for r in capture.resources() if r.type.startswith("aifab:")}
    for record in capture.resources():
        if record.type.startswith("aifab:") or record.read:  # a StackReference is read at the top
            continue
        assert record.parent in components, record.name
        if record.type.startswith(("aws:", "kubernetes:")):
            assert record.provider and "::default" not in record.provider, record.name
        if record.type.startswith("kubernetes:"):
            assert "pulumi:providers:kubernetes::k8s-eks" in record.provider


def test_kubernetes_objects_validate_and_are_restricted(capture: Capture) -> None:
    assert_valid_kubernetes(capture)
    assert_restricted(capture)
    for record in k8s_objects(capture):
        if record.type != "kubernetes:core/v1:Namespace":
            assert record.inputs["metadata"]["namespace"] in ("ml", "ml-node-agents")


def test_mlflow_backend_is_an_encrypted_private_database_with_a_secret_password(capture: Capture) -> None:
    db = capture.by_type("aws:rds/instance:Instance")[0]
    assert db.inputs["engine"] == "postgres"
    assert db.inputs["storageEncrypted"] is True
    assert db.inputs["kmsKeyId"] == "arn:aws:kms:us-east-1:111111111111:key/k"
    assert db.inputs["deletionProtection"] is True
    assert db.inputs["backupRetentionPeriod"] >= 7
    assert db.inputs["publiclyAccessible"] is False
    assert "password" in db.secret_paths
    subnets = capture.by_type("aws:rds/subnetGroup:SubnetGroup")[0]
    assert subnets.inputs["subnetIds"] == ["subnet-a", "subnet-b"]
    assert subnets.urn in db.property_dependencies["dbSubnetGroupName"]
    password = capture.by_type("random:index/randomPassword:RandomPassword")
    assert any(p.urn in db.property_dependencies["password"] for p in password)
    secret = capture.one("kubernetes:core/v1:Secret", "mlflow-db")
    assert {"stringData", "stringData.password"} & set(secret.secret_paths)
    # never plain in the release values
    release = capture.one("kubernetes:helm.sh/v3:Release", "mlflow")
    assert "password" not in json.dumps(release.inputs["values"]["backendStore"]["postgres"])


def test_mlflow_release_is_pinned_and_stores_artifacts_in_the_lake(capture: Capture) -> None:
    release = capture.one("kubernetes:helm.sh/v3:Release", "mlflow")
    assert release.inputs["chart"] == "mlflow"
    assert release.inputs["version"] == "1.7.3"
    values = release.inputs["values"]
    assert values["replicaCount"] == 2
    assert values["artifactRoot"]["s3"]["bucket"] == "lake-bucket"
    assert values["artifactRoot"]["defaultArtifactsDestination"] == "s3://lake-bucket/mlflow/mlflow"
    assert capture.outputs["mlflow"] == {"tracking_uri": "http://mlflow.ml.svc.cluster.local:5000", "namespace": "ml"}


def test_irsa_trusts_the_cluster_oidc_provider_and_grants_only_the_artifact_prefix(capture: Capture) -> None:
    role = capture.one("aws:iam/role:Role", "mlflow-mlflow-irsa")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    statement = trust["Statement"][0]
    assert statement["Principal"]["Federated"].endswith("oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC")
    assert statement["Condition"]["StringEquals"] == {
        "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:ml:mlflow",
        "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
    }
    policy = json.loads(capture.one("aws:iam/rolePolicy:RolePolicy", "mlflow-artifacts").inputs["policy"])
    resources = [r for s in policy["Statement"] for r in s["Resource"]]
    assert "arn:aws:s3:::lake-bucket/mlflow/mlflow/*" in resources
    assert "*" not in resources
    account = capture.one("kubernetes:core/v1:ServiceAccount", "mlflow-sa-mlflow")
    assert "eks.amazonaws.com/role-arn" in account.inputs["metadata"]["annotations"]


def test_pipelines_runner_reads_the_lake_only(capture: Capture) -> None:
    trainer = capture.one("kubernetes:helm.sh/v3:Release", "kubeflow-trainer")
    assert trainer.inputs["chart"] == "oci://ghcr.io/kubeflow/charts/kubeflow-trainer"
    assert "repositoryOpts" not in trainer.inputs
    policy = json.loads(capture.one("aws:iam/rolePolicy:RolePolicy", "kubeflow-reads").inputs["policy"])
    actions = {a for s in policy["Statement"] for a in s["Action"]}
    assert actions == {"s3:ListBucket", "s3:GetObject", "kms:Decrypt"}
    assert capture.outputs["kubeflow"]["namespace"] == "ml"


def test_monitoring_retention_alerting_and_generated_grafana_password(capture: Capture) -> None:
    kps = capture.one("kubernetes:helm.sh/v3:Release", "monitoring-kps")
    values = kps.inputs["values"]
    assert values["prometheus"]["prometheusSpec"]["retention"] == "15d"
    assert values["alertmanager"]["enabled"] is True
    assert values["grafana"]["admin"]["existingSecret"] == "monitoring-grafana-admin"
    secret = capture.one("kubernetes:core/v1:Secret", "monitoring-grafana-admin")
    assert {"stringData", "stringData.admin-password"} & set(secret.secret_paths)
    dcgm = capture.one("kubernetes:helm.sh/v3:Release", "monitoring-dcgm")
    assert dcgm.inputs["namespace"] == "ml-node-agents"
    agents = capture.one("kubernetes:core/v1:Namespace", "monitoring-node-agents")
    assert agents.inputs["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "privileged"


def test_serving_requests_gpus_on_its_pool_and_autoscales(capture: Capture) -> None:
    deployment = capture.one("kubernetes:apps/v1:Deployment", "chat-deployment")
    pod = deployment.inputs["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "vllm/vllm-openai:v0.9.2"
    # 70B at 2 bytes/parameter on L40S (48 GB): the estimate fits a replica on 4 of the node's 8 GPUs
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "4"
    assert pod["nodeSelector"] == {"aifab.dev/pool": "infer"}
    assert pod["tolerations"] == [
        {"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"}
    ]
    sync = pod["initContainers"][0]
    assert {"name": "MLFLOW_TRACKING_URI", "value": "http://mlflow.ml.svc.cluster.local:5000"} in sync["env"]
    hpa = capture.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "chat-autoscaler")
    assert (hpa.inputs["spec"]["minReplicas"], hpa.inputs["spec"]["maxReplicas"]) == (2, 6)
    service = capture.one("kubernetes:core/v1:Service", "chat-service")
    assert service.inputs["spec"]["type"] == "ClusterIP"
    assert capture.by_type("kubernetes:policy/v1:PodDisruptionBudget")
    assert capture.outputs["chat"] == {"service_name": "chat", "endpoint": "http://chat.ml.svc.cluster.local"}


def test_serving_depends_on_the_registry(capture: Capture) -> None:
    registry = capture.one("aifab:mlops:ExperimentTracking", "mlflow")
    registry_children = {r.urn for r in capture.descendants(registry) if r.custom}
    serving = capture.one("kubernetes:apps/v1:Deployment", "chat-deployment")
    assert registry_children & set(serving.dependencies)


def test_onprem_cluster_gets_an_in_cluster_database_and_no_aws() -> None:
    design = load_design(FIXTURE.with_name("mlops_onprem.yaml")).design
    platform = {"platform": {"eks": {"kubeconfig": "{}"}, "lake": {"bucket_name": "lake-bucket"}}}
    capture = realise_design(design, "ml", preview=False, stack_outputs=platform)
    assert not [t for t in capture.types() if t.startswith("aws:")]
    postgres = capture.one("kubernetes:helm.sh/v3:Release", "mlflow-postgresql")
    assert postgres.inputs["version"] == "16.7.27"
    assert postgres.inputs["values"]["auth"]["existingSecret"] == "mlflow-db"
    mlflow = capture.one("kubernetes:helm.sh/v3:Release", "mlflow")
    assert mlflow.inputs["values"]["serviceAccount"] == {"create": False, "name": "mlflow"}
    assert postgres.urn in mlflow.dependencies
    assert_valid_kubernetes(capture)
    assert capture.created_in_apply == []
