"""The network area under the SDK mocks: VPCs (NAT or VPC endpoints as the boundary allows), EFA fabrics."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest

from aifab.design.design import Design
from aifab.design.loader import load_design
from aifab.infra import REALISERS, Realised
from aifab.infra.network import INTERFACE_ENDPOINTS, cloudwatch_retention, subnet_blocks
from aifab.preview.capture import Capture, Record

from .conftest import realise_design

FIXTURES = Path(__file__).parent / "fixtures"
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
NAT = "aws:ec2/natGateway:NatGateway"
SG = "aws:ec2/securityGroup:SecurityGroup"


class Stand(Realised[Any]):
    """A stand-in for kinds another module realises: what the network area reads of them, nothing more."""

    def build(self) -> None:
        if self.component.kind == "kubernetes_cluster":
            self.publish(cluster_name=self.component.id, kubeconfig=pulumi.Output.secret("{}"))


@pytest.fixture(autouse=True)
def stand_ins(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for kind in ("kubernetes_cluster", "gpu_pool", "private_cloud"):
        monkeypatch.setitem(REALISERS, kind, Stand)
    yield


def design(name: str) -> Design:
    return load_design(FIXTURES / f"{name}.yaml").design


def run(name: str, *, preview: bool = True, region: str = "eu-west-2") -> Capture:
    # the mocks answer invokes (availability zones) for the configured region
    capture = realise_design(design(name), preview=preview, config={"aws:region": region})
    assert capture.created_in_apply == []
    return capture


def component(capture: Capture, type_: str, name: str) -> Record:
    return capture.one(type_, name)


@pytest.mark.parametrize("preview", [True, False])
def test_deny_all_boundary_gets_vpc_endpoints_not_nat(preview: bool) -> None:
    capture = run("network_endpoints", preview=preview)
    types = capture.types()
    net = component(capture, "aifab:network:Network", "vpc")
    vpc = capture.one(VPC, "vpc-vpc")
    assert vpc.inputs["cidrBlock"] == "10.20.0.0/16"
    assert vpc.inputs["enableDnsSupport"] is True and vpc.inputs["enableDnsHostnames"] is True
    assert vpc.parent == net.urn
    assert vpc.provider.rsplit("::", 1)[0].endswith("::aws-eu-west-2")  # "<provider urn>::<id>"
    # three private and three public subnets, carved in order from the cidr; zones from the invoke
    subnets = sorted(capture.by_type(SUBNET), key=lambda r: r.name)
    assert [s.inputs["cidrBlock"] for s in subnets if "private" in s.name] == subnet_blocks("10.20.0.0/16", 20, 3)
    assert [s.inputs["cidrBlock"] for s in subnets if "public" in s.name] == subnet_blocks("10.20.0.0/16", 20, 6)[3:]
    assert [s.inputs["availabilityZone"] for s in subnets if "private" in s.name] == [
        "eu-west-2a",
        "eu-west-2b",
        "eu-west-2c",
    ]
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in subnets)
    assert "aws:index/getAvailabilityZones:getAvailabilityZones" in capture.invokes
    # egress deny-all: no NAT, no EIP; an internet gateway only for the public subnets the design asks for
    assert types[NAT] == 0 and types["aws:ec2/eip:Eip"] == 0
    assert types["aws:ec2/internetGateway:InternetGateway"] == 1
    endpoints = {r.inputs["serviceName"].removeprefix("com.amazonaws.eu-west-2."): r for r in capture.by_type(ENDPOINT)}
    assert set(endpoints) == {"s3", *INTERFACE_ENDPOINTS}
    assert endpoints["s3"].inputs["vpcEndpointType"] == "Gateway"
    assert len(endpoints["s3"].inputs["routeTableIds"]) == 3
    group = capture.one(SG, "vpc-endpoints")
    (rule,) = group.inputs["ingress"]
    assert (rule["fromPort"], rule["toPort"], rule["protocol"], rule["cidrBlocks"]) == (
        443,
        443,
        "tcp",
        ["10.20.0.0/16"],
    )
    ecr = endpoints["ecr.dkr"]
    assert ecr.inputs["privateDnsEnabled"] is True and ecr.inputs["vpcEndpointType"] == "Interface"
    assert group.urn in ecr.property_dependencies["securityGroupIds"]
    private_urns = {s.urn for s in subnets if "private" in s.name}
    assert set(ecr.property_dependencies["subnetIds"]) == private_urns
    # flow logs: all traffic to a log group with retention, through a role only flow logs assume
    flow = capture.one("aws:ec2/flowLog:FlowLog", "vpc-flow-logs")
    group_log = capture.one("aws:cloudwatch/logGroup:LogGroup", "vpc-flow-logs")
    role = capture.one("aws:iam/role:Role", "vpc-flow-logs")
    assert flow.inputs["trafficType"] == "ALL"
    assert group_log.inputs["retentionInDays"] == 365
    assert group_log.urn in flow.property_dependencies["logDestination"]
    assert role.urn in flow.property_dependencies["iamRoleArn"]
    assert vpc.urn in flow.property_dependencies["vpcId"]
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert trust["Statement"][0]["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012"
    # every resource is a child of the component, on the region's explicit provider
    assert {r.parent for r in capture.resources() if r.custom} == {net.urn}
    assert all(r.provider for r in capture.resources() if r.custom)
    outputs = capture.outputs["vpc"]
    assert outputs["cidr"] == "10.20.0.0/16"
    assert outputs["egress"] == "vpc-endpoints"
    if not preview:
        assert outputs["vpc_id"] == "vpc-vpc-id"
        assert outputs["private_subnet_ids"] == ["vpc-private-0-id", "vpc-private-1-id", "vpc-private-2-id"]


@pytest.mark.parametrize("preview", [True, False])
def test_open_egress_with_public_subnets_gets_one_nat_per_zone(preview: bool) -> None:
    capture = run("network_nat", preview=preview, region="us-east-1")
    types = capture.types()
    assert types[SUBNET] == 4
    assert types[NAT] == 2 and types["aws:ec2/eip:Eip"] == 2
    assert types[ENDPOINT] == 0
    assert types["aws:ec2/flowLog:FlowLog"] == 0  # flow_logs: false
    for i in range(2):
        nat = capture.one(NAT, f"vpc-nat-{i}")
        assert capture.one(SUBNET, f"vpc-public-{i}").urn in nat.property_dependencies["subnetId"]
        assert capture.one("aws:ec2/internetGateway:InternetGateway", "vpc-igw").urn in nat.dependencies
        route = capture.one("aws:ec2/route:Route", f"vpc-private-{i}-default")
        assert route.inputs["destinationCidrBlock"] == "0.0.0.0/0"
        assert nat.urn in route.property_dependencies["natGatewayId"]
        assert capture.one("aws:ec2/routeTable:RouteTable", f"vpc-private-{i}").urn in route.dependencies
    public = capture.one("aws:ec2/routeTable:RouteTable", "vpc-public")
    assert public.inputs["routes"][0]["cidrBlock"] == "0.0.0.0/0"
    assert capture.outputs["vpc"]["egress"] == "nat-gateways"


@pytest.mark.parametrize("preview", [True, False])
def test_efa_fabric_is_built_after_the_vpc_of_its_pools(preview: bool) -> None:
    capture = run("network_efa", preview=preview)
    fabric = capture.one("aifab:network:Fabric", "efa")
    group = capture.one(SG, "efa-efa")
    vpc = capture.one(VPC, "vpc-vpc")
    assert group.parent == fabric.urn
    assert vpc.urn in group.property_dependencies["vpcId"]
    (ingress,), (egress,) = group.inputs["ingress"], group.inputs["egress"]
    for rule in (ingress, egress):
        assert (rule["protocol"], rule["fromPort"], rule["toPort"], rule["self"]) == ("-1", 0, 0, True)
    placement = capture.one("aws:ec2/placementGroup:PlacementGroup", "efa-placement")
    assert placement.inputs["strategy"] == "cluster"
    assert placement.inputs["tags"]["aifab:fabric-nodes"] == "4"
    out = capture.outputs["efa"]
    assert out["placement_group_name"].startswith("efa-placement-")  # autonamed: known even in preview
    if not preview:
        assert out["security_group_id"] == "efa-efa-id"
    names = capture.outputs["components"]  # the order they were built in
    assert names.index("vpc") < names.index("efa")


def test_efa_fabric_refuses_pools_in_two_networks() -> None:
    raw = design("network_efa")
    data = raw.model_dump(mode="json", exclude_unset=True)
    data["components"] += [
        {"kind": "network", "id": "vpc2", "provider": "aws", "cidr": "10.1.0.0/16", "site": "london"},
        {"kind": "kubernetes_cluster", "id": "eks2", "provider": "eks", "network": "vpc2", "site": "london"},
        {
            "kind": "gpu_pool",
            "id": "train2",
            "role": "training",
            "instance_type": "p5.48xlarge",
            "node_count": 2,
            "fabric": "efa",
            "cluster": "eks2",
            "site": "london",
        },
    ]
    from aifab.preview.capture import ProgramFailed

    with pytest.raises(ProgramFailed, match="one fabric per network"):
        realise_design(Design.model_validate(data))


@pytest.mark.parametrize("preview", [True, False])
def test_onprem_network_and_infiniband_register_nothing_and_publish_the_bill(preview: bool) -> None:
    capture = run("network_onprem", preview=preview)
    assert not [r for r in capture.resources() if r.custom]
    assert capture.outputs["colo-net"] == {"cidr": "10.50.0.0/16"}
    bill = capture.outputs["ib"]["bill_of_materials"]
    assert bill["technology"] == "infiniband" and bill["switch_model"] == "quantum-2-qm9700"
    assert bill["nodes"] == 32
    assert bill["leaf_switches"] > 0 and bill["cables"] >= 32 * bill["rails"]
    assert bill["switches"] == bill["leaf_switches"] + bill["spine_switches"] + bill["core_switches"]


def test_retention_rounds_up_to_what_cloudwatch_accepts() -> None:
    assert [cloudwatch_retention(d) for d in (1, 2, 30, 400, 401, 2555, 3653, 3654)] == [
        1,
        3,
        30,
        400,
        545,
        2557,
        3653,
        0,
    ]
