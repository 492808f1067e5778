"""Price age: a price older than the freshness window, or from before a known price change, is a warning."""

from __future__ import annotations

import datetime as dt

from aifab.blueprints import GpuPool, Site
from aifab.capacity import estimate_design
from aifab.catalogue import load_catalogue
from aifab.catalogue.price_age import price_age_problem
from aifab.design.design import Design

CATALOGUE_AS_OF = dt.date(2026, 11, 28)


def test_fresh_prices_pass_and_old_ones_do_not() -> None:
    days = load_catalogue().price_freshness_days
    edge = CATALOGUE_AS_OF - dt.timedelta(days=days)
    assert price_age_problem("m7i.24xlarge", edge, CATALOGUE_AS_OF, days, ()) is None
    old = price_age_problem("m7i.24xlarge", edge - dt.timedelta(days=1), CATALOGUE_AS_OF, days, ())
    assert old is not None and f"{days + 1} days before" in old
    assert price_age_problem("m7i.24xlarge", None, CATALOGUE_AS_OF, days, ()) == (
        "the price of m7i.24xlarge has no date: its age cannot be checked"
    )


def test_a_price_from_before_the_june_2025_gpu_price_cut_is_flagged() -> None:
    cat = load_catalogue()
    (cut,) = cat.price_changes
    assert cut.effective == dt.date(2025, 6, 1) and "p5.48xlarge" in cut.instance_types
    # within the window, but before the cut: still a warning
    seen, catalogue_as_of, window = dt.date(2025, 5, 20), dt.date(2025, 12, 1), cat.price_freshness_days
    problem = price_age_problem("p5.48xlarge", seen, catalogue_as_of, window, cat.price_changes)
    assert problem is not None and "predates a price change on 2025-06-01" in problem
    assert price_age_problem("g6e.48xlarge", seen, catalogue_as_of, window, cat.price_changes) is None


def test_estimate_warns_on_a_pre_cut_price() -> None:
    # Karpenter's AWS price table of 2025-04-29 had p5.48xlarge at 98.32 USD/h in us-east-1; 55.04 after the cut
    # (https://github.com/aws/karpenter-provider-aws/commits/main/pkg/providers/pricing/zz_generated.pricing_aws.go,
    # read 2026-12-01)
    cat = load_catalogue()
    p5 = cat.instance_type("p5.48xlarge")
    old = p5.model_copy(
        update={"prices": {"us-east-1": 98.32}, "price_as_of": dt.date(2025, 4, 29), "field_sources": {}}
    )
    stale = cat.model_copy(update={"instance_types": {**cat.instance_types, "p5.48xlarge": old}})
    site = Site(id="va", provider="aws", region="us-east-1")
    pool = GpuPool(id="train", role="training", instance_type="p5.48xlarge", node_count=1, site=site)
    est = estimate_design(Design(name="p", components=[site, pool]), catalogue=stale)
    (d,) = [f for f in est.findings if f.code == "capacity-price-stale"]
    assert d.severity == "warning" and d.component == "train"
    assert "578 days before" in d.message and "predates a price change on 2025-06-01" in d.message
    fresh = estimate_design(Design(name="p", components=[site, pool]), catalogue=cat)
    assert not [f for f in fresh.findings if f.code == "capacity-price-stale"]
