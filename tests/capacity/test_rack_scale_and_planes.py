"""Multi-plane Ethernet and NIC speed checks through the estimate: a DGX B300 Spectrum-X SU, and a NIC
slower than the fabric's link.

Published figures (source, date read): NVIDIA DGX SuperPOD B300 RA (Spectrum-4 Ethernet, DC busbar),
Table 3, 1 SU = 64 DGX B300, 512 GPUs, 16 leaves, 8 spines, 512 node-leaf and 512 leaf-spine cables;
"Each GPU has 2x 400GbE connectivity through two different planes"; four DGX B300 per rack —
https://docs.nvidia.com/dgx-superpod/reference-architecture/scalable-infrastructure-b300/latest/dgx-superpod-architecture.html
and .../network-fabrics.html (read 2026-12-01; reference-numbers ``superpod.b300_busbar.su_nodes``).
The four-per-rack layout is HELD OUT: racks come from the DGX B300's 10U and 14.5 kW, not from the RA.
"""

from __future__ import annotations

import pytest

from aifab.capacity import estimate_design

from .conftest import fixture_design


def test_b300_spectrum_x_su_is_two_planes_as_published() -> None:
    e = estimate_design(fixture_design("ethernet_twin_plane_b300.yaml"))
    f = e.fabric_estimate("eth")
    assert f.planes == 2
    assert (f.leaf, f.spine, f.core) == (16, 8, 0)
    assert f.sizing is not None and (f.sizing.leaf, f.sizing.spine) == (8, 4)  # one plane
    # 512 node-leaf (one 800G cable per GPU, split 2 x 400G) + 512 leaf-spine 800G cables
    assert f.cables == 1024
    assert "512 node-side (1,024 plane links, 2 per 800 Gb/s cable) + 512 leaf-spine" in f.explain["cables"]
    assert f.bisection_tbps == pytest.approx(204.8)
    assert any("2 independent planes" in n for n in f.notes)
    pool = e.pool("train")
    assert pool.nic_gbps_per_gpu == 800  # both planes, not capped at the 400G plane link
    assert not [x for x in e.findings if x.code == "capacity-nic-slower-than-link"]


def test_b300_su_racks_four_per_rack_held_out() -> None:
    # HELD OUT: the RA's four DGX B300 per rack (> 50 kW per rack). 10U each in 42 usable U -> 4 per rack;
    # 4 x 14.5 = 58 kW within the 150 kW direct-liquid limit -> 64 / 4 = 16 compute racks.
    site = estimate_design(fixture_design("ethernet_twin_plane_b300.yaml")).site("hall")
    assert site.compute_racks == 16
    assert site.rack_detail[0].nodes_per_rack == 4
    assert site.rack_detail[0].rack_density_kw == pytest.approx(58.0)


def test_nic_slower_than_link_is_a_warning_naming_both_speeds() -> None:
    e = estimate_design(fixture_design("nic_slower_than_link.yaml"))
    (w,) = [x for x in e.findings if x.code == "capacity-nic-slower-than-link"]
    assert (w.severity, w.component) == ("warning", "eth")
    assert "pool 'train' (dgx-h100) has 400 Gb/s of compute NIC per GPU, slower than the fabric's link_gbps 800" in (
        w.message
    )
    assert "lower link_gbps to 400" in w.message
    assert e.fabric_estimate("eth").planes == 1  # InfiniBand: no planes


def test_reference_h100_infiniband_fabric_has_no_nic_warning() -> None:
    e = estimate_design(fixture_design("small.yaml"))
    assert not [x for x in e.findings if x.code == "capacity-nic-slower-than-link"]
    assert e.fabric_estimate("ib").planes == 1


def test_onprem_infiniband_fabric_reports_the_whole_superpod() -> None:
    # small.yaml: 4 DGX H100 on QM9700 at a colo hall rated 40 kW per rack -> one SU provisioned; the
    # UFM pair takes 4 of the 28 free node ports; the bill is listed, not added to the site's totals.
    e = estimate_design(fixture_design("small.yaml"))
    f = e.fabric_estimate("ib")
    b = f.superpod
    assert b is not None
    assert (b.nodes, b.compute_ufm_ports, b.ufm_appliances, b.management_servers) == (4, 4, 4, 4)
    assert b.compute.switches_total == f.switches == 12
    assert b.compute_racks == 2  # 3 DGX H100 per 40 kW rack, as the site's own rack count
    assert "whole SuperPOD (DGX SuperPOD RA rules)" in f.explain["superpod"]
    assert e.site("hall").racks == 3  # unchanged: compute 2 + network 1


def test_rack_scale_and_cloud_fabrics_have_no_superpod_bill() -> None:
    assert estimate_design(fixture_design("rack_scale_gb200_su.yaml")).fabric_estimate("ib").superpod is None
    assert estimate_design(fixture_design("small.yaml")).fabric_estimate("efa").superpod is None
    assert estimate_design(fixture_design("ethernet_twin_plane_b300.yaml")).fabric_estimate("eth").superpod is None
