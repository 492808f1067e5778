"""Composite blueprints: typed, parameterised building blocks that expand into wired components.

Add one by writing its module here and listing its class in :data:`COMPOSITES`; the design, the loader
(``use: <name>`` in documents), the exporter and the tests pick it up. See :mod:`aifab.design.composite`.
"""

from __future__ import annotations

from aifab.design.composite import Composite

from .data_lake import GovernedDataLake
from .edge_fleet import EdgeFleet, EdgeLocation
from .eks_platform import EksGpuPlatform
from .landing_zone import SovereignLandingZone
from .mlops_platform import MlopsPlatform
from .scalable_unit import GpuScalableUnit

COMPOSITES: tuple[type[Composite], ...] = (
    SovereignLandingZone,
    GovernedDataLake,
    GpuScalableUnit,
    EksGpuPlatform,
    MlopsPlatform,
    EdgeFleet,
)


def registry() -> dict[str, type[Composite]]:
    """A new mapping of composite name (``use``) to class. Duplicate names are a programming error."""
    found: dict[str, type[Composite]] = {}
    for cls in COMPOSITES:
        name = cls.model_fields["use"].default
        if name in found:
            raise RuntimeError(f"composite {name!r} is defined twice ({found[name].__name__}, {cls.__name__})")
        found[name] = cls
    return found


__all__ = [
    "COMPOSITES",
    "EdgeFleet",
    "EdgeLocation",
    "EksGpuPlatform",
    "GovernedDataLake",
    "GpuScalableUnit",
    "MlopsPlatform",
    "SovereignLandingZone",
    "registry",
]
