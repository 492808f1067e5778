"""Rail-optimised fat-tree sizing: hand-worked cases, published NVIDIA designs, edges and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifab.errors import InputError
from aifab.models.fabric import (
    FabricSizing,
    FabricSizingInput,
    cloud_fabric,
    leaf_port_split,
    size_fat_tree,
)


def fat_tree(**kwargs: object) -> FabricSizing:
    return size_fat_tree(FabricSizingInput(**kwargs))


# --------------------------------------------------------------------------- hand-worked cases


def test_one_su_of_dgx_h100_on_qm9700_worked_by_hand() -> None:
    # 32 DGX H100 x 8 rails @ 400G, QM9700 radix 64, non-blocking.
    #   leaf split: down = floor(64 x 1 / 2) = 32 to nodes, up = 64 - 32 = 32 to spines
    #   SU = a full leaf = 32 nodes -> ceil(32 / 32) = 1 SU -> 1 SU x 8 rails = 8 leaves
    #   spines: 8 leaves x 32 uplinks = 256 links; 256 / 64 ports = 4 spines; 32 % 4 == 0 -> 4 spines,
    #           each leaf sends 32 / 4 = 8 links to each spine, each spine uses 8 x 8 = 64 ports
    #   cables: node-leaf 32 x 8 = 256, leaf-spine 8 x 32 = 256, total 512
    #   transceivers (all optical, one link each): 2 x 512 = 1024
    #   bisection: 8 leaves x min(32 nodes, 32 up) = 256 links x 400 Gb/s / 2 = 51.2 Tb/s
    s = fat_tree(nodes=32, gpus_per_node=8, link_gbps=400, switch_radix=64)
    assert (s.tiers, s.leaf, s.spine, s.core) == (2, 8, 4, 0)
    assert (s.leaf_downlinks, s.leaf_uplinks) == (32, 32)
    assert (s.node_leaf_cables, s.leaf_spine_cables, s.spine_core_cables, s.cables_total) == (
        256,
        256,
        0,
        512,
    )
    assert s.transceivers == 1024
    assert s.endpoints == 256
    assert s.bisection_tbps == pytest.approx(51.2)
    assert s.oversubscription_achieved == 1.0
    assert s.max_endpoints_two_tier == 2048  # 64 x 64 / 2


def test_two_to_one_oversubscription_worked_by_hand() -> None:
    # radix 64 at 2:1: down = floor(64 x 2 / 3) = floor(42.67) = 42, up = 22 (achieved 42/22 = 1.91:1)
    #   100 nodes -> ceil(100 / 42) = 3 SUs -> 24 leaves
    #   spines: ceil(24 x 22 / 64) = ceil(8.25) = 9; 22 % 9, 22 % 10 != 0; 22 % 11 == 0 -> 11 spines
    #   leaf-spine cables 24 x 22 = 528; each spine takes 24 leaves x 2 links = 48 of 64 ports
    #   bisection: 8 rails x (2 full SUs x min(42, 22) + min(16 nodes in the last SU, 22))
    #              = 8 x 60 = 480 links x 400 / 2 = 96 Tb/s
    #   two-tier limit: 64 leaves / 8 rails = 8 SUs x 42 nodes x 8 rails = 2688 endpoints
    s = fat_tree(nodes=100, gpus_per_node=8, link_gbps=400, switch_radix=64, oversubscription=2.0)
    assert (s.leaf_downlinks, s.leaf_uplinks) == (42, 22)
    assert (s.tiers, s.scalable_units, s.leaf, s.spine) == (2, 3, 24, 11)
    assert s.leaf_spine_cables == 528
    assert s.bisection_tbps == pytest.approx(96.0)
    assert s.oversubscription_achieved == pytest.approx(42 / 22)
    assert s.max_endpoints_two_tier == 2688


def test_just_over_the_two_tier_boundary_worked_by_hand() -> None:
    # 257 nodes at SU 32 -> 9 SUs -> 72 leaves > radix 64 -> three tiers.
    #   spines split 32 down / 32 up; a pod holds 32 // 8 = 4 SUs = 32 leaves
    #   pods: 72 = 2 full pods of 32 + 8 leaves -> 3 pods
    #   spines: full pod ceil(32 x 32 / 32) = 32 -> 32 each; last pod ceil(8 x 32 / 32) = 8 -> 8; 72 spines
    #   cores: 32 spine positions x G, G | 32 with G x 64 >= 3 pods x 32 -> G = 2 -> 64 cores
    #   spine-core cables: 72 spines x 32 up = 2304
    s = fat_tree(nodes=257, gpus_per_node=8, link_gbps=400, switch_radix=64)
    assert (s.tiers, s.leaf, s.pods, s.spines_per_pod, s.spine, s.core) == (3, 72, 3, 32, 72, 64)
    assert (s.node_leaf_cables, s.leaf_spine_cables, s.spine_core_cables) == (2056, 2304, 2304)


# --------------------------------------------------------------------------- published designs

# NVIDIA DGX SuperPOD H100 RA, Network Fabrics, "Table 4. Compute fabric component count":
# https://docs.nvidia.com/dgx-superpod/reference-architecture-scalable-infrastructure-h100/latest/network-fabrics.html
# SU = 32 nodes, one node slot of the first SU goes to UFM, so node counts are 31/63/95/127. The RA's
# "compute and UFM" cable column (252/508/764/1020) = node-leaf cables with the 4 UFM ports (two UFM
# appliances, two ports each; Table 8 of the same RA: "4 NDR Cables, 200 Gbps, UFM to leaf ports").
H100_TABLE_4 = [
    # (SUs, nodes, leaf, spine, compute+UFM cables, spine-leaf cables)
    (1, 31, 8, 4, 252, 256),
    (2, 63, 16, 8, 508, 512),
    (3, 95, 24, 16, 764, 768),  # 24 x 32 = 768 uplinks: 12 spines would do by ports, but 32 % 12 != 0 -> 16
    (4, 127, 32, 16, 1020, 1024),
]


@pytest.mark.parametrize(("sus", "nodes", "leaf", "spine", "compute_ufm_cables", "leaf_spine"), H100_TABLE_4)
def test_dgx_superpod_h100_table_4(
    sus: int, nodes: int, leaf: int, spine: int, compute_ufm_cables: int, leaf_spine: int
) -> None:
    s = fat_tree(nodes=nodes, gpus_per_node=8, link_gbps=400, switch_radix=64, scalable_unit_nodes=32, ufm_ports=4)
    assert (s.tiers, s.scalable_units, s.leaf, s.spine, s.core) == (2, sus, leaf, spine, 0)
    assert s.node_leaf_cables == compute_ufm_cables
    assert (s.endpoints, s.ufm_ports) == (nodes * 8, 4)
    assert s.leaf_spine_cables == leaf_spine


def test_ufm_ports_need_a_free_node_slot() -> None:
    # A full SU (32 nodes) leaves no leaf port for the UFM: the RA removes one DGX (31 in the first SU).
    with pytest.raises(InputError) as info:
        fat_tree(nodes=32, gpus_per_node=8, link_gbps=400, switch_radix=64, scalable_unit_nodes=32, ufm_ports=4)
    assert info.value.problems[0].field == "ufm_ports"
    assert "remove a node" in info.value.problems[0].message


def test_h100_superpod_compute_transceivers_held_out() -> None:
    # HELD OUT, H100 RA Table 8 (4 SU, 127 nodes): "508 System OSFP Transceivers" (twin-port, in the DGX) and
    # "1536 Switch OSFP Transceivers" (leaf and spine). Twin-port optics on every link: node side 1016
    # links / 2 = 508 in the DGX + 508 on the leaves, leaf-spine 1024 x 2 ends / 2 = 1024, UFM 4 ports / 2
    # = 2 on the leaves -> 1534 switch-side (model) vs 1536 published (48 switches x 32 cages), ratio 0.9987.
    s = fat_tree(nodes=127, gpus_per_node=8, link_gbps=400, switch_radix=64, scalable_unit_nodes=32, ufm_ports=4,
                 links_per_transceiver=2)  # fmt: skip
    system_side = s.endpoints // 2
    assert system_side == 508
    switch_side = s.transceivers - system_side - 4 // 2  # less the UFM appliances' own transceivers
    assert switch_side == 1534
    assert switch_side / 1536 == pytest.approx(1.0, abs=0.002)


# NVIDIA DGX SuperPOD B200 RA, DGX SuperPOD Architecture, larger-configuration table (QM9700, NDR, SU = 32):
# https://docs.nvidia.com/dgx-superpod/reference-architecture-scalable-infrastructure-b200/latest/dgx-superpod-architecture.html
B200_TABLE = [
    # (SUs, nodes, leaf, spine, core, node-leaf, leaf-spine, spine-core)
    (2, 64, 16, 8, 0, 512, 512, 0),
    (4, 128, 32, 16, 0, 1024, 1024, 0),
    (8, 256, 64, 32, 0, 2048, 2048, 0),  # exactly at the two-tier limit: 64 leaves = radix
    (16, 512, 128, 128, 64, 4096, 4096, 4096),
    (32, 1024, 256, 256, 128, 8192, 8192, 8192),
    (64, 2048, 512, 512, 256, 16384, 16384, 16384),
]


@pytest.mark.parametrize(("sus", "nodes", "leaf", "spine", "core", "nl", "ls", "sc"), B200_TABLE)
def test_dgx_superpod_b200_table(
    sus: int, nodes: int, leaf: int, spine: int, core: int, nl: int, ls: int, sc: int
) -> None:
    s = fat_tree(nodes=nodes, gpus_per_node=8, link_gbps=400, switch_radix=64, scalable_unit_nodes=32)
    assert s.tiers == (2 if core == 0 else 3)
    assert (s.scalable_units, s.leaf, s.spine, s.core) == (sus, leaf, spine, core)
    assert (s.node_leaf_cables, s.leaf_spine_cables, s.spine_core_cables) == (nl, ls, sc)


# NVIDIA DGX SuperPOD B300-XDR RA, "Table 3 Example Compute Fabric Components" (Q3400, 144 x 800G, SU = 72):
# https://docs.nvidia.com/dgx-superpod/reference-architecture/scalable-infrastructure-b300-xdr/latest/dgx-superpod-architecture.html
# (The RA's GPU column says 9216 for 18 SU; 1296 nodes x 8 = 10368, which its own cable columns use.)
B300_XDR_TABLE = [
    # (SUs, nodes, leaf, spine, node-leaf, leaf-spine)
    (1, 72, 8, 4, 576, 576),
    (2, 144, 16, 8, 1152, 1152),
    (4, 288, 32, 18, 2304, 2304),  # 32 x 72 / 144 = 16 spines by ports, but 72 % 16 != 0 -> 18
    (8, 576, 64, 36, 4608, 4608),  # 32 by ports, 72 % 32 != 0 -> 36
    (18, 1296, 144, 72, 10368, 10368),  # 144 leaves = radix: the two-tier limit, 144 x 72 endpoints
]


@pytest.mark.parametrize(("sus", "nodes", "leaf", "spine", "nl", "ls"), B300_XDR_TABLE)
def test_dgx_superpod_b300_xdr_table(sus: int, nodes: int, leaf: int, spine: int, nl: int, ls: int) -> None:
    s = fat_tree(nodes=nodes, gpus_per_node=8, link_gbps=800, switch_radix=144)
    assert (s.leaf_downlinks, s.leaf_uplinks) == (72, 72)  # the RA's 72 down / 72 up per Q3400 leaf
    assert (s.tiers, s.scalable_units, s.leaf, s.spine, s.core) == (2, sus, leaf, spine, 0)
    assert (s.node_leaf_cables, s.leaf_spine_cables) == (nl, ls)


# --------------------------------------------------------------------------- edge cases


def test_one_node_provisions_a_full_su() -> None:
    # "design the fabric to support the full SU, including leaf switches and leaf-spine cables" (H100 RA)
    s = fat_tree(nodes=1, gpus_per_node=8, link_gbps=400, switch_radix=64)
    assert (s.tiers, s.leaf, s.spine, s.core) == (2, 8, 4, 0)
    assert (s.node_leaf_cables, s.leaf_spine_cables) == (8, 256)
    assert s.bisection_tbps == pytest.approx(8 * 400 / 2 / 1000)


def test_one_node_one_rail_is_a_single_switch() -> None:
    s = fat_tree(nodes=1, gpus_per_node=1, link_gbps=400, switch_radix=64)
    assert (s.tiers, s.leaf, s.spine, s.core, s.leaf_spine_cables) == (1, 1, 0, 0, 0)
    assert s.cables_total == 1


def test_single_rail_two_leaves_needs_spines() -> None:
    s = fat_tree(nodes=33, gpus_per_node=1, link_gbps=400, switch_radix=64)
    # 2 leaves x 32 up = 64 links -> ceil(64 / 64) = 1 spine taking 32 links from each leaf
    assert (s.tiers, s.leaf, s.spine) == (2, 2, 1)


def test_exactly_at_and_one_node_over_the_two_tier_boundary() -> None:
    at = fat_tree(nodes=256, gpus_per_node=8, link_gbps=400, switch_radix=64)
    over = fat_tree(nodes=257, gpus_per_node=8, link_gbps=400, switch_radix=64)
    assert at.endpoints == at.max_endpoints_two_tier == 2048
    assert (at.tiers, at.core) == (2, 0)
    assert over.tiers == 3 and over.core > 0


def test_boundary_without_su_on_one_rail() -> None:
    # One rail, radix 64: two tiers hold up to 64 leaves x 32 = 2048 nodes.
    assert fat_tree(nodes=2048, gpus_per_node=1, link_gbps=400, switch_radix=64).tiers == 2
    assert fat_tree(nodes=2049, gpus_per_node=1, link_gbps=400, switch_radix=64).tiers == 3


def test_odd_radix_is_handled() -> None:
    # radix 63: down = floor(63 / 2) = 31, up = 32 (slightly undersubscribed: 31/32 < 1)
    s = fat_tree(nodes=31, gpus_per_node=8, link_gbps=400, switch_radix=63)
    assert (s.leaf_downlinks, s.leaf_uplinks) == (31, 32)
    assert s.oversubscription_achieved == pytest.approx(31 / 32)
    # 8 leaves x 32 up = 256 -> ceil(256 / 63) = 5 -> divisors of 32: 8 spines
    assert (s.leaf, s.spine) == (8, 8)


def test_smallest_radix_builds_three_tiers() -> None:
    # radix 4: leaf 2 down / 2 up; 8 rails > 4 leaves -> three tiers with 2-leaf pods
    s = fat_tree(nodes=1, gpus_per_node=8, link_gbps=100, switch_radix=4)
    assert (s.tiers, s.leaf, s.pods, s.spine, s.core) == (3, 8, 4, 8, 4)


def test_scalable_unit_smaller_than_a_leaf() -> None:
    # 20 nodes per leaf need only 20 uplinks for 1:1, not all 32 spare ports: 16 leaves x 20 = 320 leaf-spine
    # cables over spines that divide 20 evenly (16 x 20 = 320 links / 64 ports -> 5 spines, 4 links per leaf)
    s = fat_tree(nodes=40, gpus_per_node=8, link_gbps=400, switch_radix=64, scalable_unit_nodes=20)
    assert (s.scalable_units, s.leaf) == (2, 16)
    assert s.leaf_uplinks == 20 and s.leaf_spine_cables == 320
    assert s.spine == 5
    assert s.oversubscription_achieved == pytest.approx(1.0)


def test_transceiver_media_and_twin_port_optics() -> None:
    base = {"nodes": 32, "gpus_per_node": 8, "link_gbps": 400, "switch_radix": 64}
    assert fat_tree(**base, node_leaf_media="dac").transceivers == 2 * 256  # leaf-spine only
    assert fat_tree(**base, node_leaf_media="aoc").transceivers == 2 * 256
    assert fat_tree(**base, links_per_transceiver=2).transceivers == 512  # twin-port OSFP: half
    assert fat_tree(**base, node_leaf_media="dac", switch_link_media="dac").transceivers == 0


def test_leaf_port_split() -> None:
    assert leaf_port_split(64, 1.0) == (32, 32)
    assert leaf_port_split(64, 3.0) == (48, 16)
    assert leaf_port_split(144, 1.0) == (72, 72)
    assert leaf_port_split(64, 1.5) == (38, 26)  # floor(64 x 1.5 / 2.5) = floor(38.4)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"nodes": 0}, "nodes"),
        ({"nodes": -3}, "nodes"),
        ({"gpus_per_node": 1000}, "gpus_per_node"),
        ({"link_gbps": 1e308}, "link_gbps"),
        ({"gpus_per_node": 0}, "gpus_per_node"),
        ({"link_gbps": 0}, "link_gbps"),
        ({"switch_radix": 2}, "switch_radix"),
        ({"switch_radix": 3}, "switch_radix"),
        ({"oversubscription": 0.5}, "oversubscription"),
        ({"scalable_unit_nodes": 0}, "scalable_unit_nodes"),
        ({"scalable_unit_nodes": 33}, "scalable_unit_nodes"),
        ({"links_per_transceiver": 0}, "links_per_transceiver"),
        ({"nodes": "many"}, "nodes"),
        ({"link_gbps": float("nan")}, "link_gbps"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_input_raises_input_error_naming_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"nodes": 32, "gpus_per_node": 8, "link_gbps": 400, "switch_radix": 64}
    args.update(kwargs)
    with pytest.raises(InputError) as info:
        fat_tree(**args)
    assert info.value.field == field
    assert field in str(info.value)


def test_radix_too_small_message_says_what_is_expected() -> None:
    with pytest.raises(InputError, match=r"radix >= 4"):
        fat_tree(nodes=1, gpus_per_node=1, link_gbps=400, switch_radix=2)


def test_beyond_three_tiers_is_an_input_error() -> None:
    # radix 8: pods of 4 leaves (1 rail), at most 8 pods -> 32 leaves x 4 nodes = 128 nodes
    assert fat_tree(nodes=128, gpus_per_node=1, link_gbps=100, switch_radix=8).tiers == 3
    with pytest.raises(InputError, match="larger switch radix") as info:
        fat_tree(nodes=129, gpus_per_node=1, link_gbps=100, switch_radix=8)
    assert info.value.field == "nodes"


# --------------------------------------------------------------------------- properties

radices = st.sampled_from([4, 5, 8, 16, 31, 32, 36, 40, 64, 128, 144])
oversubs = st.sampled_from([1.0, 1.5, 2.0, 3.0, 4.0])
rails = st.integers(min_value=1, max_value=16)


def _fits(nodes: int, r: int, radix: int, x: float) -> bool:
    try:
        fat_tree(nodes=nodes, gpus_per_node=r, link_gbps=400, switch_radix=radix, oversubscription=x)
    except InputError:
        return False
    return True


@settings(deadline=None, max_examples=300)
@given(nodes=st.integers(1, 3000), extra=st.integers(1, 500), r=rails, radix=radices, x=oversubs)
def test_counts_never_decrease_as_nodes_grow(nodes: int, extra: int, r: int, radix: int, x: float) -> None:
    if not _fits(nodes + extra, r, radix, x):
        return
    a = fat_tree(nodes=nodes, gpus_per_node=r, link_gbps=400, switch_radix=radix, oversubscription=x)
    b = fat_tree(nodes=nodes + extra, gpus_per_node=r, link_gbps=400, switch_radix=radix, oversubscription=x)
    for field in (
        "tiers",
        "leaf",
        "spine",
        "core",
        "node_leaf_cables",
        "leaf_spine_cables",
        "spine_core_cables",
        "cables_total",
        "transceivers",
    ):
        assert getattr(b, field) >= getattr(a, field), field
    # Bisection grows with nodes once there are spines. (From one switch to two oversubscribed leaves
    # it can drop: the single switch is non-blocking, the leaves' uplinks are not.)
    if a.tiers >= 2:
        assert b.bisection_tbps >= a.bisection_tbps


@settings(deadline=None, max_examples=300)
@given(nodes=st.integers(1, 5000), r=rails, radix=radices, x=oversubs)
def test_structural_invariants(nodes: int, r: int, radix: int, x: float) -> None:
    if not _fits(nodes, r, radix, x):
        return
    s = fat_tree(nodes=nodes, gpus_per_node=r, link_gbps=400, switch_radix=radix, oversubscription=x)
    # never fewer node-facing leaf ports than endpoints
    assert s.leaf * s.leaf_downlinks >= s.endpoints
    assert s.leaf_downlinks + s.leaf_uplinks == radix
    assert s.oversubscription_achieved <= x + 1e-9
    # every leaf uplink lands on a spine port, counted from the spine side; spines are not overfilled
    if s.tiers >= 2:
        assert s.leaf_spine_cables == s.leaf * s.leaf_uplinks == s.spine_downlinks_used
        assert s.spine_downlinks_used <= s.spine * s.spine_downlinks
    # cores have room for every spine uplink
    if s.tiers == 3:
        assert s.spine_core_cables <= s.core * radix
        assert s.spine_uplinks >= s.spine_downlinks  # spines non-blocking
    else:
        assert s.core == 0 and s.spine_core_cables == 0
    # tier choice follows the endpoint limits
    assert (s.tiers <= 2) == (s.leaf <= radix)
    if s.tiers <= 2:
        assert s.endpoints <= s.max_endpoints_two_tier or s.max_endpoints_two_tier == 0 or s.tiers == 1
    assert s.cables_total == s.node_leaf_cables + s.leaf_spine_cables + s.spine_core_cables
    assert s.switches_total == s.leaf + s.spine + s.core


# --------------------------------------------------------------------------- cloud (EFA)


def test_cloud_fabric_p5() -> None:
    # p5.48xlarge: 32 x 100G EFA = 3200 Gb/s for 8 H100 -> 400 Gb/s = 50 GB/s per GPU;
    # 16 instances -> 16 x 3.2 Tb/s = 51.2 Tb/s aggregate injection
    c = cloud_fabric(nodes=16, efa_gbps_per_node=3200, gpus_per_node=8)
    assert c.gpus == 128
    assert c.per_gpu_injection_gbps == 400
    assert c.per_gpu_injection_gbs == 50
    assert c.aggregate_injection_tbps == pytest.approx(51.2)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"nodes": 0, "efa_gbps_per_node": 3200, "gpus_per_node": 8}, "nodes"),
        ({"nodes": 1, "efa_gbps_per_node": 0, "gpus_per_node": 8}, "efa_gbps_per_node"),
        ({"nodes": 1, "efa_gbps_per_node": 3200, "gpus_per_node": 0}, "gpus_per_node"),
    ],
)
def test_cloud_fabric_bad_input(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(InputError) as info:
        cloud_fabric(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
