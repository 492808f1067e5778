"""The estimate's result types: frozen, closed pydantic models with units in their field names.

Every block carries ``explain`` (field -> how the number was derived, in words and arithmetic) and
``notes`` (what was assumed or left out), so the text and JSON outputs can show their working.
Results of the pure models (:mod:`aifab.models`) are embedded as they are.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from aifab.errors import Diagnostic
from aifab.models import (
    CloudFabric,
    EnergyEstimate,
    FabricSizing,
    InferenceCapacity,
    TrainingEstimate,
    VectorDbSizing,
)
from aifab.models.collectives import Algorithm as CollectiveAlgorithm
from aifab.models.collectives import Protocol as CollectiveProtocol
from aifab.models.serving import ServingCapacity
from aifab.models.superpod import SuperPodBom

from .options import Assumption, EstimateOptions

__all__ = [
    "AllReducePoint",
    "CostItem",
    "DesignEstimate",
    "DtypeThroughput",
    "EdgeEstimate",
    "Expected",
    "FabricEstimate",
    "FabricTotals",
    "FileSystemEstimate",
    "GridDataset",
    "PoolEstimate",
    "Price",
    "RackGroup",
    "ServingEstimate",
    "SiteEstimate",
    "StorageFit",
    "Unpriced",
    "VectorDatabaseEstimate",
]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DtypeThroughput(_Result):
    """Datasheet and expected achievable dense throughput for one precision."""

    dtype: str
    peak_tflops_per_gpu: float
    achievable_tflops_per_gpu: float
    pool_peak_pflops: float
    pool_achievable_pflops: float


class AllReducePoint(_Result):
    """Expected nccl-tests all_reduce line for one message size across the whole pool.

    ``algorithm`` and ``protocol`` are the NCCL algorithm (ring, tree, nvls, nvls_tree, collnet) and protocol
    (LL, LL128, Simple) the figure assumes: the fastest by NCCL's tuner, or on P5-class EFA beyond two nodes
    what aws-ofi-nccl's region tuner picks (:mod:`aifab.models.collectives`).
    """

    message_bytes: int
    time_us: float
    algbw_gbs: float
    busbw_gbs: float
    bound: Literal["latency", "nvlink", "network"]
    algorithm: CollectiveAlgorithm
    protocol: CollectiveProtocol


class StorageFit(_Result):
    """What the pool's workload needs from its mounted file systems, and what they provide (GB/s)."""

    file_systems: tuple[str, ...]
    read_gbs_available: float | None
    write_gbs_available: float | None
    read_gbs_needed: float | None
    write_gbs_needed: float | None
    checkpoint_gb: float | None
    read_fits: bool | None
    write_fits: bool | None


class ServingEstimate(_Result):
    """A model served on this pool: replica shape and token throughput ceilings."""

    serving: str
    model_parameters_billion: float
    weights_gb: float
    accelerators_per_replica: int
    replicas_that_fit: int
    replicas: int
    capacity: InferenceCapacity | None
    at_concurrency: ServingCapacity | None = None
    """One replica at its operating concurrency (batch size): KV cache, tokens/s, latency (aifab.models.serving)."""
    latency_p99_ms_target: float | None = None
    meets_latency_target: bool | None = None
    """Time to first token at the operating concurrency within the design's p99 target (None: no target)."""


class Price(_Result):
    """An on-demand price look-up: known (with its date and source) or explicitly unknown."""

    instance_type: str
    region: str | None
    known: bool
    usd_per_hour_per_node: float | None = None
    as_of: date | None = None
    source_url: str | None = None
    note: str = ""


class Expected(_Result):
    """Expected benchmark numbers for the pool: what ``bench`` measures and ``verify`` compares."""

    gemm_dtype: str | None
    gemm_tflops_per_gpu: float | None
    allreduce_busbw_gbs_1gib: float | None
    storage_read_gbs: float | None
    storage_write_gbs: float | None


class PoolEstimate(_Result):
    """One compute pool: hardware, compute, collectives, storage fit, training, serving, power, cost.

    A CPU-only pool (no accelerator in its instance type or node model) has ``accelerator`` None, ``gpus`` 0,
    no compute, scale-up or collective figures, and its power from the catalogue's ``max_power_kw``.
    ``vcpus`` counts the nodes' vCPUs (hardware threads) whenever the catalogue knows them, for any pool.
    """

    id: str
    kind: str
    role: str
    site: str | None
    hardware: str
    hardware_source: Literal["instance_type", "node_model"]
    accelerator: str | None
    accelerators_per_node: int
    nodes: int
    gpus: int
    vcpus_per_node: int | None
    vcpus: int | None
    peak_dense_tflops_per_gpu: dict[str, float]
    compute: tuple[DtypeThroughput, ...]
    scale_up_link: str | None
    scale_up_gbs_per_direction: float | None
    nic_gbps_per_gpu: float | None
    fabric: str | None
    fabric_oversubscription: float
    allreduce: tuple[AllReducePoint, ...]
    # What the estimate gave aifab.models.CollectiveInput besides op, size and shape (NVLS, SHARP, the network's
    # latencies): benchmarks expecting the same figures pass these on. Empty without all-reduce figures.
    collective_inputs: dict[str, bool | int | str | float | tuple[float, float, float]] = {}
    storage: StorageFit
    training: TrainingEstimate | None
    serving: tuple[ServingEstimate, ...]
    serving_idle_gpus: int = 0
    """GPUs of an inference pool that no serving replica can use (max_replicas, or replicas not filling nodes)."""
    serving_idle_usd_per_hour: float | None = None
    power_basis: Literal["node-model-max", "instance-max", "estimate-from-tdp"]
    """Node power from a node model's ``max_power_kw``, an instance type's ``max_power_kw``, or TDP x overhead."""
    node_power_kw: float
    node_typical_power_kw: float | None
    node_rack_units: int | None
    power_kw: float
    price: Price | None
    usd_per_hour: float | None
    expected: Expected
    explain: dict[str, str]
    notes: tuple[str, ...] = ()


class FabricEstimate(_Result):
    """One fabric sized over the pools that use it (fat tree), or its injection bandwidth (EFA)."""

    id: str
    technology: str
    site: str | None
    pools: tuple[str, ...]
    nodes: int
    rails: int
    link_gbps: float
    switch_model: str | None
    switch_radix: int | None
    oversubscription: float
    buildable: bool
    problem: str | None
    sizing: FabricSizing | None
    cloud: tuple[CloudFabric, ...]
    leaf: int
    spine: int
    core: int
    switches: int
    cables: int
    transceivers: int
    bisection_tbps: float | None
    switch_power_kw: float
    switch_rack_units: int
    explain: dict[str, str]
    notes: tuple[str, ...] = ()
    planes: int = 1
    """Independent planes (multi-plane Ethernet, e.g. Spectrum-X twin-plane); ``sizing`` is one plane's tree."""
    superpod: SuperPodBom | None = None
    """An on-prem InfiniBand fabric's whole-SuperPOD bill of materials (storage, in-band and OOB fabrics, UFM,
    management servers and racks, by the DGX SuperPOD RA rules); not added to the site's power or racks."""


class FabricTotals(_Result):
    """Switch, cable and optics counts summed over every fat-tree fabric (cloud fabrics have none)."""

    leaf: int
    spine: int
    core: int
    switches: int
    cables: int
    transceivers: int
    bisection_tbps: float


class FileSystemEstimate(_Result):
    """One file system: its throughput and who mounts it; FSx tier and size checks."""

    id: str
    engine: str
    site: str | None
    capacity_tib: float
    throughput_gbs: float
    mounted_by: tuple[str, ...]
    read_gbs_demand: float
    power_kw: float
    tier_valid: bool | None
    capacity_valid: bool | None
    explain: dict[str, str]
    notes: tuple[str, ...] = ()


class VectorDatabaseEstimate(_Result):
    """A vector database: memory and disk per replica and in total, and the nodes of its cluster it needs."""

    id: str
    engine: str
    vectors: int
    dimensions: int
    replicas: int
    cluster: str | None
    node_hardware: str | None
    """The instance type or node model whose memory sets the node count (a CPU pool of the cluster first)."""
    node_memory_gib: float | None
    sizing: VectorDbSizing
    explain: dict[str, str]
    notes: tuple[str, ...] = ()


class RackGroup(_Result):
    """How the nodes of one model rack at a site, whichever pools they belong to (from ``size_power``)."""

    hardware: str
    pools: tuple[str, ...]
    nodes: int
    nodes_per_rack: int | None
    racks: int | None
    rack_density_kw: float | None
    limited_by: Literal["power", "space"] | None
    cooling_fits: bool | None
    problem: str | None = None


class GridDataset(_Result):
    """The grid-carbon dataset a site's carbon figure uses: name, year, basis, and the figure's own accounting."""

    name: str
    year: int | None
    basis: Literal["location", "market"] | None
    """What the dataset's intensities are (location-based grid averages, or market-based residual mixes)."""
    accounting: Literal["location", "market"]
    """How the site's figure is reported: market-based when the site counts a renewable share."""
    source_url: str | None
    label: str


class SiteEstimate(_Result):
    """One site: IT and facility power, racks, headroom, annual energy, carbon and running cost."""

    id: str
    provider: str
    region: str | None
    power_owner: Literal["site", "provider"]
    pools: tuple[str, ...]
    fabrics: tuple[str, ...]
    file_systems: tuple[str, ...]
    nodes: int
    gpus: int
    cpu_nodes: int
    """Nodes of CPU-only pools (also counted in ``nodes``)."""
    compute_kw: float
    network_kw: float
    storage_kw: float
    management_kw: float
    it_power_kw: float
    it_power_kw_typical: float | None
    pue: float
    pue_source: str
    facility_power_kw: float
    power_budget_kw: float | None
    headroom_kw: float | None
    headroom_pct: float | None
    fits_power_budget: bool | None
    cooling: str | None
    cooling_max_kw_per_rack: float | None
    rack_units_per_rack: int
    compute_racks: int | None
    network_racks: int | None
    racks: int | None
    rack_detail: tuple[RackGroup, ...]
    grid_gco2e_per_kwh: float | None
    grid_source: str | None
    grid_dataset: GridDataset | None = None
    renewable_share: float
    energy_usd_per_mwh: float | None
    energy: EnergyEstimate | None
    annual_energy_mwh: float
    annual_co2e_t: float | None
    cost_usd_per_hour: float
    cost_usd_per_year: float
    cost_complete: bool
    partial: bool
    explain: dict[str, str]
    notes: tuple[str, ...] = ()


class EdgeEstimate(_Result):
    """An edge site: nodes and stated power (not in the site totals: edge sites state no PUE or grid)."""

    id: str
    accelerator: str | None
    nodes: int
    node_power_kw: float
    it_power_kw: float


class CostItem(_Result):
    """One line of the running-cost breakdown."""

    site: str
    component: str
    description: str
    usd_per_hour: float
    usd_per_year: float
    share_pct: float
    basis: str


class Unpriced(_Result):
    """Something that runs but has no price in the catalogue, and why."""

    site: str | None
    component: str
    reason: str


class DesignEstimate(_Result):
    """The whole design: per-pool, per-fabric, per-file-system and per-site estimates, and totals.

    Totals: ``gpus`` counts accelerators; ``nodes`` every pool's nodes, of which ``cpu_nodes`` are in CPU-only
    pools with ``cpu_vcpus`` vCPUs between them; ``it_power_kw`` and ``facility_power_kw`` sum every site
    (cloud sites by estimate, see ``it_power_kw_cloud_estimate``); ``racks`` counts on-prem racks;
    ``cost_per_hour_usd`` sums the known prices and energy costs — ``cost_complete`` is false when something
    is unpriced (see ``unpriced``).
    """

    design: str
    catalogue_version: str
    catalogue_as_of: date
    gpus: int
    nodes: int
    cpu_nodes: int
    cpu_vcpus: int
    fabric: FabricTotals
    it_power_kw: float
    it_power_kw_onprem: float
    it_power_kw_cloud_estimate: float
    facility_power_kw: float
    racks: int
    annual_energy_mwh: float
    annual_co2e_t: float
    carbon_complete: bool
    cost_per_hour_usd: float
    cost_per_year_usd: float
    cost_complete: bool
    edge_nodes: int
    edge_it_power_kw: float
    pools: tuple[PoolEstimate, ...]
    fabrics: tuple[FabricEstimate, ...]
    file_systems: tuple[FileSystemEstimate, ...]
    vector_databases: tuple[VectorDatabaseEstimate, ...] = ()
    sites: tuple[SiteEstimate, ...]
    edge_sites: tuple[EdgeEstimate, ...]
    cost_breakdown: tuple[CostItem, ...]
    unpriced: tuple[Unpriced, ...]
    findings: tuple[Diagnostic, ...]
    skipped: tuple[str, ...]
    """Components left out because their inputs could not be resolved (lenient estimates only)."""
    explain: dict[str, str]
    notes: tuple[str, ...]
    options: EstimateOptions
    assumptions: tuple[Assumption, ...]

    @property
    def errors(self) -> list[Diagnostic]:
        return [f for f in self.findings if f.severity == "error"]

    def pool(self, pool_id: str) -> PoolEstimate:
        return _by_id(self.pools, pool_id)

    def fabric_estimate(self, fabric_id: str) -> FabricEstimate:
        return _by_id(self.fabrics, fabric_id)

    def site(self, site_id: str) -> SiteEstimate:
        return _by_id(self.sites, site_id)

    def file_system(self, fs_id: str) -> FileSystemEstimate:
        return _by_id(self.file_systems, fs_id)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data; findings as ``{code, severity, message, component, location{file, line}}``."""
        data = self.model_dump(mode="json", exclude={"findings"})
        data["findings"] = [
            {
                "code": f.code,
                "severity": f.severity,
                "message": f.message,
                "component": f.component,
                "location": {
                    "file": f.location.file if f.location else None,
                    "line": f.location.line if f.location else None,
                },
            }
            for f in self.findings
        ]
        return data


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_T = TypeVar("_T", bound=_HasId)


def _by_id(items: tuple[_T, ...], wanted: str) -> _T:
    for item in items:
        if item.id == wanted:
            return item
    raise KeyError(wanted)


class CapacityAssessment(_Result):
    """One lenient estimate of a design: its findings, and the estimate itself when it is complete.

    ``complete`` is None when some input did not resolve (an unknown catalogue name, a fabric no switch
    can build, a component whose estimate failed): exactly when :func:`~aifab.capacity.estimate_design`
    would raise. Otherwise it is the estimate that function returns.
    """

    estimate: DesignEstimate
    complete: DesignEstimate | None

    @property
    def findings(self) -> tuple[Diagnostic, ...]:
        return self.estimate.findings
