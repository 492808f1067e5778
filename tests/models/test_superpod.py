"""The whole DGX SuperPOD bill of materials against the published H100 RA tables.

Source: NVIDIA DGX SuperPOD Reference Architecture featuring DGX H100, RA-11333-001 V11 (2023-09-22),
https://docs.nvidia.com/dgx-superpod/reference-architecture-scalable-infrastructure-h100/latest/index.html
(Appendix A, Tables 7 and 8; text read 2026-12-01 from a public copy of the PDF). Table 7 ("Major components
of the 4 SU, 127-node DGX SuperPOD") was used to CALIBRATE the rules (UFM pairs, PDUs per rack, the storage
leaves per SU, in-band leaves in bonded pairs, a management rack per SU). Table 8 (cables) is HELD OUT: none
of its figures was used to build the model. The DGX B200 RA figure (secondary) is held out too.
"""

from __future__ import annotations

import pytest

from aifab.errors import InputError
from aifab.models.superpod import SuperPodBom, SuperPodInput, size_superpod


@pytest.fixture(scope="module")
def h100_4su() -> SuperPodBom:
    return size_superpod(SuperPodInput(scalable_units=4))


def test_h100_table_7_major_components(h100_4su: SuperPodBom) -> None:
    b = h100_4su
    # (Table 7) Racks 38, DGX nodes 127, UFM appliances 4, BCM management servers 4, in-band management 8
    # (SN4600C), OOB management 8 (SN2201), compute fabric 48 (QM9700), storage fabric 16 (QM9700),
    # rack PDUs 96 + 12.
    assert (b.nodes, b.gpus) == (127, 1016)
    assert b.compute.leaf + b.compute.spine == 48
    assert b.storage_switches == 16
    assert (b.inband_switches, b.oob_switches) == (8, 8)
    assert (b.ufm_appliances, b.management_servers) == (4, 4)
    assert (b.racks, b.compute_racks, b.management_racks) == (38, 32, 6)
    assert b.pdus == 96 + 12
    assert b.fabric_switches == 48 + 16 + 8 + 8


@pytest.mark.parametrize(("sus", "nodes", "compute_ufm"), [(1, 31, 252), (2, 63, 508), (3, 95, 764), (4, 127, 1020)])
def test_h100_table_4_node_side_cables_include_ufm(sus: int, nodes: int, compute_ufm: int) -> None:
    # Table 4 "Compute + UFM" cable column: one node slot of SU 1 goes to the compute UFM pair's 4 ports.
    b = size_superpod(SuperPodInput(scalable_units=sus))
    assert b.nodes == nodes
    assert b.compute_ufm_ports == 4
    assert b.compute.node_leaf_cables == compute_ufm


def test_h100_table_8_cables_held_out(h100_4su: SuperPodBom) -> None:
    b = h100_4su
    # HELD OUT (Table 8): "494 NDR Cables, 400 Gbps, DGX H100 systems to leaf, leaf to spine" (storage):
    # model 254 node + 240 leaf-spine (8 node leaves x 24 + 4 storage leaves x 12) = 494.
    assert b.storage_node_cables + b.storage_leaf_spine_cables == 494
    # HELD OUT: "2040 NDR Cables, 400 Gbps, DGX H100 systems to leaf, leaf to spine" (compute)
    assert b.compute.endpoints + b.compute.leaf_spine_cables == 2040
    # HELD OUT: in-band "254 200 Gbps QSFP56 AOC, DGX H100 system" and "24 Leaf - Core cables"
    assert (b.inband_node_cables, b.inband_leaf_core_cables) == (254, 24)
    # HELD OUT: OOB 1 Gbps cables 127 DGX + 64 InfiniBand switches + 8 management/UFM nodes + 8 in-band
    # switches + 2 UFM back-to-back + 108 PDUs = 317
    assert b.oob_cables == 127 + 64 + 8 + 8 + 2 + 108


def test_b200_oob_switches_held_out() -> None:
    # HELD OUT (secondary): the DGX B200 SuperPOD RA's management racks (Figure 3.2, as read by a 2026-09-13
    # research digest of https://docs.nvidia.com/dgx-superpod/reference-architecture-scalable-infrastructure-b200/latest/dgx-superpod-architecture.html)
    # hold 16 SN2201 out-of-band switches for 4 SU of two 14.3 kW DGX B200 per rack (64 compute racks).
    b = size_superpod(
        SuperPodInput(scalable_units=4, node_kw=14.3, node_rack_units=10, rack_power_kw=28.6, management_servers=7)
    )
    assert b.compute_racks == 64
    assert b.oob_switches == 16
    assert b.compute.leaf + b.compute.spine == 48  # same QM9700 compute fabric as H100 (B200 RA Table 4)


def test_one_su_worked_by_hand() -> None:
    # 31 nodes: compute 8 leaves + 4 spines; storage 2 node leaves (62 ports / 32) x 24 up + 1 storage leaf
    # x 12 up = 60 uplinks -> 1 spine; in-band 62 + 8 + 8 + 2 x 2 OOB uplinks = 82 ports over pairs of 60-port
    # leaves -> 2 leaves + 2 cores; OOB max(ceil(8 racks / 4), ceil(ports / 48)) = 2.
    b = size_superpod(SuperPodInput(scalable_units=1))
    assert (b.storage_node_leaves, b.storage_device_leaves, b.storage_spines) == (2, 1, 1)
    assert (b.inband_leaves, b.inband_switches) == (2, 4)
    assert (b.compute_racks, b.oob_switches) == (8, 2)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scalable_units": 0}, "scalable_units"),
        ({"nodes": 0}, "nodes"),
        ({"node_kw": 0}, "node_kw"),
        ({"storage_node_oversubscription": 0.5}, "storage_node_oversubscription"),
        ({"storage_device_ports_per_su": 13}, "storage_device_ports_per_su"),
        ({"nodes": 128}, "ufm_ports"),  # four full SUs leave no leaf port for the UFM
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"scalable_units": 4}
    args.update(kwargs)
    with pytest.raises(InputError) as info:
        size_superpod(SuperPodInput.model_validate(args))
    assert info.value.problems[0].field == field
