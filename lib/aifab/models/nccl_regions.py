"""Which algorithm and protocol NCCL runs on AWS P5-class instances: aws-ofi-nccl's region tuner.

On EFA, NCCL loads aws-ofi-nccl's tuner plugin (``NCCL_TUNER_PLUGIN=libnccl-ofi-tuner.so``), and for more
than two nodes the plugin, not NCCL's cost model, picks the all-reduce algorithm and protocol: each choice
owns a polygon in the (message bytes, ranks) plane, measured by AWS on the platform. This module is those
polygons as data and the plugin's point-in-polygon test, so the collective model runs what NCCL would run
there (a ring with LL128 at 512 MiB on 16 x p5, say, where NCCL's own tuner would pick a tree).

>>> region_choice("p5", "all_reduce", 512 * 2**20, nodes=16, gpus_per_node=8)
('ring', 'LL128')
>>> region_choice("p5", "all_reduce", 512 * 2**20, nodes=2, gpus_per_node=8) is None  # NCCL's own tuner
True

Source: aws/aws-ofi-nccl ``src/tuner/nccl_ofi_regions.cpp`` at tag v1.16.3 (commit b9e4cc42, 2025-08-12),
``region_init_internal_p5_p5e`` and ``region_init_internal_p5en``, 8 GPUs per node, all-reduce; the
vertices below are copied from it. The plugin skips communicators of two nodes or fewer
(``region_get_coll_info_internal_v3``) and falls back to NCCL when no region holds the point. The
platform comes from the instance type, as the plugin reads it (``p5.48xlarge`` and ``p5e.48xlarge`` ->
``p5``, ``p5en.48xlarge`` -> ``p5en``).
"""

from __future__ import annotations

import math
from typing import Literal

__all__ = ["REGION_SOURCE_URL", "RegionAlgorithm", "RegionProtocol", "TunerPlatform", "region_choice", "tuner_platform"]

TunerPlatform = Literal["p5", "p5en"]
RegionAlgorithm = Literal["tree", "ring", "nvls_tree"]
RegionProtocol = Literal["LL", "LL128", "Simple"]

REGION_SOURCE_URL = (
    "https://github.com/aws/aws-ofi-nccl/blob/b9e4cc4239ea23f3fb5fedb03da0e7c27b800569/src/tuner/nccl_ofi_regions.cpp"
)

Point = tuple[float, float]
Region = tuple[RegionAlgorithm, RegionProtocol, tuple[Point, ...]]
_MAX_SIZE = 100.0 * 2**30  # TUNER_MAX_SIZE
_MAX_RANKS = 1024.0 * 1024  # TUNER_MAX_RANKS
_EPS = 1e-10


def _extend(a: Point, b: Point, z: Point = (_MAX_SIZE, _MAX_RANKS)) -> Point:
    """``extend_region``: the farthest point of line a-b with z's x or z's y (v1.16.3, linear coordinates)."""
    if a[0] == b[0]:
        return (a[0], z[1])
    if a[1] == b[1]:
        return (z[0], a[1])
    m = (a[1] - b[1]) / (a[0] - b[0])
    c = b[1] - m * b[0]
    projected = m * z[0] + c
    return (z[0], projected) if projected < z[1] else ((z[1] - c) / m, z[1])


def _p5_all_reduce() -> tuple[Region, ...]:
    tree_ll128 = _extend((402653184, 2048), (402653184, 4096))
    nvls_1 = _extend((8053063680, 160), (9663676416, 192))
    nvls_2 = _extend((402653184, 2048), (402653184, 4096))
    ring_simple = _extend((8053063680, 160), (9663676416, 192))
    return (
        (
            "tree",
            "LL128",
            (
                (0, 16),
                (31457280, 16),
                (37748736, 32),
                (117440512, 64),
                (301989888, 128),
                (301989888, 256),
                (335544320, 512),
                (536870912, 1024),
                (402653184, 2048),
                (402653184, 4096),
                tree_ll128,
                (0, tree_ll128[1]),
            ),
        ),
        ("nvls_tree", "Simple", ((31457281, 16), (_MAX_SIZE, 16), (31457281, 16))),
        (
            "ring",
            "LL128",
            (
                (31457280, 17),
                (1073741824, 17),
                (2147483648, 64),
                (2147483648, 128),
                (1342177280, 160),
                (2147483648, 256),
                (1074790400, 256),
                (444596224, 160),
                (301989888, 128),
                (117440512, 64),
                (37748736, 32),
            ),
        ),
        (
            "nvls_tree",
            "Simple",
            (
                (2147483648, 128),
                (6442450944, 128),
                (8053063680, 160),
                (9663676416, 192),
                nvls_1,
                nvls_2,
                (402653184, 4096),
                (402653184, 2048),
                (536870912, 1024),
                (335544320, 512),
                (301989888, 256),
                (310378496, 160),
                (444596224, 160),
                (1074790400, 256),
                (2684354560, 256),
                (2147483648, 224),
                (1342177280, 160),
            ),
        ),
        (
            "ring",
            "Simple",
            (
                (1073741824, 17),
                (ring_simple[0], 17),
                ring_simple,
                (9663676416, 192),
                (8053063680, 160),
                (2684354560, 64),
                (1610612736, 32),
            ),
        ),
    )


def _p5en_all_reduce() -> tuple[Region, ...]:
    tree_ll = _extend((262144, 192), (262144, 1024))
    tree_ll128 = _extend((150994944, 128), (251658240, 1024))
    nvls = _extend((6442450944, 256), (17179869184, 768))
    return (
        ("tree", "LL", ((0, 16), (262144, 16), (262144, 1024), tree_ll)),
        (
            "tree",
            "LL128",
            (tree_ll, (262144, 1024), (262144, 16), (14680064, 16), (150994944, 128), (251658240, 1024), tree_ll128),
        ),
        ("ring", "LL128", ((150994944, 128), (14680064, 16), (33554432, 16), (536870912, 32), (536870912, 128))),
        (
            "nvls_tree",
            "Simple",
            (
                tree_ll128,
                (251658240, 1024),
                (150994944, 128),
                (536870912, 128),
                (536870912, 32),
                (6442450944, 256),
                (17179869184, 768),
                nvls,
            ),
        ),
        (
            "ring",
            "Simple",
            (
                nvls,
                (17179869184, 768),
                (6442450944, 256),
                (536870912, 32),
                (33554432, 16),
                (1073741824, 16),
                (_MAX_SIZE, 16),
            ),
        ),
    )


_REGIONS = {("p5", "all_reduce"): _p5_all_reduce(), ("p5en", "all_reduce"): _p5en_all_reduce()}
_PLATFORMS: dict[str, TunerPlatform] = {"p5": "p5", "p5e": "p5", "p5en": "p5en"}


def tuner_platform(instance_type: str) -> TunerPlatform | None:
    """The aws-ofi-nccl tuner platform of an instance type, or None where the plugin has no regions.

    >>> tuner_platform("p5e.48xlarge"), tuner_platform("p5en.48xlarge"), tuner_platform("p4d.24xlarge")
    ('p5', 'p5en', None)
    """
    return _PLATFORMS.get(instance_type.split(".", 1)[0])


def _on_segment(p: Point, a: Point, b: Point) -> bool:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    if length == 0:
        return p == a
    cross = (p[0] - a[0]) * dy - (p[1] - a[1]) * dx
    dot = (p[0] - a[0]) * dx + (p[1] - a[1]) * dy
    return abs(cross) / length < _EPS and -_EPS <= dot <= length * length + _EPS


def _inside(p: Point, vertices: tuple[Point, ...]) -> bool:
    """Inside or on the edge (the plugin takes both), by even-odd ray casting."""
    n = len(vertices)
    edges = [(vertices[i], vertices[(i + 1) % n]) for i in range(n)]
    if any(_on_segment(p, a, b) for a, b in edges):
        return True
    crossings = 0
    for a, b in edges:
        if (a[1] > p[1]) != (b[1] > p[1]):
            x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
            if x > p[0]:
                crossings += 1
    return crossings % 2 == 1


def region_choice(
    platform: TunerPlatform, op: str, message_bytes: int, *, nodes: int, gpus_per_node: int, nvls: bool = True
) -> tuple[RegionAlgorithm, RegionProtocol] | None:
    """(algorithm, protocol) the plugin forces, or None where NCCL's own tuner decides.

    ``nvls=False`` skips the NVLS-tree regions, as the plugin does without NVLS support.
    """
    regions = _REGIONS.get((platform, op))
    if regions is None or nodes <= 2 or gpus_per_node != 8 or message_bytes > _MAX_SIZE:
        return None
    point = (float(message_bytes), float(nodes * gpus_per_node))
    for algorithm, protocol, vertices in regions:
        if algorithm == "nvls_tree" and not nvls:
            continue
        if _inside(point, vertices):
            return algorithm, protocol
    return None
