"""Edge: inference sites close to users or machines, with latency targets.

>>> from aifab.blueprints.edge import EdgeSite
>>> factory = EdgeSite(id="plant-7", location_name="Sheffield plant 7", latency_target_ms=20,
...                    accelerator="l4", node_count=2, upstream_round_trip_ms=14, syncs_models_from="mlflow")
>>> factory.serves_locally
True
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from aifab.design.component import Link, Ref
from aifab.errors import Diagnostic

from ._placement import Placed


class EdgeSite(Placed):
    """A small inference site (a plant, a branch, a vehicle depot) served from the core platform."""

    kind: Literal["edge_site"] = "edge_site"
    area: ClassVar[str] = "edge"
    needs_site: ClassVar[bool] = False  # an edge site is its own location
    catalogue_refs: ClassVar[dict[str, str]] = {"accelerator": "accelerator"}

    location_name: Annotated[str, Field(min_length=2)]
    latency_target_ms: Annotated[float, Field(gt=0, le=10_000)]
    accelerator: str | None = None
    node_count: Annotated[int, Field(ge=0, le=10_000)] = 1
    node_power_kw: Annotated[float, Field(gt=0, le=50)] = 1.0
    upstream_round_trip_ms: Annotated[float, Field(gt=0, le=10_000)]
    uplink_mbps: Annotated[float, Field(gt=0, le=400_000)] = 1000
    offline_operation: Literal["none", "degraded", "full"] = "degraded"

    syncs_models_from: Annotated[Ref | None, Link("syncs_models_from", ("experiment_tracking",))] = None

    @property
    def serves_locally(self) -> bool:
        return self.node_count > 0 and self.accelerator is not None

    @model_validator(mode="after")
    def _hardware(self) -> EdgeSite:
        if self.node_count > 0 and self.accelerator is None:
            raise ValueError("an edge site with nodes needs an accelerator (catalogue name, e.g. 'l4')")
        return self

    def check(self) -> list[Diagnostic]:
        problems = super().check()
        if not self.serves_locally and self.upstream_round_trip_ms >= self.latency_target_ms:
            problems.append(
                self.problem(
                    "edge-latency-unreachable",
                    f"latency target {self.latency_target_ms} ms cannot be met from upstream "
                    f"(round trip {self.upstream_round_trip_ms} ms) and the site has no local accelerators",
                )
            )
        if self.syncs_models_from is None:
            problems.append(
                self.problem("missing-link", "an edge site needs a registry to sync models from", "warning")
            )
        return problems
