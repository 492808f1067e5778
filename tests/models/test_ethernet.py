"""Multi-plane rail-optimised Ethernet (Spectrum-X) sizing against the published DGX B300 twin-plane design."""

from __future__ import annotations

import pytest

from aifab.errors import InputError
from aifab.models.ethernet import MultiPlaneInput, MultiPlaneSizing, size_multiplane


def b300(nodes: int, **kwargs: object) -> MultiPlaneSizing:
    # DGX B300: 8 GPUs, one 800G ConnectX-8 port per GPU as 2 x 400GbE, one per plane; SN5600 64 x 800G.
    args: dict[str, object] = {
        "nodes": nodes,
        "gpus_per_node": 8,
        "nic_gbps_per_gpu": 800,
        "planes": 2,
        "switch_port_gbps": 800,
        "switch_radix": 64,
    }
    args.update(kwargs)
    return size_multiplane(MultiPlaneInput.model_validate(args))


def test_one_su_worked_by_hand() -> None:
    # Per plane: 64 nodes x 8 rails at 400G on SN5600 split to 128 x 400G: leaf 64 down / 64 up,
    #   1 SU of 64 nodes -> 8 leaves; spines ceil(8 x 64 / 128) = 4 (64 % 4 == 0) -> 4.
    # Two planes: 16 leaves, 8 spines. Node side: 512 GPUs x 800G = 512 cables (each split 2 x 400G);
    # leaf-spine: 2 planes x 8 x 64 = 1024 400G links = 512 800G cables.
    s = b300(64)
    assert (s.plane_link_gbps, s.links_per_cable) == (400.0, 2)
    assert (s.per_plane.leaf_downlinks, s.per_plane.leaf_uplinks) == (64, 64)
    assert (s.leaf, s.spine, s.core) == (16, 8, 0)
    assert (s.node_leaf_links, s.node_leaf_cables, s.leaf_spine_cables) == (1024, 512, 512)
    assert s.transceivers == 2 * 1024
    # bisection: per plane 8 leaves x 64 links x 400G / 2 = 102.4 Tb/s; two planes 204.8; one plane down 102.4
    assert (s.bisection_tbps, s.bisection_tbps_one_plane_down) == pytest.approx((204.8, 102.4))


# NVIDIA DGX SuperPOD B300 RA (Spectrum-4 Ethernet, DC busbar), "Table 3 Larger DGX SuperPOD component counts":
# https://docs.nvidia.com/dgx-superpod/reference-architecture/scalable-infrastructure-b300/latest/dgx-superpod-architecture.html
# (read 2026-12-01); twin-plane "2x 400GbE" per GPU from the same RA's network-fabrics page:
# https://docs.nvidia.com/dgx-superpod/reference-architecture/scalable-infrastructure-b300/latest/network-fabrics.html
# The rules were worked out on the 1-SU row; the 2-16 SU rows are HELD OUT (not used to build the model).
B300_SPECTRUM_X_TABLE_3 = [
    # (SUs, nodes, GPUs, leaf, spine, node-leaf cables, leaf-spine cables)
    (1, 64, 512, 16, 8, 512, 512),
    (2, 128, 1024, 32, 16, 1024, 1024),  # held out
    (4, 256, 2048, 64, 32, 2048, 2048),  # held out
    (8, 512, 4096, 128, 64, 4096, 4096),  # held out
    (16, 1024, 8192, 256, 128, 8192, 8192),  # held out: 128 leaves per plane = the 400G radix, still 2 tiers
]


@pytest.mark.parametrize(("sus", "nodes", "gpus", "leaf", "spine", "nl", "ls"), B300_SPECTRUM_X_TABLE_3)
def test_dgx_superpod_b300_spectrum_x_table_3(
    sus: int, nodes: int, gpus: int, leaf: int, spine: int, nl: int, ls: int
) -> None:
    s = b300(nodes)
    assert s.per_plane.scalable_units == sus and s.per_plane.endpoints == gpus
    assert (s.per_plane.tiers, s.leaf, s.spine, s.core) == (2, leaf, spine, 0)
    assert (s.node_leaf_cables, s.leaf_spine_cables) == (nl, ls)


def test_one_plane_is_an_ordinary_rail_optimised_fat_tree() -> None:
    # planes=1, NIC = port speed: the H100 SuperPOD 1 SU (32 nodes, QM9700-class radix 64) shape
    s = b300(32, nic_gbps_per_gpu=400, planes=1, switch_port_gbps=400)
    assert (s.leaf, s.spine, s.links_per_cable, s.cables_total) == (8, 4, 1, 512)


def test_a_nic_slower_than_the_port_needs_a_cable_per_link() -> None:
    # 400G NICs into 800G ports split 2 x 400G (one plane): each GPU has its own cable; switch links pair up
    s = b300(64, nic_gbps_per_gpu=400, planes=1)
    assert s.links_per_cable == 2
    assert s.node_leaf_cables == 512 and s.leaf_spine_cables == 256


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"planes": 0}, "planes"),
        ({"planes": 9}, "planes"),
        ({"planes": 3, "switch_port_gbps": 400}, "planes"),  # 266.7G plane links do not split a 400G port
        ({"nic_gbps_per_gpu": 3200}, "planes"),  # a 1600G plane link on 800G ports
        ({"nic_gbps_per_gpu": 0}, "nic_gbps_per_gpu"),
        ({"switch_radix": 0}, "switch_radix"),
        ({"oversubscription": 0.5}, "oversubscription"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        b300(64, **kwargs)
    assert info.value.problems[0].field == field
