"""Composable blueprints, one module per area. Add a kind by writing its model in the right module and
listing it in :data:`KINDS`; the loader, the graph, the exporter, the docs and the tests pick it up.
"""

from __future__ import annotations

from aifab.design.component import Component

from .compute import AcceleratorPool, CpuPool, GpuPool, KubernetesCluster, TrainingWorkload
from .edge import EdgeSite
from .environment import Environment
from .facility import Site
from .mlops import ExperimentTracking, ModelServing, Monitoring, Pipelines
from .network import Fabric, Network
from .security import AccessControl, AuditLog, KeyManagement, Role
from .sovereign import Attestation, PrivateCloud, SovereignBoundary
from .storage import DataLake, FileSystem, LifecycleRule, Lineage, VectorDatabase

KINDS: tuple[type[Component], ...] = (
    # facility and sovereignty first: everything else sits inside them
    SovereignBoundary,
    Site,
    PrivateCloud,
    Environment,
    # security
    KeyManagement,
    AuditLog,
    AccessControl,
    # network
    Network,
    Fabric,
    # compute
    KubernetesCluster,
    GpuPool,
    AcceleratorPool,
    CpuPool,
    # storage
    DataLake,
    FileSystem,
    VectorDatabase,
    # mlops
    ExperimentTracking,
    Pipelines,
    Monitoring,
    ModelServing,
    # edge
    EdgeSite,
)


def registry() -> dict[str, type[Component]]:
    """A new mapping of kind name to blueprint class. Duplicate kinds are a programming error."""
    found: dict[str, type[Component]] = {}
    for cls in KINDS:
        kind = cls.model_fields["kind"].default
        if kind in found:
            raise RuntimeError(f"blueprint kind {kind!r} is defined twice ({found[kind].__name__}, {cls.__name__})")
        found[kind] = cls
    return found


__all__ = [
    "KINDS",
    "AcceleratorPool",
    "AccessControl",
    "Attestation",
    "AuditLog",
    "CpuPool",
    "DataLake",
    "EdgeSite",
    "Environment",
    "ExperimentTracking",
    "Fabric",
    "FileSystem",
    "GpuPool",
    "KeyManagement",
    "KubernetesCluster",
    "LifecycleRule",
    "Lineage",
    "ModelServing",
    "Monitoring",
    "Network",
    "Pipelines",
    "PrivateCloud",
    "Role",
    "Site",
    "SovereignBoundary",
    "TrainingWorkload",
    "VectorDatabase",
    "registry",
]
