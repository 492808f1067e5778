"""What every estimator shares: the design indexed once, the catalogue, the options, findings so far."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from aifab.blueprints.compute import ComputePool
from aifab.blueprints.edge import EdgeSite
from aifab.blueprints.facility import Site
from aifab.blueprints.mlops import ModelServing
from aifab.blueprints.network import Fabric
from aifab.blueprints.storage import FileSystem
from aifab.design.component import Component
from aifab.design.design import Design
from aifab.errors import Diagnostic, InputError

from .options import EstimateOptions

if TYPE_CHECKING:
    from aifab.catalogue import Accelerator, Catalogue, InstanceType, NodeModel

T = TypeVar("T")

# Scale-up links of NVSwitch systems with NVLink SHARP (NVLS): H100/H200 (NVLink 4), B200/GB200 (NVLink 5).
NVLS_LINKS = frozenset({"nvlink4", "nvlink5"})


def scale_up_link(options: EstimateOptions, acc: Accelerator) -> tuple[float, str]:
    """GB/s per direction and name of the link between a node's accelerators (PCIe where the catalogue has none)."""
    if acc.intra_node_gbs is not None:
        return acc.intra_node_gbs / 2, acc.intra_node_link or "scale-up"
    return options.pcie_gbs_per_direction, "pcie"


@dataclass
class Index:
    """The components the estimate reads, found in one pass (first definition of an id wins)."""

    by_id: dict[str, Component] = field(default_factory=dict)
    pools: list[ComputePool] = field(default_factory=list)
    fabrics: list[Fabric] = field(default_factory=list)
    file_systems: list[FileSystem] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    edges: list[EdgeSite] = field(default_factory=list)
    servings_by_pool: dict[str, list[ModelServing]] = field(default_factory=dict)
    pools_by_fabric: dict[str, list[ComputePool]] = field(default_factory=dict)
    pools_by_file_system: dict[str, list[ComputePool]] = field(default_factory=dict)

    @classmethod
    def of(cls, design: Design) -> Index:
        index = cls()
        for c in design.components:
            if c.id in index.by_id:
                continue  # a duplicate id: reported by validation, left out here as in the graph
            index.by_id[c.id] = c
            if isinstance(c, ComputePool):
                index.pools.append(c)
            elif isinstance(c, Fabric):
                index.fabrics.append(c)
            elif isinstance(c, FileSystem):
                index.file_systems.append(c)
            elif isinstance(c, Site):
                index.sites.append(c)
            elif isinstance(c, EdgeSite):
                index.edges.append(c)
            elif isinstance(c, ModelServing) and c.pool is not None:
                index.servings_by_pool.setdefault(c.pool, []).append(c)
        for pool in index.pools:
            if pool.fabric is not None and isinstance(index.by_id.get(pool.fabric), Fabric):
                index.pools_by_fabric.setdefault(pool.fabric, []).append(pool)
            for fs_id in dict.fromkeys(pool.scratch):
                if isinstance(index.by_id.get(fs_id), FileSystem):
                    index.pools_by_file_system.setdefault(fs_id, []).append(pool)
        return index

    def site_of(self, site_id: str | None) -> Site | None:
        found = self.by_id.get(site_id) if site_id else None
        return found if isinstance(found, Site) else None


@dataclass(frozen=True)
class Hardware:
    """A pool's node, resolved from the catalogue; ``accelerator`` is None (and ``per_node`` 0) for CPU-only nodes."""

    name: str
    source: str  # "instance_type" | "node_model"
    accelerator: Accelerator | None
    per_node: int
    instance: InstanceType | None
    node_model: NodeModel | None

    @property
    def vcpu(self) -> int | None:
        """vCPUs (hardware threads) per node, when the catalogue knows them."""
        entry = self.instance or self.node_model
        return entry.vcpu if entry is not None else None

    @property
    def memory_gib(self) -> float | None:
        entry = self.instance or self.node_model
        return entry.memory_gib if entry is not None else None


class Skip(Exception):
    """A component whose inputs do not resolve, in a lenient estimate: leave it out, say why."""


@dataclass
class Context:
    catalogue: Catalogue
    options: EstimateOptions
    strict: bool
    index: Index
    findings: list[Diagnostic] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    skipped_ids: set[str] = field(default_factory=set)
    input_errors: list[InputError] = field(default_factory=list)
    unusable_input: bool = False
    """A lenient run met input that a strict run raises for (recorded as a finding instead)."""
    hardware: dict[str, Hardware] = field(default_factory=dict)
    memo: dict[tuple[object, ...], object] = field(default_factory=dict)

    def lookup(self, component: Component, field_name: str, getter: Callable[[str], T], name: str) -> T:
        """A catalogue look-up whose failure names the component, its field and where it was written."""
        try:
            return getter(name)
        except InputError as exc:
            raise located(component, field_name, exc.message) from None

    def skip(self, component: Component, why: str) -> None:
        self.skipped.append(f"{component.kind} {component.id!r}: {why}")
        self.skipped_ids.add(component.id)

    def finding(
        self, component: Component, code: str, message: str, severity: str = "error", field: str | None = None
    ) -> None:
        self.findings.append(component.problem(code, message, severity, field=field))

    def unusable(self, component: Component, field_name: str | None, code: str, message: str) -> None:
        """Input no estimate can use: raise when strict, else record it as an error finding on the component."""
        if self.strict:
            raise located(component, field_name, message)
        self.unusable_input = True
        self.finding(component, code, message, field=field_name)


def located(component: Component, field_name: str | None, message: str) -> InputError:
    where = component.field_location(field_name)
    return InputError(
        f"{component.kind} {component.id!r}: {message}", file=where.file, line=where.line, field=field_name
    )
