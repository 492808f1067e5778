"""The compute area under the SDK mocks: EKS and on-prem clusters, GPU/accelerator/CPU pools.

Most designs here keep the network, key and fabric in the shared stack ``core`` and build the compute
components in stack ``dev``, so what they read comes through a StackReference (``SHARED``); one test
builds a whole design in one stack to see the links become dependencies on the network's resources.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aifab.capacity import assess_design
from aifab.catalogue import load_catalogue
from aifab.design.design import Design
from aifab.design.loader import load_design
from aifab.preview.capture import Capture, ProgramFailed, Record

from .conftest import realise_design

# The SDK's mock monitor leaves event loops in its executor threads; one collected mid-test can raise from
# its __del__ (an unraisable "Invalid file descriptor"), which says nothing about the code under test.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

FIXTURES = Path(__file__).parent / "fixtures"
CLUSTER = "aws:eks/cluster:Cluster"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
NG = "aws:eks/nodeGroup:NodeGroup"
NS = "kubernetes:core/v1:Namespace"
NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
RELEASE = "kubernetes:helm.sh/v3:Release"
KEY_ARN = "arn:aws:kms:eu-west-2:444455556666:key/k"
SHARED: dict[str, Any] = {
    "core": {
        "vpc": {"vpc_id": "vpc-1", "private_subnet_ids": ["subnet-a", "subnet-b", "subnet-c"], "cidr": "10.0.0.0/16"},
        "kms": {"key_arn": KEY_ARN, "key_id": "k"},
        "efa": {"security_group_id": "sg-efa", "placement_group_name": "pg-efa"},
    }
}
RESERVATION = {"aifab:trn-capacity-reservation-id": "cr-0123456789"}
KUBECONFIG = '{"apiVersion": "v1", "kind": "Config"}'


def design(name: str) -> Design:
    return load_design(FIXTURES / f"{name}.yaml").design


def run(name: str, *, preview: bool, config: dict[str, str] | None = None) -> Capture:
    capture = realise_design(design(name), "dev", preview=preview, config=config, stack_outputs=SHARED)
    assert capture.created_in_apply == []
    return capture


def eks(preview: bool) -> Capture:
    return run("compute_eks", preview=preview, config=RESERVATION)


def names(urns: Any) -> set[str]:
    return {u.rsplit("::", 1)[-1] for u in urns}


def component(capture: Capture, kind: str, name: str) -> Record:
    return capture.one(f"aifab:compute:{kind}", name)


# --- EKS cluster -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("preview", [True, False])
def test_eks_cluster_is_private_encrypted_and_logged(preview: bool) -> None:
    capture = eks(preview)
    cluster = capture.one(CLUSTER, "eks")
    assert cluster.parent == component(capture, "KubernetesCluster", "eks").urn
    assert cluster.provider.split("::")[-2] == "aws-eu-west-2"  # the explicit regional provider
    vpc = cluster.inputs["vpcConfig"]
    assert vpc["endpointPrivateAccess"] is True and vpc["endpointPublicAccess"] is False
    assert cluster.inputs["version"] == "1.33"
    assert cluster.inputs["encryptionConfig"] == {"resources": ["secrets"], "provider": {"keyArn": KEY_ARN}}
    assert cluster.inputs["enabledClusterLogTypes"] == [
        "api",
        "audit",
        "authenticator",
        "controllerManager",
        "scheduler",
    ]
    assert cluster.inputs["accessConfig"]["authenticationMode"] == "API"
    # the network and the key come from the shared stack: the cluster waits on that reference
    assert "stack-core" in names(cluster.property_dependencies["vpcConfig"])
    assert vpc["subnetIds"] == ["subnet-a", "subnet-b", "subnet-c"]
    role = capture.one("aws:iam/role:Role", "eks-cluster-role")
    assert json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {"Service": "eks.amazonaws.com"}
    assert {"eks-cluster-role", "eks-cluster-policy"} <= names(cluster.dependencies)
    attachments = {
        r.name: r.inputs["policyArn"] for r in capture.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    }
    assert attachments == {
        "eks-cluster-policy": "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
        "eks-node-AmazonEKSWorkerNodePolicy": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "eks-node-AmazonEKS_CNI_Policy": "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        "eks-node-AmazonEC2ContainerRegistryReadOnly": "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    }
    oidc = capture.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "eks-oidc")
    assert oidc.inputs["clientIdLists"] == ["sts.amazonaws.com"]
    assert "eks" in names(oidc.property_dependencies["url"])  # the issuer is the cluster's


@pytest.mark.parametrize("preview", [True, False])
def test_eks_kubeconfig_is_a_secret_and_drives_the_cluster_provider(preview: bool) -> None:
    capture = eks(preview)
    provider = next(r for r in capture.records.values() if r.type == "pulumi:providers:kubernetes")
    assert provider.name == "k8s-eks"
    assert "kubeconfig" in provider.secret_paths
    assert "eks" in names(provider.dependencies)
    exported = capture.outputs["eks"]
    assert set(exported) >= {"cluster_name", "kubeconfig", "endpoint", "oidc_provider_arn", "node_role_arn"}
    if not preview:
        config = json.loads(exported["kubeconfig"])
        assert config["users"][0]["user"]["exec"]["args"][-3:] == ["compute-eks-eks", "--region", "eu-west-2"]
        assert exported["cluster_name"] == "compute-eks-eks"


@pytest.mark.parametrize("preview", [True, False])
def test_eks_namespaces_policies_and_operators(preview: bool) -> None:
    capture = eks(preview)
    k8s_provider = {r.provider.split("::")[-2] for r in capture.resources() if r.type.startswith("kubernetes:")}
    assert k8s_provider == {"k8s-eks"}
    namespaces = {r.inputs["metadata"]["name"]: r.inputs["metadata"]["labels"] for r in capture.by_type(NS)}
    # one namespace for environment dev (its kubernetes_namespace), and the GPU operator's
    assert set(namespaces) == {"exp", "gpu-operator"}
    assert namespaces["exp"]["pod-security.kubernetes.io/enforce"] == "restricted"
    assert namespaces["gpu-operator"]["pod-security.kubernetes.io/enforce"] == "privileged"
    (deny,) = capture.by_type(NETPOL)
    assert deny.inputs["metadata"]["namespace"] == "exp"
    assert deny.inputs["spec"]["policyTypes"] == ["Ingress", "Egress"]
    assert "eks-ns-exp" in names(deny.dependencies)
    releases = {r.inputs["chart"]: r for r in capture.by_type(RELEASE)}
    assert set(releases) == {"gpu-operator", "aws-efa-k8s-device-plugin"}
    gpu = releases["gpu-operator"]
    assert gpu.inputs["namespace"] == "gpu-operator" and gpu.inputs["version"]
    assert gpu.inputs["values"]["driver"] == {"enabled": False}  # the EKS NVIDIA AMI carries the driver
    assert gpu.inputs["values"]["dcgmExporter"] == {"enabled": True}  # no monitoring component brings its own
    assert releases["aws-efa-k8s-device-plugin"].inputs["namespace"] == "kube-system"
    for r in (*capture.by_type(NS), *capture.by_type(RELEASE), deny):
        assert r.parent == component(capture, "KubernetesCluster", "eks").urn


# --- pools on EKS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("preview", [True, False])
def test_gpu_pool_launch_template_has_efa_per_catalogue_and_imdsv2(preview: bool) -> None:
    capture = eks(preview)
    p5 = load_catalogue().instance_type("p5.48xlarge")
    lt = capture.one(LT, "train-lt")
    assert lt.parent == component(capture, "GpuPool", "train").urn
    assert lt.inputs["metadataOptions"] == {
        "httpEndpoint": "enabled",
        "httpTokens": "required",
        "httpPutResponseHopLimit": 2,
    }
    interfaces = lt.inputs["networkInterfaces"]
    assert len(interfaces) == p5.efa_interfaces == 32
    assert [i["networkCardIndex"] for i in interfaces] == list(range(32))
    assert [i["deviceIndex"] for i in interfaces] == [0] + [1] * 31
    assert {i["interfaceType"] for i in interfaces} == {"efa"}
    (root,) = lt.inputs["blockDeviceMappings"]
    assert root["ebs"]["encrypted"] == "true" and root["ebs"]["kmsKeyId"] == KEY_ARN
    assert "stack-core" in names(lt.property_dependencies["networkInterfaces"])
    if not preview:
        assert lt.inputs["placement"] == {"groupName": "pg-efa"}
        assert interfaces[0]["securityGroups"][0] == "sg-efa"


@pytest.mark.parametrize("preview", [True, False])
def test_node_groups_size_capacity_ami_and_taints(preview: bool) -> None:
    capture = eks(preview)
    groups = {r.name: r.inputs for r in capture.by_type(NG)}
    assert set(groups) == {"train-ng", "trn-ng", "prep-ng"}
    train, trn, prep = groups["train-ng"], groups["trn-ng"], groups["prep-ng"]
    assert train["scalingConfig"] == {"desiredSize": 4, "minSize": 2, "maxSize": 4}
    assert prep["scalingConfig"] == {"desiredSize": 3, "minSize": 3, "maxSize": 3}
    assert (train["capacityType"], trn["capacityType"], prep["capacityType"]) == ("ON_DEMAND", "CAPACITY_BLOCK", "SPOT")
    assert (train["amiType"], trn["amiType"], prep["amiType"]) == (
        "AL2023_x86_64_NVIDIA",
        "AL2023_x86_64_NEURON",
        "AL2023_x86_64_STANDARD",
    )
    assert train["taints"] == [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}]
    assert trn["taints"] == [{"key": "aws.amazon.com/neuron", "value": "present", "effect": "NO_SCHEDULE"}]
    assert "taints" not in prep
    assert train["labels"] == {
        "aifab.dev/pool": "train",
        "aifab.dev/role": "training",
        "aifab.dev/accelerator": "h100-sxm",
    }
    assert train["instanceTypes"] == ["p5.48xlarge"]
    # a cluster placement group lives in one zone: the GPU pool gets one subnet, the others all three
    assert train["subnetIds"] == ["subnet-a"]
    assert prep["subnetIds"] == ["subnet-a", "subnet-b", "subnet-c"]


@pytest.mark.parametrize("preview", [True, False])
def test_pools_depend_on_their_cluster(preview: bool) -> None:
    capture = eks(preview)
    cluster = capture.one(CLUSTER, "eks").urn
    node_role = capture.one("aws:iam/role:Role", "eks-node-role").urn
    for name in ("train-ng", "trn-ng", "prep-ng"):
        group = capture.one(NG, name)
        assert cluster in group.property_dependencies["clusterName"]
        assert node_role in group.property_dependencies["nodeRoleArn"]
        assert cluster in group.dependencies
        assert capture.one(LT, name.replace("-ng", "-lt")).urn in group.property_dependencies["launchTemplate"]


@pytest.mark.parametrize("preview", [True, False])
def test_accelerator_and_cpu_pool_templates(preview: bool) -> None:
    capture = eks(preview)
    trn = capture.one(LT, "trn-lt").inputs
    assert len(trn["networkInterfaces"]) == load_catalogue().instance_type("trn1.32xlarge").efa_interfaces
    assert "placement" not in trn  # placement 'spread': no cluster placement group
    assert trn["instanceMarketOptions"] == {"marketType": "capacity-block"}
    target = trn["capacityReservationSpecification"]["capacityReservationTarget"]
    assert target["capacityReservationId"] == "cr-0123456789"
    prep = capture.one(LT, "prep-lt").inputs
    assert "networkInterfaces" not in prep and "blockDeviceMappings" not in prep  # no fabric, no key linked
    outputs = capture.outputs
    assert outputs["train"]["node_count"] == 4 and outputs["train"]["instance_type"] == "p5.48xlarge"


def test_capacity_block_reservation_is_config_a_real_deploy_needs() -> None:
    previewed = run("compute_eks", preview=True)
    assert any("pulumi config set aifab:trn-capacity-reservation-id" in w for w in previewed.warnings)
    assert previewed.by_type(NG)  # a preview still builds, with a placeholder
    with pytest.raises(ProgramFailed) as refused:
        run("compute_eks", preview=False)
    assert "pulumi config set aifab:trn-capacity-reservation-id" in refused.value.message
    assert refused.value.capture.resources() == []


def test_whole_design_in_one_stack_links_become_dependencies() -> None:
    """tests/fixtures/designs/minimal.yaml: network, fabric, cluster and pool all built by one stack."""
    minimal = load_design(Path(__file__).parents[1] / "fixtures" / "designs" / "minimal.yaml").design
    capture = realise_design(minimal, preview=False, config={"aws:region": "eu-west-2"})
    assert capture.created_in_apply == []
    subnets = {r.urn for r in capture.by_type("aws:ec2/subnet:Subnet")}
    cluster = capture.one(CLUSTER, "eks")
    assert subnets and subnets <= set(cluster.property_dependencies["vpcConfig"])
    lt = capture.one(LT, "train-lt")
    placement = capture.by_type("aws:ec2/placementGroup:PlacementGroup")[0].urn
    assert placement in lt.property_dependencies["placement"]
    efa_groups = {r.urn for r in capture.by_type("aws:ec2/securityGroup:SecurityGroup") if r.name.startswith("efa")}
    assert efa_groups & set(lt.property_dependencies["networkInterfaces"])
    group = capture.one(NG, "train-ng")
    assert len(group.inputs["subnetIds"]) == 1


# --- on-prem ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("preview", [True, False])
def test_onprem_cluster_and_pool_build_no_cloud_resource(preview: bool) -> None:
    config = {"aifab:k8s-kubeconfig": KUBECONFIG, "aifab:objects-bucket-name": "b", "aifab:objects-endpoint": "e"}
    capture = run("compute_onprem", preview=preview, config=config)
    assert not [r for r in capture.resources(providers=True) if r.type.startswith(("aws:", "pulumi:providers:aws"))]
    provider = next(r for r in capture.records.values() if r.type == "pulumi:providers:kubernetes")
    assert provider.inputs["kubeconfig"] == KUBECONFIG and "kubeconfig" in provider.secret_paths
    charts = {r.inputs["chart"] for r in capture.by_type(RELEASE) if r.name.startswith("k8s-")}
    assert charts == {"gpu-operator", "network-operator"}  # InfiniBand: the network operator, no EFA plugin
    namespaces = {r.inputs["metadata"]["name"]: r.inputs["metadata"]["labels"] for r in capture.by_type(NS)}
    assert set(namespaces) == {"compute-onprem-dev", "gpu-operator", "nvidia-network-operator"}
    privileged = {n for n, labels in namespaces.items() if labels["pod-security.kubernetes.io/enforce"] == "privileged"}
    assert privileged == {"gpu-operator", "nvidia-network-operator"}
    gpu = next(r for r in capture.by_type(RELEASE) if r.inputs["chart"] == "gpu-operator")
    assert gpu.inputs["values"]["driver"] == {"enabled": True}
    assert capture.children(component(capture, "GpuPool", "dgx")) == []


def test_onprem_pool_publishes_its_bill_of_materials_from_the_estimate() -> None:
    onprem = design("compute_onprem")
    capture = run(
        "compute_onprem",
        preview=False,
        config={"aifab:k8s-kubeconfig": KUBECONFIG, "aifab:objects-bucket-name": "b", "aifab:objects-endpoint": "e"},
    )
    estimate = assess_design(onprem, load_catalogue()).complete
    assert estimate is not None
    pool = estimate.pool("dgx")
    bom = capture.outputs["dgx"]["bill_of_materials"]
    assert bom["hardware"] == "dgx-h100" and bom["nodes"] == pool.nodes == 8
    assert bom["accelerators"] == pool.gpus == 64
    assert bom["node_power_kw"] == pytest.approx(pool.node_power_kw)
    assert bom["rack_units"] == (pool.node_rack_units or 0) * 8
    assert capture.outputs["k8s"]["cluster_name"] == "k8s"


def test_onprem_cluster_kubeconfig_is_needed_for_a_real_deploy() -> None:
    with pytest.raises(ProgramFailed) as refused:
        run("compute_onprem", preview=False)
    assert "pulumi config set --secret aifab:k8s-kubeconfig" in refused.value.message
    previewed = run("compute_onprem", preview=True)
    assert any("pulumi config set --secret aifab:k8s-kubeconfig" in w for w in previewed.warnings)
    assert previewed.by_type(RELEASE)
