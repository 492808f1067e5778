"""sovereign-landing-zone: a boundary, its sites and its environments."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from aifab.blueprints import Environment, Site, SovereignBoundary
from aifab.blueprints.composites import SovereignLandingZone


def test_sites_sit_inside_and_environments_promote_in_order() -> None:
    zone = SovereignLandingZone(
        id="uk-zone",
        boundary=SovereignBoundary(id="uk", jurisdiction="UK", egress="allow-list", egress_allow=("10.0.0.0/8",)),
        sites=(Site(id="london", provider="aws", region="eu-west-2"),),
        environments=(
            Environment(id="dev", purpose="experimentation"),
            Environment(id="stage", purpose="staging"),
            Environment(id="prod", purpose="production", promotes_from="dev"),
        ),
    )
    boundary, london, dev, stage, prod = zone.expand()
    assert (boundary.id, boundary.egress_allow, london.inside) == ("uk", ("10.0.0.0/8",), "uk")
    assert (dev.promotes_from, stage.promotes_from, prod.promotes_from) == (None, "dev", "dev")


def test_a_bad_site_is_reported_at_the_site() -> None:
    with pytest.raises(ValidationError) as caught:
        SovereignLandingZone.model_validate(
            {"id": "z", "boundary": {"id": "uk", "jurisdiction": "UK"}, "sites": [{"id": "x", "provider": "aws"}]}
        )
    assert caught.value.errors()[0]["loc"][:2] == ("sites", 0)
