"""Rail-optimised Ethernet (Spectrum-X, RoCE) fabrics with several planes, e.g. the DGX B300 twin-plane design.

>>> s = size_multiplane(MultiPlaneInput(nodes=64, gpus_per_node=8, nic_gbps_per_gpu=800, planes=2,
...                                     switch_port_gbps=800, switch_radix=64))
>>> (s.planes, s.plane_link_gbps, s.leaf, s.spine, s.node_leaf_cables, s.leaf_spine_cables)
(2, 400.0, 16, 8, 512, 512)

The rules, and where they come from
-----------------------------------
* **Planes.** "Each GPU has 2x 400GbE connectivity through two different planes" (NVIDIA DGX SuperPOD B300
  RA, Network Fabrics): a GPU's NIC port (800G) splits into ``planes`` links of ``nic / planes`` Gb/s, one
  into each plane. Every plane is an independent rail-optimised fat tree over all nodes (its own leaves and
  spines), sized by :func:`~aifab.models.fabric.size_fat_tree` at the plane's link speed; a switch whose
  ports run faster than that link splits each port (SN5600: 64 x 800G = 128 x 400G).
* **Cables.** A physical cable carries ``switch_port_gbps / plane_link_gbps`` plane links (an 800G cable
  into a 2 x 400G split): node-side cables = GPUs x NIC / switch port speed (one per GPU for an 800G NIC on
  800G ports); switch-to-switch cables = plane links / links per cable. Transceivers: two per cable.
* **Bisection** = the sum over planes. A single plane failing leaves ``1 - 1/planes`` of it ("the
  application can continue to operate on 1/2 of the original bandwidth").

Published design reproduced in ``tests/models/test_ethernet.py``: the B300 Spectrum-X SuperPOD Table 3
(1-16 SU of 64 nodes).
"""

from __future__ import annotations

import math

from pydantic import model_validator

from aifab.errors import InputError
from aifab.models._base import FrozenModel, require_at_least, require_int_at_least, require_positive
from aifab.models.fabric import FabricSizing, FabricSizingInput, LinkMedia, size_fat_tree

__all__ = ["MAX_PLANES", "MultiPlaneInput", "MultiPlaneSizing", "size_multiplane"]

MAX_PLANES = 8
"""More planes than a NIC port has lanes (8 x 100G in an 800G OSFP) cannot be split out of one port."""


class MultiPlaneInput(FrozenModel):
    """``nodes`` x ``gpus_per_node`` GPUs, each with a ``nic_gbps_per_gpu`` NIC split over ``planes`` planes.

    ``switch_radix`` counts ports at ``switch_port_gbps``; each runs as ``switch_port_gbps / plane link``
    ports at the plane's link speed.
    """

    nodes: int
    gpus_per_node: int
    nic_gbps_per_gpu: float
    planes: int = 2
    switch_port_gbps: float
    switch_radix: int
    oversubscription: float = 1.0
    scalable_unit_nodes: int | None = None
    node_leaf_media: LinkMedia = "optical"
    switch_link_media: LinkMedia = "optical"

    @model_validator(mode="after")
    def _check(self) -> MultiPlaneInput:
        require_int_at_least("nodes", self.nodes, 1)
        require_int_at_least("gpus_per_node", self.gpus_per_node, 1)
        require_positive("nic_gbps_per_gpu", self.nic_gbps_per_gpu)
        require_int_at_least("planes", self.planes, 1)
        if self.planes > MAX_PLANES:
            raise InputError(f"expected at most {MAX_PLANES} planes, got {self.planes}", field="planes")
        require_positive("switch_port_gbps", self.switch_port_gbps)
        require_int_at_least("switch_radix", self.switch_radix, 1)
        require_at_least("oversubscription", self.oversubscription, 1.0)
        plane = self.nic_gbps_per_gpu / self.planes
        split = self.switch_port_gbps / plane
        if split < 1 or abs(split - round(split)) > 1e-9:
            raise InputError(
                f"a {self.switch_port_gbps:g} Gb/s switch port cannot be split into whole {plane:g} Gb/s plane "
                f"links ({self.nic_gbps_per_gpu:g} Gb/s NIC over {self.planes} planes)",
                field="planes",
            )
        return self


class MultiPlaneSizing(FrozenModel):
    """Totals over all planes, and one plane's fat tree (every plane is the same)."""

    planes: int
    plane_link_gbps: float
    links_per_cable: int
    per_plane: FabricSizing
    leaf: int
    spine: int
    core: int
    switches_total: int
    node_leaf_links: int
    node_leaf_cables: int
    leaf_spine_cables: int
    spine_core_cables: int
    cables_total: int
    transceivers: int
    bisection_tbps: float
    bisection_tbps_one_plane_down: float


def size_multiplane(inp: MultiPlaneInput) -> MultiPlaneSizing:
    """Size ``planes`` identical rail-optimised fat trees and count the physical cables (see module docstring).

    >>> one = size_multiplane(MultiPlaneInput(nodes=32, gpus_per_node=8, nic_gbps_per_gpu=400, planes=1,
    ...                                       switch_port_gbps=400, switch_radix=64))
    >>> (one.leaf, one.spine, one.cables_total)
    (8, 4, 512)
    """
    plane_link = inp.nic_gbps_per_gpu / inp.planes
    per_cable = round(inp.switch_port_gbps / plane_link)
    plane = size_fat_tree(
        FabricSizingInput(
            nodes=inp.nodes,
            gpus_per_node=inp.gpus_per_node,
            link_gbps=plane_link,
            switch_radix=inp.switch_radix * per_cable,
            oversubscription=inp.oversubscription,
            scalable_unit_nodes=inp.scalable_unit_nodes,
            node_leaf_media=inp.node_leaf_media,
            switch_link_media=inp.switch_link_media,
        )
    )
    p = inp.planes
    node_links = p * plane.node_leaf_cables
    # The node side: every GPU's NIC port is one cable, split at the switch end into ``per_cable`` plane links
    # when the NIC runs at the switch port speed; a slower NIC needs one cable per plane link.
    node_cables = math.ceil(node_links / per_cable) if inp.nic_gbps_per_gpu >= inp.switch_port_gbps else node_links
    leaf_spine = math.ceil(p * plane.leaf_spine_cables / per_cable)
    spine_core = math.ceil(p * plane.spine_core_cables / per_cable)
    cables = node_cables + leaf_spine + spine_core
    optical = (node_cables if inp.node_leaf_media == "optical" else 0) + (
        leaf_spine + spine_core if inp.switch_link_media == "optical" else 0
    )
    return MultiPlaneSizing(
        planes=p,
        plane_link_gbps=plane_link,
        links_per_cable=per_cable,
        per_plane=plane,
        leaf=p * plane.leaf,
        spine=p * plane.spine,
        core=p * plane.core,
        switches_total=p * plane.switches_total,
        node_leaf_links=node_links,
        node_leaf_cables=node_cables,
        leaf_spine_cables=leaf_spine,
        spine_core_cables=spine_core,
        cables_total=cables,
        transceivers=2 * optical,
        bisection_tbps=p * plane.bisection_tbps,
        bisection_tbps_one_plane_down=(p - 1) * plane.bisection_tbps,
    )
