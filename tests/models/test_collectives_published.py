"""The collective model against published nccl-tests results (tests/models/data/nccl_tests_sweeps.yaml).

Each sweep and figure there carries its source URL and publication date, and whether a model constant was
fitted to it (``use: fit``) or it is held out (``use: validation``). The bound (issue 11): model busbw within
15% of the published busbw at 64 MiB and above, within a factor of 1.5 below. Published points the model
misses are listed in ``KNOWN_MISSES`` with the ratio range they fall in, so a change that moves them
fails here too; the closing report quotes them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from aifab.models.collectives import (
    BLACKWELL_NVLS_EFFICIENCY,
    EFA_INPUTS,
    IB_NETWORK_EFFICIENCY,
    MNNVL_INPUTS,
    CollectiveInput,
    CollectiveResult,
    busbw_factor,
    expected_collective,
)

DATA = yaml.safe_load((Path(__file__).parent / "data" / "nccl_tests_sweeps.yaml").read_text())
SWEEPS: dict[str, dict[str, Any]] = {s["id"]: s for s in DATA["sweeps"]}
POINTS: dict[str, dict[str, Any]] = {p["id"]: p for p in DATA["points"]}
MIB = 2**20
LARGE = 64 * MIB

# (sweep, nodes, bytes) -> (low, high) bounds of model busbw / published busbw, outside the bound.
KNOWN_MISSES: dict[tuple[str, int, int], tuple[float, float]] = {
    # GB200 MNNVL at 64 MiB: a dip between the ring's and NVLS's trends (32 MiB and 128 MiB both within 15%).
    ("oci-gb200-mnnvl-8gpu", 1, 64 * MIB): (1.15, 1.25),
    # all_to_all at 8-32 nodes, 64-512 MiB: per-peer messages of 32 KiB-2 MiB ramp up slowly (the issue's
    # 15% bound is for all-reduce; these are pinned so a change that moves them shows).
    ("hyperpod-p5-all-to-all", 8, 128 * MIB): (1.15, 1.2),
    ("hyperpod-p5-all-to-all", 16, 64 * MIB): (1.15, 1.3),
    ("hyperpod-p5-all-to-all", 16, 128 * MIB): (1.15, 1.25),
    ("hyperpod-p5-all-to-all", 16, 256 * MIB): (1.15, 1.25),
    ("hyperpod-p5-all-to-all", 32, 64 * MIB): (1.15, 1.25),
    ("hyperpod-p5-all-to-all", 32, 128 * MIB): (1.15, 1.3),
    ("hyperpod-p5-all-to-all", 32, 256 * MIB): (1.15, 1.3),
    ("hyperpod-p5-all-to-all", 32, 512 * MIB): (1.15, 1.3),
}


def _input(system: dict[str, Any], op: str, size: int, **extra: Any) -> CollectiveInput:
    s = dict(system)
    if s.pop("mnnvl", False):
        extra = {**MNNVL_INPUTS, **extra}
    if s.pop("blackwell", False):
        extra = {"nvls_efficiency": BLACKWELL_NVLS_EFFICIENCY, **extra}
    network = s.pop("network", "infiniband")
    if network == "efa":
        extra = {**EFA_INPUTS, **extra}
    elif network == "infiniband" and s["nodes"] > 1:
        extra = {"network_efficiency": IB_NETWORK_EFFICIENCY, **extra}
    return CollectiveInput(op=op, message_bytes=size, **s, **extra)


def _bound(size: int) -> tuple[float, float]:
    return (1 / 1.15, 1.15) if size >= LARGE else (1 / 1.5, 1.5)


def _check(sweep: str, nodes: int, size: int, ratio: float) -> None:
    lo, hi = KNOWN_MISSES.get((sweep, nodes, size), _bound(size))
    assert lo <= ratio <= hi, f"{sweep} {nodes} nodes {size} B: model/published busbw {ratio:.3f} not in [{lo}, {hi}]"


def _time_rows() -> list[tuple[str, int, float]]:
    return [(sid, b, t) for sid, s in SWEEPS.items() if "rows_time" in s for b, t in s["rows_time"]]


def _bw_rows() -> list[tuple[str, int, int, float]]:
    return [
        (sid, int(nodes), mib * MIB, bus)
        for sid, s in SWEEPS.items()
        if "by_nodes" in s
        for nodes, rows in s["by_nodes"].items()
        for mib, _alg, bus in rows
    ]


@pytest.mark.parametrize(("sweep", "size", "time_us"), _time_rows())
def test_full_sweeps(sweep: str, size: int, time_us: float) -> None:
    # aws-p5-2node: fit (EFA latencies); aws-p4de-2node, oci-h100-roce-2node, oci-gb200-mnnvl-8gpu: validation
    s = SWEEPS[sweep]
    r = expected_collective(_input(s["system"], s["op"], size))
    # busbw = S / t x factor for both, so the busbw ratio is the inverse time ratio (no rounding of 0.00 rows)
    _check(sweep, s["system"]["nodes"], size, time_us / r.time_us)


@pytest.mark.parametrize(("sweep", "nodes", "size", "busbw"), _bw_rows())
def test_multi_node_sweeps(sweep: str, nodes: int, size: int, busbw: float) -> None:
    # hyperpod-p5-all-reduce: LL128/Simple EFA latencies chosen over it; all_to_all: peer latency fitted on
    # 2, 8 and 32 nodes, the 4 and 16-node rows are held out
    s = SWEEPS[sweep]
    r = expected_collective(_input({**s["system"], "nodes": nodes}, s["op"], size))
    _check(sweep, nodes, size, r.busbw_gbs / busbw)


def test_known_misses_are_real() -> None:
    # every listed miss is a published row, and really outside the bound (else drop it from the list)
    rows = {(sid, s["system"]["nodes"], b) for sid, b, _ in _time_rows() for s in [SWEEPS[sid]]}
    rows |= {(sid, n, b) for sid, n, b, _ in _bw_rows()}
    for key, (lo, hi) in KNOWN_MISSES.items():
        assert key in rows
        blo, bhi = _bound(key[2])
        assert hi <= blo or lo >= bhi, key


@pytest.mark.parametrize("point", sorted(POINTS))
def test_published_points(point: str) -> None:
    # h100-nvls-peak / h100-ring-nvlink: fit (nvls_efficiency, nvlink_efficiency); the others held out
    p = POINTS[point]
    r = expected_collective(_input(p["system"], p["op"], p["message_bytes"], algorithm=p.get("algorithm")))
    ratio = r.busbw_gbs / p["busbw_gbs"] if "busbw_gbs" in p else p["time_us"] / r.time_us
    lo, hi = _bound(p["message_bytes"])
    assert lo <= ratio <= hi, f"{point}: {ratio:.3f}"


def test_nvls_single_node_beats_ring_as_published() -> None:
    # nccl#1455 (2024-09-19): 8 x H100 at 4 GiB, NVLS busbw ~480 GB/s, ring 365-370: NVLS raises the peak while
    # busbw keeps the all_reduce factor 2(n-1)/n
    system = POINTS["h100-nvls-8gpu-2-4gib"]["system"]
    nvls = expected_collective(_input(system, "all_reduce", 4 * 2**30))
    ring = expected_collective(_input(system, "all_reduce", 4 * 2**30, algorithm="ring"))
    assert (nvls.algorithm, ring.algorithm) == ("nvls", "ring")
    assert nvls.busbw_factor == ring.busbw_factor == busbw_factor("all_reduce", 8)
    assert nvls.busbw_gbs / ring.busbw_gbs == pytest.approx(480 / 367.5, rel=0.05)
    # without NVLS (A100-style NVSwitch) the ring is all there is
    no_nvls = expected_collective(_input({**system, "nvls": False}, "all_reduce", 4 * 2**30))
    assert no_nvls.algorithm == "ring"


def test_two_node_tree_beats_the_network_rate_as_published() -> None:
    # 2 x p4de (held out): busbw 78.33 GB/s at 2 GiB on 4 x 100 Gb/s EFA = 50 GB/s per node: the tree sends
    # S once each way per node, so algbw ~ the node's NIC rate and busbw ~ 1.875x it
    s = SWEEPS["aws-p4de-2node"]
    r: CollectiveResult = expected_collective(_input(s["system"], "all_reduce", 2 * 2**30))
    assert (r.algorithm, r.bound) == ("tree", "network")
    assert r.busbw_gbs == pytest.approx(78.33, rel=0.05)


def ratio_table() -> str:
    """Every published figure checked, the model's value and the ratio, as a Markdown table (the closing note).

    ``python tests/models/test_collectives_published.py`` prints it; sources and dates are in the data file.
    """
    out = [
        "| sweep (use) | ranks | bytes | published busbw GB/s | model busbw GB/s | model / published | algorithm |",
        "|---|---|---|---|---|---|---|",
    ]
    for sid, size, time_us in _time_rows():
        s = SWEEPS[sid]
        r = expected_collective(_input(s["system"], s["op"], size))
        published = size / time_us / 1e3 * r.busbw_factor
        out.append(
            f"| {sid} ({s['use']}) | {r.ranks} | {size} | {published:.4g} | {r.busbw_gbs:.4g} | "
            f"{time_us / r.time_us:.2f} | {r.algorithm}/{r.protocol} |"
        )
    for sid, nodes, size, busbw in _bw_rows():
        s = SWEEPS[sid]
        r = expected_collective(_input({**s["system"], "nodes": nodes}, s["op"], size))
        out.append(
            f"| {sid} ({s['use']}) | {r.ranks} | {size} | {busbw:.4g} | {r.busbw_gbs:.4g} | "
            f"{r.busbw_gbs / busbw:.2f} | {r.algorithm}/{r.protocol} |"
        )
    for pid, p in POINTS.items():
        r = expected_collective(_input(p["system"], p["op"], p["message_bytes"], algorithm=p.get("algorithm")))
        if "busbw_gbs" in p:
            figures = f"{p['busbw_gbs']:.4g} | {r.busbw_gbs:.4g} | {r.busbw_gbs / p['busbw_gbs']:.2f}"
        else:
            figures = f"time {p['time_us']} us | time {r.time_us:.1f} us | {p['time_us'] / r.time_us:.2f}"
        algo = f"{r.algorithm}/{r.protocol}"
        out.append(f"| {pid} ({p['use']}) | {r.ranks} | {p['message_bytes']} | {figures} | {algo} |")
    return "\n".join(out)


def test_ratio_table_lists_every_figure() -> None:
    rows = ratio_table().splitlines()[2:]
    assert len(rows) == len(_time_rows()) + len(_bw_rows()) + len(POINTS)


if __name__ == "__main__":
    print(ratio_table())
