"""edge-fleet: edge sites alike in hardware, syncing from one registry."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from aifab.blueprints.composites import EdgeFleet, EdgeLocation


def test_one_site_per_location() -> None:
    fleet = EdgeFleet(
        id="edge",
        accelerator="l4",
        nodes_per_site=2,
        latency_target_ms=20,
        syncs_models_from="mlflow",
        site="ignored",
        inside="uk",
        environment="prod",
        locations={
            "a": EdgeLocation(location_name="Plant A", upstream_round_trip_ms=9),
            "b": EdgeLocation(location_name="Plant B", upstream_round_trip_ms=5, node_count=4),
        },
    )
    a, b = fleet.expand()
    assert (a.id, a.node_count, b.id, b.node_count) == ("edge-a", 2, "edge-b", 4)
    assert (a.syncs_models_from, a.inside, a.environment, a.site) == ("mlflow", "uk", "prod", None)


def test_a_bad_location_is_reported_at_it() -> None:
    with pytest.raises(ValidationError) as caught:
        EdgeFleet(
            id="edge",
            latency_target_ms=20,
            accelerator="l4",
            locations={"a": EdgeLocation(location_name="Plant A", upstream_round_trip_ms=-1)},
        )
    assert caught.value.errors()[0]["loc"] == ("locations", "a", "upstream_round_trip_ms")
