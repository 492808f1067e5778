"""A sovereign landing zone: a sovereignty boundary, the sites inside it and the environments that use them.

>>> from aifab.blueprints import Environment, Site, SovereignBoundary
>>> from aifab.blueprints.composites import SovereignLandingZone
>>> uk = SovereignLandingZone(
...     id="uk-zone", boundary=SovereignBoundary(id="uk", jurisdiction="UK", key_custody="customer-hsm"),
...     sites=(Site(id="london", provider="aws", region="eu-west-2"),),
...     environments=(Environment(id="dev", purpose="experimentation"),
...                   Environment(id="prod", purpose="production")))
>>> [(c.kind, c.id) for c in uk.expand()]
[('sovereign_boundary', 'uk'), ('site', 'london'), ('environment', 'dev'), ('environment', 'prod')]
>>> uk.expand()[1].inside, uk.expand()[3].promotes_from
('uk', 'dev')
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Literal

from aifab.design.component import Component
from aifab.design.composite import Composite

from ..environment import Environment
from ..facility import Site
from ..sovereign import SovereignBoundary


class SovereignLandingZone(Composite):
    """The ``boundary`` (the main part), its ``sites`` and its ``environments``, each keeping its id.

    Sites sit inside the boundary. Environments keep their ids and are listed in
    promotion order: each one that names no ``promotes_from`` promotes from the one before it.
    """

    use: Literal["sovereign-landing-zone"] = "sovereign-landing-zone"
    parts: ClassVar[dict[str, str]] = {}

    boundary: SovereignBoundary
    sites: tuple[Site, ...] = ()
    environments: tuple[Environment, ...] = ()

    def ref(self, part: str | None = None) -> str:
        """The boundary's id (the main part)."""
        return self.boundary.id

    def components(self) -> Iterator[Component]:
        yield self.adopt(self.boundary, ("boundary",))
        for index, site in enumerate(self.sites):
            yield self.adopt(site, ("sites", index), inside=self.boundary.id)
        previous = None
        for index, env in enumerate(self.environments):
            yield self.adopt(env, ("environments", index), promotes_from=previous)
            previous = env.id
