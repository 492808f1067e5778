"""Storage sizing: checkpoint size and write rate, data-loading reads, FSx for Lustre, vector DB memory.

>>> s = size_lustre(capacity_needed_tib=2.4, throughput_needed_gbs=0.12,
...                 per_unit_options_mbps_per_tib=(50, 100, 200),
...                 min_capacity_tib=1.2, capacity_increment_tib=2.4)
>>> (s.capacity_tib, s.per_unit_throughput_mbps_per_tib, s.throughput_mbps, s.driver)
(2.4, 50, 120.0, 'capacity')

Formulas and defaults:

* **Checkpoint** bytes = parameters x ``bytes_per_parameter``. Default 14 for mixed-precision Adam:
  bf16 weights 2 + fp32 master weights 4 + Adam first and second moments 2 x 4. Use 16 if fp32 gradients
  are saved too, 2 for weights only (inference export). Required write rate = bytes / ``target_write_s``
  (the stall you accept per checkpoint). GB = 1e9 bytes, TiB = 2**40 bytes.
* **Data loading** read rate = accelerators x per-accelerator read GB/s (a common vendor floor is
  1 GB/s per GPU; the caller passes the figure).
* **FSx for Lustre** throughput = capacity TiB x per-unit MB/s/TiB (AWS: 2.4 TiB x 50 = 120 MB/s). Tiers
  are discrete; capacity is ``min_capacity_tib`` or a whole multiple of ``capacity_increment_tib``
  (persistent SSD: 1.2 TiB, then 2.4 TiB steps -> 1.2, 2.4, 4.8, 7.2 ...). For every tier the smallest valid
  capacity meeting both needs is found; the pick is the cheapest when prices per TiB-month are given,
  else the smallest capacity, then the lowest tier. ``driver`` says which need set the capacity
  (``minimum`` when both fit in the smallest file system).
* **Vector DB** memory per replica = vectors x dimensions x bytes per dimension x
  ``index_overhead_factor``. Default 1.5: ScyllaDB's sizing guide gives N x (D x B + 16m) x 1.2, i.e.
  ~1.3x for 768-d fp32 with m=16 HNSW links, more for smaller vectors; 1.5 rounds up for that.
  Disk per replica = memory per replica x ``disk_headroom_factor`` (default 2.0, an assumption: the vectors
  and index are persisted, and an optimiser rebuilds a segment beside the old one before dropping it, so
  the volume needs room for a second copy). Nodes per replica = ceil(memory per replica / usable node
  memory); a replica's shards never share a node with another replica's copy of them.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import model_validator

from aifab.errors import InputError
from aifab.models._base import (
    FrozenModel,
    require_at_least,
    require_int_at_least,
    require_non_negative,
    require_positive,
)

__all__ = [
    "CheckpointInput",
    "CheckpointSizing",
    "DataLoading",
    "DataLoadingInput",
    "LustreSizing",
    "VectorDbInput",
    "VectorDbSizing",
    "checkpoint_sizing",
    "data_loading_throughput",
    "size_lustre",
    "size_vector_db",
]

_TIB = 2**40
_GIB = 2**30


class CheckpointInput(FrozenModel):
    """A checkpoint of ``parameters`` at ``bytes_per_parameter``, to be written in ``target_write_s``."""

    parameters: float
    bytes_per_parameter: float = 14.0
    target_write_s: float

    @model_validator(mode="after")
    def _check(self) -> CheckpointInput:
        require_positive("parameters", self.parameters)
        require_positive("bytes_per_parameter", self.bytes_per_parameter)
        require_positive("target_write_s", self.target_write_s)
        return self


class CheckpointSizing(FrozenModel):
    """Checkpoint size and the aggregate write rate needed."""

    checkpoint_bytes: float
    checkpoint_gb: float
    checkpoint_tib: float
    write_gbs_needed: float


def checkpoint_sizing(inp: CheckpointInput) -> CheckpointSizing:
    """Checkpoint size = parameters x bytes/parameter; write GB/s = size / target seconds.

    >>> c = checkpoint_sizing(CheckpointInput(parameters=70e9, target_write_s=60))
    >>> c.checkpoint_gb, round(c.write_gbs_needed, 2)
    (980.0, 16.33)
    """
    size = inp.parameters * inp.bytes_per_parameter
    return CheckpointSizing(
        checkpoint_bytes=size,
        checkpoint_gb=size / 1e9,
        checkpoint_tib=size / _TIB,
        write_gbs_needed=size / 1e9 / inp.target_write_s,
    )


class DataLoadingInput(FrozenModel):
    """``accelerators`` each reading ``read_gbs_per_accelerator`` of training data."""

    accelerators: int
    read_gbs_per_accelerator: float

    @model_validator(mode="after")
    def _check(self) -> DataLoadingInput:
        require_int_at_least("accelerators", self.accelerators, 1)
        require_positive("read_gbs_per_accelerator", self.read_gbs_per_accelerator)
        return self


class DataLoading(FrozenModel):
    """Aggregate read throughput the data loaders need."""

    read_gbs_needed: float


def data_loading_throughput(inp: DataLoadingInput) -> DataLoading:
    """Read GB/s = accelerators x per-accelerator GB/s."""
    return DataLoading(read_gbs_needed=inp.accelerators * inp.read_gbs_per_accelerator)


class LustreSizing(FrozenModel):
    """The chosen FSx for Lustre capacity and per-unit throughput tier."""

    capacity_tib: float
    per_unit_throughput_mbps_per_tib: int
    throughput_mbps: float
    throughput_gbs: float
    capacity_needed_tib: float
    throughput_needed_gbs: float
    driver: Literal["capacity", "throughput", "minimum"]
    usd_per_month: float | None


def _valid_capacity(needed_tib: float, min_tib: float, increment_tib: float) -> float:
    """Smallest of ``min_tib`` or ``k x increment_tib`` (k >= 1) that is >= ``needed_tib``."""
    if needed_tib <= min_tib:
        return min_tib
    # round() absorbs float noise such as 7.2 / 2.4 = 2.9999999999999996
    steps = math.ceil(round(needed_tib / increment_tib, 9))
    return max(min_tib, round(steps * increment_tib, 9))


def _driver(
    capacity_needed_tib: float, for_throughput_tib: float, min_tib: float
) -> Literal["capacity", "throughput", "minimum"]:
    if max(capacity_needed_tib, for_throughput_tib) <= min_tib:
        return "minimum"
    return "throughput" if for_throughput_tib > capacity_needed_tib else "capacity"


def size_lustre(
    capacity_needed_tib: float,
    throughput_needed_gbs: float,
    per_unit_options_mbps_per_tib: tuple[int, ...],
    min_capacity_tib: float,
    capacity_increment_tib: float,
    usd_per_tib_month_by_tier: dict[int, float] | None = None,
) -> LustreSizing:
    """Pick the (capacity, per-unit tier) pair that meets both the capacity and the throughput need.

    Throughput is decimal: 1 GB/s = 1000 MB/s, as AWS quotes MB/s per TiB.
    """
    require_non_negative("capacity_needed_tib", capacity_needed_tib)
    require_non_negative("throughput_needed_gbs", throughput_needed_gbs)
    require_positive("min_capacity_tib", min_capacity_tib)
    require_positive("capacity_increment_tib", capacity_increment_tib)
    if not per_unit_options_mbps_per_tib:
        raise InputError(
            "expected at least one per-unit throughput tier, e.g. (125, 250, 500, 1000)",
            field="per_unit_options_mbps_per_tib",
        )
    for tier in per_unit_options_mbps_per_tib:
        require_int_at_least("per_unit_options_mbps_per_tib", tier, 1)
    if usd_per_tib_month_by_tier is not None:
        missing = [t for t in per_unit_options_mbps_per_tib if t not in usd_per_tib_month_by_tier]
        if missing:
            raise InputError(f"no price for tier(s) {missing}", field="usd_per_tib_month_by_tier")
        for tier, price in usd_per_tib_month_by_tier.items():
            require_non_negative(f"usd_per_tib_month_by_tier.{tier}", price)

    throughput_needed_mbps = throughput_needed_gbs * 1000
    candidates: list[tuple[float, float, int, LustreSizing]] = []
    for tier in sorted(set(per_unit_options_mbps_per_tib)):
        for_throughput_tib = throughput_needed_mbps / tier
        capacity = _valid_capacity(
            max(capacity_needed_tib, for_throughput_tib), min_capacity_tib, capacity_increment_tib
        )
        cost = None if usd_per_tib_month_by_tier is None else capacity * usd_per_tib_month_by_tier[tier]
        sizing = LustreSizing(
            capacity_tib=capacity,
            per_unit_throughput_mbps_per_tib=tier,
            throughput_mbps=capacity * tier,
            throughput_gbs=capacity * tier / 1000,
            capacity_needed_tib=capacity_needed_tib,
            throughput_needed_gbs=throughput_needed_gbs,
            driver=_driver(capacity_needed_tib, for_throughput_tib, min_capacity_tib),
            usd_per_month=cost,
        )
        candidates.append((cost if cost is not None else 0.0, capacity, tier, sizing))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    return candidates[0][3]


class VectorDbInput(FrozenModel):
    """An in-memory vector index of ``vectors`` x ``dimensions``, kept on ``replicas`` copies."""

    vectors: int
    dimensions: int
    bytes_per_dimension: float = 4.0
    index_overhead_factor: float = 1.5
    replicas: int = 1
    memory_per_node_gib: float | None = None
    disk_headroom_factor: float = 2.0

    @model_validator(mode="after")
    def _check(self) -> VectorDbInput:
        require_int_at_least("vectors", self.vectors, 1)
        require_int_at_least("dimensions", self.dimensions, 1)
        require_positive("bytes_per_dimension", self.bytes_per_dimension)
        require_at_least("index_overhead_factor", self.index_overhead_factor, 1.0)
        require_int_at_least("replicas", self.replicas, 1)
        if self.memory_per_node_gib is not None:
            require_positive("memory_per_node_gib", self.memory_per_node_gib)
        require_at_least("disk_headroom_factor", self.disk_headroom_factor, 1.0)
        return self


class VectorDbSizing(FrozenModel):
    """Memory for the raw vectors, the index per replica, all replicas, and nodes if a node size is given."""

    raw_vectors_gib: float
    per_replica_gib: float
    total_gib: float
    nodes_per_replica: int | None
    nodes_total: int | None
    disk_gib_per_replica: float = 0.0
    disk_gib_total: float = 0.0


def size_vector_db(inp: VectorDbInput) -> VectorDbSizing:
    """Memory = vectors x dims x bytes x overhead x replicas; nodes = ceil(per replica / node memory).

    >>> v = size_vector_db(
    ...     VectorDbInput(vectors=100_000_000, dimensions=768, replicas=3, memory_per_node_gib=256))
    >>> round(v.per_replica_gib, 1), v.nodes_total
    (429.2, 6)
    """
    raw = inp.vectors * inp.dimensions * inp.bytes_per_dimension / _GIB
    per_replica = raw * inp.index_overhead_factor
    nodes_per_replica = None
    nodes_total = None
    if inp.memory_per_node_gib is not None:
        nodes_per_replica = math.ceil(round(per_replica / inp.memory_per_node_gib, 9))
        nodes_total = nodes_per_replica * inp.replicas
    return VectorDbSizing(
        raw_vectors_gib=raw,
        per_replica_gib=per_replica,
        total_gib=per_replica * inp.replicas,
        nodes_per_replica=nodes_per_replica,
        nodes_total=nodes_total,
        disk_gib_per_replica=per_replica * inp.disk_headroom_factor,
        disk_gib_total=per_replica * inp.disk_headroom_factor * inp.replicas,
    )
