"""A scalable unit: a pool of GPU nodes with the fabric that joins them.

>>> from aifab.blueprints.composites import GpuScalableUnit
>>> su = GpuScalableUnit(id="su1", node_model="dgx-h100", node_count=32, technology="infiniband",
...                      link_gbps=400, switch_model="quantum-2-qm9700", cluster="k8s", site="hall")
>>> [(c.kind, c.id) for c in su.expand()]
[('fabric', 'ib-su1'), ('gpu_pool', 'su1')]
>>> su.expand()[0].scalable_unit_nodes, su.expand()[1].fabric
(32, 'ib-su1')
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Literal

from pydantic import Field

from aifab.design.component import Component, Ref, Refs
from aifab.design.composite import PlacedComposite

from ..compute import Capacity, GpuPool, PoolRole, TrainingWorkload
from ..network import Fabric

_PREFIX = {"infiniband": "ib", "efa": "efa", "roce": "roce"}


class GpuScalableUnit(PlacedComposite):
    """``node_count`` GPU nodes (a cloud ``instance_type`` or an on-prem ``node_model``) on their own fabric.

    Parts: ``pool`` (a gpu_pool with the composite's id) and ``fabric`` (``ib-``/``efa-``/``roce-<id>``,
    one scalable unit of ``node_count`` nodes). Both take the site and boundary; the pool takes the
    environment, and so does an EFA fabric (it is part of the instances), while an InfiniBand or RoCE
    fabric is switching in the hall, shared by every environment there.
    """

    use: Literal["gpu-scalable-unit"] = "gpu-scalable-unit"
    parts: ClassVar[dict[str, str]] = {"pool": "", "fabric": "fabric"}
    main: ClassVar[str] = "pool"

    role: PoolRole = "training"
    instance_type: str | None = None
    node_model: str | None = None
    node_count: int
    min_node_count: int | None = None
    capacity: Capacity = "on-demand"
    workload: TrainingWorkload | None = None
    labels: dict[str, str] = Field(default_factory=dict)

    technology: Literal["infiniband", "efa", "roce"]
    link_gbps: int
    switch_model: str | None = None
    oversubscription: float = 1.0
    in_network_reduction: bool = False

    cluster: Ref | None = None
    scratch: Refs = ()
    volumes_encrypted_by: Ref | None = None

    def part_id(self, part: str) -> str:
        if part == "fabric" and part not in self.ids:
            return f"{_PREFIX[self.technology]}-{self.id}"
        return super().part_id(part)

    def components(self) -> Iterator[Component]:
        placed = self.placement()
        efa = self.technology == "efa"
        fabric_placement = placed if efa else {k: v for k, v in placed.items() if k != "environment"}
        yield self.build(
            Fabric,
            self.part_id("fabric"),
            technology=self.technology,
            link_gbps=self.link_gbps,
            topology="cloud-managed" if efa else "rail-optimised-fat-tree",
            switch_model=self.switch_model,
            oversubscription=self.oversubscription,
            scalable_unit_nodes=None if efa else self.node_count,
            in_network_reduction=self.in_network_reduction,
            renamed={"scalable_unit_nodes": "node_count"},
            **fabric_placement,
        )
        yield self.build(
            GpuPool,
            self.part_id("pool"),
            role=self.role,
            instance_type=self.instance_type,
            node_model=self.node_model,
            node_count=self.node_count,
            min_node_count=self.min_node_count,
            capacity=self.capacity,
            workload=self.workload,
            labels=self.labels,
            fabric=self.part_id("fabric"),
            cluster=self.cluster,
            scratch=self.scratch,
            volumes_encrypted_by=self.volumes_encrypted_by,
            **placed,
        )
