"""Realisers for the compute area: the Kubernetes cluster and the GPU, accelerator and CPU pools that join it.

* ``kubernetes_cluster`` (eks): IAM cluster role, a private EKS control plane (secrets encrypted by the
  design's key, control-plane logs, API authentication), the IAM OIDC provider for IRSA, the node role its
  pools use, and a kubeconfig (secret). (onprem): the kubeconfig of the existing cluster, from config.
  Both then lay down, with the cluster's own Kubernetes provider, one namespace per environment that runs
  on it (Pod Security labels, default-deny NetworkPolicy) and the operators its pools need: the NVIDIA GPU
  operator, plus the EFA device plugin (AWS) or the NVIDIA network operator (on-prem InfiniBand/RoCE).
* ``gpu_pool`` / ``accelerator_pool`` / ``cpu_pool`` (an instance type on EKS): a launch template (IMDSv2,
  EFA interfaces as many as the catalogue says the instance type has, the fabric's cluster placement
  group, encrypted root volume) and an EKS managed node group sized by the design. A pool of on-prem node
  models provisions nothing: it publishes its bill of materials from the capacity estimate.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from aifab.blueprints.compute import ComputePool
from aifab.blueprints.compute import KubernetesCluster as ClusterSpec
from aifab.blueprints.network import Fabric
from aifab.blueprints.security import KeyManagement

from . import kubernetes as kube
from .base import ConfigNeed, Realised, realises
from .context import StackContext, kubeconfig_json, slug

CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
"""Every EKS control-plane log type; shipped to CloudWatch when the design asks for audit logging."""

GPU_OPERATOR_NAMESPACE = "gpu-operator"
NETWORK_OPERATOR_NAMESPACE = "nvidia-network-operator"

GPU_TAINT = ("nvidia.com/gpu", "present")
NEURON_TAINT = ("aws.amazon.com/neuron", "present")

AMI_TYPES = {
    "gpu_pool": "AL2023_x86_64_NVIDIA",
    "accelerator_pool": "AL2023_x86_64_NEURON",
    "cpu_pool": "AL2023_x86_64_STANDARD",
}

CAPACITY_TYPES = {"spot": "SPOT", "capacity-block": "CAPACITY_BLOCK"}
"""EKS capacity type by the design's ``capacity``; on-demand and reserved capacity are ON_DEMAND."""

NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly")


def assume_role_policy(service: str) -> str:
    """A trust policy letting an AWS service assume the role (data, not a resource)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": ["sts:AssumeRole", "sts:TagSession"]
                    if service == "eks.amazonaws.com"
                    else "sts:AssumeRole",
                }
            ],
        }
    )


def partition(ctx: StackContext, region: str) -> str:
    """The AWS partition of ``region`` (``aws``, ``aws-us-gov`` ...) from the catalogue; ``aws`` when unknown."""
    found = ctx.catalogue.regions.get(region)
    return found.partition if found is not None else "aws"


def managed_policy(ctx: StackContext, region: str, name: str) -> str:
    return f"arn:{partition(ctx, region)}:iam::aws:policy/{name}"


def kms_arn(ctx: StackContext, key_ref: str, owner: str) -> pulumi.Output[Any]:
    """The KMS key ARN a key_management component publishes; only AWS-backed key stores have one."""
    key = ctx.component(key_ref, KeyManagement)
    if key.provider not in ("aws-kms", "aws-cloudhsm", "external-key-store"):
        raise pulumi.RunError(
            f"{owner}: key {key_ref!r} is a {key.provider} key; AWS services encrypt only "
            "with a KMS key (aws-kms, aws-cloudhsm or external-key-store)"
        )
    return ctx.output(key_ref, "key_arn")


def oidc_issuer(identities: Any) -> str:
    """The cluster's OIDC issuer URL out of ``cluster.identities`` ("" until the cluster exists)."""
    for identity in identities or []:
        for oidc in getattr(identity, "oidcs", None) or []:
            if getattr(oidc, "issuer", None):
                return str(oidc.issuer)
    return ""


@realises("kubernetes_cluster")
class KubernetesCluster(Realised[ClusterSpec]):
    """An EKS cluster, or an existing on-prem one, with its namespaces and GPU/network operators."""

    kind = "kubernetes_cluster"

    @classmethod
    def needs(cls, component: ClusterSpec, ctx: StackContext) -> list[ConfigNeed]:
        if component.provider == "onprem":
            return [kubeconfig_need(component)]
        return []

    def build(self) -> None:
        if self.component.provider == "eks":
            self.build_eks()
        else:
            self.publish(cluster_name=self.component.id, kubeconfig=self.ctx.setting(kubeconfig_need(self.component)))
        self.build_kubernetes_layer()

    # --- AWS -------------------------------------------------------------------------------------------

    def build_eks(self) -> None:
        c, ctx = self.component, self.ctx
        provider = ctx.aws(c)
        region = ctx.region_of(c)
        tags = ctx.tags(c)
        assert c.network is not None  # the blueprint's check requires it
        aws_opts = self.child(provider=provider)

        role = aws.iam.Role(
            self.name("cluster-role"),
            assume_role_policy=assume_role_policy("eks.amazonaws.com"),
            tags=tags,
            opts=aws_opts,
        )
        attachment = aws.iam.RolePolicyAttachment(
            self.name("cluster-policy"),
            role=role.name,
            policy_arn=managed_policy(ctx, region, "AmazonEKSClusterPolicy"),
            opts=aws_opts,
        )
        encryption = None
        if c.secrets_encrypted_by is not None:
            encryption = aws.eks.ClusterEncryptionConfigArgs(
                provider=aws.eks.ClusterEncryptionConfigProviderArgs(
                    key_arn=kms_arn(ctx, c.secrets_encrypted_by, c.id)
                ),
                resources=["secrets"],
            )
        cluster = aws.eks.Cluster(
            self.name(),
            name=slug(f"{ctx.design.name}-{c.id}", 100),
            role_arn=role.arn,
            version=c.version,
            vpc_config=aws.eks.ClusterVpcConfigArgs(
                subnet_ids=ctx.output(c.network, "private_subnet_ids"),
                endpoint_private_access=True,
                endpoint_public_access=c.endpoint_public,
            ),
            encryption_config=encryption,
            enabled_cluster_log_types=list(CONTROL_PLANE_LOGS) if c.audit_logging else [],
            access_config=aws.eks.ClusterAccessConfigArgs(
                authentication_mode="API", bootstrap_cluster_creator_admin_permissions=True
            ),
            tags=tags,
            opts=self.child(provider=provider, depends_on=[attachment]),
        )
        issuer = cluster.identities.apply(oidc_issuer)
        # IRSA. No thumbprint: IAM trusts the EKS OIDC issuer through its own CA library (thumbprint_lists is
        # optional), so nothing has to be fetched from the issuer and no resource waits inside an apply.
        oidc = aws.iam.OpenIdConnectProvider(
            self.name("oidc"),
            url=issuer,
            client_id_lists=["sts.amazonaws.com"],
            tags=tags,
            opts=aws_opts,
        )
        node_role = aws.iam.Role(
            self.name("node-role"),
            assume_role_policy=assume_role_policy("ec2.amazonaws.com"),
            tags=tags,
            opts=aws_opts,
        )
        for policy in NODE_POLICIES:
            aws.iam.RolePolicyAttachment(
                self.name(f"node-{policy}"),
                role=node_role.name,
                policy_arn=managed_policy(ctx, region, policy),
                opts=aws_opts,
            )
        self.publish(
            cluster_name=cluster.name,
            endpoint=cluster.endpoint,
            kubeconfig=kubeconfig_json(
                c.id, cluster.endpoint, cluster.certificate_authority.data, cluster.name, region
            ),
            oidc_provider_arn=oidc.arn,
            oidc_issuer=issuer,
            node_role_arn=node_role.arn,
            cluster_security_group_id=cluster.vpc_config.cluster_security_group_id,
        )

    # --- Kubernetes ------------------------------------------------------------------------------------

    def build_kubernetes_layer(self) -> None:
        c, ctx = self.component, self.ctx
        opts = self.child(provider=ctx.kubernetes(c.id))
        users = ctx.dependents(c.id, relations=("runs_on", "joins"))  # not what merely governs or monitors it
        namespaces = sorted({ctx.namespace(u) for u in users})
        for name in namespaces:
            ns = kube.namespace(name, ctx.labels(c), opts=opts, resource_name=self.name(f"ns-{name}"))
            kube.default_deny(self.name(f"default-deny-{name}"), ns.metadata.name, ctx.labels(c), opts=opts)

        pools = [u for u in users if isinstance(u, ComputePool)]
        gpu = any(p.kind == "gpu_pool" for p in pools)
        fabrics = {f.technology for f in (pool_fabric(ctx, p) for p in pools) if f is not None}
        if gpu:
            ns = kube.namespace(
                GPU_OPERATOR_NAMESPACE,
                ctx.labels(c),
                enforce="privileged",
                opts=opts,
                resource_name=self.name("ns-gpu-operator"),
            )
            on_eks = c.provider == "eks"
            # A monitoring component on this cluster that runs its own DCGM exporter owns GPU telemetry.
            own_dcgm = any(
                getattr(m, "gpu_telemetry", None) == "dcgm-exporter"
                and getattr(m, "stack", None) == "prometheus-grafana"
                for m in ctx.dependents(c.id, "monitoring")
            )
            kube.release(
                self.name("gpu-operator"),
                "gpu-operator",
                namespace_name=ns.metadata.name,
                # EKS's AL2023 NVIDIA AMI ships the driver and container toolkit; on-prem nodes get them here.
                values={
                    "driver": {"enabled": not on_eks},
                    "toolkit": {"enabled": not on_eks},
                    "dcgmExporter": {"enabled": not own_dcgm},
                    "daemonsets": {"tolerations": [toleration(*GPU_TAINT)]},
                },
                opts=opts,
            )
        if c.provider == "eks" and "efa" in fabrics:
            kube.release(
                self.name("efa-device-plugin"),
                "efa-device-plugin",
                namespace_name="kube-system",
                values={"tolerations": [toleration(*GPU_TAINT), toleration(*NEURON_TAINT)]},
                opts=opts,
            )
        if c.provider == "onprem" and fabrics & {"infiniband", "roce"}:
            ns = kube.namespace(
                NETWORK_OPERATOR_NAMESPACE,
                ctx.labels(c),
                enforce="privileged",
                opts=opts,
                resource_name=self.name("ns-network-operator"),
            )
            kube.release(
                self.name("network-operator"),
                "network-operator",
                namespace_name=ns.metadata.name,
                # The GPU operator already runs node-feature-discovery when GPU pools join.
                values={"nfd": {"enabled": not gpu}, "deployCR": True},
                opts=opts,
            )


def kubeconfig_need(component: ClusterSpec) -> ConfigNeed:
    return ConfigNeed(
        key=f"{component.id}-kubeconfig",
        why=f"the kubeconfig of on-prem cluster {component.id!r}",
        component=component.id,
    )


def toleration(key: str, value: str) -> dict[str, str]:
    return {"key": key, "operator": "Equal", "value": value, "effect": "NoSchedule"}


def pool_fabric(ctx: StackContext, pool: ComputePool) -> Fabric | None:
    return ctx.component(pool.fabric, Fabric) if pool.fabric is not None else None


# --- pools ---------------------------------------------------------------------------------------------


class ComputePoolRealised(Realised[ComputePool]):
    """What the three pool kinds share: a launch template + EKS node group, or an on-prem bill of materials."""

    @classmethod
    def needs(cls, component: ComputePool, ctx: StackContext) -> list[ConfigNeed]:
        if component.capacity == "capacity-block" and component.instance_type is not None:
            return [capacity_reservation_need(component)]
        return []

    def build(self) -> None:
        p = self.component
        cluster = self.ctx.component(p.cluster, ClusterSpec) if p.cluster is not None else None
        if p.instance_type is not None and cluster is not None and cluster.provider == "eks":
            self.build_node_group(cluster, p.instance_type)
        elif p.instance_type is not None:
            raise pulumi.RunError(
                f"{p.id}: instance type {p.instance_type} needs an EKS cluster to join "
                f"(cluster {p.cluster!r} is {cluster.provider if cluster else 'missing'})"
            )
        else:
            self.publish(node_count=p.node_count, bill_of_materials=self.bill_of_materials())

    def bill_of_materials(self) -> dict[str, Any]:
        est = self.ctx.estimate.pool(self.component.id)
        return {
            "hardware": est.hardware,
            "nodes": est.nodes,
            "accelerator": est.accelerator,
            "accelerators": est.gpus,
            "node_power_kw": est.node_power_kw,
            "power_kw": est.power_kw,
            "rack_units": est.node_rack_units * est.nodes if est.node_rack_units is not None else None,
        }

    def build_node_group(self, cluster: ClusterSpec, instance_type: str) -> None:
        p, ctx = self.component, self.ctx
        provider = ctx.aws(p)
        aws_opts = self.child(provider=provider)
        spec = ctx.catalogue.instance_type(instance_type)
        fabric = pool_fabric(ctx, p)
        efa = fabric is not None and fabric.technology == "efa"
        placement_group = efa and p.placement == "cluster"
        cluster_sg = ctx.output(cluster.id, "cluster_security_group_id")

        interfaces: list[aws.ec2.LaunchTemplateNetworkInterfaceArgs] = []
        if fabric is not None and efa:
            # The EFA group (all traffic to and from itself) and the cluster's, so nodes reach the control plane.
            groups = pulumi.Output.all(ctx.output(fabric.id, "security_group_id"), cluster_sg).apply(
                lambda ids: [i for i in ids if i]
            )
            interfaces = [
                aws.ec2.LaunchTemplateNetworkInterfaceArgs(
                    network_card_index=i,
                    device_index=0 if i == 0 else 1,
                    interface_type="efa",
                    security_groups=groups,
                    delete_on_termination="true",
                )
                for i in range(spec.efa_interfaces)
            ]
        block_devices = None
        if p.volumes_encrypted_by is not None:
            block_devices = [
                aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name="/dev/xvda",
                    ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        encrypted="true",
                        kms_key_id=kms_arn(ctx, p.volumes_encrypted_by, p.id),
                        volume_type="gp3",
                        delete_on_termination="true",
                    ),
                )
            ]
        capacity_block = p.capacity == "capacity-block"
        tags = ctx.tags(p, **{"aifab:nodes": str(p.node_count), "aifab:instance-type": instance_type})
        template = aws.ec2.LaunchTemplate(
            self.name("lt"),
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=2
            ),
            block_device_mappings=block_devices,
            network_interfaces=interfaces or None,
            placement=(
                aws.ec2.LaunchTemplatePlacementArgs(group_name=ctx.output(fabric.id, "placement_group_name"))
                if fabric is not None and placement_group
                else None
            ),
            instance_market_options=(
                aws.ec2.LaunchTemplateInstanceMarketOptionsArgs(market_type="capacity-block")
                if capacity_block
                else None
            ),
            capacity_reservation_specification=(
                aws.ec2.LaunchTemplateCapacityReservationSpecificationArgs(
                    capacity_reservation_target=aws.ec2.LaunchTemplateCapacityReservationSpecificationCapacityReservationTargetArgs(
                        capacity_reservation_id=ctx.setting(capacity_reservation_need(p))
                    )
                )
                if capacity_block
                else None
            ),
            tag_specifications=[
                aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type="instance", tags=tags),
                aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type="volume", tags=tags),
            ],
            update_default_version=True,
            tags=tags,
            opts=aws_opts,
        )
        assert cluster.network is not None  # the cluster's check requires it
        subnets: pulumi.Output[Any] = ctx.output(cluster.network, "private_subnet_ids")
        if placement_group:  # a cluster placement group lives in one availability zone
            subnets = subnets.apply(lambda ids: list(ids or [])[:1])
        accelerator = p.accelerator or spec.accelerator or "none"
        taint = {"gpu_pool": GPU_TAINT, "accelerator_pool": NEURON_TAINT}.get(p.kind)
        group = aws.eks.NodeGroup(
            self.name("ng"),
            cluster_name=ctx.output(cluster.id, "cluster_name"),
            node_role_arn=ctx.output(cluster.id, "node_role_arn"),
            subnet_ids=subnets,
            instance_types=[instance_type],
            ami_type=AMI_TYPES[p.kind],
            capacity_type=CAPACITY_TYPES.get(p.capacity, "ON_DEMAND"),
            launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
                id=template.id, version=template.latest_version.apply(str)
            ),
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                desired_size=p.node_count,
                min_size=p.min_node_count if p.min_node_count is not None else p.node_count,
                max_size=p.node_count,
            ),
            update_config=aws.eks.NodeGroupUpdateConfigArgs(max_unavailable=1),
            labels={
                "aifab.dev/pool": slug(p.id),
                "aifab.dev/role": p.role,
                "aifab.dev/accelerator": slug(accelerator),
            },
            taints=(
                [aws.eks.NodeGroupTaintArgs(key=taint[0], value=taint[1], effect="NO_SCHEDULE")] if taint else None
            ),
            tags=tags,
            opts=aws_opts,
        )
        self.publish(node_group_name=group.node_group_name, node_count=p.node_count, instance_type=instance_type)


def capacity_reservation_need(pool: ComputePool) -> ConfigNeed:
    return ConfigNeed(
        key=f"{pool.id}-capacity-reservation-id",
        why=f"the EC2 Capacity Block reservation id (cr-...) pool {pool.id!r} launches into",
        component=pool.id,
        secret=False,
    )


@realises("gpu_pool")
class GpuPool(ComputePoolRealised):
    kind = "gpu_pool"


@realises("accelerator_pool")
class AcceleratorPool(ComputePoolRealised):
    kind = "accelerator_pool"


@realises("cpu_pool")
class CpuPool(ComputePoolRealised):
    kind = "cpu_pool"


__all__ = ["AcceleratorPool", "ComputePoolRealised", "CpuPool", "GpuPool", "KubernetesCluster"]
