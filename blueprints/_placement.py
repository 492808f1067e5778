"""Links most components share: where they physically sit, which boundary holds them, which environment owns them."""

from __future__ import annotations

from typing import Annotated, ClassVar

from aifab.design.component import Component, Link, Ref


class Placed(Component):
    """A component that sits at a site, inside a sovereignty boundary, and belongs to an environment."""

    needs_site: ClassVar[bool] = True
    needs_boundary: ClassVar[bool] = True

    site: Annotated[Ref | None, Link("sited_at", ("site",))] = None
    inside: Annotated[Ref | None, Link("inside", ("sovereign_boundary",))] = None
    environment: Annotated[Ref | None, Link("belongs_to", ("environment",))] = None


ENCRYPTION_KEY = Link("encrypted_by", ("key_management",))
CLUSTER = Link("runs_on", ("kubernetes_cluster",))
NETWORK = Link("in_network", ("network",))
