"""`validate`: a site outside its own boundary's allowed_regions is a design error (not only a policy finding)."""

from __future__ import annotations

from aifab.blueprints import Site, SovereignBoundary
from aifab.design.design import Design
from aifab.validate import validate


def _design(region: str, allowed: tuple[str, ...] | None) -> Design:
    uk = SovereignBoundary(id="uk", jurisdiction="UK", allowed_regions=allowed)
    site = Site(id="london", provider="aws", region=region, inside=uk)
    return Design(name="b", components=[uk, site])


def test_a_site_outside_its_boundary_is_an_error() -> None:
    result = validate(_design("eu-west-1", ("eu-west-2",)), capacity=False)
    (d,) = [e for e in result.errors if e.code == "site-outside-boundary"]
    assert not result.valid and d.component == "london" and d.category == "design"
    assert "'eu-west-1' is outside the allowed_regions of boundary 'uk' (eu-west-2)" in d.message


def test_a_site_inside_its_boundary_or_without_a_list_is_fine() -> None:
    assert not [e for e in validate(_design("eu-west-2", ("eu-west-2",)), capacity=False).diagnostics
                if e.code == "site-outside-boundary"]  # fmt: skip
    assert not [e for e in validate(_design("eu-west-1", None), capacity=False).diagnostics
                if e.code == "site-outside-boundary"]  # fmt: skip
