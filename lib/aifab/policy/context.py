"""The read-only context a rule receives beside its subject.

>>> ctx.params["allowed_regions"]          # doctest: +SKIP
('eu-west-2',)
>>> [c.id for c in ctx.linking(key)]        # doctest: +SKIP
['lake', 'audit']

Everything here is frozen or a read-only view: rules are pure functions of (subject, context).
``catalogue`` and ``capacity`` are ``None`` when the run does not have them; a rule that declares
``requires=("catalogue",)`` is then reported "not evaluated" without being called. ``capabilities``
holds extra inputs an online run may supply (``quotas``); the offline run supplies none.

Scope questions several packs ask (which boundaries there are, which components a boundary holds, which
regions it allows) are answered here once, so the energy pack and the sovereign packs agree by construction.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from aifab.blueprints.environment import Environment
from aifab.blueprints.facility import Site
from aifab.blueprints.sovereign import SovereignBoundary
from aifab.catalogue import Catalogue
from aifab.design.component import Component
from aifab.design.design import Design
from aifab.design.environments import EnvironmentModel
from aifab.errors import InputError
from aifab.graph.build import DesignGraph

from .capacity import CapacityEstimates


@dataclass(frozen=True)
class DesignIndex:
    """One pass over the design graph answering the context's questions by lookup (linear in the design).

    ``linking`` maps ``(target id, field)`` and ``(target id, None)`` to the components linking to the target,
    in graph order, each once; ``held`` maps a boundary id to the boundary and the components inside it.
    """

    by_id: Mapping[str, Component]
    ordered: tuple[Component, ...]
    by_kind: Mapping[str, tuple[Component, ...]]
    position: Mapping[str, int]
    linking: Mapping[tuple[str, str | None], tuple[Component, ...]]
    held: Mapping[str, tuple[Component, ...]]

    @classmethod
    def of(cls, graph: DesignGraph) -> DesignIndex:
        nx_graph = graph.graph
        by_id: dict[str, Component] = {node: data["component"] for node, data in nx_graph.nodes(data=True)}
        ordered = tuple(by_id.values())
        by_kind: dict[str, list[Component]] = {}
        for component in ordered:
            by_kind.setdefault(component.kind, []).append(component)
        linking: dict[tuple[str, str | None], dict[str, Component]] = {}
        for target, predecessors in nx_graph.pred.items():  # what in_edges(target, keys=True) walks, in its order
            for source, keys in predecessors.items():
                source_component = by_id[source]
                linking.setdefault((target, None), {})[source] = source_component
                for key in keys:
                    linking.setdefault((target, key), {})[source] = source_component
        held: dict[str, list[Component]] = {}
        for component in ordered:
            if isinstance(component, SovereignBoundary):
                held.setdefault(component.id, []).append(component)
                continue
            inside = getattr(component, "inside", None)
            if isinstance(inside, str) and isinstance(by_id.get(inside), SovereignBoundary):
                held.setdefault(inside, []).append(component)
        return cls(
            by_id=MappingProxyType(by_id),
            ordered=ordered,
            by_kind=MappingProxyType({kind: tuple(found) for kind, found in by_kind.items()}),
            position=MappingProxyType({c.id: i for i, c in enumerate(ordered)}),
            linking=MappingProxyType({key: tuple(found.values()) for key, found in linking.items()}),
            held=MappingProxyType({key: tuple(found) for key, found in held.items()}),
        )

    def of_kinds(self, kinds: tuple[str, ...]) -> list[Component]:
        """The components of ``kinds`` (all when empty), in graph order."""
        if not kinds:
            return list(self.ordered)
        if len(kinds) == 1:
            return list(self.by_kind.get(kinds[0], ()))
        found = [c for kind in dict.fromkeys(kinds) for c in self.by_kind.get(kind, ())]
        return sorted(found, key=lambda c: self.position[c.id])


@dataclass(frozen=True)
class PolicyContext:
    design: Design
    graph: DesignGraph
    """The design graph (its networkx graph is frozen): links, dependents, dependencies."""
    params: Mapping[str, Any]
    """The pack's parameters: its defaults, overlaid by the project's policy config."""
    catalogue: Catalogue | None
    capacity: CapacityEstimates | None
    today: dt.date
    env: str | None = None
    """The stack environment being checked (``prod``), when one was selected."""
    capabilities: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    prepared: DesignIndex | None = field(default=None, repr=False, compare=False)
    """The graph's index when the caller built it already (the engine builds one for every pack's context)."""

    def has(self, capability: str) -> bool:
        if capability == "catalogue":
            return self.catalogue is not None
        if capability == "capacity":
            return self.capacity is not None
        return capability in self.capabilities

    # --- components and links ---------------------------------------------------------------------

    @functools.cached_property
    def index(self) -> DesignIndex:
        """The design indexed once (by kind, by link target, by boundary), so every query here is a lookup."""
        return self.prepared if self.prepared is not None else DesignIndex.of(self.graph)

    def component(self, component_id: str | None) -> Component | None:
        if component_id is None:
            return None
        return self.index.by_id.get(component_id)

    def components(self, *kinds: str) -> list[Component]:
        """The design's components (first definition of each id), optionally only these kinds."""
        return self.index.of_kinds(kinds)

    def linked(self, component: Component, field_name: str) -> list[Component]:
        """The components ``component`` links to through ``field_name`` (missing targets left out)."""
        found = []
        for link in component.links():
            if link.field == field_name:
                target = self.component(link.target)
                if target is not None:
                    found.append(target)
        return found

    def linking(self, component: Component, *, field_name: str | None = None) -> list[Component]:
        """The components that link to ``component`` (through ``field_name`` when given)."""
        return list(self.index.linking.get((component.id, field_name), ()))

    # --- placement ----------------------------------------------------------------------------------

    def environment_of(self, component: Component) -> Environment | None:
        env = self.component(getattr(component, "environment", None))
        return env if isinstance(env, Environment) else None

    def is_production(self, component: Component) -> bool:
        """True when the component is judged as production: its environment's purpose, or, for a shared
        component, the strictest purpose of the design (see :mod:`aifab.design.environments`)."""
        return self.environments.purpose(component) == "production"

    @functools.cached_property
    def environments(self) -> EnvironmentModel:
        """Which stack deploys each component, and the purpose each is judged under."""
        return EnvironmentModel.of(self.design)

    def boundary_of(self, component: Component) -> SovereignBoundary | None:
        if isinstance(component, SovereignBoundary):
            return component
        boundary = self.component(getattr(component, "inside", None))
        return boundary if isinstance(boundary, SovereignBoundary) else None

    def site_of(self, component: Component) -> Site | None:
        if isinstance(component, Site):
            return component
        site = self.component(getattr(component, "site", None))
        return site if isinstance(site, Site) else None

    def region_of(self, component: Component) -> str | None:
        """The cloud region a component sits in: its site's region (for AWS sites)."""
        site = self.site_of(component)
        return site.region if site is not None else None

    # --- sovereign scope: one answer for every pack that reasons about boundaries ----------------------

    def boundaries(self, *jurisdictions: str) -> list[SovereignBoundary]:
        """The design's sovereign boundaries; only those of ``jurisdictions`` (catalogue names, any case) when given."""
        wanted = {j.upper() for j in jurisdictions}
        return [
            b
            for b in self.components("sovereign_boundary")
            if isinstance(b, SovereignBoundary) and (not wanted or b.jurisdiction.upper() in wanted)
        ]

    def held_by(self, boundary: SovereignBoundary, *kinds: str) -> list[Component]:
        """The components ``boundary`` holds (those inside it, and the boundary itself), optionally only these kinds."""
        own = self.index.by_id.get(boundary.id)
        if own is not boundary and own != boundary:
            return []  # a boundary that is not the design's own holds nothing in it
        return [c for c in self.index.held.get(boundary.id, ()) if not kinds or c.kind in kinds]

    def jurisdiction_regions(self, jurisdiction: str) -> tuple[str, ...]:
        """The catalogue's region allow-list for ``jurisdiction``; empty without a catalogue or for an unknown name."""
        if self.catalogue is None:
            return ()
        try:
            return tuple(self.catalogue.jurisdiction(jurisdiction).allowed_regions)
        except InputError:
            return ()

    def allowed_regions(self, boundary: SovereignBoundary) -> tuple[str, ...]:
        """The regions a component inside ``boundary`` may use.

        The base list is the pack's ``allowed_regions`` parameter when the pack sets one (the sovereign packs
        let a project narrow it), else the catalogue's allow-list for the boundary's jurisdiction; the
        boundary's own ``allowed_regions`` narrows it further (a region it names outside the base is not allowed).
        """
        override = self.params.get("allowed_regions")
        base = tuple(override) if override else self.jurisdiction_regions(boundary.jurisdiction)
        if boundary.allowed_regions is not None:
            return tuple(r for r in boundary.allowed_regions if r in base)
        return base
