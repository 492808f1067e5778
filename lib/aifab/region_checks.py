"""Design errors about where things are: sites outside their own boundary, instance types a region lacks.

* A site ``inside`` a sovereign boundary that declares ``allowed_regions`` must be in one of them: the
  boundary is the design's own statement of where it may run, so breaking it is a design error
  (``site-outside-boundary``), not only a policy finding.
* A pool of an instance type at an AWS site whose region's partition the catalogue records availability for
  (``instance_types.<name>.availability``), but not that region, cannot be launched there
  (``instance-type-not-offered``); the message names the regions that do offer it and the source of that
  partition's list (``field_sources`` key ``availability.<partition>``, else ``availability``). Any
  partition is checked the same way: the commercial ``aws`` one where a list for it is recorded. A list
  dated more than the catalogue's freshness window (``price_freshness_days``) before the catalogue's own
  date, or undated, is evidence of what was offered then, not now (regions gain instance types): its
  finding is a warning that says so, not an error.

>>> from aifab.blueprints import Site, SovereignBoundary
>>> from aifab.catalogue import load_catalogue
>>> from aifab.design.design import Design
>>> uk = SovereignBoundary(id="uk", jurisdiction="UK", allowed_regions=("eu-west-2",))
>>> site = Site(id="ireland", provider="aws", region="eu-west-1", inside=uk)
>>> [d.code for d in region_diagnostics(Design(name="d", components=[uk, site]), load_catalogue())]
['site-outside-boundary']
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from aifab.blueprints.compute import ComputePool
from aifab.blueprints.facility import Site
from aifab.blueprints.sovereign import SovereignBoundary
from aifab.design.component import Component
from aifab.design.design import Design
from aifab.errors import Diagnostic, InputError

if TYPE_CHECKING:
    from aifab.catalogue import Catalogue

__all__ = ["region_diagnostics"]


def region_diagnostics(design: Design, catalogue: Catalogue) -> Iterator[Diagnostic]:
    """Sites outside their boundary's ``allowed_regions``; pools of instance types their region does not offer."""
    by_id: dict[str, Component] = {}
    for c in design.components:
        by_id.setdefault(c.id, c)
    for c in design.components:
        if isinstance(c, Site):
            yield from _site_in_boundary(c, by_id.get(c.inside) if c.inside else None)
        elif isinstance(c, ComputePool) and c.instance_type is not None and c.site is not None:
            site = by_id.get(c.site)
            if isinstance(site, Site) and site.provider == "aws" and site.region:
                yield from _offered(c, c.instance_type, site, catalogue)


def _site_in_boundary(site: Site, boundary: object) -> Iterator[Diagnostic]:
    if not isinstance(boundary, SovereignBoundary) or boundary.allowed_regions is None or site.region is None:
        return
    if site.region not in boundary.allowed_regions:
        allowed = ", ".join(boundary.allowed_regions) or "none"
        yield site.problem(
            "site-outside-boundary",
            f"region {site.region!r} is outside the allowed_regions of boundary {boundary.id!r} ({allowed}), "
            "which this site is inside; move the site to an allowed region or place it in another boundary",
            field="region",
        )


def _offered(pool: ComputePool, name: str, site: Site, catalogue: Catalogue) -> Iterator[Diagnostic]:
    assert site.region is not None
    try:
        itype = catalogue.instance_type(name)
        partition = catalogue.region(site.region).partition
    except InputError:
        return  # an unknown name: reported by the catalogue checks
    regions = itype.availability.get(partition)
    if regions is None or site.region in regions:
        return
    offered = ", ".join(itype.offered_in()) or "none in the catalogue"
    # Each partition's list can come from its own table (GovCloud's and the commercial one are published
    # apart, and an overrides file may add one): cite the source of this partition's list.
    source = itype.source_for(f"availability.{partition}")
    cited = (f", {source.url}" if source.url else "") + (f", as of {source.as_of.isoformat()}" if source.as_of else "")
    age = (catalogue.as_of - source.as_of).days if source.as_of else None
    if age is not None and age <= catalogue.price_freshness_days:
        yield pool.problem(
            "instance-type-not-offered",
            f"{itype.name} is not offered in {site.region} (site {site.id!r}, partition {partition}); regions "
            f"that offer it: {offered} (catalogue availability{cited}); move the pool to one of them or pick an "
            "instance type offered here",
            field="instance_type",
        )
        return
    when = (
        f"{age} days before the catalogue's {catalogue.as_of.isoformat()}, older than its "
        f"{catalogue.price_freshness_days}-day freshness window"
        if age is not None
        else "the list has no date"
    )
    yield pool.problem(
        "instance-type-not-offered",
        f"{itype.name} was not offered in {site.region} (site {site.id!r}, partition {partition}) when the "
        f"catalogue's list was taken ({when}); regions that offered it: {offered} (catalogue availability"
        f"{cited}); check the region now (aws ec2 describe-instance-type-offerings) or pick an instance type "
        "known to be offered here",
        severity="warning",
        field="instance_type",
    )
