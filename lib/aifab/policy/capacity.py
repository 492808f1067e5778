"""Capacity facts rules may read: per site, IT power, PUE and facility power, from the capacity estimate.

:func:`estimate_capacity` asks :func:`aifab.capacity.estimate_design` (node power from the catalogue,
fabric, storage and management power, PUE from the site, its cooling or its region) and keeps the few
numbers rules need, so the energy rules and the capacity findings agree to the watt. When the estimate
cannot be made (an unknown catalogue name, a fabric that cannot be sized) the capacity is ``None`` and
rules that need it are reported "not evaluated".

Capacity *findings* (over budget, storage too slow, a fabric that cannot be built) come from
:func:`aifab.capacity.capacity_findings` through :func:`aifab.validate.validate`; ``aifab
check`` reports them as ``capacity:<code>`` findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from aifab.catalogue import Catalogue
from aifab.design.design import Design
from aifab.errors import InputError


@dataclass(frozen=True)
class SiteCapacity:
    """What the design places at one site, as the capacity estimate sizes it."""

    site: str
    nodes: int
    it_kw: float
    """IT power at peak: compute, fabric, storage and management."""
    pue: float
    pue_source: str
    facility_kw: float
    power_owner: str
    """``site`` when the design owns the power (on-prem, colocation), ``provider`` for a cloud region."""


@dataclass(frozen=True)
class CapacityEstimates:
    sites: Mapping[str, SiteCapacity] = field(default_factory=lambda: MappingProxyType({}))


def estimate_capacity(design: Design, catalogue: Catalogue) -> CapacityEstimates | None:
    """The per-site numbers of the capacity estimate, or ``None`` when the design cannot be estimated."""
    from aifab.capacity import estimate_design

    try:
        estimate = estimate_design(design, catalogue)
    except InputError:
        return None
    sites = {
        s.id: SiteCapacity(
            site=s.id,
            nodes=s.nodes,
            it_kw=s.it_power_kw,
            pue=s.pue,
            pue_source=s.pue_source,
            facility_kw=s.facility_power_kw,
            power_owner=s.power_owner,
        )
        for s in estimate.sites
    }
    return CapacityEstimates(sites=MappingProxyType(sites))
