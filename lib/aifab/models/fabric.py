"""Rail-optimised fat-tree sizing for GPU compute fabrics, and cloud (EFA) injection bandwidth.

>>> s = size_fat_tree(FabricSizingInput(nodes=32, gpus_per_node=8, link_gbps=400, switch_radix=64))
>>> (s.tiers, s.leaf, s.spine, s.core, s.node_leaf_cables, s.leaf_spine_cables)
(2, 8, 4, 0, 256, 256)

The rules, and where they come from
-----------------------------------
* **Rails.** Every GPU has its own NIC ("rail"); NIC *k* of every node in a scalable unit (SU) lands on
  the same leaf. One leaf per rail per SU, so ``leaf = SUs x rails``. The fabric is provisioned for whole
  SUs — leaves and leaf-spine cables included — even when fewer nodes are installed: "the fabric should
  be designed to support the full SU, including leaf switches and leaf-spine cables" (NVIDIA DGX
  SuperPOD H100 RA, Network Fabrics). Without an explicit SU size, an SU is one fully populated leaf.
* **Leaf split.** A leaf of radix ``R`` at oversubscription ``X`` (down:up) gives
  ``down = floor(R*X/(1+X))`` ports to nodes and ``up = R - down`` to spines (X=1: R/2 and R/2;
  QM9700 64 ports -> 32/32; Q3400 144 ports -> 72/72, as in the B300-XDR RA).
* **Even spreading.** Each leaf spreads its ``up`` links evenly over the spines it uses, so the number of
  spines ``S`` must divide ``up``; it is the smallest such ``S`` with ``S x R >= leaves x up``. This is
  why the published 3-SU H100 design has 16 spines, not 12 (32 uplinks cannot split over 12), and the
  4-SU B300-XDR design 18, not 16 (72 over 16 is not whole).
* **Tiers.** Two tiers hold while every leaf can reach every spine with at least one link, i.e. while
  ``leaf <= R`` — for rails dividing ``R`` that is ``R x down`` endpoints (``R*R/2`` non-blocking:
  2048 for QM9700). Beyond that a core layer is added: spines split ``floor(R/2)`` down / the rest up,
  leaves are grouped in pods of whole SUs, and each spine position of every pod connects to its own
  group of cores (a standard folded Clos; the B200 RA's 16-64 SU rows are reproduced exactly).
  Three tiers serve up to ``R`` pods; beyond that the model raises :class:`InputError`.
* **One tier.** A single leaf (one rail, one SU) is a single switch: no spines, no uplinks cabled.
  With two or more rails even one SU needs spines, because "traffic between nodes, or between rails,
  traverses the spine layer" (H100 RA); a spine-less "rail-only" fabric is not modelled.
* **Oversubscription** is applied at the leaf only; spines and cores are non-blocking.
* **UFM ports.** The InfiniBand fabric manager (UFM appliances, an HA pair with two ports each in the
  SuperPOD RAs) takes leaf ports like a node: "a DGX system must be removed to accommodate for UFM
  connectivity" (H100 RA, Table 4 footnote). ``ufm_ports`` must fit in the leaf ports the nodes leave free,
  and the node-side cable count includes them, as the RA's "Compute and UFM" column does (31 nodes x 8
  + 4 = 252 for one SU).
* **Cables and optics.** Node-leaf cables = installed endpoints + UFM ports; leaf-spine = ``leaf x up`` (all
  uplinks of every provisioned leaf); spine-core = ``spine x spine_up``. An optical link needs a
  transceiver at each end; DAC (copper) and AOC (optics bonded to the cable) need none bought
  separately. ``links_per_transceiver=2`` models twin-port OSFP (2x400G NDR in one cage).
* **Bisection** (one direction) is half of what all leaves can push off-leaf:
  ``1/2 x sum over leaves of min(installed endpoints, uplinks) x link``; spine and core layers are
  non-blocking so they do not reduce it.

Published designs reproduced in ``tests/models/test_fabric.py``: NVIDIA DGX SuperPOD H100 (Table 4),
B200 (2-64 SU, two and three tiers) and B300-XDR (1-18 SU).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Literal

from pydantic import model_validator

from aifab.errors import InputError
from aifab.models._base import (
    FrozenModel,
    require_at_least,
    require_int_at_least,
    require_positive,
)

__all__ = [
    "MIN_SWITCH_RADIX",
    "CloudFabric",
    "FabricSizing",
    "FabricSizingInput",
    "LinkMedia",
    "cloud_fabric",
    "leaf_port_split",
    "size_fat_tree",
]

#: Smallest radix that builds a tree that fans out: a three-tier spine needs >= 2 ports down.
MIN_SWITCH_RADIX = 4
MAX_RAILS = 72
"""An NVL72 rack-scale system exposes at most 72 GPUs behind one scale-out domain."""
MAX_LINK_GBPS = 3200
"""IBTA roadmap LDR (3200 Gb/s per 4x port), the fastest link in the catalogue."""

LinkMedia = Literal["optical", "aoc", "dac"]


def leaf_port_split(switch_radix: int, oversubscription: float) -> tuple[int, int]:
    """Return ``(down, up)`` ports of a leaf: ``down = floor(R*X/(1+X))``, ``up = R - down``.

    ``X`` is taken as an exact fraction so that e.g. ``R=64, X=3`` gives exactly 48/16.

    >>> leaf_port_split(64, 1.0), leaf_port_split(64, 2.0), leaf_port_split(63, 1.0)
    ((32, 32), (42, 22), (31, 32))
    """
    x = Fraction(oversubscription).limit_denominator(1_000_000)
    down = (switch_radix * x.numerator) // (x.numerator + x.denominator)
    return down, switch_radix - down


class FabricSizingInput(FrozenModel):
    """What to size: ``nodes`` with ``gpus_per_node`` rails each, on radix-``switch_radix`` switches."""

    nodes: int
    gpus_per_node: int
    link_gbps: float
    switch_radix: int
    oversubscription: float = 1.0
    scalable_unit_nodes: int | None = None
    node_leaf_media: LinkMedia = "optical"
    switch_link_media: LinkMedia = "optical"
    links_per_transceiver: int = 1
    ufm_ports: int = 0

    @model_validator(mode="after")
    def _check(self) -> FabricSizingInput:
        require_int_at_least("nodes", self.nodes, 1)
        require_int_at_least("gpus_per_node", self.gpus_per_node, 1)
        require_positive("link_gbps", self.link_gbps)
        # Bounds of real hardware, so a typo (1e308 Gb/s, 1000 rails) is caught at the flag, not downstream.
        if self.gpus_per_node > MAX_RAILS:
            raise InputError(
                f"expected at most {MAX_RAILS} rails (GPUs per node) per node, got {self.gpus_per_node}",
                field="gpus_per_node",
            )
        if self.link_gbps > MAX_LINK_GBPS:
            raise InputError(
                f"expected a port speed of at most {MAX_LINK_GBPS:,} Gb/s (beyond the IBTA/Ethernet roadmaps), "
                f"got {self.link_gbps:g}",
                field="link_gbps",
            )
        if self.switch_radix < MIN_SWITCH_RADIX:
            raise InputError(
                f"expected a switch radix >= {MIN_SWITCH_RADIX} to build any fat tree "
                f"(a spine needs >= 2 ports down and >= 2 up), got {self.switch_radix}",
                field="switch_radix",
            )
        require_at_least("oversubscription", self.oversubscription, 1.0)
        require_int_at_least("links_per_transceiver", self.links_per_transceiver, 1)
        require_int_at_least("ufm_ports", self.ufm_ports, 0)
        down, _ = leaf_port_split(self.switch_radix, self.oversubscription)
        if self.scalable_unit_nodes is not None:
            require_int_at_least("scalable_unit_nodes", self.scalable_unit_nodes, 1)
            if self.scalable_unit_nodes > down:
                raise InputError(
                    f"one leaf per rail per scalable unit needs scalable_unit_nodes <= {down} "
                    f"(node-facing ports of a radix-{self.switch_radix} leaf at "
                    f"{self.oversubscription:g}:1), got {self.scalable_unit_nodes}",
                    field="scalable_unit_nodes",
                )
        if self.ufm_ports:
            su = self.scalable_unit_nodes if self.scalable_unit_nodes is not None else down
            free = math.ceil(self.nodes / su) * su * self.gpus_per_node - self.nodes * self.gpus_per_node
            if self.ufm_ports > free:
                raise InputError(
                    f"{self.ufm_ports} UFM ports need free leaf ports, but {self.nodes} nodes leave {free} of the "
                    f"provisioned scalable units' node ports free; remove a node (the SuperPOD RAs run 31 per "
                    f"first SU) or count no UFM ports",
                    field="ufm_ports",
                )
        return self


class FabricSizing(FrozenModel):
    """Switch, cable and optics counts of a rail-optimised fat tree (counts are unitless)."""

    tiers: int
    nodes: int
    rails: int
    endpoints: int
    ufm_ports: int = 0
    link_gbps: float
    switch_radix: int
    scalable_unit_nodes: int
    scalable_units: int
    leaf: int
    spine: int
    core: int
    switches_total: int
    pods: int
    spines_per_pod: int
    leaf_downlinks: int
    leaf_uplinks: int
    spine_downlinks: int
    spine_uplinks: int
    spine_downlinks_used: int
    node_leaf_cables: int
    leaf_spine_cables: int
    spine_core_cables: int
    cables_total: int
    transceivers: int
    bisection_tbps: float
    oversubscription_achieved: float
    max_endpoints_two_tier: int
    max_endpoints_three_tier: int


def _even_spines(groups: int, uplinks_each: int, ports_per_switch: int) -> int:
    """Smallest ``S`` dividing ``uplinks_each`` with ``S * ports_per_switch >= groups * uplinks_each``.

    ``groups`` switches below each spread ``uplinks_each`` links evenly over ``S`` switches above.
    Callers guarantee ``groups <= ports_per_switch`` (then ``S = uplinks_each`` always fits).
    """
    need = math.ceil(groups * uplinks_each / ports_per_switch)
    for s in range(max(need, 1), uplinks_each + 1):
        if uplinks_each % s == 0:
            return s
    raise AssertionError(f"no even split of {uplinks_each} uplinks for {groups} switches")  # pragma: no cover


def _transceivers(cables: int, media: LinkMedia, links_per_transceiver: int) -> int:
    return math.ceil(2 * cables / links_per_transceiver) if media == "optical" else 0


def size_fat_tree(inp: FabricSizingInput) -> FabricSizing:
    """Size a rail-optimised fat tree: leaves, spines, cores, cables, optics, bisection.

    See the module docstring for the rules and their sources.

    >>> s = size_fat_tree(FabricSizingInput(nodes=512, gpus_per_node=8, link_gbps=400, switch_radix=64))
    >>> (s.tiers, s.leaf, s.spine, s.core, s.spine_core_cables)
    (3, 128, 128, 64, 4096)
    """
    radix = inp.switch_radix
    rails = inp.gpus_per_node
    down, up = leaf_port_split(radix, inp.oversubscription)
    su_nodes = inp.scalable_unit_nodes if inp.scalable_unit_nodes is not None else down
    # A leaf serving fewer nodes than its down ports needs only enough uplinks for the target ratio;
    # cabling every spare port would buy spines and optics that carry nothing.
    if su_nodes < down:
        up = min(up, math.ceil(su_nodes / inp.oversubscription))
    sus = math.ceil(inp.nodes / su_nodes)
    leaves = sus * rails
    endpoints = inp.nodes * rails

    # Three tiers: spines non-blocking, pods of whole SUs (when an SU's rails fit in one pod).
    spine_down_3 = radix // 2
    spine_up_3 = radix - spine_down_3
    pod_leaves = (spine_down_3 // rails) * rails if rails <= spine_down_3 else spine_down_3

    max_endpoints_two = (radix // rails) * su_nodes * rails
    max_endpoints_three = ((radix * pod_leaves) // rails) * su_nodes * rails

    if leaves > radix * pod_leaves:
        raise InputError(
            f"{inp.nodes} nodes x {rails} rails need {leaves} leaf switches, more than a three-tier "
            f"fat tree of radix-{radix} switches can connect ({radix * pod_leaves} leaves, "
            f"{max_endpoints_three} endpoints); use a larger switch radix or more oversubscription",
            field="nodes",
        )

    core = 0
    spine_core_cables = 0
    spine_uplinks = 0
    if leaves == 1:
        tiers, spine, pods, spines_per_pod = 1, 0, 1, 0
        spine_downlinks = 0
        leaf_spine_cables = 0
        spine_downlinks_used = 0
    elif leaves <= radix:
        tiers, pods = 2, 1
        spine = spines_per_pod = _even_spines(leaves, up, radix)
        spine_downlinks = radix
        leaf_spine_cables = leaves * up
        # Counted from the spine side: each spine takes up/spine links from every leaf.
        spine_downlinks_used = spine * leaves * (up // spine)
    else:
        tiers = 3
        full_pods, rest = divmod(leaves, pod_leaves)
        spines_per_pod = _even_spines(pod_leaves, up, spine_down_3)
        spine = full_pods * spines_per_pod
        spine_downlinks_used = full_pods * spines_per_pod * pod_leaves * (up // spines_per_pod)
        if rest:
            rest_spines = _even_spines(rest, up, spine_down_3)
            spine += rest_spines
            spine_downlinks_used += rest_spines * rest * (up // rest_spines)
        pods = full_pods + (1 if rest else 0)
        spine_downlinks = spine_down_3
        spine_uplinks = spine_up_3
        leaf_spine_cables = leaves * up
        # Spine position j of every pod connects to core group j; a group has G cores that split
        # each spine's uplinks evenly: the same even-spreading rule, one level up.
        core = spines_per_pod * _even_spines(pods, spine_up_3, radix)
        spine_core_cables = spine * spine_up_3

    node_leaf_cables = endpoints + inp.ufm_ports
    cables_total = node_leaf_cables + leaf_spine_cables + spine_core_cables
    per = inp.links_per_transceiver
    transceivers = _transceivers(node_leaf_cables, inp.node_leaf_media, per) + _transceivers(
        leaf_spine_cables + spine_core_cables, inp.switch_link_media, per
    )

    if tiers == 1:
        off_leaf_links = endpoints  # one non-blocking switch
        achieved = 1.0
    else:
        last_su_nodes = inp.nodes - (sus - 1) * su_nodes
        off_leaf_links = rails * ((sus - 1) * min(su_nodes, up) + min(last_su_nodes, up))
        achieved = su_nodes / up
    bisection_tbps = off_leaf_links * inp.link_gbps / 2 / 1000

    return FabricSizing(
        tiers=tiers,
        nodes=inp.nodes,
        rails=rails,
        endpoints=endpoints,
        ufm_ports=inp.ufm_ports,
        link_gbps=inp.link_gbps,
        switch_radix=radix,
        scalable_unit_nodes=su_nodes,
        scalable_units=sus,
        leaf=leaves,
        spine=spine,
        core=core,
        switches_total=leaves + spine + core,
        pods=pods,
        spines_per_pod=spines_per_pod,
        leaf_downlinks=down,
        leaf_uplinks=up,
        spine_downlinks=spine_downlinks,
        spine_uplinks=spine_uplinks,
        spine_downlinks_used=spine_downlinks_used,
        node_leaf_cables=node_leaf_cables,
        leaf_spine_cables=leaf_spine_cables,
        spine_core_cables=spine_core_cables,
        cables_total=cables_total,
        transceivers=transceivers,
        bisection_tbps=bisection_tbps,
        oversubscription_achieved=achieved,
        max_endpoints_two_tier=max_endpoints_two,
        max_endpoints_three_tier=max_endpoints_three,
    )


class _CloudFabricInput(FrozenModel):
    nodes: int
    efa_gbps_per_node: float
    gpus_per_node: int

    @model_validator(mode="after")
    def _check(self) -> _CloudFabricInput:
        require_int_at_least("nodes", self.nodes, 1)
        require_positive("efa_gbps_per_node", self.efa_gbps_per_node)
        require_int_at_least("gpus_per_node", self.gpus_per_node, 1)
        return self


class CloudFabric(FrozenModel):
    """Injection bandwidth of a cloud-managed fabric (AWS EFA): no switch counts, the provider owns them."""

    nodes: int
    gpus: int
    efa_gbps_per_node: float
    per_gpu_injection_gbps: float
    per_gpu_injection_gbs: float
    aggregate_injection_tbps: float


def cloud_fabric(nodes: int, efa_gbps_per_node: float, gpus_per_node: int) -> CloudFabric:
    """Per-GPU and aggregate injection bandwidth for ``nodes`` instances with EFA.

    Per-GPU injection = node EFA bandwidth / GPUs (p5.48xlarge: 3200 Gb/s / 8 = 400 Gb/s = 50 GB/s);
    aggregate = nodes x node EFA bandwidth. Bisection and oversubscription inside the provider's
    fabric are not published, so they are not modelled.

    >>> cloud_fabric(nodes=16, efa_gbps_per_node=3200, gpus_per_node=8).aggregate_injection_tbps
    51.2
    """
    inp = _CloudFabricInput(nodes=nodes, efa_gbps_per_node=efa_gbps_per_node, gpus_per_node=gpus_per_node)
    per_gpu = inp.efa_gbps_per_node / inp.gpus_per_node
    return CloudFabric(
        nodes=inp.nodes,
        gpus=inp.nodes * inp.gpus_per_node,
        efa_gbps_per_node=inp.efa_gbps_per_node,
        per_gpu_injection_gbps=per_gpu,
        per_gpu_injection_gbs=per_gpu / 8,
        aggregate_injection_tbps=inp.nodes * inp.efa_gbps_per_node / 1000,
    )
