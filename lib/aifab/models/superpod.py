"""The whole DGX SuperPOD bill of materials: four fabrics, UFM, management servers, PDUs and racks.

>>> b = size_superpod(SuperPodInput(scalable_units=4))
>>> (b.nodes, b.compute.leaf + b.compute.spine, b.storage_switches, b.inband_switches, b.oob_switches)
(127, 48, 16, 8, 8)
>>> (b.ufm_appliances, b.management_servers, b.compute_racks, b.management_racks, b.racks, b.pdus)
(4, 4, 32, 6, 38, 108)

Every default is the NVIDIA DGX SuperPOD H100 RA (RA-11333-001 V11) design, and the rules are the ones
its text states or its Table 7 and 8 imply:

* **Compute fabric**: the rail-optimised fat tree of :func:`~aifab.models.fabric.size_fat_tree` at
  ``su_nodes`` per SU, with the compute UFM pair's ports on the leaves (one node slot of the first SU goes
  to them: 32 x SUs - 1 nodes by default).
* **UFM**: one HA pair (``ufm_appliances_per_fabric`` = 2) per InfiniBand fabric — compute and storage.
* **Storage fabric** (InfiniBand): "storage devices are connected at a 1:1 port to uplink ratio. The DGX
  H100 system connections are slightly oversubscribed with a ratio near 4:3". Node-facing leaves take
  ``radix/2`` node ports and ``ceil(radix/2 / (4/3))`` uplinks (32 down / 24 up), per SU; storage-device
  leaves take ``storage_device_ports_per_su`` ports and as many uplinks; spines split every leaf's uplinks
  evenly (the fat-tree rule).
* **In-band Ethernet**: every node and management server has two bonded ports ("operate at 100 Gbps and
  are bonded for resiliency"), so leaves come in pairs; ``inband_cores`` core switches take
  ``inband_uplinks_per_core`` links from every leaf; the NFS user storage and two uplinks per OOB switch
  land on the leaves too.
* **Out-of-band**: one 48-port switch per ``compute_racks_per_oob_switch`` compute racks, more if the
  ports need it (BMCs, switch and appliance management ports, UFM back-to-back, PDUs).
* **Racks**: compute racks by power and space (four 10.2 kW DGX H100 in a 40.8 kW rack). Management
  racks: each SU's leaves (compute, storage, in-band, OOB) sit in one rack of the SU's row so node
  cables stay short; spines, cores, UFM and management servers share central racks, by U and kW.
  ``pdus_per_compute_rack`` / ``pdus_per_management_rack`` (3 / 2: Table 7's 96 + 12 PDUs over 32 + 6
  racks).

Switch and appliance power figures are placeholders unless stated: QM9700 1.72 kW (with active
cables), SN4600C 0.466 kW and SN2201 0.098 kW (typical; no maximum is published), UFM appliance 0.689 kW
max, management server 1.0 kW (assumption). The management rack count depends on them.
"""

from __future__ import annotations

import math
from fractions import Fraction

from pydantic import model_validator

from aifab.errors import InputError
from aifab.models._base import FrozenModel, require_at_least, require_int_at_least, require_positive
from aifab.models.fabric import FabricSizing, FabricSizingInput, size_fat_tree

__all__ = ["SuperPodBom", "SuperPodInput", "size_superpod"]


class SuperPodInput(FrozenModel):
    """A SuperPOD of ``scalable_units`` SUs; every default is the DGX H100 SuperPOD RA's."""

    scalable_units: int
    nodes: int | None = None
    """Installed nodes; default ``su_nodes x scalable_units - 1`` (one slot goes to the compute UFM)."""
    su_nodes: int = 32
    gpus_per_node: int = 8
    link_gbps: float = 400
    switch_radix: int = 64
    ufm_appliances_per_fabric: int = 2
    ufm_ports_per_appliance: int = 2
    storage_ports_per_node: int = 2
    storage_node_oversubscription: float = 4 / 3
    storage_device_ports_per_su: int = 12
    inband_ports_per_node: int = 2
    inband_switch_radix: int = 64
    inband_cores: int = 2
    inband_uplinks_per_core: int = 2
    nfs_storage_ports: int = 8
    management_servers: int = 4
    management_server_inband_ports: int = 2
    oob_switch_ports: int = 48
    oob_uplinks_per_switch: int = 2
    compute_racks_per_oob_switch: int = 4
    node_kw: float = 10.2
    node_rack_units: int = 8
    rack_power_kw: float = 40.8
    usable_rack_units: int = 42
    pdus_per_compute_rack: int = 3
    pdus_per_management_rack: int = 2
    ib_switch_kw: float = 1.72
    ib_switch_rack_units: int = 1
    inband_switch_kw: float = 0.466
    inband_switch_rack_units: int = 2
    oob_switch_kw: float = 0.098
    oob_switch_rack_units: int = 1
    ufm_kw: float = 0.689
    ufm_rack_units: int = 1
    management_server_kw: float = 1.0
    management_server_rack_units: int = 2

    @model_validator(mode="after")
    def _check(self) -> SuperPodInput:
        for name in (
            "scalable_units",
            "su_nodes",
            "gpus_per_node",
            "switch_radix",
            "inband_switch_radix",
            "oob_switch_ports",
            "compute_racks_per_oob_switch",
            "node_rack_units",
            "usable_rack_units",
        ):
            require_int_at_least(name, getattr(self, name), 1)
        for name in (
            "ufm_appliances_per_fabric",
            "ufm_ports_per_appliance",
            "storage_ports_per_node",
            "storage_device_ports_per_su",
            "inband_ports_per_node",
            "inband_cores",
            "inband_uplinks_per_core",
            "nfs_storage_ports",
            "management_servers",
            "management_server_inband_ports",
            "oob_uplinks_per_switch",
            "pdus_per_compute_rack",
            "pdus_per_management_rack",
            "ib_switch_rack_units",
            "inband_switch_rack_units",
            "oob_switch_rack_units",
            "ufm_rack_units",
            "management_server_rack_units",
        ):
            require_int_at_least(name, getattr(self, name), 0)
        if self.nodes is not None:
            require_int_at_least("nodes", self.nodes, 1)
        for name in ("link_gbps", "node_kw", "rack_power_kw"):
            require_positive(name, getattr(self, name))
        for name in ("ib_switch_kw", "inband_switch_kw", "oob_switch_kw", "ufm_kw", "management_server_kw"):
            require_at_least(name, getattr(self, name), 0.0)
        require_at_least("storage_node_oversubscription", self.storage_node_oversubscription, 1.0)
        return self


class SuperPodBom(FrozenModel):
    """Switch counts per fabric, appliances, servers, PDUs and racks of one SuperPOD (unitless counts)."""

    nodes: int
    gpus: int
    compute: FabricSizing
    compute_ufm_ports: int
    storage_node_leaves: int
    storage_device_leaves: int
    storage_spines: int
    storage_switches: int
    storage_node_cables: int
    storage_leaf_spine_cables: int
    inband_leaves: int
    inband_cores: int
    inband_switches: int
    inband_node_cables: int
    inband_leaf_core_cables: int
    oob_ports: int
    oob_cables: int
    """OOB 1 GbE cables: the OOB ports plus one back-to-back cable per UFM HA pair (H100 RA Table 8)."""
    oob_switches: int
    ufm_appliances: int
    management_servers: int
    fabric_switches: int
    compute_racks: int
    management_racks: int
    racks: int
    pdus: int


def _racks(units: float, kw: float, inp: SuperPodInput) -> int:
    """Racks for equipment of ``units`` U drawing ``kw``, by space and by the rack's power."""
    return max(math.ceil(units / inp.usable_rack_units), math.ceil(kw / inp.rack_power_kw - 1e-9))


def _even(uplinks: list[int], radix: int) -> int:
    """Fewest spines that split every leaf's uplinks evenly and have the ports for all of them."""
    need = max(1, math.ceil(sum(uplinks) / radix))
    for s in range(need, radix + 1):
        if all(u % s == 0 for u in uplinks if u):
            return s
    raise InputError(
        f"storage leaves with {sorted(set(uplinks))} uplinks cannot spread them evenly over {need} or more spines; "
        "choose storage_device_ports_per_su so its uplinks share a divisor with the node leaves' "
        f"({uplinks[0]})",
        field="storage_device_ports_per_su",
    )


def size_superpod(inp: SuperPodInput) -> SuperPodBom:
    """The four fabrics, UFM, management servers, PDUs and racks of ``inp`` (see the module docstring)."""
    sus = inp.scalable_units
    ufm_ports = inp.ufm_appliances_per_fabric * inp.ufm_ports_per_appliance
    nodes = inp.nodes if inp.nodes is not None else inp.su_nodes * sus - (1 if ufm_ports else 0)
    compute = size_fat_tree(
        FabricSizingInput(
            nodes=nodes,
            gpus_per_node=inp.gpus_per_node,
            link_gbps=inp.link_gbps,
            switch_radix=inp.switch_radix,
            scalable_unit_nodes=inp.su_nodes,
            ufm_ports=ufm_ports,
        )
    )

    # Storage fabric: node leaves at ~4:3 per SU, storage-device leaves at 1:1 per SU, spines split evenly.
    half = inp.switch_radix // 2
    x = Fraction(inp.storage_node_oversubscription).limit_denominator(1000)
    node_up = math.ceil(half / x)
    node_leaves_su = math.ceil(inp.su_nodes * inp.storage_ports_per_node / half)
    device_leaves_su = math.ceil(inp.storage_device_ports_per_su / half) if inp.storage_device_ports_per_su else 0
    device_up = math.ceil(inp.storage_device_ports_per_su / device_leaves_su) if device_leaves_su else 0
    storage_node_leaves = node_leaves_su * sus
    storage_device_leaves = device_leaves_su * sus
    uplinks = [node_up] * storage_node_leaves + [device_up] * storage_device_leaves
    storage_spines = _even(uplinks, inp.switch_radix)
    storage_switches = storage_node_leaves + storage_device_leaves + storage_spines

    # Out-of-band first (its uplinks land on the in-band leaves); its ports need the rack count.
    node_u = inp.node_rack_units
    per_rack = max(1, min(math.floor(inp.rack_power_kw / inp.node_kw + 1e-9), inp.usable_rack_units // node_u))
    compute_racks = math.ceil(nodes / per_rack)
    oob_by_racks = math.ceil(compute_racks / inp.compute_racks_per_oob_switch)

    # In-band: bonded pairs of leaves; every leaf sends inband_uplinks_per_core links to each core.
    leaf_up = inp.inband_cores * inp.inband_uplinks_per_core
    leaf_down = inp.inband_switch_radix - leaf_up

    def inband_leaves_for(oob: int) -> int:
        ports = (
            nodes * inp.inband_ports_per_node
            + inp.management_servers * inp.management_server_inband_ports
            + inp.nfs_storage_ports
            + oob * inp.oob_uplinks_per_switch
        )
        return 2 * math.ceil(ports / (2 * leaf_down))

    ib_switches = compute.switches_total + storage_switches
    ufm = 2 * inp.ufm_appliances_per_fabric
    oob = oob_by_racks
    for _ in range(8):  # OOB ports depend on the in-band and rack counts, which depend on OOB; settles fast
        inband_leaves = inband_leaves_for(oob)
        inband = inband_leaves + inp.inband_cores
        mgmt_racks = _management_racks(inp, compute, storage_node_leaves, storage_device_leaves, storage_spines,
                                       inband_leaves, oob, ufm)  # fmt: skip
        pdus = compute_racks * inp.pdus_per_compute_rack + mgmt_racks * inp.pdus_per_management_rack
        # 1 GbE ports on the OOB switches: BMCs, switch and appliance management ports, PDUs.
        oob_ports = nodes + ib_switches + inp.management_servers + ufm + inband + pdus
        new = max(oob_by_racks, math.ceil(oob_ports / inp.oob_switch_ports))
        if new == oob:
            break
        oob = new
    return SuperPodBom(
        nodes=nodes,
        gpus=nodes * inp.gpus_per_node,
        compute=compute,
        compute_ufm_ports=ufm_ports,
        storage_node_leaves=storage_node_leaves,
        storage_device_leaves=storage_device_leaves,
        storage_spines=storage_spines,
        storage_switches=storage_switches,
        storage_node_cables=nodes * inp.storage_ports_per_node,
        storage_leaf_spine_cables=sum(uplinks),
        inband_leaves=inband_leaves,
        inband_cores=inp.inband_cores,
        inband_switches=inband,
        inband_node_cables=nodes * inp.inband_ports_per_node,
        inband_leaf_core_cables=inband_leaves * leaf_up,
        oob_ports=oob_ports,
        oob_cables=oob_ports + ufm // 2,
        oob_switches=oob,
        ufm_appliances=ufm,
        management_servers=inp.management_servers,
        fabric_switches=ib_switches + inband + oob,
        compute_racks=compute_racks,
        management_racks=mgmt_racks,
        racks=compute_racks + mgmt_racks,
        pdus=pdus,
    )


def _management_racks(
    inp: SuperPodInput,
    compute: FabricSizing,
    storage_node_leaves: int,
    storage_device_leaves: int,
    storage_spines: int,
    inband_leaves: int,
    oob: int,
    ufm: int,
) -> int:
    """Each SU's leaves in a rack of its row (as many as they need); spines, cores, UFM, servers central."""
    sus = inp.scalable_units
    ib_leaves = compute.leaf + storage_node_leaves + storage_device_leaves
    su_units = (ib_leaves * inp.ib_switch_rack_units + inband_leaves * inp.inband_switch_rack_units
                + oob * inp.oob_switch_rack_units) / sus  # fmt: skip
    su_kw = (ib_leaves * inp.ib_switch_kw + inband_leaves * inp.inband_switch_kw + oob * inp.oob_switch_kw) / sus
    central_units = (
        (compute.spine + compute.core + storage_spines) * inp.ib_switch_rack_units
        + inp.inband_cores * inp.inband_switch_rack_units
        + ufm * inp.ufm_rack_units
        + inp.management_servers * inp.management_server_rack_units
    )
    central_kw = (
        (compute.spine + compute.core + storage_spines) * inp.ib_switch_kw
        + inp.inband_cores * inp.inband_switch_kw
        + ufm * inp.ufm_kw
        + inp.management_servers * inp.management_server_kw
    )
    return sus * _racks(su_units, su_kw, inp) + _racks(central_units, central_kw, inp)
