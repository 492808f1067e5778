"""Realisers for the network area: the cluster's IP network (a VPC) and the accelerator fabric.

A ``network`` on AWS is a VPC with one private subnet per availability zone the design asks for, carved
from its cidr. How the subnets reach AWS services follows the sovereign boundary: NAT gateways (one per
zone, in public subnets) only when the design asks for public subnets and the boundary's egress is not
``deny-all``; otherwise VPC endpoints for what an EKS cluster with private nodes calls. Flow logs go to a
CloudWatch log group when the design turns them on. An on-prem network registers nothing and publishes
its cidr.

A ``fabric`` on EFA is a security group that lets the pools' nodes talk to each other on every protocol
(EFA's requirement) in the VPC the pools' cluster runs in, and a cluster placement group; an InfiniBand
or RoCE fabric is hardware the facility team builds, so it publishes the bill of materials the capacity
model sized.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pulumi
import pulumi_aws as aws

from aifab.blueprints import network as bp
from aifab.capacity.results import FabricEstimate

from .base import Realised, realises
from .context import StackContext

# Interface endpoints an EKS cluster with private nodes and no route to the internet needs, by the AWS
# service they reach (S3 is a gateway endpoint, added on its own). Source: the EKS user guide, "Deploy
# private clusters with limited internet access".
INTERFACE_ENDPOINTS: dict[str, str] = {
    "ec2": "nodes describe themselves and attach ENIs (VPC CNI, EFA)",
    "ecr.api": "image pulls: registry API",
    "ecr.dkr": "image pulls: registry layers",
    "sts": "IAM roles for service accounts (AssumeRoleWithWebIdentity)",
    "eks": "nodes and controllers describe the cluster",
    "eks-auth": "EKS Pod Identity",
    "logs": "control-plane and container logs to CloudWatch",
    "elasticloadbalancing": "the load balancer controller",
    "autoscaling": "the cluster autoscaler",
}

FLOW_LOG_RETENTION_DAYS = 365
"""Retention of VPC flow logs: the design does not size it, so one documented value for every network."""

CLOUDWATCH_RETENTION_DAYS: tuple[int, ...] = (
    *(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731),
    *(1096, 1827, 2192, 2557, 2922, 3288, 3653),
)
"""The retention periods CloudWatch Logs accepts, in days."""


def cloudwatch_retention(days: int) -> int:
    """The shortest CloudWatch Logs retention that keeps logs at least ``days`` (0: never expire).

    >>> cloudwatch_retention(400), cloudwatch_retention(2555), cloudwatch_retention(5000)
    (400, 2557, 0)
    """
    return next((allowed for allowed in CLOUDWATCH_RETENTION_DAYS if allowed >= days), 0)


def subnet_blocks(cidr: str, prefix: int, count: int) -> list[str]:
    """The first ``count`` blocks of ``/prefix`` in ``cidr``.

    >>> subnet_blocks("10.0.0.0/16", 20, 3)
    ['10.0.0.0/20', '10.0.16.0/20', '10.0.32.0/20']
    """
    blocks = ipaddress.ip_network(cidr).subnets(new_prefix=prefix)
    return [str(next(blocks)) for _ in range(count)]


def trust_policy(service: str, account: pulumi.Input[str] | None = None) -> pulumi.Output[str]:
    """An assume-role policy letting AWS ``service`` assume a role (confused-deputy guard on the account)."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if account is not None:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": account}}
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": [statement]})


def zone_name(names: pulumi.Output[list[str]], index: int) -> pulumi.Output[str]:
    """The ``index``-th availability zone name."""
    return names.apply(lambda found: found[index])


def account_id(provider: aws.Provider) -> pulumi.Output[str]:
    """The account ``provider`` deploys into."""
    return aws.get_caller_identity_output(opts=pulumi.InvokeOptions(provider=provider)).account_id


def partition(provider: aws.Provider) -> pulumi.Output[str]:
    """``aws``, ``aws-us-gov`` or ``aws-cn`` for ``provider``'s region."""
    return aws.get_partition_output(opts=pulumi.InvokeOptions(provider=provider)).partition


def network_of_fabric(ctx: StackContext, fabric_id: str) -> list[str]:
    """The networks of the clusters whose GPU or accelerator pools use fabric ``fabric_id``, in design order."""
    networks: dict[str, None] = {}
    for pool in ctx.dependents(fabric_id, "gpu_pool", "accelerator_pool"):
        cluster_id = getattr(pool, "cluster", None)
        if not isinstance(cluster_id, str):
            continue
        network_id = getattr(ctx.component(cluster_id), "network", None)
        if isinstance(network_id, str):
            networks[network_id] = None
    return list(networks)


@realises("network")
class Network(Realised[bp.Network]):
    """A VPC across the design's availability zones (aws), or an existing on-prem network (its cidr only)."""

    def build(self) -> None:
        net = self.component
        if net.provider != "aws":
            self.publish(cidr=net.cidr)
            return
        provider = self.ctx.aws(net)
        aws_opts = self.child(provider=provider)
        tags = self.ctx.tags(net)
        vpc = aws.ec2.Vpc(
            self.name("vpc"),
            cidr_block=net.cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={**tags, "Name": net.id},
            opts=aws_opts,
        )
        zones = aws.get_availability_zones_output(state="available", opts=pulumi.InvokeOptions(provider=provider))
        count = net.availability_zones
        blocks = subnet_blocks(net.cidr, net.private_subnet_prefix, count * (2 if net.public_subnets else 1))
        zone_names = [zone_name(zones.names, i) for i in range(count)]

        private_subnets: list[aws.ec2.Subnet] = []
        private_tables: list[aws.ec2.RouteTable] = []
        for i in range(count):
            subnet = aws.ec2.Subnet(
                self.name(f"private-{i}"),
                vpc_id=vpc.id,
                cidr_block=blocks[i],
                availability_zone=zone_names[i],
                map_public_ip_on_launch=False,
                tags={**tags, "Name": f"{net.id}-private-{i}", "kubernetes.io/role/internal-elb": "1"},
                opts=aws_opts,
            )
            table = aws.ec2.RouteTable(
                self.name(f"private-{i}"),
                vpc_id=vpc.id,
                tags={**tags, "Name": f"{net.id}-private-{i}"},
                opts=aws_opts,
            )
            aws.ec2.RouteTableAssociation(
                self.name(f"private-{i}"), subnet_id=subnet.id, route_table_id=table.id, opts=aws_opts
            )
            private_subnets.append(subnet)
            private_tables.append(table)

        boundary = self.ctx.boundary_of(net)
        egress = getattr(boundary, "egress", None)
        nat = net.public_subnets and egress != "deny-all"
        public_ids: list[pulumi.Output[str]] = []
        if net.public_subnets:
            public_ids = self._public(vpc, blocks[count:], zone_names, private_tables, nat=nat, opts=aws_opts)
        endpoint_sg = None if nat else self._endpoints(vpc, private_subnets, private_tables, opts=aws_opts)
        if net.flow_logs:
            self._flow_logs(vpc, provider, opts=aws_opts)
        self.publish(
            vpc_id=vpc.id,
            private_subnet_ids=[s.id for s in private_subnets],
            public_subnet_ids=public_ids or None,
            cidr=net.cidr,
            egress="nat-gateways" if nat else "vpc-endpoints",
            endpoint_security_group_id=endpoint_sg.id if endpoint_sg is not None else None,
        )

    def _public(
        self,
        vpc: aws.ec2.Vpc,
        blocks: list[str],
        zone_names: list[pulumi.Output[str]],
        private_tables: list[aws.ec2.RouteTable],
        *,
        nat: bool,
        opts: pulumi.ResourceOptions,
    ) -> list[pulumi.Output[str]]:
        """Public subnets behind an internet gateway; with ``nat``, one NAT gateway per zone for its private subnet."""
        net = self.component
        tags = self.ctx.tags(net)
        gateway = aws.ec2.InternetGateway(
            self.name("igw"), vpc_id=vpc.id, tags={**tags, "Name": f"{net.id}-igw"}, opts=opts
        )
        table = aws.ec2.RouteTable(
            self.name("public"),
            vpc_id=vpc.id,
            routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=gateway.id)],
            tags={**tags, "Name": f"{net.id}-public"},
            opts=opts,
        )
        ids: list[pulumi.Output[str]] = []
        for i, block in enumerate(blocks):
            subnet = aws.ec2.Subnet(
                self.name(f"public-{i}"),
                vpc_id=vpc.id,
                cidr_block=block,
                availability_zone=zone_names[i],
                map_public_ip_on_launch=False,
                tags={**tags, "Name": f"{net.id}-public-{i}", "kubernetes.io/role/elb": "1"},
                opts=opts,
            )
            aws.ec2.RouteTableAssociation(
                self.name(f"public-{i}"), subnet_id=subnet.id, route_table_id=table.id, opts=opts
            )
            ids.append(subnet.id)
            if not nat:
                continue
            address = aws.ec2.Eip(
                self.name(f"nat-{i}"), domain="vpc", tags={**tags, "Name": f"{net.id}-nat-{i}"}, opts=opts
            )
            gateway_nat = aws.ec2.NatGateway(
                self.name(f"nat-{i}"),
                allocation_id=address.allocation_id,
                subnet_id=subnet.id,
                connectivity_type="public",
                tags={**tags, "Name": f"{net.id}-nat-{i}"},
                opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[gateway])),
            )
            aws.ec2.Route(
                self.name(f"private-{i}-default"),
                route_table_id=private_tables[i].id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=gateway_nat.id,
                opts=opts,
            )
        return ids

    def _endpoints(
        self,
        vpc: aws.ec2.Vpc,
        subnets: list[aws.ec2.Subnet],
        tables: list[aws.ec2.RouteTable],
        *,
        opts: pulumi.ResourceOptions,
    ) -> aws.ec2.SecurityGroup:
        """AWS services without a route to the internet: an S3 gateway endpoint and interface endpoints."""
        net = self.component
        tags = self.ctx.tags(net)
        region = self.ctx.region_of(net)
        group = aws.ec2.SecurityGroup(
            self.name("endpoints"),
            vpc_id=vpc.id,
            description=f"HTTPS from {net.cidr} to the VPC endpoints of {net.id}",
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(
                    protocol="tcp", from_port=443, to_port=443, cidr_blocks=[net.cidr], description="HTTPS from the VPC"
                )
            ],
            egress=[],
            tags={**tags, "Name": f"{net.id}-endpoints"},
            opts=opts,
        )
        aws.ec2.VpcEndpoint(
            self.name("s3"),
            vpc_id=vpc.id,
            service_name=f"com.amazonaws.{region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[t.id for t in tables],
            tags={**tags, "Name": f"{net.id}-s3"},
            opts=opts,
        )
        for service, why in INTERFACE_ENDPOINTS.items():
            aws.ec2.VpcEndpoint(
                self.name(service.replace(".", "-")),
                vpc_id=vpc.id,
                service_name=f"com.amazonaws.{region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=[s.id for s in subnets],
                security_group_ids=[group.id],
                tags={**tags, "Name": f"{net.id}-{service}", "aifab:purpose": why},
                opts=opts,
            )
        return group

    def _flow_logs(self, vpc: aws.ec2.Vpc, provider: aws.Provider, *, opts: pulumi.ResourceOptions) -> None:
        """All traffic of the VPC to a CloudWatch log group, delivered through a role only flow logs assume."""
        net = self.component
        tags = self.ctx.tags(net)
        group = aws.cloudwatch.LogGroup(
            self.name("flow-logs"),
            name=f"/aifab/{self.ctx.design.name}/{net.id}/flow-logs",
            retention_in_days=FLOW_LOG_RETENTION_DAYS,
            tags=tags,
            opts=opts,
        )
        role = aws.iam.Role(
            self.name("flow-logs"),
            assume_role_policy=trust_policy("vpc-flow-logs.amazonaws.com", account_id(provider)),
            tags=tags,
            opts=opts,
        )
        aws.iam.RolePolicy(
            self.name("flow-logs"),
            role=role.id,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                            "Resource": [group.arn, pulumi.Output.concat(group.arn, ":*")],
                        }
                    ],
                }
            ),
            opts=opts,
        )
        aws.ec2.FlowLog(
            self.name("flow-logs"),
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags=tags,
            opts=opts,
        )


@realises("fabric")
class Fabric(Realised[bp.Fabric]):
    """EFA: a self-referencing security group and a cluster placement group; InfiniBand/RoCE: a bill of materials."""

    @classmethod
    def reads(cls, component: bp.Fabric, ctx: StackContext) -> list[str]:
        return network_of_fabric(ctx, component.id) if component.technology == "efa" else []

    def build(self) -> None:
        fabric = self.component
        estimate = self.ctx.estimate.fabric_estimate(fabric.id)
        if fabric.technology != "efa":
            self.publish(bill_of_materials=bill_of_materials(estimate))
            return
        provider = self.ctx.aws(fabric)
        opts = self.child(provider=provider)
        tags = self.ctx.tags(
            fabric, **{"aifab:fabric-nodes": str(estimate.nodes), "aifab:link-gbps": str(fabric.link_gbps)}
        )
        placement = aws.ec2.PlacementGroup(self.name("placement"), strategy="cluster", tags=tags, opts=opts)
        networks = network_of_fabric(self.ctx, fabric.id)
        if len(networks) > 1:
            raise pulumi.RunError(
                f"{fabric.id}: the pools on this EFA fabric run in {len(networks)} networks ({', '.join(networks)}); "
                "EFA traffic stays inside one VPC: give them one fabric per network"
            )
        group_id: pulumi.Output[str] | None = None
        if networks:
            group = aws.ec2.SecurityGroup(
                self.name("efa"),
                vpc_id=self.ctx.output(networks[0], "vpc_id"),
                description=f"EFA: all traffic between the nodes of fabric {fabric.id}",
                ingress=[
                    aws.ec2.SecurityGroupIngressArgs(
                        protocol="-1", from_port=0, to_port=0, self=True, description="EFA from the fabric's nodes"
                    )
                ],
                egress=[
                    aws.ec2.SecurityGroupEgressArgs(
                        protocol="-1", from_port=0, to_port=0, self=True, description="EFA to the fabric's nodes"
                    )
                ],
                tags={**tags, "Name": f"{fabric.id}-efa"},
                opts=opts,
            )
            group_id = group.id
        self.publish(security_group_id=group_id, placement_group_name=placement.name)


def bill_of_materials(estimate: FabricEstimate) -> dict[str, Any]:
    """What the facility team builds for an InfiniBand or RoCE fabric, as the capacity model sized it."""
    return {
        "technology": estimate.technology,
        "switch_model": estimate.switch_model,
        "link_gbps": estimate.link_gbps,
        "nodes": estimate.nodes,
        "rails": estimate.rails,
        "leaf_switches": estimate.leaf,
        "spine_switches": estimate.spine,
        "core_switches": estimate.core,
        "switches": estimate.switches,
        "cables": estimate.cables,
        "transceivers": estimate.transceivers,
        "oversubscription": estimate.oversubscription,
        "bisection_tbps": estimate.bisection_tbps,
        "switch_power_kw": estimate.switch_power_kw,
        "switch_rack_units": estimate.switch_rack_units,
        "site": estimate.site,
    }


__all__ = [
    "CLOUDWATCH_RETENTION_DAYS",
    "FLOW_LOG_RETENTION_DAYS",
    "INTERFACE_ENDPOINTS",
    "Fabric",
    "Network",
    "bill_of_materials",
    "cloudwatch_retention",
    "network_of_fabric",
    "subnet_blocks",
    "trust_policy",
]
