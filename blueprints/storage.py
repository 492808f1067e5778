"""Storage: the data lake (object store), a distributed file system (e.g. Lustre), a vector database.

>>> from aifab.blueprints.storage import DataLake, FileSystem, LifecycleRule, VectorDatabase
>>> lake = DataLake(id="lake", encrypted_by="kms", object_lock="governance", object_lock_retention_days=365,
...                 lifecycle=(LifecycleRule(prefix="checkpoints/", expire_noncurrent_after_days=30),))
>>> fsx = FileSystem(id="scratch", engine="fsx-lustre", deployment_type="PERSISTENT_2",
...                  per_unit_throughput_mbps_per_tib=500, capacity_tib=96, data_repository=lake,
...                  encrypted_by="kms")
>>> vdb = VectorDatabase(id="vectors", engine="opensearch", dimensions=1024, vector_count=50_000_000)
>>> fsx.data_repository
'lake'
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from aifab.design.component import SPEC_CONFIG, Link, Ref, StrictNumbers
from aifab.errors import Diagnostic

from ._placement import CLUSTER, ENCRYPTION_KEY, NETWORK, Placed

Encryption = Literal["customer-managed-key", "provider-managed", "none"]


class LifecycleRule(StrictNumbers):
    """Moves or expires objects under a prefix (checkpoints, scratch) so storage does not grow forever."""

    model_config = SPEC_CONFIG

    prefix: str = ""
    transition_to: Literal["STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"] | None = None
    transition_after_days: Annotated[int | None, Field(ge=1, le=36_500)] = None
    expire_noncurrent_after_days: Annotated[int | None, Field(ge=1, le=36_500)] = None
    abort_incomplete_uploads_after_days: Annotated[int, Field(ge=1, le=365)] = 7

    @model_validator(mode="after")
    def _transition_pair(self) -> LifecycleRule:
        if (self.transition_to is None) != (self.transition_after_days is None):
            raise ValueError("set transition_to and transition_after_days together")
        return self


class Lineage(StrictNumbers):
    """How dataset versions are recorded, so a model can be traced to the exact data it was trained on."""

    model_config = SPEC_CONFIG

    record_dataset_versions: bool = True
    tool: Literal["none", "mlflow", "openlineage", "dvc"] = "mlflow"


class _EncryptedStore(Placed):
    encryption: Encryption = "customer-managed-key"
    encrypted_by: Annotated[Ref | None, ENCRYPTION_KEY] = None
    data_classification: Literal["public", "internal", "confidential", "personal", "special-category"] = "confidential"

    def check(self) -> list[Diagnostic]:
        problems = super().check()
        if self.encryption == "customer-managed-key" and self.encrypted_by is None:
            problems.append(
                self.problem(
                    "missing-link",
                    "encryption is 'customer-managed-key' but no key is linked (field 'encrypted_by')",
                )
            )
        elif self.encryption != "customer-managed-key" and self.encrypted_by is not None:
            problems.append(
                self.problem(
                    "unused-link",
                    f"encrypted_by is set but encryption is {self.encryption!r}; "
                    "set encryption to 'customer-managed-key'",
                    field="encrypted_by",
                )
            )
        return problems


class DataLake(_EncryptedStore):
    """An object store for raw data, curated datasets, checkpoints and model artifacts."""

    kind: Literal["data_lake"] = "data_lake"
    area: ClassVar[str] = "storage"
    catalogue_refs: ClassVar[dict[str, str]] = {"replicate_to_regions": "region"}

    provider: Literal["s3", "onprem-object"] = "s3"
    versioning: bool = True
    object_lock: Literal["none", "governance", "compliance"] = "none"
    object_lock_retention_days: Annotated[int | None, Field(ge=1, le=36_500)] = None
    public_access_blocked: bool = True
    lifecycle: tuple[LifecycleRule, ...] = ()
    replicate_to_regions: tuple[str, ...] = ()
    lineage: Lineage = Lineage()

    logs_to: Annotated[Ref | None, Link("logs_to", ("audit_log",))] = None

    @model_validator(mode="after")
    def _object_lock(self) -> DataLake:
        if self.object_lock != "none":
            if not self.versioning:
                raise ValueError("object_lock requires versioning: true")
            if self.object_lock_retention_days is None:
                raise ValueError("object_lock needs object_lock_retention_days")
        elif self.object_lock_retention_days is not None:
            raise ValueError("object_lock_retention_days is set but object_lock is 'none'")
        return self


class FileSystem(_EncryptedStore):
    """A distributed file system for training I/O: FSx for Lustre in AWS, or Lustre/WEKA/GPFS on-prem.

    For ``fsx-lustre`` the throughput is ``capacity_tib x per_unit_throughput_mbps_per_tib``, with
    discrete tiers per deployment type (checked against the catalogue). For other engines state
    ``throughput_gbs`` directly.
    """

    kind: Literal["file_system"] = "file_system"
    area: ClassVar[str] = "storage"

    engine: Literal["fsx-lustre", "lustre", "weka", "gpfs", "nfs"]
    deployment_type: str | None = Field(default=None, description="FSx deployment type, e.g. PERSISTENT_2")
    per_unit_throughput_mbps_per_tib: Annotated[int | None, Field(gt=0)] = None
    capacity_tib: Annotated[float, Field(gt=0, le=100_000)]
    throughput_gbs: Annotated[float | None, Field(gt=0, le=100_000)] = None
    backup_retention_days: Annotated[int, Field(ge=0, le=90)] = 0

    data_repository: Annotated[Ref | None, Link("imports_from", ("data_lake",))] = None
    network: Annotated[Ref | None, NETWORK] = None

    @model_validator(mode="after")
    def _engine_fields(self) -> FileSystem:
        if self.engine == "fsx-lustre":
            if self.deployment_type is None or self.per_unit_throughput_mbps_per_tib is None:
                raise ValueError("fsx-lustre needs deployment_type and per_unit_throughput_mbps_per_tib")
            if self.throughput_gbs is not None:
                raise ValueError("fsx-lustre throughput follows from capacity x per-unit tier; remove throughput_gbs")
        else:
            if self.deployment_type is not None or self.per_unit_throughput_mbps_per_tib is not None:
                raise ValueError(f"deployment_type and per-unit tiers are for fsx-lustre, not {self.engine}")
            if self.throughput_gbs is None:
                raise ValueError(f"a {self.engine} file system needs throughput_gbs")
        return self


class VectorDatabase(_EncryptedStore):
    """A vector database for retrieval: sized by vectors x dimensions x bytes, times replicas."""

    kind: Literal["vector_database"] = "vector_database"
    area: ClassVar[str] = "storage"

    engine: Literal["opensearch", "pgvector", "milvus", "qdrant", "weaviate"]
    dimensions: Annotated[int, Field(ge=1, le=65_536)]
    vector_count: Annotated[int, Field(ge=1, le=1_000_000_000_000)]
    bytes_per_dimension: Literal[1, 2, 4] = 4
    index: Literal["hnsw", "ivf", "flat"] = "hnsw"
    replicas: Annotated[int, Field(ge=1, le=16)] = 2

    runs_on: Annotated[Ref | None, CLUSTER] = None
    network: Annotated[Ref | None, NETWORK] = None
    indexes: Annotated[tuple[Ref, ...], Link("indexes", ("data_lake",))] = ()
    """The data lakes whose documents it holds embeddings of: retrieval over the lake."""
