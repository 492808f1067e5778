"""Capacity facts rules may read: per site, IT power, PUE and facility power, from the capacity estimate.

:func:`site_capacity` keeps the few numbers rules need from a design estimate (node power from the
catalogue, fabric, storage and management power, PUE from the site, its cooling or its region).
``aifab check`` estimates the design once (:func:`aifab.capacity.assess_design`) and hands that one
estimate to validation (the ``capacity:<code>`` findings: over budget, storage too slow, a fabric that
cannot be built) and, through :func:`site_capacity`, to the energy rules, so the two agree to the watt.
When the estimate cannot be made (an unknown catalogue name, a fabric that cannot be sized) the capacity
is ``None`` and rules that need it are reported "not evaluated". :func:`estimate_capacity` is the same for
a caller without an estimate (the example harness).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from aifab.catalogue import Catalogue
from aifab.design.design import Design

if TYPE_CHECKING:
    from aifab.capacity import DesignEstimate


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
    from aifab.capacity import assess_design

    return site_capacity(assess_design(design, catalogue).complete)


def site_capacity(estimate: DesignEstimate | None) -> CapacityEstimates | None:
    """The per-site numbers rules read, from a complete estimate (``None`` when there is none)."""
    if estimate is None:
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
