"""Design-level capacity estimation and findings, built on the pure models in :mod:`aifab.models`.

>>> from aifab.capacity import EstimateOptions, estimate_design
>>> from aifab.design.loader import load_design
>>> est = estimate_design(load_design("docs/examples/minimal.yaml").design)
>>> est.gpus
16
>>> EstimateOptions(utilisation=0.6).utilisation
0.6

* :func:`estimate_design` — per pool (GPUs, expected GEMM and all-reduce, storage fit, training time,
  serving; for CPU-only pools nodes, vCPUs, power and cost), per fabric (fat-tree counts or EFA injection),
  per file system, per site (IT and facility power, racks, headroom, energy, carbon, cost) and totals.
  Strict: unusable input raises ``InputError``.
* :func:`capacity_findings` — the ``capacity-*`` findings (over budget, too hot for the racks, storage too
  slow, fabric unbuildable, FSx tier or size that AWS would refuse). Never raises; ``validate()`` calls it.
* :func:`assess_design` — one lenient estimate whose findings and (complete) estimate serve a whole
  ``aifab check``: validation, capacity findings and the energy rules read the same numbers.
* :class:`EstimateOptions` — every default the estimate introduces, documented with its source.
"""

from aifab.capacity.estimate import assess_design, capacity_findings, estimate_design
from aifab.capacity.options import Assumption, EstimateOptions
from aifab.capacity.results import (
    AllReducePoint,
    CapacityAssessment,
    CostItem,
    DesignEstimate,
    DtypeThroughput,
    EdgeEstimate,
    Expected,
    FabricEstimate,
    FabricTotals,
    FileSystemEstimate,
    PoolEstimate,
    Price,
    RackGroup,
    ServingEstimate,
    SiteEstimate,
    StorageFit,
    Unpriced,
)

FINDING_CODES = (
    "capacity-power-budget",
    "capacity-rack-cooling",
    "capacity-rack-space",
    "capacity-rack-scale",
    "capacity-rack-scale-partial",
    "capacity-nic-slower-than-link",
    "capacity-storage-checkpoint",
    "capacity-storage-data-loading",
    "capacity-storage-unchecked",
    "capacity-fabric-unbuildable",
    "capacity-fsx-throughput-tier",
    "capacity-fsx-capacity",
    "capacity-serving-does-not-fit",
    "capacity-price-stale",
    "capacity-check-failed",
)
"""Every code :func:`capacity_findings` can return."""

__all__ = [
    "FINDING_CODES",
    "AllReducePoint",
    "Assumption",
    "CapacityAssessment",
    "CostItem",
    "DesignEstimate",
    "DtypeThroughput",
    "EdgeEstimate",
    "EstimateOptions",
    "Expected",
    "FabricEstimate",
    "FabricTotals",
    "FileSystemEstimate",
    "PoolEstimate",
    "Price",
    "RackGroup",
    "ServingEstimate",
    "SiteEstimate",
    "StorageFit",
    "Unpriced",
    "assess_design",
    "capacity_findings",
    "estimate_design",
]
