"""Expected NCCL collective performance, reported the nccl-tests way (algbw, busbw).

>>> r = expected_collective(CollectiveInput(op="all_reduce", message_bytes=8 * 2**30, nodes=1,
...                                         gpus_per_node=8, nvlink_gbs_per_direction=450))
>>> (r.bound, round(r.busbw_gbs))
('nvlink', 369)

Definitions (nccl-tests ``doc/PERFORMANCE.md``): ``algbw = S / t`` with ``S`` the message size in bytes
and GB = 1e9 bytes; ``busbw = algbw x factor`` where the factor makes busbw comparable to the hardware
link rate regardless of rank count ``n``: all_reduce ``2(n-1)/n``, all_gather and reduce_scatter
``(n-1)/n``, broadcast ``1``.

Model (alpha-beta, ring algorithm, as NCCL's own tuner ``src/graph/tuning.cc`` does it)::

    t_us = base_latency_us + intra_steps x alpha_nvlink_us + inter_steps x alpha_network_us
           + S x factor / busbw_peak

* steps: all_reduce ``2(n-1)`` of which ``2(nodes-1)`` cross the network; all_gather, reduce_scatter
  and broadcast ``n-1`` of which ``nodes-1`` cross the network.
* ``busbw_peak``: one node -> NVLink per direction x ``nvlink_efficiency``; several nodes ->
  ``min(NVLink, gpus_per_node x NIC Gb/s / 8 x network_efficiency / fabric_oversubscription)``.
  NCCL runs one ring per channel and spreads the channels over every rail: each ring leaves a node
  through one NIC, so a GPU sends only 1/gpus_per_node of its ring traffic over its own NIC and the rest
  over NVLink. The ring's bus bandwidth is therefore the node's aggregate NIC rate (NCCL's tuner:
  ``busBw = nChannels x bwInter``), capped by NVLink. Cross-check: a p4d (8 GPUs, 4 x 100 Gb/s EFA) gives
  400 Gb/s x 0.85 = 340 Gb/s = 42.5 GB/s, the effective all-reduce rate the reference numbers quote.
* bound: ``latency`` when the latency term is at least the bandwidth term, else whichever of
  ``nvlink`` / ``network`` sets ``busbw_peak``.

Defaults (all overridable):

* ``base_latency_us=6.6``, ``alpha_nvlink_us=0.6``, ``alpha_network_us=2.7``: NCCL's ring/LL
  latencies in ``src/graph/tuning.cc`` (baseLat and hwLat tables).
* ``nvlink_efficiency=0.82``: 370 of 450 GB/s, "with the protocol overhead (~20%) NCCL can get an
  effective NVLink bandwidth of 370GB/s" on H100 (NCCL maintainer, NVIDIA/nccl-tests#212).
* ``network_efficiency=0.85``: 340 of 400 Gb/s effective all-reduce bandwidth on p4d EFA
  (stas00/ml-engineering network README, reference-numbers ``aws.efa.generations``).

Limits: this is the ring envelope (LL latency, Simple bandwidth). NCCL picks tree, NVLS (NVLink SHARP)
or CollNet where faster: NVLS all_reduce can report busbw above the link rate (~480 GB/s on 8 H100),
and trees cut small-message latency at scale, so measured small-message times at hundreds of ranks
can beat this model.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from aifab.errors import InputError
from aifab.models._base import (
    FrozenModel,
    require_at_least,
    require_fraction,
    require_int_at_least,
    require_non_negative,
    require_positive,
)

__all__ = [
    "Bound",
    "CollectiveInput",
    "CollectiveOp",
    "CollectiveResult",
    "busbw_factor",
    "collective_sweep",
    "expected_collective",
]

CollectiveOp = Literal["all_reduce", "all_gather", "reduce_scatter", "broadcast"]
Bound = Literal["latency", "nvlink", "network"]

_GIB = 2**30


def busbw_factor(op: CollectiveOp, ranks: int) -> float:
    """nccl-tests bus-bandwidth factor: ``busbw = algbw x busbw_factor(op, n)``.

    >>> busbw_factor("all_reduce", 8), busbw_factor("all_gather", 8), busbw_factor("broadcast", 8)
    (1.75, 0.875, 1.0)
    """
    require_int_at_least("ranks", ranks, 1)
    if op == "all_reduce":
        return 2 * (ranks - 1) / ranks
    if op in ("all_gather", "reduce_scatter"):
        return (ranks - 1) / ranks
    if op == "broadcast":
        return 1.0
    raise InputError(f"expected one of all_reduce, all_gather, reduce_scatter, broadcast, got {op!r}", field="op")


def _ring_steps(op: CollectiveOp, ranks: int, nodes: int) -> tuple[int, int]:
    """(total steps, steps crossing the network) of NCCL's ring for ``op``."""
    if op == "all_reduce":
        return 2 * (ranks - 1), 2 * (nodes - 1)
    return ranks - 1, nodes - 1


class CollectiveInput(FrozenModel):
    """One collective on ``nodes x gpus_per_node`` ranks; bandwidths per GPU, per direction."""

    op: CollectiveOp = "all_reduce"
    message_bytes: int
    nodes: int
    gpus_per_node: int
    nvlink_gbs_per_direction: float
    nic_gbps_per_gpu: float | None = None
    fabric_oversubscription: float = 1.0
    base_latency_us: float = 6.6
    alpha_nvlink_us: float = 0.6
    alpha_network_us: float = 2.7
    nvlink_efficiency: float = 0.82
    network_efficiency: float = 0.85

    @model_validator(mode="after")
    def _check(self) -> CollectiveInput:
        require_int_at_least("message_bytes", self.message_bytes, 1)
        require_int_at_least("nodes", self.nodes, 1)
        require_int_at_least("gpus_per_node", self.gpus_per_node, 1)
        if self.nodes * self.gpus_per_node < 2:
            raise InputError(
                "a collective needs at least 2 ranks (nodes x gpus_per_node), got 1", field="gpus_per_node"
            )
        require_positive("nvlink_gbs_per_direction", self.nvlink_gbs_per_direction)
        if self.nodes > 1:
            if self.nic_gbps_per_gpu is None:
                raise InputError("required when nodes > 1 (per-GPU NIC rate in Gb/s)", field="nic_gbps_per_gpu")
            require_positive("nic_gbps_per_gpu", self.nic_gbps_per_gpu)
        require_at_least("fabric_oversubscription", self.fabric_oversubscription, 1.0)
        require_non_negative("base_latency_us", self.base_latency_us)
        require_non_negative("alpha_nvlink_us", self.alpha_nvlink_us)
        require_non_negative("alpha_network_us", self.alpha_network_us)
        require_fraction("nvlink_efficiency", self.nvlink_efficiency)
        require_fraction("network_efficiency", self.network_efficiency)
        return self


class CollectiveResult(FrozenModel):
    """Expected nccl-tests line for one message size."""

    op: CollectiveOp
    message_bytes: int
    ranks: int
    busbw_factor: float
    peak_busbw_gbs: float
    latency_us: float
    bandwidth_time_us: float
    time_us: float
    algbw_gbs: float
    busbw_gbs: float
    bound: Bound


def expected_collective(inp: CollectiveInput) -> CollectiveResult:
    """Expected time, algbw and busbw of one collective (see the module docstring for the model)."""
    ranks = inp.nodes * inp.gpus_per_node
    factor = busbw_factor(inp.op, ranks)

    nvlink_peak = inp.nvlink_gbs_per_direction * inp.nvlink_efficiency
    bw_bound: Bound
    if inp.nodes == 1:
        peak, bw_bound = nvlink_peak, "nvlink"
    else:
        assert inp.nic_gbps_per_gpu is not None  # checked by the input model
        node_nic_gbs = inp.nic_gbps_per_gpu * inp.gpus_per_node / 8
        network_peak = node_nic_gbs * inp.network_efficiency / inp.fabric_oversubscription
        # One GPU per node has no NVLink peer: the NIC alone bounds it.
        if inp.gpus_per_node == 1 or network_peak < nvlink_peak:
            peak, bw_bound = network_peak, "network"
        else:
            peak, bw_bound = nvlink_peak, "nvlink"

    steps, inter_steps = _ring_steps(inp.op, ranks, inp.nodes)
    latency_us = inp.base_latency_us + (steps - inter_steps) * inp.alpha_nvlink_us + inter_steps * inp.alpha_network_us
    # bytes / (GB/s) = 1e-9 s per byte-per-GB/s -> x 1e6 us/s = 1e-3
    bandwidth_time_us = inp.message_bytes * factor / peak / 1e3
    time_us = latency_us + bandwidth_time_us
    algbw_gbs = inp.message_bytes / time_us / 1e3
    bound: Bound = "latency" if latency_us >= bandwidth_time_us else bw_bound
    return CollectiveResult(
        op=inp.op,
        message_bytes=inp.message_bytes,
        ranks=ranks,
        busbw_factor=factor,
        peak_busbw_gbs=peak,
        latency_us=latency_us,
        bandwidth_time_us=bandwidth_time_us,
        time_us=time_us,
        algbw_gbs=algbw_gbs,
        busbw_gbs=algbw_gbs * factor,
        bound=bound,
    )


def collective_sweep(
    inp: CollectiveInput,
    min_bytes: int = 8,
    max_bytes: int = 8 * _GIB,
    step_factor: int = 2,
) -> tuple[CollectiveResult, ...]:
    """Expected results over message sizes, like nccl-tests ``-b 8 -e 8G -f 2``.

    ``inp.message_bytes`` is replaced by each size of the sweep.

    >>> base = CollectiveInput(message_bytes=8, nodes=1, gpus_per_node=8, nvlink_gbs_per_direction=450)
    >>> rows = collective_sweep(base)
    >>> len(rows), rows[0].message_bytes, rows[-1].message_bytes
    (31, 8, 8589934592)
    """
    require_int_at_least("min_bytes", min_bytes, 1)
    require_int_at_least("max_bytes", max_bytes, min_bytes)
    require_int_at_least("step_factor", step_factor, 2)
    rows: list[CollectiveResult] = []
    size = min_bytes
    base = inp.model_dump()
    while size <= max_bytes:
        rows.append(expected_collective(CollectiveInput(**{**base, "message_bytes": size})))
        size *= step_factor
    return tuple(rows)
