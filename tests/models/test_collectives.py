"""Expected collective performance: nccl-tests definitions, hand-worked NCCL-tuner cases, selection, properties.

Published sweeps are checked in test_collectives_published.py.
"""

from __future__ import annotations

from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifab.errors import InputError
from aifab.models.collectives import (
    EFA_NETWORK_LATENCY_US,
    NCCL_TESTS_BINARY,
    CollectiveInput,
    CollectiveOp,
    busbw_factor,
    collective_sweep,
    expected_collective,
)

GIB = 2**30
OPS: tuple[CollectiveOp, ...] = get_args(CollectiveOp)

DGX_H100: dict[str, Any] = {"gpus_per_node": 8, "nvlink_gbs_per_direction": 450}


@pytest.mark.parametrize(
    ("op", "n", "factor"),
    [
        # nccl-tests doc/PERFORMANCE.md summary (commit 03a204a1): AllReduce 2(n-1)/n, ReduceScatter,
        # AllGather and AlltoAll (n-1)/n, Broadcast and Reduce 1
        ("all_reduce", 8, 14 / 8),
        ("all_reduce", 2, 1.0),
        ("all_gather", 8, 7 / 8),
        ("reduce_scatter", 8, 7 / 8),
        ("all_to_all", 16, 15 / 16),
        ("broadcast", 8, 1.0),
        ("reduce", 8, 1.0),
    ],
)
def test_busbw_factors_match_nccl_tests(op: CollectiveOp, n: int, factor: float) -> None:
    assert busbw_factor(op, n) == pytest.approx(factor)


def test_in_network_all_reduce_factor() -> None:
    # PERFORMANCE.md: AllReduce (In-Network Reduction) (n-1)/(n+1); only all_reduce has one
    assert busbw_factor("all_reduce", 8, in_network=True) == pytest.approx(7 / 9)
    assert busbw_factor("all_gather", 8, in_network=True) == pytest.approx(7 / 8)


def test_every_nccl_tests_collective_has_a_binary() -> None:
    assert set(NCCL_TESTS_BINARY) == set(OPS)
    assert NCCL_TESTS_BINARY["all_to_all"] == "alltoall_perf"
    assert all(NCCL_TESTS_BINARY[op] == f"{op}_perf" for op in OPS if op != "all_to_all")


def test_single_node_ring_8gib_worked_by_hand() -> None:
    # 8 x H100, ring forced (NCCL_ALGO=RING): busbw peak 450 x 0.82 = 369 GB/s; factor 2 x 7 / 8 = 1.75
    # Simple: latency = baseLat 8.4 + 14 steps x NVLink hop 3.4 = 56.0 us
    # wire = 8 GiB / (369 / 1.75 GB/s) = 8589934592 x 1.75 / 369e3 us = 40737.7 us
    r = expected_collective(CollectiveInput(message_bytes=8 * GIB, nodes=1, algorithm="ring", **DGX_H100))
    assert (r.algorithm, r.protocol, r.bound) == ("ring", "Simple", "nvlink")
    assert r.peak_busbw_gbs == pytest.approx(369.0)
    assert r.latency_us == pytest.approx(56.0)
    assert r.bandwidth_time_us == pytest.approx(8 * GIB * 1.75 / 369e3)
    # busbw = 1.75 x 8 GiB / (40737.7 + 56.0) us = 368.49 GB/s
    assert r.busbw_gbs == pytest.approx(368.49, abs=0.01)


def test_single_node_nvls_worked_by_hand() -> None:
    # NVLS: algbw 450 x 0.61 = 274.5 GB/s, latency 23 us (NCCL hwLat NVLink NVLS); 8 GiB: busbw = 1.75 x
    # 8589934592 / (23 + 31292.6) us / 1e3 = 480.0 GB/s: above the 369 GB/s ring, the factor unchanged
    r = expected_collective(CollectiveInput(message_bytes=8 * GIB, nodes=1, nvls=True, **DGX_H100))
    assert (r.algorithm, r.protocol) == ("nvls", "Simple")
    assert r.busbw_factor == 1.75
    assert r.latency_us == 23.0
    assert r.peak_busbw_gbs == pytest.approx(274.5 * 1.75)
    assert r.busbw_gbs == pytest.approx(480.0, abs=0.1)


def test_multi_node_ring_worked_by_hand() -> None:
    # 4 nodes x 8 GPUs, 400 Gb/s NIC per GPU on InfiniBand; ring forced, Simple
    # network: 8 rails x 400 / 8 x 0.85 = 340 GB/s < NVLink 369 -> network bound
    # n = 32: 62 steps, 2 x 4 = 8 across the network (NCCL 2.19+ counts 2 x nodes)
    # latency = (8.4 + 54 x max(3.4, 3 x 1.0) + 8 x 14.0) x 1.4 plateau = (8.4 + 183.6 + 112) x 1.4 = 425.6 us
    r = expected_collective(
        CollectiveInput(
            message_bytes=4 * GIB, nodes=4, nic_gbps_per_gpu=400, algorithm="ring", protocol="Simple", **DGX_H100
        )
    )
    assert r.peak_busbw_gbs == pytest.approx(340.0)
    assert r.latency_us == pytest.approx(425.6)
    assert r.bound == "network"
    # wire = 4 GiB x 1.9375 / 340e3 = 24475.1 us; busbw = 340 x 24475.1 / (24475.1 + 425.6) = 334.19 GB/s
    assert r.busbw_gbs == pytest.approx(334.19, abs=0.01)
    # 2:1 fabric oversubscription halves the network ceiling: 170 GB/s
    half = expected_collective(
        CollectiveInput(
            message_bytes=4 * GIB,
            nodes=4,
            nic_gbps_per_gpu=400,
            fabric_oversubscription=2.0,
            algorithm="ring",
            **DGX_H100,
        )
    )
    assert half.peak_busbw_gbs == pytest.approx(170.0)


def test_two_node_tree_ll_latency_worked_by_hand() -> None:
    # tree/LL on 2 nodes: baseLat 6.8 + 2 x (7 x NVLink 0.6 + 1 x (network 5.0 + extra)) us
    ib = expected_collective(CollectiveInput(message_bytes=8, nodes=2, nic_gbps_per_gpu=400, **DGX_H100))
    assert (ib.algorithm, ib.protocol, ib.bound) == ("tree", "LL", "latency")
    assert ib.latency_us == pytest.approx(6.8 + 2 * (4.2 + 5.0))
    efa = expected_collective(
        CollectiveInput(
            message_bytes=8, nodes=2, nic_gbps_per_gpu=400, network_latency_us=EFA_NETWORK_LATENCY_US, **DGX_H100
        )
    )
    assert efa.latency_us == pytest.approx(6.8 + 2 * (4.2 + 5.0 + EFA_NETWORK_LATENCY_US[0]))


def test_protocol_switches_ll_then_ll128_then_simple() -> None:
    # NCCL's order as messages grow: LL (lowest latency) -> LL128 -> Simple (full bandwidth)
    for nodes, nvls in ((1, False), (2, False), (4, True)):
        rows = collective_sweep(
            CollectiveInput(message_bytes=8, nodes=nodes, nic_gbps_per_gpu=400, nvls=nvls, **DGX_H100),
            max_bytes=16 * GIB,
        )
        order = [("LL", "LL128", "Simple").index(r.protocol) for r in rows]
        assert order == sorted(order), (nodes, [r.protocol for r in rows])
        assert rows[0].protocol == "LL" and rows[-1].protocol == "Simple"
        assert "LL128" in {r.protocol for r in rows}


def test_algorithm_selection() -> None:
    small = {"message_bytes": 8, "nic_gbps_per_gpu": 400, **DGX_H100}
    big = {**small, "message_bytes": 8 * GIB}
    # one node: ring for small messages; NVLS for large when the NVSwitch has it
    assert expected_collective(CollectiveInput(nodes=1, nvls=True, **small)).algorithm == "ring"
    assert expected_collective(CollectiveInput(nodes=1, nvls=True, **big)).algorithm == "nvls"
    # several nodes: the tree's log2(nodes) latency wins small messages
    assert expected_collective(CollectiveInput(nodes=16, **small)).algorithm == "tree"
    # 2 nodes with NVLS: the NVLS tree crosses the network once each way -> busbw above the NIC rate
    two = expected_collective(CollectiveInput(nodes=2, nvls=True, **big))
    assert two.algorithm == "nvls_tree" and two.busbw_gbs > 400
    # SHARP switches reduce: each node sends S once -> above the ring's 340 GB/s NIC-bound busbw
    sharp = expected_collective(CollectiveInput(nodes=4, nvls=True, in_network_reduction=True, **big))
    ring = expected_collective(CollectiveInput(nodes=4, algorithm="ring", **big))
    assert sharp.algorithm == "collnet" and sharp.busbw_gbs > ring.busbw_gbs
    # only all_reduce has tree, NVLS and CollNet; all_to_all is point-to-point
    for op in ("all_gather", "reduce_scatter", "broadcast", "reduce"):
        r = expected_collective(CollectiveInput(op=op, nodes=4, nvls=True, in_network_reduction=True, **big))
        assert r.algorithm == "ring", op
    assert expected_collective(CollectiveInput(op="all_to_all", nodes=4, **big)).algorithm == "p2p"


def test_all_to_all_worked_by_hand() -> None:
    # 2 nodes x 8 GPUs: each GPU sends 7/16 of S over NVLink (369 GB/s) and 8/16 through its own NIC
    # (400 / 8 x 0.85 = 42.5 GB/s): the NIC bounds it, algbw = 42.5 / 0.5 = 85 GB/s, busbw peak 85 x 15/16
    r = expected_collective(
        CollectiveInput(op="all_to_all", message_bytes=2 * GIB, nodes=2, nic_gbps_per_gpu=400, **DGX_H100)
    )
    assert (r.algorithm, r.bound) == ("p2p", "network")
    assert r.peak_busbw_gbs == pytest.approx(85 * 15 / 16)


def test_broadcast_and_reduce_ring_latency() -> None:
    # NCCL: base + nsteps x hop with nsteps = n for broadcast and reduce; LL on one node: 6.6 + 8 x 0.6
    ops: tuple[CollectiveOp, ...] = ("broadcast", "reduce")
    for op in ops:
        r = expected_collective(CollectiveInput(op=op, message_bytes=8, nodes=1, **DGX_H100))
        assert r.protocol == "LL"
        assert r.latency_us == pytest.approx(6.6 + 8 * 0.6)


def test_one_gpu_per_node_ignores_nvlink() -> None:
    r = expected_collective(
        CollectiveInput(message_bytes=GIB, nodes=4, gpus_per_node=1, nvlink_gbs_per_direction=1, nic_gbps_per_gpu=400)
    )
    # no NVLink peer: the ring's busbw is the GPU's own NIC, 400 / 8 x 0.85 = 42.5 GB/s
    assert (r.algorithm, r.protocol, r.bound) == ("ring", "Simple", "network")
    assert r.peak_busbw_gbs == pytest.approx(42.5)


def test_sweep_matches_nccl_tests_default_range() -> None:
    # -b 8 -e 8G -f 2: 8 B x 2^k up to 8 GiB = 2^33 -> k = 0..30, 31 sizes
    rows = collective_sweep(CollectiveInput(message_bytes=1, nodes=1, **DGX_H100))
    assert len(rows) == 31
    assert [r.message_bytes for r in rows] == [8 * 2**k for k in range(31)]
    assert rows[0].bound == "latency" and rows[-1].bound == "nvlink"
    busbws = [r.busbw_gbs for r in rows]
    assert busbws == sorted(busbws)


def test_sweep_with_custom_range() -> None:
    rows = collective_sweep(
        CollectiveInput(op="all_gather", message_bytes=1, nodes=1, **DGX_H100),
        min_bytes=1024,
        max_bytes=1024 * 4**3,
        step_factor=4,
    )
    assert [r.message_bytes for r in rows] == [1024, 4096, 16384, 65536]
    assert all(r.op == "all_gather" for r in rows)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"nodes": 1, "gpus_per_node": 1}, "gpus_per_node"),
        ({"nodes": 2}, "nic_gbps_per_gpu"),
        ({"nodes": 2, "nic_gbps_per_gpu": 0}, "nic_gbps_per_gpu"),
        ({"message_bytes": 0}, "message_bytes"),
        ({"nodes": 0}, "nodes"),
        ({"nvlink_gbs_per_direction": -1}, "nvlink_gbs_per_direction"),
        ({"nodes": 2, "nic_gbps_per_gpu": 400, "fabric_oversubscription": 0.5}, "fabric_oversubscription"),
        ({"nvlink_efficiency": 1.2}, "nvlink_efficiency"),
        ({"nvls_efficiency": 0}, "nvls_efficiency"),
        ({"network_efficiency": 0}, "network_efficiency"),
        ({"network_latency_us": (0, -1, 0)}, "network_latency_us"),
        ({"peer_latency_us": -1}, "peer_latency_us"),
        ({"ring_network_latency_us": (22, -1, 0)}, "ring_network_latency_us"),
        ({"ring_ll128_efficiency": 1.5}, "ring_ll128_efficiency"),
        ({"tree_ll128_efficiency": 0}, "tree_ll128_efficiency"),
        ({"nvls_tree_network_latency_us": -3}, "nvls_tree_network_latency_us"),
        ({"nvls_tree_network_ratio": 2}, "nvls_tree_network_ratio"),
        ({"nvlink_hop_extra_us": -0.5}, "nvlink_hop_extra_us"),
        ({"nvls_latency_us": -1}, "nvls_latency_us"),
        ({"nvls_latency_per_rank_us": -1}, "nvls_latency_per_rank_us"),
        ({"tree_ll_max_algbw_gbs": 0}, "tree_ll_max_algbw_gbs"),
        ({"tuner_platform": "p6"}, "tuner_platform"),
        ({"op": "alltoallv"}, "op"),
        ({"algorithm": "nvls"}, "algorithm"),  # no NVLS without nvls=True
        ({"algorithm": "tree"}, "algorithm"),  # no tree on one node
        ({"algorithm": "nvls", "nvls": True, "protocol": "LL"}, "algorithm"),  # NVLS runs Simple only
        ({"op": "all_gather", "algorithm": "tree", "nodes": 2, "nic_gbps_per_gpu": 400}, "algorithm"),
    ],
)
def test_bad_input(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"message_bytes": 1024, "nodes": 1, **DGX_H100}
    args.update(kwargs)
    with pytest.raises(InputError) as info:
        CollectiveInput(**args)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"min_bytes": 0}, "min_bytes"),
        ({"max_bytes": 4, "min_bytes": 8}, "max_bytes"),
        ({"step_factor": 1}, "step_factor"),
    ],
)
def test_bad_sweep(kwargs: dict[str, int], field: str) -> None:
    with pytest.raises(InputError) as info:
        collective_sweep(CollectiveInput(message_bytes=8, nodes=1, **DGX_H100), **kwargs)
    assert info.value.field == field


@given(n=st.integers(2, 100_000))
def test_busbw_factor_identities(n: int) -> None:
    assert busbw_factor("all_reduce", n) == pytest.approx(2 * busbw_factor("all_gather", n))
    assert busbw_factor("reduce_scatter", n) == busbw_factor("all_gather", n) == busbw_factor("all_to_all", n)
    assert busbw_factor("broadcast", n) == busbw_factor("reduce", n) == 1.0
    assert 0.5 <= busbw_factor("all_gather", n) < 1.0
    assert 1.0 <= busbw_factor("all_reduce", n) < 2.0


@settings(deadline=None, max_examples=60)
@given(
    op=st.sampled_from(OPS),
    size=st.integers(1, 2**36),
    nodes=st.integers(1, 64),
    gpn=st.integers(1, 8),
    nic=st.sampled_from([100.0, 200.0, 400.0, 800.0]),
    oversub=st.sampled_from([1.0, 2.0, 4.0]),
    nvls=st.booleans(),
    sharp=st.booleans(),
)
def test_result_identities(
    op: CollectiveOp, size: int, nodes: int, gpn: int, nic: float, oversub: float, nvls: bool, sharp: bool
) -> None:
    if nodes * gpn < 2:
        return
    inp = CollectiveInput(
        op=op,
        message_bytes=size,
        nodes=nodes,
        gpus_per_node=gpn,
        nvlink_gbs_per_direction=450,
        nic_gbps_per_gpu=nic,
        fabric_oversubscription=oversub,
        nvls=nvls,
        in_network_reduction=sharp,
    )
    r = expected_collective(inp)
    assert r.busbw_gbs == pytest.approx(r.algbw_gbs * r.busbw_factor)
    assert r.busbw_factor == busbw_factor(op, nodes * gpn)
    assert r.time_us == pytest.approx(r.latency_us + r.bandwidth_time_us)
    assert r.busbw_gbs < r.peak_busbw_gbs  # latency always costs something
    assert r.algbw_gbs == pytest.approx(size / r.time_us / 1e3)
    if nodes == 1:
        assert r.bound in ("latency", "nvlink")
    # the pick is the fastest: forcing any other algorithm is never faster
    for algo in ("ring", "tree", "nvls", "nvls_tree", "collnet", "p2p"):
        try:
            forced = expected_collective(inp.model_copy(update={"algorithm": algo}))
        except InputError:
            continue
        assert forced.time_us >= r.time_us * (1 - 1e-9)
