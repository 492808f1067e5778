"""Realisers for the storage area: the data lake, the distributed file system, the vector database.

* ``data_lake`` (s3): a bucket with owner-enforced object ownership, the public-access block, versioning,
  default encryption (the design's KMS key with an S3 bucket key, or SSE-S3), lifecycle rules, object lock,
  access logging into the audit lake, and a policy refusing requests without TLS. (onprem-object): the
  bucket name and endpoint of the existing store, from config.
* ``file_system`` (fsx-lustre): an FSx for Lustre file system sized to the next size AWS accepts, in the
  first private subnet of its network behind a security group open to Lustre from the VPC, with a data
  repository association to its data lake (PERSISTENT_2) or import/export paths (older types). Other
  engines are built by the facility team: the component publishes their bill of materials.
* ``vector_database`` (opensearch): an OpenSearch domain in the VPC; (qdrant, milvus, weaviate, pgvector):
  a Helm release on the cluster it runs on. Both sized by :func:`vector_volume_gib`.
"""

from __future__ import annotations

import math
from typing import Any

import pulumi
import pulumi_aws as aws

from aifab.blueprints.compute import KubernetesCluster as ClusterSpec
from aifab.blueprints.security import AuditLog
from aifab.blueprints.storage import DataLake as LakeSpec
from aifab.blueprints.storage import FileSystem as FileSystemSpec
from aifab.blueprints.storage import VectorDatabase as VectorSpec
from aifab.capacity.results import FileSystemEstimate
from aifab.catalogue import Catalogue

from . import kubernetes as kube
from .base import ConfigNeed, Realised, realises
from .compute import kms_arn
from .context import StackContext, slug

GIB = 1024**3

# --- data lake -----------------------------------------------------------------------------------------


@realises("data_lake")
class DataLake(Realised[LakeSpec]):
    """An S3 bucket hardened as the design says, or an existing on-prem object store."""

    kind = "data_lake"

    @classmethod
    def needs(cls, component: LakeSpec, ctx: StackContext) -> list[ConfigNeed]:
        if component.provider == "onprem-object":
            return [need for need in onprem_lake_needs(component)]
        return []

    def build(self) -> None:
        if self.component.provider == "onprem-object":
            bucket_need, endpoint_need = onprem_lake_needs(self.component)
            self.publish(bucket_name=self.ctx.setting(bucket_need), endpoint=self.ctx.setting(endpoint_need))
            return
        self.build_s3()

    def build_s3(self) -> None:
        lake, ctx = self.component, self.ctx
        opts = self.child(provider=ctx.aws(lake))
        tags = ctx.tags(lake, **{"aifab:data-classification": lake.data_classification})
        bucket = aws.s3.Bucket(
            self.name(),
            object_lock_enabled=lake.object_lock != "none",
            tags=tags,
            opts=opts,
        )
        aws.s3.BucketOwnershipControls(
            self.name("ownership"),
            bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=opts,
        )
        blocked = lake.public_access_blocked
        public_access = aws.s3.BucketPublicAccessBlock(
            self.name("public-access"),
            bucket=bucket.id,
            block_public_acls=blocked,
            block_public_policy=blocked,
            ignore_public_acls=blocked,
            restrict_public_buckets=blocked,
            opts=opts,
        )
        versioning = None
        if lake.versioning:
            versioning = aws.s3.BucketVersioning(
                self.name("versioning"),
                bucket=bucket.id,
                versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
                opts=opts,
            )
        if lake.encryption != "none":
            customer_key = lake.encryption == "customer-managed-key" and lake.encrypted_by is not None
            aws.s3.BucketServerSideEncryptionConfiguration(
                self.name("encryption"),
                bucket=bucket.id,
                rules=[
                    aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                        apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                            sse_algorithm="aws:kms" if customer_key else "AES256",
                            kms_master_key_id=(
                                kms_arn(ctx, lake.encrypted_by, lake.id)
                                if customer_key and lake.encrypted_by is not None
                                else None
                            ),
                        ),
                        bucket_key_enabled=True if customer_key else None,
                    )
                ],
                opts=opts,
            )
        if lake.lifecycle:
            aws.s3.BucketLifecycleConfiguration(
                self.name("lifecycle"),
                bucket=bucket.id,
                rules=[lifecycle_rule(i, rule) for i, rule in enumerate(lake.lifecycle)],
                opts=self.child(provider=ctx.aws(lake), depends_on=[versioning] if versioning else None),
            )
        if lake.object_lock != "none":
            aws.s3.BucketObjectLockConfiguration(
                self.name("object-lock"),
                bucket=bucket.id,
                rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
                    default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(
                        mode=lake.object_lock.upper(), days=lake.object_lock_retention_days
                    )
                ),
                opts=self.child(provider=ctx.aws(lake), depends_on=[versioning] if versioning else None),
            )
        target = access_log_lake(ctx, lake)
        if target is not None:
            aws.s3.BucketLogging(
                self.name("access-logging"),
                bucket=bucket.id,
                target_bucket=ctx.output(target, "bucket_name"),
                target_prefix=f"s3-access/{lake.id}/",
                opts=opts,
            )
        # S3 keeps one policy per bucket: where a trail of this stack delivers here, its delivery policy
        # (aifab.infra.security.delivery_policy) carries the same TLS-only statement and owns the bucket policy.
        trails = [
            a
            for a in ctx.dependents(lake.id, "audit_log")
            if getattr(a, "provider", None) == "cloudtrail" and ctx.environment_of(a) == ctx.environment_of(lake)
        ]
        if not trails:
            self._tls_only(bucket, public_access)
        self._publish(bucket)

    def _tls_only(self, bucket: aws.s3.Bucket, public_access: aws.s3.BucketPublicAccessBlock) -> None:
        ctx, lake = self.ctx, self.component
        aws.s3.BucketPolicy(
            self.name("tls-only"),
            bucket=bucket.id,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "DenyInsecureTransport",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [bucket.arn, pulumi.Output.concat(bucket.arn, "/*")],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ],
                }
            ),
            # A policy put before the public-access block is in place could be judged public and refused.
            opts=self.child(provider=ctx.aws(lake), depends_on=[public_access]),
        )

    def _publish(self, bucket: aws.s3.Bucket) -> None:
        lake = self.component
        outputs: dict[str, Any] = {"bucket_name": bucket.bucket, "bucket_arn": bucket.arn}
        if lake.replicate_to_regions:
            # Replication needs a destination bucket and key in each region and a replication role; not built
            # yet: published so the gap shows in the stack's outputs rather than passing silently.
            outputs["replication"] = {
                "regions": list(lake.replicate_to_regions),
                "status": "not built by aifab yet: configure S3 replication to these regions",
            }
        self.publish(**outputs)


def onprem_lake_needs(lake: LakeSpec) -> tuple[ConfigNeed, ConfigNeed]:
    return (
        ConfigNeed(
            key=f"{lake.id}-bucket-name",
            why=f"the bucket name of on-prem object store {lake.id!r}",
            component=lake.id,
            secret=False,
        ),
        ConfigNeed(
            key=f"{lake.id}-endpoint",
            why=f"the S3-compatible endpoint URL of on-prem object store {lake.id!r}",
            component=lake.id,
            secret=False,
        ),
    )


def lifecycle_rule(index: int, rule: Any) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    """One design lifecycle rule as an S3 rule (its id names the prefix it applies to)."""
    return aws.s3.BucketLifecycleConfigurationRuleArgs(
        id=f"{index:02d}-{slug(rule.prefix or 'all', 50)}",
        status="Enabled",
        filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=rule.prefix),
        transitions=(
            [
                aws.s3.BucketLifecycleConfigurationRuleTransitionArgs(
                    storage_class=rule.transition_to, days=rule.transition_after_days
                )
            ]
            if rule.transition_to is not None
            else None
        ),
        noncurrent_version_expiration=(
            aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                noncurrent_days=rule.expire_noncurrent_after_days
            )
            if rule.expire_noncurrent_after_days is not None
            else None
        ),
        abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
            days_after_initiation=rule.abort_incomplete_uploads_after_days
        ),
    )


def access_log_lake(ctx: StackContext, lake: LakeSpec) -> str | None:
    """The lake that receives ``lake``'s access logs: the one its audit log stores in (never itself)."""
    if lake.logs_to is None:
        return None
    audit = ctx.component(lake.logs_to, AuditLog)
    if audit.stores_in is None or audit.stores_in == lake.id:
        return None
    return str(audit.stores_in)


# --- file system ---------------------------------------------------------------------------------------

LUSTRE_PORTS = ((988, 988), (1018, 1023))
"""Lustre's TCP ports (FSx for Lustre: 988 and 1018-1023), opened to the VPC."""


def fsx_capacity_gib(catalogue: Catalogue, fs: FileSystemSpec, estimate: FileSystemEstimate) -> int:
    """The FSx ``storage_capacity`` (GiB): the design's capacity rounded up to a size the deployment type takes.

    The catalogue gives each tier's minimum and step (e.g. PERSISTENT_2 SSD: 1200 GiB, then multiples of
    2400 GiB); a design sized in the console's notation (1 TiB written for 1000 GiB) lands on the same grid.
    """
    binary, console = estimate.capacity_tib * 1024, estimate.capacity_tib * 1000
    for tier in catalogue.storage_tiers.values():
        if tier.service != "fsx-lustre" or tier.deployment_type != fs.deployment_type:
            continue
        if fs.per_unit_throughput_mbps_per_tib not in tier.per_unit_throughput_mbps_per_tib:
            continue
        step = tier.increment_tib(fs.per_unit_throughput_mbps_per_tib)
        if tier.min_capacity_tib is None or step is None:
            break
        minimum, increment = tier.min_capacity_tib * 1024, step * 1024
        on_grid = math.isclose(console, minimum) or math.isclose(console / increment, round(console / increment))
        wanted = console if on_grid and console >= minimum - 1e-6 else binary
        if wanted <= minimum + 1e-6:
            return round(minimum)
        return round(math.ceil(wanted / increment - 1e-9) * increment)
    return math.ceil(binary - 1e-9)


@realises("file_system")
class FileSystem(Realised[FileSystemSpec]):
    """FSx for Lustre, or the bill of materials of an on-prem parallel file system."""

    kind = "file_system"

    def build(self) -> None:
        fs, ctx = self.component, self.ctx
        estimate = ctx.estimate.file_system(fs.id)
        if fs.engine != "fsx-lustre":
            self.publish(
                bill_of_materials={
                    "engine": fs.engine,
                    "capacity_tib": estimate.capacity_tib,
                    "throughput_gbs": estimate.throughput_gbs,
                    "power_kw": estimate.power_kw,
                    "mounted_by": list(estimate.mounted_by),
                }
            )
            return
        if fs.network is None:
            raise pulumi.RunError(f"{fs.id}: FSx for Lustre needs a network (field 'network') to sit in")
        opts = self.child(provider=ctx.aws(fs))
        tags = ctx.tags(fs, **{"aifab:throughput-gbs": f"{estimate.throughput_gbs:g}"})
        cidr = ctx.output(fs.network, "cidr")
        group = aws.ec2.SecurityGroup(
            self.name("lustre"),
            description=f"Lustre clients in the VPC to FSx {fs.id}",
            vpc_id=ctx.output(fs.network, "vpc_id"),
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(
                    protocol="tcp", from_port=low, to_port=high, cidr_blocks=[cidr], description="Lustre"
                )
                for low, high in LUSTRE_PORTS
            ],
            egress=[
                aws.ec2.SecurityGroupEgressArgs(
                    protocol="tcp", from_port=low, to_port=high, cidr_blocks=[cidr], description="Lustre"
                )
                for low, high in LUSTRE_PORTS
            ],
            tags=tags,
            opts=opts,
        )
        # FSx for Lustre sits in one subnet (pulumi-aws 7 takes a single id): the network's first private one.
        subnet = ctx.output(fs.network, "private_subnet_ids").apply(lambda ids: str((list(ids or []) or [""])[0]))
        deployment = str(fs.deployment_type)
        persistent = deployment.startswith("PERSISTENT")
        lake_path = (
            pulumi.Output.concat("s3://", ctx.output(fs.data_repository, "bucket_name"))
            if fs.data_repository is not None
            else None
        )
        legacy_repository = lake_path is not None and deployment != "PERSISTENT_2"
        lustre = aws.fsx.LustreFileSystem(
            self.name(),
            storage_capacity=fsx_capacity_gib(ctx.catalogue, fs, estimate),
            deployment_type=deployment,
            per_unit_storage_throughput=fs.per_unit_throughput_mbps_per_tib if persistent else None,
            storage_type="HDD" if self.hdd() else "SSD",
            subnet_ids=subnet,
            security_group_ids=[group.id],
            kms_key_id=(
                kms_arn(ctx, fs.encrypted_by, fs.id)
                if persistent and fs.encryption == "customer-managed-key" and fs.encrypted_by is not None
                else None
            ),
            automatic_backup_retention_days=fs.backup_retention_days if persistent else None,
            copy_tags_to_backups=True if persistent else None,
            file_system_type_version="2.15",
            # PERSISTENT_2 links its lake through a data repository association (below); older types by paths.
            import_path=lake_path if legacy_repository else None,
            export_path=pulumi.Output.concat(lake_path, "/export") if legacy_repository and lake_path else None,
            auto_import_policy="NEW_CHANGED_DELETED" if legacy_repository else None,
            tags=tags,
            opts=opts,
        )
        if lake_path is not None and deployment == "PERSISTENT_2":
            events = ["NEW", "CHANGED", "DELETED"]
            aws.fsx.DataRepositoryAssociation(
                self.name("repository"),
                file_system_id=lustre.id,
                data_repository_path=lake_path,
                file_system_path=f"/{slug(str(fs.data_repository))}",
                batch_import_meta_data_on_create=True,
                s3=aws.fsx.DataRepositoryAssociationS3Args(
                    auto_import_policy=aws.fsx.DataRepositoryAssociationS3AutoImportPolicyArgs(events=events),
                    auto_export_policy=aws.fsx.DataRepositoryAssociationS3AutoExportPolicyArgs(events=events),
                ),
                tags=tags,
                opts=opts,
            )
        self.publish(
            file_system_id=lustre.id,
            dns_name=lustre.dns_name,
            mount_name=lustre.mount_name,
            storage_capacity_gib=lustre.storage_capacity,
        )

    def hdd(self) -> bool:
        fs = self.component
        return any(
            t.service == "fsx-lustre"
            and t.deployment_type == fs.deployment_type
            and fs.per_unit_throughput_mbps_per_tib in t.per_unit_throughput_mbps_per_tib
            and t.storage_class == "hdd"
            for t in self.ctx.catalogue.storage_tiers.values()
        )


# --- vector database -----------------------------------------------------------------------------------

INDEX_OVERHEAD = {"hnsw": 1.5, "ivf": 1.1, "flat": 1.0}
"""Index size over the raw vectors: HNSW keeps a neighbour graph (M=16..32 links of 4-8 bytes per vector,
about half the raw size at 1024 float32 dimensions), IVF its centroid lists, flat nothing."""

DISK_HEADROOM = 1.25
"""Free space kept on each volume: OpenSearch stops allocating at its 85% watermark, and merges and
compactions need room for a second copy of a segment."""

MIN_VOLUME_GIB = 10


def vector_volume_gib(vdb: VectorSpec) -> int:
    """GiB each replica's volume holds: vectors x dimensions x bytes, the index, then headroom.

    Every replica holds a full copy, so the total is this times ``replicas`` (one volume per replica).
    """
    raw = vdb.vector_count * vdb.dimensions * vdb.bytes_per_dimension
    return max(MIN_VOLUME_GIB, math.ceil(float(raw) * INDEX_OVERHEAD[vdb.index] * DISK_HEADROOM / GIB))


OPENSEARCH_TYPES = (
    ("r7g.large.search", 16),
    ("r7g.xlarge.search", 32),
    ("r7g.2xlarge.search", 64),
    ("r7g.4xlarge.search", 128),
    ("r7g.8xlarge.search", 256),
    ("r7g.12xlarge.search", 384),
    ("r7g.16xlarge.search", 512),
)
"""Memory-optimised OpenSearch instance types and their memory (GiB)."""


def opensearch_instance_type(vdb: VectorSpec) -> str:
    """The smallest r7g whose k-NN memory holds one copy of the index.

    The k-NN plugin keeps HNSW graphs off-heap and, by default, may use half of what the JVM heap leaves
    (the heap takes half of memory), so a node has about a quarter of its memory for graphs.
    """
    index_gib = vdb.vector_count * vdb.dimensions * vdb.bytes_per_dimension * INDEX_OVERHEAD[vdb.index] / GIB
    for name, memory in OPENSEARCH_TYPES:
        if memory / 4 >= index_gib:
            return name
    return OPENSEARCH_TYPES[-1][0]


SERVICE_PORTS = {
    "qdrant": ("{release}-qdrant", "http", 6333),
    "weaviate": ("weaviate", "http", 80),
    "milvus": ("{release}-milvus", "grpc", 19530),
    "pgvector": ("{release}-postgresql", "postgresql", 5432),
}
"""The service each chart creates (for its default names), its scheme and port."""


def chart_values(vdb: VectorSpec, volume: str) -> dict[str, Any]:
    """Helm values for ``vdb.engine``: the replicas and a persistent volume of ``volume`` each."""
    replicas = vdb.replicas
    if vdb.engine == "qdrant":
        return {
            "replicaCount": replicas,
            "persistence": {"size": volume},
            "config": {"cluster": {"enabled": replicas > 1}},
        }
    if vdb.engine == "weaviate":
        return {"replicas": replicas, "storage": {"size": volume}}
    if vdb.engine == "milvus":
        return {
            "cluster": {"enabled": True},
            "queryNode": {"replicas": replicas},
            "minio": {"persistence": {"size": volume}},
        }
    # pgvector: PostgreSQL (primary + read replicas) with the vector extension created at initialisation.
    return {
        "architecture": "replication" if replicas > 1 else "standalone",
        "primary": {
            "persistence": {"size": volume},
            "initdb": {"scripts": {"pgvector.sql": "CREATE EXTENSION IF NOT EXISTS vector;"}},
        },
        "readReplicas": {"replicaCount": max(replicas - 1, 0), "persistence": {"size": volume}},
    }


@realises("vector_database")
class VectorDatabase(Realised[VectorSpec]):
    """An OpenSearch domain in the VPC, or a vector database chart on the cluster it runs on."""

    kind = "vector_database"

    def build(self) -> None:
        vdb = self.component
        volume_gib = vector_volume_gib(vdb)
        if vdb.engine == "opensearch":
            self.build_opensearch(volume_gib)
        else:
            self.build_release(volume_gib)

    def network(self) -> str:
        vdb = self.component
        if vdb.network is not None:
            return str(vdb.network)
        cluster = self.ctx.component(vdb.runs_on, ClusterSpec) if vdb.runs_on is not None else None
        network = getattr(cluster, "network", None)
        if not isinstance(network, str):
            raise pulumi.RunError(f"{vdb.id}: an OpenSearch domain needs a network (field 'network')")
        return network

    def build_opensearch(self, volume_gib: int) -> None:
        vdb, ctx = self.component, self.ctx
        opts = self.child(provider=ctx.aws(vdb))
        tags = ctx.tags(vdb, **{"aifab:data-classification": vdb.data_classification})
        network = self.network()
        zones = 3 if vdb.replicas % 3 == 0 else 2 if vdb.replicas % 2 == 0 else 1
        cidr = ctx.output(network, "cidr")
        group = aws.ec2.SecurityGroup(
            self.name("https"),
            description=f"HTTPS from the VPC to OpenSearch {vdb.id}",
            vpc_id=ctx.output(network, "vpc_id"),
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(
                    protocol="tcp", from_port=443, to_port=443, cidr_blocks=[cidr], description="HTTPS"
                )
            ],
            tags=tags,
            opts=opts,
        )
        domain = aws.opensearch.Domain(
            self.name(),
            domain_name=slug(vdb.id, 28),
            engine_version="OpenSearch_2.19",
            cluster_config=aws.opensearch.DomainClusterConfigArgs(
                instance_type=opensearch_instance_type(vdb),
                instance_count=vdb.replicas,
                zone_awareness_enabled=zones > 1,
                zone_awareness_config=(
                    aws.opensearch.DomainClusterConfigZoneAwarenessConfigArgs(availability_zone_count=zones)
                    if zones > 1
                    else None
                ),
            ),
            ebs_options=aws.opensearch.DomainEbsOptionsArgs(
                ebs_enabled=True, volume_type="gp3", volume_size=volume_gib
            ),
            encrypt_at_rest=aws.opensearch.DomainEncryptAtRestArgs(
                enabled=vdb.encryption != "none",
                kms_key_id=(
                    kms_arn(ctx, vdb.encrypted_by, vdb.id)
                    if vdb.encryption == "customer-managed-key" and vdb.encrypted_by is not None
                    else None
                ),
            ),
            node_to_node_encryption=aws.opensearch.DomainNodeToNodeEncryptionArgs(enabled=True),
            domain_endpoint_options=aws.opensearch.DomainDomainEndpointOptionsArgs(
                enforce_https=True, tls_security_policy="Policy-Min-TLS-1-2-PFS-2023-10"
            ),
            vpc_options=aws.opensearch.DomainVpcOptionsArgs(
                subnet_ids=ctx.output(network, "private_subnet_ids").apply(lambda ids: list(ids or [])[:zones]),
                security_group_ids=[group.id],
            ),
            tags=tags,
            opts=opts,
        )
        self.publish(endpoint=pulumi.Output.concat("https://", domain.endpoint), volume_gib=volume_gib)

    def build_release(self, volume_gib: int) -> None:
        vdb, ctx = self.component, self.ctx
        if vdb.runs_on is None:
            raise pulumi.RunError(f"{vdb.id}: a {vdb.engine} database runs on a cluster (field 'runs_on')")
        namespace = ctx.namespace(vdb)
        release_name = slug(vdb.id, 53)
        kube.release(
            release_name,
            vdb.engine,
            namespace_name=namespace,
            values={
                **chart_values(vdb, f"{volume_gib}Gi"),
                "commonLabels": ctx.labels(vdb),
            },
            opts=self.child(provider=ctx.kubernetes(vdb.runs_on)),
        )
        service, scheme, port = SERVICE_PORTS[vdb.engine]
        host = f"{service.format(release=release_name)}.{namespace}.svc.cluster.local"
        self.publish(endpoint=f"{scheme}://{host}:{port}", volume_gib=volume_gib)


__all__ = [
    "DataLake",
    "FileSystem",
    "VectorDatabase",
    "chart_values",
    "fsx_capacity_gib",
    "opensearch_instance_type",
    "vector_volume_gib",
]
