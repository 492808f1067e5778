"""How old a catalogue price may be: the freshness window, and price changes a price may predate.

Cloud list prices move (AWS cut P4d/P4de/P5/P5en on-demand prices by up to 45 % in June 2025), so an
estimate warns when the price it uses was seen more than the catalogue's ``price_freshness_days`` before
the catalogue's own ``as_of`` date, or before one of the catalogue's ``price_changes`` of that instance type
took effect. Both are catalogue data (``catalogue.yaml``, or a team's overrides file); this module only
applies them.

>>> import datetime as dt
>>> from aifab.catalogue import load_catalogue
>>> cat = load_catalogue()
>>> stale = price_age_problem(
...     "p5.48xlarge", dt.date(2025, 4, 29), cat.as_of, cat.price_freshness_days, cat.price_changes)
>>> "578 days before" in stale, "predates a price change on 2025-06-01" in stale
(True, True)
>>> price_age_problem("p5.48xlarge", dt.date(2026, 7, 20), cat.as_of, 365, cat.price_changes) is None
True
>>> price_age_problem("p5.48xlarge", dt.date(2026, 7, 20), cat.as_of, 90, ())  # a team's 90-day window
"the price of p5.48xlarge was seen on 2026-07-20, 131 days before the catalogue's 2026-11-28 (freshness window 90 days)"
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from aifab.catalogue.models import PriceChange

__all__ = ["price_age_problem"]


def price_age_problem(
    instance_type: str,
    as_of: dt.date | None,
    catalogue_as_of: dt.date,
    freshness_days: int,
    changes: Iterable[PriceChange],
) -> str | None:
    """Why a price seen on ``as_of`` should not be trusted, or None when it is fresh enough.

    ``freshness_days`` and ``changes`` are the catalogue's ``price_freshness_days`` and ``price_changes``.
    """
    if as_of is None:
        return f"the price of {instance_type} has no date: its age cannot be checked"
    problems = []
    age = (catalogue_as_of - as_of).days
    if age > freshness_days:
        problems.append(
            f"the price of {instance_type} was seen on {as_of.isoformat()}, {age} days before the catalogue's "
            f"{catalogue_as_of.isoformat()} (freshness window {freshness_days} days)"
        )
    for change in changes:
        if instance_type in change.instance_types and as_of < change.effective:
            problems.append(
                f"the price of {instance_type} (seen {as_of.isoformat()}) predates a price change on "
                f"{change.effective.isoformat()}: {change.what} ({change.source_url})"
            )
    return "; ".join(problems) or None
