"""Compute: GPU, accelerator and CPU pools for training and inference, and the Kubernetes cluster they join.

A pool is a cloud instance type *or* an on-prem node model, times a node count. The kind says what the
hardware must carry, and validation checks it against the catalogue: a ``gpu_pool`` GPUs, an
``accelerator_pool`` non-GPU accelerators, a ``cpu_pool`` none (a CPU-only type such as c7i.48xlarge).
Training pools that span nodes use a fabric; every pool joins a cluster.

>>> from aifab.blueprints.compute import AcceleratorPool, CpuPool, GpuPool, KubernetesCluster, TrainingWorkload
>>> eks = KubernetesCluster(id="eks", provider="eks", version="1.35", network="vpc")
>>> train = GpuPool(id="train", role="training", instance_type="p5.48xlarge", node_count=16,
...                 fabric="efa", cluster=eks,
...                 workload=TrainingWorkload(parameters_billion=70, tokens_billion=2000))
>>> train.cluster
'eks'
>>> trn = AcceleratorPool(id="trn", role="training", instance_type="trn1.32xlarge", node_count=4, fabric="efa")
>>> prep = CpuPool(id="prep", role="general", instance_type="c7i.48xlarge", node_count=8, cluster=eks)
>>> prep.check()  # CPU pools need no fabric, however many nodes
[]
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from aifab.design.component import SPEC_CONFIG, Link, Ref, StrictNumbers
from aifab.errors import Diagnostic

from ._placement import ENCRYPTION_KEY, NETWORK, Placed

PoolRole = Literal["training", "inference", "general"]
Placement = Literal["cluster", "partition", "spread", "none"]
Capacity = Literal["on-demand", "spot", "capacity-block", "reserved", "owned"]


class TrainingWorkload(StrictNumbers):
    """What the pool is for: sizes storage throughput and checkpoints, and estimates training time."""

    model_config = SPEC_CONFIG

    parameters_billion: Annotated[float, Field(gt=0, le=100_000)]
    tokens_billion: Annotated[float, Field(gt=0, le=10_000_000)] = 1000
    model_flops_utilisation: Annotated[float, Field(gt=0, le=1)] = 0.4
    checkpoint_write_target_s: Annotated[float, Field(gt=0, le=86_400)] = 300
    checkpoint_interval_min: Annotated[float, Field(gt=0, le=10_080)] = 60
    data_read_gbs_per_gpu: Annotated[float, Field(ge=0, le=100)] = 0.5


class ComputePool(Placed):
    """Shared fields of every pool. Use :class:`GpuPool`, :class:`AcceleratorPool` or :class:`CpuPool`."""

    area: ClassVar[str] = "compute"
    catalogue_refs: ClassVar[dict[str, str]] = {
        "instance_type": "instance_type",
        "node_model": "node_model",
        "accelerator": "accelerator",
    }

    role: PoolRole
    instance_type: str | None = Field(default=None, description="cloud instance type from the catalogue")
    node_model: str | None = Field(default=None, description="on-prem server model from the catalogue")
    node_count: Annotated[int, Field(ge=1, le=200_000)]
    min_node_count: Annotated[int | None, Field(ge=0, le=200_000)] = None
    accelerator: str | None = Field(default=None, description="catalogue accelerator; derived when omitted")
    placement: Placement = "cluster"
    capacity: Capacity = "on-demand"
    workload: TrainingWorkload | None = None

    fabric: Annotated[Ref | None, Link("uses", ("fabric",))] = None
    cluster: Annotated[Ref | None, Link("joins", ("kubernetes_cluster",))] = None
    scratch: Annotated[tuple[Ref, ...], Link("mounts", ("file_system",))] = ()
    volumes_encrypted_by: Annotated[Ref | None, ENCRYPTION_KEY] = None

    # Whether training runs collectives between nodes over an accelerator fabric (so needs one).
    runs_collectives: ClassVar[bool] = True

    @model_validator(mode="after")
    def _one_source(self) -> ComputePool:
        if (self.instance_type is None) == (self.node_model is None):
            raise ValueError("set exactly one of instance_type (cloud) or node_model (on-prem)")
        if self.min_node_count is not None and self.min_node_count > self.node_count:
            raise ValueError(f"min_node_count ({self.min_node_count}) must not exceed node_count ({self.node_count})")
        if self.workload is not None and self.role != "training":
            raise ValueError(f"workload describes training; this pool's role is {self.role!r}")
        return self

    def check(self) -> list[Diagnostic]:
        problems = super().check()
        if self.runs_collectives and self.role == "training" and self.node_count > 1 and self.fabric is None:
            problems.append(
                self.problem(
                    "missing-link",
                    f"a training pool of {self.node_count} nodes needs a fabric (field 'fabric') "
                    "for collectives between nodes",
                )
            )
        if self.cluster is None:
            problems.append(self.problem("missing-link", "a pool must join a cluster (field 'cluster')"))
        return problems


class GpuPool(ComputePool):
    """A pool of GPU nodes (e.g. p5.48xlarge, DGX H100)."""

    kind: Literal["gpu_pool"] = "gpu_pool"


class AcceleratorPool(ComputePool):
    """A pool of non-GPU accelerators (e.g. Trainium, Inferentia, TPU)."""

    kind: Literal["accelerator_pool"] = "accelerator_pool"


class CpuPool(ComputePool):
    """A pool of CPU-only nodes (data preparation, tokenisation, feature pipelines, system services).

    Its instance type or node model must carry no accelerator (c7i.48xlarge, m7i.48xlarge, cpu-2s-2u ...);
    the estimate counts its nodes, vCPUs, power, energy and cost, and no GPU figures.
    """

    kind: Literal["cpu_pool"] = "cpu_pool"
    runs_collectives: ClassVar[bool] = False  # no accelerator fabric to run them over


POOL_KINDS = ("gpu_pool", "accelerator_pool", "cpu_pool")


class KubernetesCluster(Placed):
    """The Kubernetes control plane pools join and services run on (EKS, or on-prem on a private cloud)."""

    kind: Literal["kubernetes_cluster"] = "kubernetes_cluster"
    area: ClassVar[str] = "compute"

    provider: Literal["eks", "onprem"]
    version: Annotated[str, Field(pattern=r"^1\.\d{2}$")] = "1.35"
    endpoint_public: bool = False
    audit_logging: bool = True

    network: Annotated[Ref | None, NETWORK] = None
    secrets_encrypted_by: Annotated[Ref | None, ENCRYPTION_KEY] = None
    private_cloud: Annotated[Ref | None, Link("hosted_on", ("private_cloud",))] = None

    def check(self) -> list[Diagnostic]:
        problems = super().check()
        if self.network is None:
            problems.append(self.problem("missing-link", "a cluster needs a network (field 'network')"))
        if self.provider == "onprem" and self.private_cloud is None:
            problems.append(self.problem("missing-link", "an on-prem cluster needs a private_cloud to be hosted on"))
        return problems


__all__ = [
    "POOL_KINDS",
    "AcceleratorPool",
    "Capacity",
    "ComputePool",
    "CpuPool",
    "GpuPool",
    "KubernetesCluster",
    "Placement",
    "PoolRole",
    "TrainingWorkload",
]
