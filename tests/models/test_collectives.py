"""Expected collective performance: nccl-tests definitions, hand-worked alpha-beta cases, properties."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifab.errors import InputError
from aifab.models.collectives import (
    CollectiveInput,
    CollectiveOp,
    busbw_factor,
    collective_sweep,
    expected_collective,
)

GIB = 2**30
OPS: tuple[CollectiveOp, ...] = ("all_reduce", "all_gather", "reduce_scatter", "broadcast")

DGX_H100: dict[str, Any] = {"gpus_per_node": 8, "nvlink_gbs_per_direction": 450}


def test_busbw_factors_match_nccl_tests() -> None:
    # nccl-tests PERFORMANCE.md: all_reduce 2(n-1)/n, all_gather = reduce_scatter (n-1)/n, broadcast 1
    assert busbw_factor("all_reduce", 8) == pytest.approx(14 / 8)
    assert busbw_factor("all_gather", 8) == pytest.approx(7 / 8)
    assert busbw_factor("reduce_scatter", 8) == pytest.approx(7 / 8)
    assert busbw_factor("broadcast", 8) == 1.0
    assert busbw_factor("all_reduce", 2) == 1.0


def test_single_node_all_reduce_8gib_worked_by_hand() -> None:
    # 8 x H100, NVLink 450 GB/s per direction x 0.82 = 369 GB/s peak busbw
    # factor 2 x 7 / 8 = 1.75; ring steps 2 x 7 = 14, none across the network
    # latency = 6.6 + 14 x 0.6 = 15.0 us
    # bandwidth term = 8 GiB x 1.75 / 369 GB/s = 8589934592 x 1.75 / 369e3 us = 40737.7 us
    # algbw = 8589934592 / 40752.7 us / 1e3 = 210.78 GB/s; busbw = 1.75 x that = 368.9 GB/s
    r = expected_collective(CollectiveInput(message_bytes=8 * GIB, nodes=1, **DGX_H100))
    assert r.ranks == 8
    assert r.peak_busbw_gbs == pytest.approx(369.0)
    assert r.latency_us == pytest.approx(15.0)
    assert r.bandwidth_time_us == pytest.approx(8 * GIB * 1.75 / 369e3)
    assert r.algbw_gbs == pytest.approx(210.78, abs=0.01)
    assert r.busbw_gbs == pytest.approx(368.86, abs=0.01)
    assert r.bound == "nvlink"


def test_multi_node_is_network_bound_worked_by_hand() -> None:
    # 4 nodes x 8 GPUs, 400 Gb/s NIC per GPU: the rings spread over all 8 rails, so the node's NICs work in
    # parallel: 8 x 400 / 8 = 400 GB/s x 0.85 = 340 GB/s < NVLink 369 -> network bound
    # n = 32: steps 2 x 31 = 62, of which 2 x (4 - 1) = 6 cross the network
    # latency = 6.6 + 56 x 0.6 + 6 x 2.7 = 6.6 + 33.6 + 16.2 = 56.4 us
    r = expected_collective(CollectiveInput(message_bytes=4 * GIB, nodes=4, nic_gbps_per_gpu=400, **DGX_H100))
    assert r.peak_busbw_gbs == pytest.approx(340.0)
    assert r.latency_us == pytest.approx(56.4)
    assert r.bound == "network"
    # bandwidth term = 4 GiB x (2 x 31 / 32) / 340 GB/s = 4294967296 x 1.9375 / 340e3 us = 24475.1 us
    # busbw = 340 x 24475.1 / (24475.1 + 56.4) = 339.22 GB/s
    assert r.busbw_gbs == pytest.approx(339.22, abs=0.01)
    # 2:1 fabric oversubscription halves the network ceiling: 170 GB/s
    half = expected_collective(
        CollectiveInput(message_bytes=4 * GIB, nodes=4, nic_gbps_per_gpu=400, fabric_oversubscription=2.0, **DGX_H100)
    )
    assert half.peak_busbw_gbs == pytest.approx(170.0)


def test_p4d_matches_the_published_effective_all_reduce_rate() -> None:
    # reference-numbers aws.efa.generations: p4d, 4 x 100 Gb/s EFA for 8 A100, effective all-reduce 340 Gb/s.
    # per GPU 400 / 8 = 50 Gb/s; node 8 x 50 = 400 Gb/s x 0.85 = 340 Gb/s = 42.5 GB/s (A100 NVLink 300 GB/s/dir)
    r = expected_collective(
        CollectiveInput(
            message_bytes=8 * GIB, nodes=16, gpus_per_node=8, nvlink_gbs_per_direction=300, nic_gbps_per_gpu=50
        )
    )
    assert r.peak_busbw_gbs * 8 == pytest.approx(340.0)
    assert r.bound == "network"


def test_small_messages_are_latency_bound() -> None:
    r = expected_collective(CollectiveInput(message_bytes=8, nodes=1, **DGX_H100))
    assert r.bound == "latency"
    assert r.time_us == pytest.approx(15.0, rel=1e-3)


def test_fast_nic_leaves_nvlink_as_the_bound() -> None:
    # 8 x 800 Gb/s / 8 x 0.85 = 680 GB/s > NVLink 369: NVLink bounds the ring
    r = expected_collective(CollectiveInput(message_bytes=8 * GIB, nodes=2, nic_gbps_per_gpu=800, **DGX_H100))
    assert r.bound == "nvlink"


def test_one_gpu_per_node_ignores_nvlink() -> None:
    r = expected_collective(
        CollectiveInput(message_bytes=GIB, nodes=4, gpus_per_node=1, nvlink_gbs_per_direction=1, nic_gbps_per_gpu=400)
    )
    assert r.peak_busbw_gbs == pytest.approx(42.5)
    assert r.bound == "network"


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
        ({"network_efficiency": 0}, "network_efficiency"),
        ({"alpha_network_us": -1}, "alpha_network_us"),
        ({"op": "alltoallv"}, "op"),
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
    assert busbw_factor("reduce_scatter", n) == busbw_factor("all_gather", n)
    assert busbw_factor("broadcast", n) == 1.0
    assert 0.5 <= busbw_factor("all_gather", n) < 1.0
    assert 1.0 <= busbw_factor("all_reduce", n) < 2.0


@settings(deadline=None)
@given(
    op=st.sampled_from(OPS),
    size=st.integers(1, 2**36),
    nodes=st.integers(1, 64),
    gpn=st.integers(1, 8),
    nic=st.sampled_from([100.0, 200.0, 400.0, 800.0]),
    oversub=st.sampled_from([1.0, 2.0, 4.0]),
)
def test_result_identities(op: CollectiveOp, size: int, nodes: int, gpn: int, nic: float, oversub: float) -> None:
    if nodes * gpn < 2:
        return
    r = expected_collective(
        CollectiveInput(
            op=op,
            message_bytes=size,
            nodes=nodes,
            gpus_per_node=gpn,
            nvlink_gbs_per_direction=450,
            nic_gbps_per_gpu=nic,
            fabric_oversubscription=oversub,
        )
    )
    assert r.busbw_gbs == pytest.approx(r.algbw_gbs * r.busbw_factor)
    assert r.busbw_factor == busbw_factor(op, nodes * gpn)
    assert r.time_us == pytest.approx(r.latency_us + r.bandwidth_time_us)
    assert r.busbw_gbs < r.peak_busbw_gbs  # latency always costs something
    assert r.algbw_gbs == pytest.approx(size / r.time_us / 1e3)
    if nodes == 1:
        assert r.bound in ("latency", "nvlink")
