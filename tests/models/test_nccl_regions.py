"""aws-ofi-nccl's region tuner (aifab.models.nccl_regions) against its source and the sweep it explains.

The polygons are copied from aws/aws-ofi-nccl src/tuner/nccl_ofi_regions.cpp at v1.16.3 (commit b9e4cc42,
2025-08-12, read 2026-12-01); the HyperPod p5 sweep (crazyguitar/aws-gpu-communication-benchmark, 2025-10-14)
ran NCCL 2.28.7 with that plugin loaded (its k8s/nccl_all_reduce_perf.yaml sets NCCL_TUNER_PLUGIN).
"""

from __future__ import annotations

import pytest

from aifab.models.collectives import EFA_INPUTS, CollectiveInput, expected_collective
from aifab.models.nccl_regions import region_choice, tuner_platform

from .test_collectives_published import MIB, SWEEPS

GIB = 2**30


@pytest.mark.parametrize(
    ("nodes", "size", "expected"),
    [
        # vertices and interiors of the P5/P5e all-reduce polygons (8 GPUs per node)
        (4, 32 * MIB, ("tree", "LL128")),  # below the tree/LL128 edge at 36 MiB, 32 ranks
        (4, 37748736, ("tree", "LL128")),  # on that vertex: the plugin takes an edge as inside, first region wins
        (4, 512 * MIB, ("ring", "LL128")),
        (4, 2 * GIB, ("ring", "Simple")),
        (8, 117440512, ("tree", "LL128")),  # vertex {117440512, 64}
        (8, 2 * GIB, ("ring", "LL128")),  # vertex {2147483648, 64}
        (8, 4 * GIB, ("ring", "Simple")),
        (16, 4 * GIB, ("nvls_tree", "Simple")),  # between {2 GiB, 128} and {6 GiB, 128}
        (16, 8 * GIB, ("ring", "Simple")),
        (32, 512 * MIB, ("nvls_tree", "Simple")),
        (32, 2 * GIB, ("ring", "LL128")),
        (128, 256 * MIB, ("tree", "LL128")),
    ],
)
def test_p5_all_reduce_regions(nodes: int, size: int, expected: tuple[str, str]) -> None:
    assert region_choice("p5", "all_reduce", size, nodes=nodes, gpus_per_node=8) == expected


def test_p5en_all_reduce_regions() -> None:
    # P5en: tree/LL up to 256 KiB, tree/LL128 beyond; at 32 ranks the ring/Simple from 512 MiB, at 128 ranks
    # the NVLS tree from 512 MiB to ~3 GB (the edge {512 MiB, 32} - {6 GiB, 256})
    assert region_choice("p5en", "all_reduce", 64 * 2**10, nodes=4, gpus_per_node=8) == ("tree", "LL")
    assert region_choice("p5en", "all_reduce", 8 * MIB, nodes=4, gpus_per_node=8) == ("tree", "LL128")
    assert region_choice("p5en", "all_reduce", 1 * GIB, nodes=4, gpus_per_node=8) == ("ring", "Simple")
    assert region_choice("p5en", "all_reduce", 1 * GIB, nodes=16, gpus_per_node=8) == ("nvls_tree", "Simple")
    assert region_choice("p5en", "all_reduce", 4 * GIB, nodes=16, gpus_per_node=8) == ("ring", "Simple")


def test_where_the_plugin_leaves_it_to_nccl() -> None:
    # two nodes or fewer, another GPU count per node, an op without regions, a size past TUNER_MAX_SIZE
    assert region_choice("p5", "all_reduce", GIB, nodes=2, gpus_per_node=8) is None
    assert region_choice("p5", "all_reduce", GIB, nodes=8, gpus_per_node=4) is None
    assert region_choice("p5", "all_gather", GIB, nodes=8, gpus_per_node=8) is None
    assert region_choice("p5", "all_reduce", 101 * GIB, nodes=8, gpus_per_node=8) is None


def test_without_nvls_the_nvls_tree_regions_are_skipped() -> None:
    # 4 GiB on 16 nodes is an NVLS-tree region: without NVLS no region holds it, and NCCL decides
    assert region_choice("p5", "all_reduce", 4 * GIB, nodes=16, gpus_per_node=8) == ("nvls_tree", "Simple")
    assert region_choice("p5", "all_reduce", 4 * GIB, nodes=16, gpus_per_node=8, nvls=False) is None


def test_platform_from_the_instance_type() -> None:
    assert [tuner_platform(t) for t in ("p5.48xlarge", "p5e.48xlarge", "p5en.48xlarge", "p4d.24xlarge")] == [
        "p5",
        "p5",
        "p5en",
        None,
    ]


def _published_rows() -> dict[int, dict[int, float]]:
    by_nodes = SWEEPS["hyperpod-p5-all-reduce"]["by_nodes"]
    return {int(n): {mib * MIB: bus for mib, _alg, bus in r} for n, r in by_nodes.items()}


def test_the_plugin_explains_the_published_plateaus() -> None:
    # the published busbw jumps 24-26% from 1 to 2 GiB on 4 nodes and from 2 to 4 GiB on 8: there the plugin
    # switches the ring from LL128 to Simple
    rows = _published_rows()
    for nodes, before, after in ((4, GIB, 2 * GIB), (8, 2 * GIB, 4 * GIB)):
        assert rows[nodes][after] / rows[nodes][before] > 1.2
        assert region_choice("p5", "all_reduce", before, nodes=nodes, gpus_per_node=8) == ("ring", "LL128")
        assert region_choice("p5", "all_reduce", after, nodes=nodes, gpus_per_node=8) == ("ring", "Simple")


def test_each_figure_names_what_the_plugin_runs_and_holds_within_15_percent() -> None:
    # with the platform set, the figure's algorithm and protocol are the plugin's, not the model's fastest
    rows = _published_rows()
    system = {k: v for k, v in SWEEPS["hyperpod-p5-all-reduce"]["system"].items() if k != "network"}
    differs = 0
    for nodes in (4, 8, 16, 32):
        for size, published in rows[nodes].items():
            if size < 64 * MIB:
                continue
            inp = CollectiveInput(op="all_reduce", message_bytes=size, **{**system, "nodes": nodes, **EFA_INPUTS})
            r = expected_collective(inp)
            assert (r.algorithm, r.protocol) == region_choice("p5", "all_reduce", size, nodes=nodes, gpus_per_node=8)
            assert abs(r.busbw_gbs / published - 1) < 0.15, (nodes, size)
            free = expected_collective(inp.model_copy(update={"tuner_platform": None}))
            differs += (free.algorithm, free.protocol) != (r.algorithm, r.protocol)
    assert differs >= 10  # NCCL's own cost model would pick otherwise on most of these rows
