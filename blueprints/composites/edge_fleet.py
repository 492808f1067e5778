"""An edge fleet: several edge inference sites alike in hardware and targets, syncing models from one registry.

>>> from aifab.blueprints.composites import EdgeFleet, EdgeLocation
>>> fleet = EdgeFleet(id="edge", accelerator="l4", nodes_per_site=2, latency_target_ms=20,
...                   syncs_models_from="mlflow", inside="uk",
...                   locations={"sheffield": EdgeLocation(location_name="Sheffield plant", upstream_round_trip_ms=9),
...                              "leeds": EdgeLocation(location_name="Leeds depot", upstream_round_trip_ms=7)})
>>> [(c.kind, c.id) for c in fleet.expand()]
[('edge_site', 'edge-sheffield'), ('edge_site', 'edge-leeds')]
>>> fleet.expand()[1].node_count, fleet.expand()[1].syncs_models_from
(2, 'mlflow')
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from aifab.design.component import SPEC_CONFIG, Component, ComponentId, Ref, StrictNumbers
from aifab.design.composite import PlacedComposite, given

from ..edge import EdgeSite


class EdgeLocation(StrictNumbers):
    """One site of a fleet: where it is and how far upstream is; ``node_count`` overrides the fleet's."""

    model_config = SPEC_CONFIG

    location_name: str
    upstream_round_trip_ms: float
    node_count: int | None = None
    uplink_mbps: float | None = None


class EdgeFleet(PlacedComposite):
    """One edge site per entry of ``locations`` (``<id>-<name>``), each with the fleet's accelerator,
    ``nodes_per_site`` nodes, latency target and offline mode, syncing models from ``syncs_models_from``.
    Edge sites are their own location: they take the boundary and environment, not a site.
    """

    use: Literal["edge-fleet"] = "edge-fleet"
    parts: ClassVar[dict[str, str]] = {}
    main: ClassVar[str] = ""

    locations: Annotated[dict[ComponentId, EdgeLocation], Field(min_length=1)]
    accelerator: str | None = None
    nodes_per_site: int | None = None
    node_power_kw: float | None = None
    latency_target_ms: float
    offline_operation: Literal["none", "degraded", "full"] | None = None
    syncs_models_from: Ref | None = None

    def ref(self, part: str | None = None) -> str:
        """The id of the site for location ``part`` (the first location by default)."""
        return f"{self.id}-{part or next(iter(self.locations))}"

    def components(self) -> Iterator[Component]:
        placed = {k: v for k, v in self.placement().items() if k != "site"}
        for name, where in self.locations.items():
            yield self.build(
                EdgeSite,
                self.ref(name),
                member=where,
                at=("locations", name),
                location_name=where.location_name,
                latency_target_ms=self.latency_target_ms,
                accelerator=self.accelerator,
                upstream_round_trip_ms=where.upstream_round_trip_ms,
                syncs_models_from=self.syncs_models_from,
                **given(
                    node_count=where.node_count if where.node_count is not None else self.nodes_per_site,
                    node_power_kw=self.node_power_kw,
                    uplink_mbps=where.uplink_mbps,
                    offline_operation=self.offline_operation,
                ),
                **placed,
            )
