"""How old a catalogue price may be: the freshness window, and price changes a price may predate.

Cloud list prices move (AWS cut P4d/P4de/P5/P5en on-demand prices by up to 45 % in June 2025), so an
estimate warns when the price it uses was seen more than ``PRICE_FRESHNESS_DAYS`` before the catalogue's
own ``as_of`` date, or before a known price change of that instance type took effect.

>>> import datetime as dt
>>> stale = price_age_problem("p5.48xlarge", dt.date(2025, 4, 29), dt.date(2026, 11, 28))
>>> "578 days before" in stale, "predates a price change on 2025-06-01" in stale
(True, True)
>>> price_age_problem("p5.48xlarge", dt.date(2026, 7, 20), dt.date(2026, 11, 28)) is None
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["KNOWN_PRICE_CHANGES", "PRICE_FRESHNESS_DAYS", "PriceChange", "price_age_problem"]

PRICE_FRESHNESS_DAYS = 365
"""A price seen more than this many days before the catalogue's ``as_of`` is stale (assumption: a year; list
prices of CPU types rarely move within one, and the GPU re-pricings that do happen are listed below)."""


@dataclass(frozen=True)
class PriceChange:
    """A published change of on-demand prices for some instance types, effective on a date."""

    effective: dt.date
    instance_types: tuple[str, ...]
    what: str
    source_url: str


KNOWN_PRICE_CHANGES: tuple[PriceChange, ...] = (
    PriceChange(
        effective=dt.date(2025, 6, 1),
        instance_types=("p4d.24xlarge", "p4de.24xlarge", "p5.48xlarge", "p5.4xlarge", "p5en.48xlarge"),
        what="AWS cut P4d, P4de, P5 and P5en on-demand prices by up to 45 % (June 2025): p5.48xlarge in "
        "us-east-1 went from 98.32 to 55.04 USD/h",
        # Karpenter's generated AWS price table before (2025-04-29) and after (2025-07-09) the cut, read 2026-12-01
        source_url="https://github.com/aws/karpenter-provider-aws/commits/main/pkg/providers/pricing/zz_generated.pricing_aws.go",
    ),
)


def price_age_problem(
    instance_type: str,
    as_of: dt.date | None,
    catalogue_as_of: dt.date,
    freshness_days: int = PRICE_FRESHNESS_DAYS,
    changes: tuple[PriceChange, ...] = KNOWN_PRICE_CHANGES,
) -> str | None:
    """Why a price seen on ``as_of`` should not be trusted, or None when it is fresh enough."""
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
