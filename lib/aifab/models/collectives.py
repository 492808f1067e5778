"""Expected NCCL collective performance, reported the nccl-tests way (algbw, busbw), with the algorithm.

>>> r = expected_collective(CollectiveInput(op="all_reduce", message_bytes=8 * 2**30, nodes=1,
...                                         gpus_per_node=8, nvlink_gbs_per_direction=450, nvls=True))
>>> (r.algorithm, r.protocol, r.bound, round(r.busbw_gbs))
('nvls', 'Simple', 'nvlink', 480)

Definitions (nccl-tests ``doc/PERFORMANCE.md``): ``algbw = S / t`` with ``S`` the message size in bytes
and GB = 1e9 bytes; ``busbw = algbw x factor(op, n)``: all_reduce ``2(n-1)/n``; all_gather,
reduce_scatter and all_to_all ``(n-1)/n``; broadcast and reduce ``1``. nccl-tests prints busbw with
these factors whatever algorithm NCCL ran, so NVLS (NVLink SHARP) and SHARP in-network reduction show
as a busbw above the link rate: they raise the achievable peak, not the factor. PERFORMANCE.md also
defines ``(n-1)/(n+1)`` for in-network all-reduce (``busbw_factor(..., in_network=True)``); the result's
``busbw_gbs`` keeps the factor nccl-tests prints so figures compare with published sweeps.

Operation names are snake_case; the nccl-tests binaries are ``NCCL_TESTS_BINARY[op]``
(``all_to_all`` -> ``alltoall_perf``, the others ``<op>_perf``).

Model: NCCL's own tuner (``src/graph/tuning.cc``, NVIDIA/nccl commit b6475625): every algorithm and
protocol NCCL could run gets ``t = latency + S / algbw``, and the fastest is the expected figure, as NCCL
picks it (unless ``algorithm`` / ``protocol`` force one, like ``NCCL_ALGO`` / ``NCCL_PROTO``). On AWS
P5-class instances (``tuner_platform``) beyond two nodes, aws-ofi-nccl's tuner plugin picks instead, from
the (size, ranks) regions AWS measured (``aifab.models.nccl_regions``), and the figure is that choice's time.

Bandwidths (GB/s). ``B_nv = nvlink_gbs_per_direction x nvlink_efficiency`` (ring busbw inside a node);
``B_net = gpus_per_node x nic_gbps_per_gpu / 8 x network_efficiency / fabric_oversubscription`` (a node's
NICs: NCCL spreads its channels over every rail, so a ring's bus bandwidth is the node's aggregate NIC
rate, NCCL's ``busBw = nChannels x bwInter``).

* ``ring`` (every op but all_to_all): busbw ``min(B_nv, B_net)`` (``B_nv`` on one node, ``B_net`` with
  one GPU per node); algbw = busbw / factor(op, n).
* ``tree`` (all_reduce, several nodes): algbw ``min(0.92 x B_nv / 2, B_net on 2 nodes or B_net / 2)``:
  the chain inside a node sends S up and S down (NCCL's ``busBw x .92`` and ratio ``.5``); across 2
  nodes the double binary tree moves S each way per node, across more nodes 2S.
* ``nvls`` (all_reduce, one node, ``nvls``): algbw ``nvlink_gbs_per_direction x nvls_efficiency``.
* ``nvls_tree`` (all_reduce, several nodes, ``nvls``): ``min(NVLS algbw, r x network tree algbw)``;
  ``r = nvls_tree_network_ratio``, NCCL's NVLS bus-to-algorithm ratio 5/6 by default.
* ``collnet`` (all_reduce, several nodes, SHARP ``in_network_reduction``): the switches reduce, so each
  node sends S and receives S once: algbw ``min(intra, B_net) x 0.85`` (NCCL's Hopper CollNet factor);
  intra = the NVLS algbw with ``nvls`` (NCCL's NVLS algorithm across nodes), else CollNet Direct's
  reduce-scatter and all-gather over NVLink, ``B_nv x g / (2(g-1))``.
* ``p2p`` (all_to_all): each GPU sends ``S (g-1)/n`` over NVLink and ``S (n-g)/n`` through its own NIC
  (``nic_gbps_per_gpu / 8 x network_efficiency / fabric_oversubscription``); the slower path sets algbw.
* Protocols (ring and tree): LL carries 8 bytes of data per 16 (NCCL: ring busbw x 1/4 for all_reduce,
  reduce or several nodes, else 1/3; tree x 1/3.8; capped at 87.7 GB/s busbw on one node, 39.0 on two,
  20.4 beyond; a tree's LL algbw at most ``tree_ll_max_algbw_gbs`` where given); LL128 x
  ``ring_ll128_efficiency`` (NCCL's 0.92; 0.7 with one GPU per node) or x ``tree_ll128_efficiency``
  (NCCL's 120/128); Simple x 1.

Latencies (us), NCCL's ``baseLat`` + ``hwLat`` tables (LL / LL128 / Simple)::

    ring  base 6.6 / 14.0 / 8.4   NVLink hop 0.6 / 1.9 / 3.4    network hop 2.7 / 4.0 / 14.0
    tree  base 6.8 / 14.0 / 0     NVLink hop 0.6 / 1.25 / 28    network hop 5.0 / 8.5 / 28
    nvls / nvls_tree (Simple): NVLink 23 (nvls_latency_us); network 18 / 14.  collnet: NVLink 3.7, network 31.

Every NVLink hop costs ``nvlink_hop_extra_us`` more (0 on a baseboard NVSwitch; an NVLink domain that spans
trays goes through NVLink switch trays, ``MNNVL_INPUTS``).

* ring all_reduce, all_gather, reduce_scatter: ``base + (steps - net_steps) x nvlink_hop + net_steps x
  net_hop``; steps ``2(n-1)`` (all_reduce, ``2 x nodes`` across the network) or ``n-1`` (``nodes-1``);
  with several nodes an NVLink hop costs at least NCCL's 1 us network overhead (3 us for Simple);
  multi-node ring all_reduce with Simple costs 1.4x from 1 KiB per rank (NCCL's ring "plateau"
  correction, Ampere and later, at 64 B per rank and channel; 16 channels assumed).
* ring broadcast and reduce: ``base + n x hop`` (Simple uses the tree's chunk latency, as NCCL does).
* tree: ``base + 2((g-1) nvlink_hop + log2(nodes) net_hop)``, and NCCL's ``treeCorrectionFactor``
  (0.4-1.0 of the tree bandwidth from 64 B to 256 MiB); nvls: ``23``; nvls_tree: ``23 + 2 log2(nodes)
  x net_hop``; collnet: ``2(3.7 + 0.4 (g-1)) + net_hop`` (with nvls ``23 + net_hop``); p2p
  (all_to_all): ``8.4 + 3.4``, plus across nodes ``net_hop(14) + (n - g) x peer_latency_us`` (one send and
  receive per remote peer).
* EFA before P5 carries Simple only: aws-ofi-nccl sets ``NCCL_PROTO=simple`` there (LL and LL128 need
  128-byte ordered delivery; aws/aws-ofi-nccl#280 lifts it on P5, 2023-09-29): pass ``protocol="Simple"``.
* ``net_hop`` adds the network's own latency per crossing (NCCL's ``latencyInter``),
  ``network_latency_us[protocol]``. NCCL's tables describe InfiniBand, so it defaults to 0; EFA's is
  fitted (``EFA_NETWORK_LATENCY_US``). A ring crossing adds ``ring_network_latency_us`` where given, else
  the same except Simple (none: its chunks stream through the proxy back to back, and the p5 rings at
  4-32 nodes, 4-8 GiB, show NCCL's own intercept). An NVLS-tree crossing beyond two nodes adds
  ``nvls_tree_network_latency_us`` where given. ``EFA_INPUTS`` holds every EFA value.

Calibration (each figure's source and date is beside it in ``tests/models/data/nccl_tests_sweeps.yaml``):

* ``nvlink_efficiency=0.82``: 370 of 450 GB/s ring busbw on H100 (NVIDIA/nccl-tests#212, 2024-05-06).
* ``nvls_efficiency=0.61``: NVLS all_reduce algbw ~275 GB/s on 8 H100 (busbw ~480; same thread);
  Blackwell ``BLACKWELL_NVLS_EFFICIENCY`` = that x NCCL's own Blackwell / Hopper ratio, 0.74 / 0.85.
* ``network_efficiency=0.85``: 340 of 400 Gb/s effective all-reduce on p4d EFA (stas00/ml-engineering);
  ``IB_NETWORK_EFFICIENCY=0.94`` for InfiniBand NDR, 46-48 of 50 GB/s per NIC (NVIDIA/nccl-tests#290).
* ``EFA_NETWORK_LATENCY_US=(22, 60, 180)``: LL from the 2 x p5.48xlarge all_reduce sweep at 8 B-8 KiB
  (aws-samples/awsome-distributed-training, 2024-04-19), LL128 and Simple chosen over that sweep and the
  2-32 node p5 HyperPod sweep (2025-10-14, NCCL 2.28.7 with aws-ofi-nccl 1.16.3's tuner) together; the
  other ``EFA_INPUTS`` (ring crossings, LL128 efficiencies, NVLS tree) over the 4-32 node rows of that
  sweep, with the plugin's choices. ``EFA_PEER_LATENCY_US=3``: the 2, 8 and 32-node p5 all_to_all sweeps.
  ``MNNVL_INPUTS``: the OCI GB200 sweep of 8 ranks on 2 trays (2025-05-28). Held out: the 2 x p4de sweep,
  2 x H100 and 2 x A100 on OCI RoCE, the 4 and 16-node all_to_all, and the single figures (NVLS and ring
  on 8 H100, 8 x p5 NVLS tree, 2-node InfiniBand NVLS tree latency, multi-node InfiniBand ring busbw from
  GTC 2024).

Limits: NCCL also sizes channels and threads per message, which this envelope leaves out, so mid-size
(1-64 MiB) figures are the least exact; the multi-tray NVLink values come from one 8-rank sweep (a 72-GPU
NVL72 domain is unmeasured here); NVLS for all_gather / reduce_scatter and CollNet Chain are not
modelled; the plugin's regions are ported for all-reduce on 8-GPU P5 / P5e / P5en nodes only; no
published sweep was found for SHARP (collnet), so that figure follows NCCL's tuner structure without a
measured check.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
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
from aifab.models.nccl_regions import TunerPlatform, region_choice

__all__ = [
    "BLACKWELL_NVLS_EFFICIENCY",
    "EFA_INPUTS",
    "EFA_NETWORK_LATENCY_US",
    "EFA_PEER_LATENCY_US",
    "IB_NETWORK_EFFICIENCY",
    "MNNVL_INPUTS",
    "NCCL_TESTS_BINARY",
    "Algorithm",
    "Bound",
    "CollectiveInput",
    "CollectiveOp",
    "CollectiveResult",
    "Protocol",
    "busbw_factor",
    "collective_sweep",
    "expected_collective",
]

CollectiveOp = Literal["all_reduce", "all_gather", "reduce_scatter", "broadcast", "reduce", "all_to_all"]
Algorithm = Literal["ring", "tree", "nvls", "nvls_tree", "collnet", "p2p"]
Protocol = Literal["LL", "LL128", "Simple"]
Bound = Literal["latency", "nvlink", "network"]

# The nccl-tests binary measuring each operation (snake_case names here; nccl-tests spells all-to-all
# "alltoall").
NCCL_TESTS_BINARY: dict[CollectiveOp, str] = {
    "all_reduce": "all_reduce_perf",
    "all_gather": "all_gather_perf",
    "reduce_scatter": "reduce_scatter_perf",
    "broadcast": "broadcast_perf",
    "reduce": "reduce_perf",
    "all_to_all": "alltoall_perf",
}

# EFA's latency per network crossing (LL, LL128, Simple) on top of NCCL's InfiniBand-calibrated hwLat
# table, fitted to the 2 x p5.48xlarge sweep: LL to 8 B-256 KiB (69 us where NCCL's tree/LL formula
# gives 25 us + 2 crossings), LL128 to 4-64 MiB, Simple to 128 MiB-16 GiB.
EFA_NETWORK_LATENCY_US: tuple[float, float, float] = (22.0, 60.0, 180.0)
# InfiniBand NDR: "For NDR @ 400Gbps you should see 46-48GB/s per NIC" (NCCL maintainer, NVIDIA/nccl-tests#290,
# 2025-03-03): 47 of 50 GB/s. The CollectiveInput default (0.85) is EFA's measured p4d rate.
IB_NETWORK_EFFICIENCY = 0.94
# all_to_all over EFA: each remote peer's send and receive through the proxy, fitted to the 2, 8 and 32-node
# p5 all_to_all sweeps (4 and 16 nodes held out).
EFA_PEER_LATENCY_US = 3.0
# Beyond two nodes aws-ofi-nccl's region tuner picks the algorithm (aifab.models.nccl_regions); what the picked
# algorithms reach was fitted to the 4-32 node p5 all_reduce sweep (NCCL 2.28.7, aws-ofi-nccl 1.16.3):
# a ring crossing with LL or LL128 costs EFA's LL latency, and a Simple one streams (no extra);
EFA_RING_NETWORK_LATENCY_US: tuple[float, float, float] = (22.0, 22.0, 0.0)
# a ring with LL128 peaks at ~280 GB/s busbw where Simple reaches ~355 (the 256 MiB-2 GiB plateaus);
EFA_RING_LL128_EFFICIENCY = 0.83
# a tree with LL128 reaches about half NCCL's figure (algbw ~86 GB/s at 16-32 nodes, 128-256 MiB);
EFA_TREE_LL128_EFFICIENCY = 0.55
# a tree with LL moves ~1 GB/s through the proxy: 2 x p5 from 4 to 64 KiB rises 0.85 us per KiB (69 -> 135 us),
# where NCCL's LL figure (capped at 19.5 GB/s on two nodes) would stay flat.
EFA_TREE_LL_MAX_ALGBW_GBS = 1.0
# the NVLS tree reaches the network tree's rate (algbw B_net / 2 at 16-32 nodes, 4-8 GiB), and each of its
# crossings costs ~320 us (the 512 MiB-1 GiB rows at 32 nodes).
EFA_NVLS_TREE_NETWORK_RATIO = 1.0
EFA_NVLS_TREE_NETWORK_LATENCY_US = 306.0
EFA_INPUTS: Mapping[str, float | tuple[float, float, float]] = MappingProxyType(
    {
        "network_latency_us": EFA_NETWORK_LATENCY_US,
        "peer_latency_us": EFA_PEER_LATENCY_US,
        "ring_network_latency_us": EFA_RING_NETWORK_LATENCY_US,
        "ring_ll128_efficiency": EFA_RING_LL128_EFFICIENCY,
        "tree_ll128_efficiency": EFA_TREE_LL128_EFFICIENCY,
        "tree_ll_max_algbw_gbs": EFA_TREE_LL_MAX_ALGBW_GBS,
        "nvls_tree_network_ratio": EFA_NVLS_TREE_NETWORK_RATIO,
        "nvls_tree_network_latency_us": EFA_NVLS_TREE_NETWORK_LATENCY_US,
    }
)
"""Every CollectiveInput field EFA sets (fitted to published p5 sweeps): ``CollectiveInput(**EFA_INPUTS, ...)``."""

# NVLS on Blackwell (NVLink 5): NCCL's own nvlsEfficiency drops from 0.85 (Hopper) to 0.74 (Blackwell)
# (src/graph/tuning.cc): the switches' reduction rate did not double with the links. The Hopper figure fitted
# here scaled by that ratio; the OCI GB200 sweep (busbw ~847 GB/s at 32 GiB on 8 ranks) holds it.
BLACKWELL_NVLS_EFFICIENCY = 0.61 * 0.74 / 0.85
# An NVLink domain that spans trays (GB200 / GB300 NVL72, "MNNVL") reaches its peers through NVLink switch trays.
# Each NVLink hop costs 0.5 us more (OCI's 8 ranks on 2 trays, NCCL 2.26.6: a 21 us floor, not 15), and NVLS
# starts late, later the more ranks it synchronises: ~110 us on 8 ranks (NCCL's 23 us puts it ahead of the ring
# from 4 MiB, that sweep from 256 MiB) and ~540 us on a full 72-GPU rack (CoreWeave's NVL72 run: busbw 586 GB/s
# at 512 MiB, 839 at 4 GiB), a line through both: 56 us + 6.7 us per rank.
MNNVL_INPUTS: Mapping[str, float] = MappingProxyType(
    {"nvlink_hop_extra_us": 0.5, "nvls_latency_us": 56.0, "nvls_latency_per_rank_us": 6.7}
)
"""Every CollectiveInput field a multi-tray NVLink domain sets: ``CollectiveInput(**MNNVL_INPUTS, ...)``."""

_GIB = 2**30
_PROTOCOLS: tuple[Protocol, ...] = ("LL", "LL128", "Simple")
_P = {"LL": 0, "LL128": 1, "Simple": 2}
# NCCL src/graph/tuning.cc (commit b6475625): baseLat and hwLat, LL / LL128 / Simple, microseconds.
_BASE_LAT = {"ring": (6.6, 14.0, 8.4), "tree": (6.8, 14.0, 0.0)}
_NVLINK_LAT = {"ring": (0.6, 1.9, 3.4), "tree": (0.6, 1.25, 28.0)}
_NET_LAT = {"ring": (2.7, 4.0, 14.0), "tree": (5.0, 8.5, 28.0)}
_NVLS_NET_LAT = 18.0
_NVLS_TREE_NET_LAT = 14.0
_COLLNET_NVLINK_LAT = 3.7
_COLLNET_NET_LAT = 31.0
_COLLNET_ARITY_LAT = 0.4
_NET_OVERHEAD_US = 1.0  # getNetOverhead on Intel/other CPUs (2.0 on AMD); x3 for Simple
_RING_PLATEAU = 1.4  # ncclTopoGetAlgoTime: multi-node ring all_reduce, Simple (1.9 before Ampere) ...
_PLATEAU_BYTES = 64 * 16  # ... from 64 B per rank per channel (16 channels assumed)
# ncclTopoGetAlgoTime: trees are slower than their model at medium sizes; tree bandwidth x this factor,
# indexed by log2(bytes / 64), 64 B to 256 MiB (LL, LL128, Simple rows).
_TREE_CORRECTION = (
    (1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 0.7, 0.7, 0.7, 0.6, 0.5, 0.4, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0, 1.0),
    (1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.8, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0),
    (0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8, 0.7, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5, 0.6, 0.7, 0.8, 0.7, 0.7, 0.8, 0.9, 0.9),
)
# LL busbw caps (llMaxBws, Ampere/Hopper on one node; Intel hosts on 2 and more nodes)
_LL_MAX_BUSBW = (87.7, 39.0, 20.4)
_TREE_EFF = 0.92
_COLLNET_EFF = 0.85


def busbw_factor(op: CollectiveOp, ranks: int, *, in_network: bool = False) -> float:
    """nccl-tests bus-bandwidth factor: ``busbw = algbw x busbw_factor(op, n)``.

    ``in_network`` gives PERFORMANCE.md's all-reduce factor for in-network reduction, ``(n-1)/(n+1)``.

    >>> busbw_factor("all_reduce", 8), busbw_factor("all_gather", 8), busbw_factor("broadcast", 8)
    (1.75, 0.875, 1.0)
    >>> busbw_factor("all_to_all", 8), busbw_factor("reduce", 8)
    (0.875, 1.0)
    >>> round(busbw_factor("all_reduce", 8, in_network=True), 4)
    0.7778
    """
    require_int_at_least("ranks", ranks, 1)
    if op == "all_reduce":
        return (ranks - 1) / (ranks + 1) if in_network else 2 * (ranks - 1) / ranks
    if op in ("all_gather", "reduce_scatter", "all_to_all"):
        return (ranks - 1) / ranks
    if op in ("broadcast", "reduce"):
        return 1.0
    raise InputError(f"expected one of {', '.join(NCCL_TESTS_BINARY)}, got {op!r}", field="op")


class CollectiveInput(FrozenModel):
    """One collective on ``nodes x gpus_per_node`` ranks; bandwidths per GPU, per direction.

    ``nvls``: the node's GPUs share NVSwitches with NVLink SHARP (HGX/DGX H100 and later).
    ``in_network_reduction``: the fabric's switches reduce (InfiniBand SHARP, NCCL CollNet).
    ``algorithm`` / ``protocol``: force one, like ``NCCL_ALGO`` / ``NCCL_PROTO``; ``None`` lets the
    model pick the fastest, as NCCL does.
    """

    op: CollectiveOp = "all_reduce"
    message_bytes: int
    nodes: int
    gpus_per_node: int
    nvlink_gbs_per_direction: float
    nic_gbps_per_gpu: float | None = None
    fabric_oversubscription: float = 1.0
    nvls: bool = False
    in_network_reduction: bool = False
    algorithm: Algorithm | None = None
    protocol: Protocol | None = None
    network_latency_us: tuple[float, float, float] = (0.0, 0.0, 0.0)
    peer_latency_us: float = 0.0
    nvlink_efficiency: float = 0.82
    nvls_efficiency: float = 0.61
    network_efficiency: float = 0.85
    ring_network_latency_us: tuple[float, float, float] | None = None
    ring_ll128_efficiency: float = 0.92
    tree_ll128_efficiency: float = 120 / 128
    tree_ll_max_algbw_gbs: float | None = None
    nvls_tree_network_latency_us: float | None = None
    nvls_tree_network_ratio: float = 5.0 / 6.0
    nvlink_hop_extra_us: float = 0.0
    nvls_latency_us: float = 23.0
    nvls_latency_per_rank_us: float = 0.0
    tuner_platform: TunerPlatform | None = None

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
        for value in self.network_latency_us:
            require_non_negative("network_latency_us", value)
        require_non_negative("peer_latency_us", self.peer_latency_us)
        require_fraction("nvlink_efficiency", self.nvlink_efficiency)
        require_fraction("nvls_efficiency", self.nvls_efficiency)
        require_fraction("network_efficiency", self.network_efficiency)
        for value in self.ring_network_latency_us or ():
            require_non_negative("ring_network_latency_us", value)
        require_fraction("ring_ll128_efficiency", self.ring_ll128_efficiency)
        require_fraction("tree_ll128_efficiency", self.tree_ll128_efficiency)
        if self.tree_ll_max_algbw_gbs is not None:
            require_positive("tree_ll_max_algbw_gbs", self.tree_ll_max_algbw_gbs)
        if self.nvls_tree_network_latency_us is not None:
            require_non_negative("nvls_tree_network_latency_us", self.nvls_tree_network_latency_us)
        require_fraction("nvls_tree_network_ratio", self.nvls_tree_network_ratio)
        require_non_negative("nvlink_hop_extra_us", self.nvlink_hop_extra_us)
        require_non_negative("nvls_latency_us", self.nvls_latency_us)
        require_non_negative("nvls_latency_per_rank_us", self.nvls_latency_per_rank_us)
        candidates = _candidates(self)
        if self.algorithm is not None and (self.algorithm, self.protocol) not in candidates:
            can = sorted(f"{a}/{p}" for a, p in candidates if p is not None)
            raise InputError(
                f"expected one of {', '.join(can)} for {self.op} on {self.nodes} node(s) x {self.gpus_per_node} "
                f"GPU(s) (nvls={self.nvls}, in_network_reduction={self.in_network_reduction}), got "
                f"{self.algorithm}/{self.protocol or 'any protocol'}",
                field="algorithm",
            )
        return self


class CollectiveResult(FrozenModel):
    """Expected nccl-tests line for one message size, and the algorithm and protocol it assumes."""

    op: CollectiveOp
    message_bytes: int
    ranks: int
    algorithm: Algorithm
    protocol: Protocol
    busbw_factor: float
    peak_busbw_gbs: float
    latency_us: float
    bandwidth_time_us: float
    time_us: float
    algbw_gbs: float
    busbw_gbs: float
    bound: Bound


@dataclass(frozen=True)
class _Option:
    """One algorithm/protocol NCCL could run: peak algbw (GB/s), latency (us), what bounds the bandwidth."""

    algorithm: Algorithm
    protocol: Protocol
    algbw_gbs: float
    latency_us: float
    bound: Literal["nvlink", "network"]


def _candidates(inp: CollectiveInput) -> set[tuple[Algorithm, Protocol | None]]:
    """(algorithm, protocol) pairs NCCL can run for this op and shape; (algorithm, None) for each too."""
    multi = inp.nodes > 1
    pairs: set[tuple[Algorithm, Protocol]] = set()
    if inp.op == "all_to_all":
        pairs.add(("p2p", "Simple"))
    else:
        pairs.update(("ring", p) for p in _PROTOCOLS)
    if inp.op == "all_reduce":
        if multi:
            pairs.update(("tree", p) for p in _PROTOCOLS)
        if inp.nvls and inp.gpus_per_node > 1:
            pairs.add(("nvls_tree" if multi else "nvls", "Simple"))
        if inp.in_network_reduction and multi:
            pairs.add(("collnet", "Simple"))
    out: set[tuple[Algorithm, Protocol | None]] = set(pairs)
    out.update((a, None) for a, _ in pairs)
    return out


def _log2i(n: int) -> int:
    return math.floor(math.log2(n)) if n > 1 else 0


def _options(inp: CollectiveInput) -> list[_Option]:
    n, nodes, g = inp.nodes * inp.gpus_per_node, inp.nodes, inp.gpus_per_node
    multi = nodes > 1
    b_nv = inp.nvlink_gbs_per_direction * inp.nvlink_efficiency
    b_net = math.inf
    nic_gpu = math.inf
    if multi:
        assert inp.nic_gbps_per_gpu is not None  # checked by the input model
        nic_gpu = inp.nic_gbps_per_gpu / 8 * inp.network_efficiency / inp.fabric_oversubscription
        b_net = nic_gpu * g
    # One GPU per node has no NVLink peer: the NIC alone bounds it.
    nv = b_nv if g > 1 else math.inf
    ll_cap = _LL_MAX_BUSBW[min(nodes, 3) - 1]
    # NVLS synchronises every rank of the NVLink domain on each step
    nvls_lat = inp.nvls_latency_us + inp.nvls_latency_per_rank_us * g

    def net_hop(base_us: float, p: Protocol, scale: float = 1.0) -> float:
        return base_us + inp.network_latency_us[_P[p]] * scale

    def pick(intra: float, network: float) -> tuple[float, Literal["nvlink", "network"]]:
        return (network, "network") if network < intra else (intra, "nvlink")

    opts: list[_Option] = []
    factor = busbw_factor(inp.op, n)
    for algo, proto in sorted((a, p) for a, p in _candidates(inp) if p is not None):
        k = _P[proto]
        if algo == "ring":
            busbw, bound = pick(nv, b_net)
            if proto == "LL":
                quarter = multi or inp.op in ("all_reduce", "reduce")
                busbw = min(busbw * (0.25 if quarter else 1 / 3), ll_cap)
            elif proto == "LL128":
                busbw *= 0.7 if g < 2 else inp.ring_ll128_efficiency
            algbw = busbw / factor
            if inp.op in ("broadcast", "reduce"):
                hop = (_NET_LAT if multi else _NVLINK_LAT)["tree" if proto == "Simple" else "ring"][k]
                hop += 0.0 if multi else inp.nvlink_hop_extra_us
                lat = _BASE_LAT["ring"][k] + n * hop
            else:
                steps, net_steps = (
                    (2 * (n - 1), 2 * nodes if multi else 0) if inp.op == "all_reduce" else (n - 1, nodes - 1)
                )
                intra = _NVLINK_LAT["ring"][k] + inp.nvlink_hop_extra_us
                if multi:
                    intra = max(intra, _NET_OVERHEAD_US * (3 if proto == "Simple" else 1))
                if inp.ring_network_latency_us is not None:
                    crossing = _NET_LAT["ring"][k] + inp.ring_network_latency_us[k]
                else:
                    crossing = net_hop(_NET_LAT["ring"][k], proto, 0.0 if proto == "Simple" else 1.0)
                lat = _BASE_LAT["ring"][k] + (steps - net_steps) * intra + net_steps * crossing
                if multi and inp.op == "all_reduce" and proto == "Simple" and inp.message_bytes >= _PLATEAU_BYTES * n:
                    lat *= _RING_PLATEAU
        elif algo == "tree":
            algbw, bound = pick(_TREE_EFF * nv / 2, b_net if nodes == 2 else b_net / 2)
            if proto == "LL":
                algbw = min(algbw / 3.8, ll_cap / 2, inp.tree_ll_max_algbw_gbs or math.inf)
            elif proto == "LL128":
                algbw *= inp.tree_ll128_efficiency
            log_size = _log2i(inp.message_bytes >> 6)
            if log_size < len(_TREE_CORRECTION[k]):
                algbw *= _TREE_CORRECTION[k][log_size]
            nvlink_hop = _NVLINK_LAT["tree"][k] + inp.nvlink_hop_extra_us
            network_hops = _log2i(nodes) * net_hop(_NET_LAT["tree"][k], proto)
            lat = _BASE_LAT["tree"][k] + 2 * ((g - 1) * nvlink_hop + network_hops)
        elif algo == "nvls":
            algbw, bound = inp.nvlink_gbs_per_direction * inp.nvls_efficiency, "nvlink"
            lat = nvls_lat
        elif algo == "nvls_tree":
            net_tree = b_net if nodes == 2 else b_net / 2
            algbw, bound = pick(
                inp.nvlink_gbs_per_direction * inp.nvls_efficiency, inp.nvls_tree_network_ratio * net_tree
            )
            extra = inp.nvls_tree_network_latency_us if nodes > 2 else None
            crossing = net_hop(_NVLS_TREE_NET_LAT, proto) if extra is None else _NVLS_TREE_NET_LAT + extra
            lat = nvls_lat + 2 * _log2i(nodes) * crossing
        elif algo == "collnet":
            if inp.nvls and g > 1:  # NCCL's NVLS algorithm across nodes: NVLink SHARP inside, SHARP outside
                intra_bw = inp.nvlink_gbs_per_direction * inp.nvls_efficiency
                lat = nvls_lat + net_hop(_NVLS_NET_LAT, proto)
            else:  # CollNet Direct: reduce-scatter and all-gather over NVLink, each GPU to its NIC
                intra_bw = nv * g / (2 * (g - 1)) if g > 1 else math.inf
                lat = 2 * (min(1, g - 1) * _COLLNET_NVLINK_LAT + (g - 1) * _COLLNET_ARITY_LAT)
                lat += net_hop(_COLLNET_NET_LAT, proto)
            algbw, bound = pick(intra_bw, b_net)
            algbw *= _COLLNET_EFF
        else:  # p2p all_to_all
            intra_t = (g - 1) / n / nv if g > 1 else 0.0
            inter_t = (n - g) / n / nic_gpu if multi else 0.0
            bound = "network" if inter_t > intra_t else "nvlink"
            algbw = 1 / max(intra_t, inter_t)
            lat = _BASE_LAT["ring"][2] + _NVLINK_LAT["ring"][2] + inp.nvlink_hop_extra_us
            if multi:
                lat += net_hop(_NET_LAT["ring"][2], proto) + (n - g) * inp.peer_latency_us
        opts.append(_Option(algorithm=algo, protocol=proto, algbw_gbs=algbw, latency_us=lat, bound=bound))
    return opts


def expected_collective(inp: CollectiveInput) -> CollectiveResult:
    """Expected time, algbw and busbw of one collective, with the algorithm and protocol it assumes.

    >>> base = dict(message_bytes=8, nodes=2, gpus_per_node=8, nvlink_gbs_per_direction=450, nic_gbps_per_gpu=400)
    >>> small = expected_collective(CollectiveInput(**base))
    >>> (small.algorithm, small.protocol, small.bound)
    ('tree', 'LL', 'latency')
    >>> big = expected_collective(CollectiveInput(**{**base, "message_bytes": 2**33}))
    >>> (big.algorithm, big.protocol, big.bound)
    ('ring', 'Simple', 'network')
    """
    ranks = inp.nodes * inp.gpus_per_node
    factor = busbw_factor(inp.op, ranks)
    algorithm, protocol = inp.algorithm, inp.protocol
    if algorithm is None and protocol is None and inp.tuner_platform is not None:
        # beyond two nodes on P5-class EFA, aws-ofi-nccl's tuner plugin picks, not NCCL's cost model
        platform, size, g = inp.tuner_platform, inp.message_bytes, inp.gpus_per_node
        chosen = region_choice(platform, inp.op, size, nodes=inp.nodes, gpus_per_node=g, nvls=inp.nvls)
        if chosen is not None and chosen in _candidates(inp):
            algorithm, protocol = chosen
    best: tuple[float, _Option] | None = None
    for o in _options(inp):
        if algorithm is not None and o.algorithm != algorithm:
            continue
        if protocol is not None and o.protocol != protocol:
            continue
        t = o.latency_us + inp.message_bytes / o.algbw_gbs / 1e3
        if best is None or t < best[0]:
            best = (t, o)
    if best is None:  # the input model refuses forced choices that cannot run
        raise InputError(f"no algorithm can run {inp.op} with protocol {inp.protocol}", field="protocol")
    time_us, o = best
    # bytes / (GB/s) = 1e-9 s per byte-per-GB/s -> x 1e6 us/s = 1e-3
    bandwidth_time_us = inp.message_bytes / o.algbw_gbs / 1e3
    algbw_gbs = inp.message_bytes / time_us / 1e3
    return CollectiveResult(
        op=inp.op,
        message_bytes=inp.message_bytes,
        ranks=ranks,
        algorithm=o.algorithm,
        protocol=o.protocol,
        busbw_factor=factor,
        peak_busbw_gbs=o.algbw_gbs * factor,
        latency_us=o.latency_us,
        bandwidth_time_us=bandwidth_time_us,
        time_us=time_us,
        algbw_gbs=algbw_gbs,
        busbw_gbs=algbw_gbs * factor,
        bound="latency" if o.latency_us >= bandwidth_time_us else o.bound,
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
