"""One environment model: an :class:`~aifab.blueprints.environment.Environment` component *is* a Pulumi stack.

* ``pulumi up -s prod`` (and ``--env prod`` on every command) selects the environment with id ``prod``;
  ``Pulumi.prod.yaml`` beside the design holds that stack's config and, under ``aifab:overrides``,
  settings for the components that stack deploys, and only those.
* A component belongs to an environment through its ``environment`` link; that environment's stack
  deploys it, into the environment's account and namespace.
* A deployable component with no environment is *shared* (keys, audit log, access control, a fabric in a
  colocation hall): the one environment marked ``hosts_shared=True`` deploys it, and the other stacks
  reference it. Sites, boundaries and environments describe where things sit; no stack deploys them.
* A component is judged under its own environment's purpose. Shared components serve every environment,
  so they are judged under the strictest purpose the design has; design-wide findings too.
* A design without environments is a single environment: every stack deploys all of it, and it is judged
  as production (nothing in the design says otherwise). The stack's name then keys its enforcement.

>>> from aifab.blueprints import Environment, KeyManagement, DataLake
>>> from aifab.design.design import Design
>>> from aifab.design.environments import EnvironmentModel
>>> dev = Environment(id="dev", purpose="experimentation")
>>> prod = Environment(id="prod", purpose="production", hosts_shared=True)
>>> key = KeyManagement(id="kms")
>>> design = Design(name="d", components=[dev, prod, key, DataLake(id="scratch", encrypted_by=key, environment=dev)])
>>> model = EnvironmentModel.of(design)
>>> [c.id for c in model.deployed_by("dev")], [c.id for c in model.deployed_by("prod")]
(['scratch'], ['kms'])
>>> model.purpose(design.component("scratch")), model.purpose(key)
('experimentation', 'production')
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from aifab.blueprints.environment import Environment
from aifab.design.component import Component
from aifab.design.design import Design
from aifab.errors import Diagnostic

Purpose = Literal["experimentation", "staging", "production"]
PURPOSES: tuple[Purpose, ...] = ("experimentation", "staging", "production")
"""From least to most strict."""


@dataclass(frozen=True)
class EnvironmentModel:
    """Which stack deploys which component of one design, and under which purpose each is judged."""

    design: Design
    environments: Mapping[str, Environment]
    host: str | None
    """The environment that deploys the shared components (``hosts_shared``), if exactly one does."""
    by_id: Mapping[str, Component]
    """The first component of each id."""

    @classmethod
    def of(cls, design: Design) -> EnvironmentModel:
        by_id: dict[str, Component] = {}
        for c in design.components:
            by_id.setdefault(c.id, c)
        envs = {i: c for i, c in by_id.items() if isinstance(c, Environment)}
        hosts = [e.id for e in envs.values() if e.hosts_shared]
        return cls(
            design=design,
            environments=MappingProxyType(envs),
            host=hosts[0] if len(hosts) == 1 else None,
            by_id=MappingProxyType(by_id),
        )

    @property
    def has_environments(self) -> bool:
        return bool(self.environments)

    def owner(self, component: Component) -> str | None:
        """The environment a component belongs to, or ``None`` when it is shared (or the design has none)."""
        env = getattr(component, "environment", None)
        return env if isinstance(env, str) and env in self.environments else None

    def deployer(self, component: Component) -> str | None:
        """The environment whose stack deploys ``component`` (``None``: no stack does, or no environments)."""
        if not component.deployable:
            return None
        return self.owner(component) or self.host

    def deployed_by(self, env: str | None) -> list[Component]:
        """The components stack ``env`` deploys, in design order (every deployable one without environments)."""
        return [
            c for c in self.by_id.values() if c.deployable and (not self.has_environments or self.deployer(c) == env)
        ]

    def strictest(self) -> Purpose:
        if not self.environments:
            return "production"
        return max((e.purpose for e in self.environments.values()), key=PURPOSES.index)

    def purpose(self, component: Component | None) -> Purpose:
        """The purpose ``component`` is judged under: its environment's, else the strictest (shared, design-wide)."""
        if isinstance(component, Environment):
            own: Purpose = component.purpose
            return own
        owner = self.owner(component) if component is not None else None
        return self.environments[owner].purpose if owner is not None else self.strictest()

    def diagnostics(self) -> Iterator[Diagnostic]:
        """Problems with the model itself: shared components no stack deploys, links that cross stacks."""
        if not self.environments:
            return
        hosts = [e for e in self.environments.values() if e.hosts_shared]
        for extra in hosts[1:]:
            yield extra.problem(
                "environment-hosts",
                f"environments {', '.join(repr(h.id) for h in hosts)} all set hosts_shared; "
                "exactly one stack deploys the shared components",
                field="hosts_shared",
            )
        for c in self.by_id.values():
            if c.deployable and self.owner(c) is None and not hosts:
                yield c.problem(
                    "environment-unhosted",
                    "belongs to no environment, and no environment sets hosts_shared, so no stack deploys it: "
                    f"link it to one of {', '.join(sorted(self.environments))} or set hosts_shared on one",
                    field="environment",
                )
            yield from self._crossing_links(c)

    def _crossing_links(self, c: Component) -> Iterator[Diagnostic]:
        mine = self.owner(c)
        if mine is None or isinstance(c, Environment):
            return
        for link in c.links():
            target = self.by_id.get(link.target)
            theirs = self.owner(target) if target is not None else None
            if theirs is None or theirs == mine or isinstance(target, Environment):
                continue
            yield c.problem(
                "environment-crossing",
                f"{link.field} links to {link.target!r} of environment {theirs!r}, but this component belongs to "
                f"{mine!r}: stack {mine!r} would depend on a resource stack {theirs!r} deploys",
                severity="error" if link.spec.required else "warning",
                field=link.field,
            )

    def scoped(self, env: str) -> Design:
        """What stack ``env`` sizes: what it deploys, the shared components it uses, and where they sit.

        Links to components another environment deploys are left out, so the result is a design of its own
        (for the capacity estimate of one stack); it is never deployed or exported.
        """
        keep = {c.id for c in self.deployed_by(env)}
        keep |= {i for i, c in self.by_id.items() if not c.deployable}
        frontier = list(keep)
        while frontier:
            for link in self.by_id[frontier.pop()].links():
                target = self.by_id.get(link.target)
                if target is not None and target.id not in keep and self.owner(target) is None:
                    keep.add(target.id)
                    frontier.append(target.id)
        components = [_without_links_outside(c, keep) for c in self.design.components if c.id in keep]
        return Design.model_validate({**self.design.model_dump(exclude={"components"}), "components": components}).at(
            self.design.location
        )


def stack_view(design: Design, env: str | None) -> Design:
    """What stack ``env`` sizes (:meth:`EnvironmentModel.scoped`); the whole design with no ``env`` or no
    environments."""
    model = EnvironmentModel.of(design)
    return model.scoped(env) if env is not None and model.has_environments else design


def _without_links_outside(component: Component, keep: set[str]) -> Component:
    dropped: dict[str, object] = {}
    for name in component.link_fields():
        value = getattr(component, name)
        if isinstance(value, str) and value not in keep:
            dropped[name] = None
        elif isinstance(value, tuple) and any(v not in keep for v in value):
            dropped[name] = tuple(v for v in value if v in keep)
    if not dropped:
        return component
    data = {**component.model_dump(mode="python", exclude_unset=True), **dropped}
    return type(component).model_validate(data).at(component.location, component._field_lines)


__all__ = ["PURPOSES", "EnvironmentModel", "Purpose", "stack_view"]
