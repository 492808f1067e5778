"""The storage area under the SDK mocks: S3 data lakes, FSx for Lustre, vector databases, on-prem stores.

The designs keep the network, key, audit trail and audit lake in the shared stack ``core`` and build the
storage in stack ``dev`` (what they read comes through a StackReference, ``SHARED``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aifab.blueprints.storage import FileSystem as FileSystemSpec
from aifab.blueprints.storage import VectorDatabase as VectorSpec
from aifab.capacity.results import FileSystemEstimate
from aifab.catalogue import load_catalogue
from aifab.design.design import Design
from aifab.design.loader import load_design
from aifab.infra.storage import fsx_capacity_gib, opensearch_instance_type, vector_volume_gib
from aifab.preview.capture import Capture, ProgramFailed

from .conftest import realise_design

# The SDK's mock monitor leaves event loops in its executor threads; one collected mid-test can raise from
# its __del__ (an unraisable "Invalid file descriptor"), which says nothing about the code under test.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

FIXTURES = Path(__file__).parent / "fixtures"
KEY_ARN = "arn:aws:kms:eu-west-2:444455556666:key/k"
SHARED: dict[str, Any] = {
    "core": {
        "vpc": {"vpc_id": "vpc-1", "private_subnet_ids": ["subnet-a", "subnet-b", "subnet-c"], "cidr": "10.0.0.0/16"},
        "kms": {"key_arn": KEY_ARN, "key_id": "k"},
        "audit": {"trail_arn": "arn:aws:cloudtrail:eu-west-2:444455556666:trail/audit"},
        "audit-lake": {"bucket_name": "audit-bucket", "bucket_arn": "arn:aws:s3:::audit-bucket"},
    }
}
ONPREM_CONFIG = {
    "aifab:k8s-kubeconfig": '{"kind": "Config"}',
    "aifab:objects-bucket-name": "training-data",
    "aifab:objects-endpoint": "https://s3.colo.example.org",
}
S3 = "aws:s3/"
FSX = "aws:fsx/lustreFileSystem:LustreFileSystem"
DRA = "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation"
DOMAIN = "aws:opensearch/domain:Domain"
RELEASE = "kubernetes:helm.sh/v3:Release"
SG = "aws:ec2/securityGroup:SecurityGroup"


def design(name: str) -> Design:
    return load_design(FIXTURES / f"{name}.yaml").design


def run(name: str, *, preview: bool, config: dict[str, str] | None = None) -> Capture:
    capture = realise_design(design(name), "dev", preview=preview, config=config, stack_outputs=SHARED)
    assert capture.created_in_apply == []
    return capture


def names(urns: Any) -> set[str]:
    return {u.rsplit("::", 1)[-1] for u in urns}


def s3(capture: Capture, kind: str, name: str) -> dict[str, Any]:
    return dict(capture.one(f"aws:s3/{kind}", name).inputs)


# --- data lake ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("preview", [True, False])
def test_lake_bucket_is_hardened_as_designed(preview: bool) -> None:
    capture = run("storage_aws", preview=preview)
    lake = capture.one("aifab:storage:DataLake", "lake")
    children = {r.type.split(":")[-1]: r for r in capture.children(lake)}
    assert set(children) == {
        "Bucket",
        "BucketOwnershipControls",
        "BucketPublicAccessBlock",
        "BucketVersioning",
        "BucketServerSideEncryptionConfiguration",
        "BucketLifecycleConfiguration",
        "BucketObjectLockConfiguration",
        "BucketLogging",
        "BucketPolicy",
    }
    bucket = children["Bucket"]
    assert bucket.inputs["objectLockEnabled"] is True
    assert bucket.provider.split("::")[-2] == "aws-eu-west-2"
    for child in children.values():
        if child is not bucket:
            assert bucket.urn in child.property_dependencies["bucket"]
    assert children["BucketOwnershipControls"].inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    block = children["BucketPublicAccessBlock"].inputs
    assert all(
        block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    assert children["BucketVersioning"].inputs["versioningConfiguration"] == {"status": "Enabled"}
    (rule,) = children["BucketServerSideEncryptionConfiguration"].inputs["rules"]
    assert rule == {
        "applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN},
        "bucketKeyEnabled": True,
    }
    lock = children["BucketObjectLockConfiguration"]
    assert lock.inputs["rule"] == {"defaultRetention": {"mode": "GOVERNANCE", "days": 30}}
    assert children["BucketVersioning"].urn in lock.dependencies
    logging = children["BucketLogging"]
    assert logging.inputs["targetPrefix"] == "s3-access/lake/"
    assert "stack-core" in names(logging.property_dependencies["targetBucket"])  # the audit lake's stack
    policy = children["BucketPolicy"]
    assert children["BucketPublicAccessBlock"].urn in policy.dependencies


def test_lake_lifecycle_logging_policy_and_replication_note_resolved() -> None:
    capture = run("storage_aws", preview=False)
    rules = s3(capture, "bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lake-lifecycle")["rules"]
    assert rules == [
        {
            "id": "00-checkpoints",
            "status": "Enabled",
            "filter": {"prefix": "checkpoints/"},
            "noncurrentVersionExpiration": {"noncurrentDays": 30},
            "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7},
        },
        {
            "id": "01-raw",
            "status": "Enabled",
            "filter": {"prefix": "raw/"},
            "transitions": [{"storageClass": "GLACIER_IR", "days": 180}],
            "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7},
        },
    ]
    assert s3(capture, "bucketLogging:BucketLogging", "lake-access-logging")["targetBucket"] == "audit-bucket"
    policy = json.loads(s3(capture, "bucketPolicy:BucketPolicy", "lake-tls-only")["policy"])
    (deny,) = policy["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == ["lake-arn", "lake-arn/*"]
    lake = capture.outputs["lake"]
    assert lake["bucket_arn"] == "lake-arn" and lake["bucket_name"].startswith("lake-")
    assert lake["replication"]["regions"] == ["eu-west-1"]


def test_provider_managed_public_lake_takes_sse_s3_and_no_block(tmp_path: Path) -> None:
    text = (FIXTURES / "storage_aws.yaml").read_text()
    text = text.replace(
        "  - kind: data_lake\n    id: lake\n    encrypted_by: kms\n",
        "  - kind: data_lake\n    id: lake\n    encryption: provider-managed\n    public_access_blocked: false\n",
    )
    (tmp_path / "d.yaml").write_text(text)
    capture = realise_design(load_design(tmp_path / "d.yaml").design, "dev", preview=True, stack_outputs=SHARED)
    (rule,) = s3(
        capture, "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "lake-encryption"
    )["rules"]
    assert rule == {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}
    block = s3(capture, "bucketPublicAccessBlock:BucketPublicAccessBlock", "lake-public-access")
    assert not any(
        block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )


# --- FSx for Lustre ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("preview", [True, False])
def test_fsx_lustre_sized_from_the_design_and_linked_to_its_lake(preview: bool) -> None:
    capture = run("storage_aws", preview=preview)
    fs = capture.one(FSX, "scratch")
    assert fs.parent == capture.one("aifab:storage:FileSystem", "scratch").urn
    inputs = fs.inputs
    assert inputs["deploymentType"] == "PERSISTENT_2"
    assert inputs["perUnitStorageThroughput"] == 250
    assert inputs["storageCapacity"] == 2400  # 2.4 TiB in the console's notation is 2400 GiB
    assert inputs["storageType"] == "SSD"
    assert inputs["kmsKeyId"] == KEY_ARN
    assert inputs["automaticBackupRetentionDays"] == 7
    assert inputs["subnetIds"] == "subnet-a"
    group = capture.one(SG, "scratch-lustre")
    assert group.urn in fs.property_dependencies["securityGroupIds"]
    ports = sorted((r["fromPort"], r["toPort"]) for r in group.inputs["ingress"])
    assert ports == [(988, 988), (1018, 1023)]
    assert {c for r in group.inputs["ingress"] for c in r["cidrBlocks"]} == {"10.0.0.0/16"}
    # the data repository association reads the lake this stack built: a dependency on its bucket
    dra = capture.one(DRA, "scratch-repository")
    bucket = capture.one("aws:s3/bucket:Bucket", "lake").urn
    assert bucket in dra.property_dependencies["dataRepositoryPath"]
    assert fs.urn in dra.property_dependencies["fileSystemId"]
    assert dra.inputs["s3"]["autoImportPolicy"] == {"events": ["NEW", "CHANGED", "DELETED"]}
    assert dra.inputs["s3"]["autoExportPolicy"] == {"events": ["NEW", "CHANGED", "DELETED"]}
    assert dra.inputs["fileSystemPath"] == "/lake"
    assert bucket in fs.dependencies  # scratch links to lake (data_repository): built after it
    if not preview:
        assert dra.inputs["dataRepositoryPath"].startswith("s3://lake-")
        assert capture.outputs["scratch"]["storage_capacity_gib"] == 2400


def fs_spec(deployment: str, per_unit: int, capacity: float) -> tuple[FileSystemSpec, FileSystemEstimate]:
    spec = FileSystemSpec(
        id="fs",
        engine="fsx-lustre",
        deployment_type=deployment,
        per_unit_throughput_mbps_per_tib=per_unit,
        capacity_tib=capacity,
        encryption="provider-managed",
    )
    estimate = FileSystemEstimate(
        id="fs",
        engine="fsx-lustre",
        site=None,
        capacity_tib=capacity,
        throughput_gbs=capacity * per_unit / 1000,
        mounted_by=(),
        read_gbs_demand=0,
        power_kw=0,
        tier_valid=True,
        capacity_valid=True,
        explain={},
    )
    return spec, estimate


@pytest.mark.parametrize(
    ("deployment", "per_unit", "capacity_tib", "gib"),
    [
        ("PERSISTENT_2", 1000, 1.171875, 1200),  # the minimum, in TiB
        ("PERSISTENT_2", 1000, 1.2, 1200),  # the minimum, console notation
        ("PERSISTENT_2", 250, 23.4375, 24000),
        ("PERSISTENT_2", 1000, 131.25, 134400),
        ("PERSISTENT_2", 500, 3.0, 4800),  # off the grid: up to the next step
        ("PERSISTENT_1", 40, 1.7578125, 1800),  # HDD: its own step per tier
        ("PERSISTENT_1", 12, 5.859375, 6000),
        ("PERSISTENT_1", 12, 6.0, 6000),  # 6000 GiB in the console's notation
        ("PERSISTENT_1", 12, 7.0, 12000),
    ],
)
def test_fsx_capacity_rounds_up_to_the_tier_grid(deployment: str, per_unit: int, capacity_tib: float, gib: int) -> None:
    spec, estimate = fs_spec(deployment, per_unit, capacity_tib)
    assert fsx_capacity_gib(load_catalogue(), spec, estimate) == gib


# --- vector databases -------------------------------------------------------------------------------------


def test_vector_volume_is_vectors_by_dimensions_by_bytes_with_index_and_headroom() -> None:
    vdb = VectorSpec(id="v", engine="opensearch", dimensions=1024, vector_count=10_000_000, encryption="none")
    raw_gib = 10_000_000 * 1024 * 4 / 1024**3  # 38.1 GiB of float32 vectors
    assert vector_volume_gib(vdb) == 72 == -(-raw_gib * 1.5 * 1.25 // 1)
    small = VectorSpec(id="s", engine="qdrant", dimensions=8, vector_count=1000, encryption="none")
    assert vector_volume_gib(small) == 10  # the floor
    assert opensearch_instance_type(vdb) == "r7g.8xlarge.search"  # 57 GiB of graphs: a quarter of 256 GiB


@pytest.mark.parametrize("preview", [True, False])
def test_opensearch_domain_in_the_vpc_encrypted_and_sized(preview: bool) -> None:
    capture = run("storage_aws", preview=preview)
    domain = capture.one(DOMAIN, "search")
    inputs = domain.inputs
    assert inputs["clusterConfig"]["instanceCount"] == 3
    assert inputs["clusterConfig"]["zoneAwarenessConfig"] == {"availabilityZoneCount": 3}
    assert inputs["ebsOptions"] == {"ebsEnabled": True, "volumeType": "gp3", "volumeSize": 72}
    assert inputs["encryptAtRest"] == {"enabled": True, "kmsKeyId": KEY_ARN}
    assert inputs["nodeToNodeEncryption"] == {"enabled": True}
    assert inputs["domainEndpointOptions"]["enforceHttps"] is True
    assert inputs["vpcOptions"]["subnetIds"] == ["subnet-a", "subnet-b", "subnet-c"]
    assert capture.one(SG, "search-https").urn in domain.property_dependencies["vpcOptions"]
    if not preview:
        assert capture.outputs["search"]["endpoint"] == "https://search-endpoint"


@pytest.mark.parametrize("preview", [True, False])
def test_qdrant_release_on_the_cluster_it_runs_on(preview: bool) -> None:
    capture = run("storage_aws", preview=preview)
    release = capture.one(RELEASE, "vectors")
    assert release.parent == capture.one("aifab:storage:VectorDatabase", "vectors").urn
    assert release.provider.split("::")[-2] == "k8s-eks"
    assert release.inputs["chart"] == "qdrant" and release.inputs["version"]
    assert release.inputs["namespace"] == "exp"
    values = release.inputs["values"]
    assert values["replicaCount"] == 2
    assert values["persistence"] == {"size": "27Gi"}  # 5M x 768 x 4 B = 14.3 GiB, x1.5 index, x1.25 headroom
    assert capture.one("aws:eks/cluster:Cluster", "eks").urn in release.dependencies
    assert capture.outputs["vectors"]["endpoint"] == "http://vectors-qdrant.exp.svc.cluster.local:6333"


# --- on-prem ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("preview", [True, False])
def test_onprem_storage_builds_no_cloud_resource(preview: bool) -> None:
    capture = run("compute_onprem", preview=preview, config=ONPREM_CONFIG)
    assert not [r for r in capture.resources() if r.type.startswith("aws:")]
    assert capture.children(capture.one("aifab:storage:FileSystem", "lustre")) == []
    bom = capture.outputs["lustre"]["bill_of_materials"]
    assert bom == {
        "engine": "lustre",
        "capacity_tib": 500,
        "throughput_gbs": 200,
        "power_kw": bom["power_kw"],
        "mounted_by": ["dgx"],
    }
    assert capture.outputs["objects"] == {"bucket_name": "training-data", "endpoint": "https://s3.colo.example.org"}
    pg = capture.one(RELEASE, "pg").inputs
    assert pg["chart"].endswith("bitnamicharts/postgresql")
    assert pg["values"]["architecture"] == "replication"
    assert pg["values"]["readReplicas"]["replicaCount"] == 2
    assert pg["values"]["primary"]["persistence"] == {"size": "11Gi"}
    assert "CREATE EXTENSION IF NOT EXISTS vector" in pg["values"]["primary"]["initdb"]["scripts"]["pgvector.sql"]


def test_onprem_object_store_names_its_config_for_a_real_deploy() -> None:
    with pytest.raises(ProgramFailed) as refused:
        run("compute_onprem", preview=False, config={"aifab:k8s-kubeconfig": "{}"})
    assert "pulumi config set aifab:objects-bucket-name" in refused.value.message
    assert "pulumi config set aifab:objects-endpoint" in refused.value.message
