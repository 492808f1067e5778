"""The base every aifab Pulumi component shares: one ``ComponentResource`` per design component.

A blueprint kind ``Kind`` in area ``area`` is realised by a subclass registered with :func:`realises`;
its type token is ``aifab:<area>:<Kind>`` and its Pulumi name is the component id. Children are created
with :meth:`Realised.child` (``parent=self``, the right provider), never inside an ``apply``. What other
components and other stacks need (ids, ARNs, endpoints, kubeconfigs as secrets) is published with
:meth:`Realised.publish` and exported by the stack under the component id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import pulumi

from aifab.design.component import Component

if TYPE_CHECKING:
    from .context import StackContext

C = TypeVar("C", bound=Component)


@dataclass(frozen=True)
class ConfigNeed:
    """A stack config value only a real deploy has (a kubeconfig, a key store id, a password).

    While previewing it is optional and reported; ``pulumi up`` refuses to start without it.
    """

    key: str
    """The key in the ``aifab`` config namespace: ``pulumi config set [--secret] aifab:<key> ...``."""
    why: str
    component: str
    secret: bool = True

    @property
    def command(self) -> str:
        return f"pulumi config set {'--secret ' if self.secret else ''}aifab:{self.key} <value>"


class Realised(pulumi.ComponentResource, Generic[C]):
    """A design component as Pulumi resources. Subclasses implement :meth:`build` and set ``kind``."""

    kind: ClassVar[str]

    def __init__(self, component: C, ctx: StackContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(f"aifab:{component.area}:{type(component).__name__}", component.id, None, opts)
        self.component = component
        self.ctx = ctx
        self.outputs: dict[str, Any] = {}
        ctx.built[component.id] = self  # so build() can reach its own outputs (e.g. its kubeconfig)
        self.build()
        self.register_outputs(self.outputs)

    def build(self) -> None:
        raise NotImplementedError

    @classmethod
    def needs(cls, component: C, ctx: StackContext) -> list[ConfigNeed]:
        """Config values a real deploy of ``component`` must have; none by default."""
        return []

    @classmethod
    def reads(cls, component: C, ctx: StackContext) -> list[str]:
        """Components whose outputs :meth:`build` reads without a link to them (an EFA fabric reads the VPC of
        its pools' cluster): when this stack deploys them, they are built first. None by default."""
        return []

    def child(self, **options: Any) -> pulumi.ResourceOptions:
        """Options for a child: parented here, and depending on every component this one links to.

        The engine does not pass a component's ``depends_on`` down to its children, so each child carries
        it: a node group waits for its fabric's security group even where no output ties them.
        """
        linked: list[pulumi.Resource] = [c for c in self.ctx.depends_on(self.component) if c is not self]
        extra = options.pop("depends_on", None) or []
        return pulumi.ResourceOptions(parent=self, depends_on=[*linked, *extra], **options)

    def publish(self, **outputs: Any) -> None:
        """Outputs other components (and, exported under the component id, other stacks) read."""
        self.outputs.update(outputs)

    def name(self, suffix: str = "") -> str:
        """A child's Pulumi name: the component id, then ``-suffix``."""
        return f"{self.component.id}-{suffix}" if suffix else self.component.id


REALISERS: dict[str, type[Realised[Any]]] = {}

R = TypeVar("R", bound=type[Realised[Any]])


def realises(*kinds: str) -> Callable[[R], R]:
    """Register a :class:`Realised` subclass for blueprint ``kinds`` (one obvious place per kind)."""

    def register(cls: R) -> R:
        for kind in kinds:
            if kind in REALISERS:
                raise RuntimeError(f"kind {kind!r} is realised twice ({REALISERS[kind].__name__}, {cls.__name__})")
            REALISERS[kind] = cls
        return cls

    return register


def plain(outputs: Mapping[str, Any]) -> dict[str, Any]:
    """Outputs with ``None`` left out (Pulumi drops None exports anyway; this keeps goldens stable)."""
    return {k: v for k, v in outputs.items() if v is not None}


__all__ = ["REALISERS", "ConfigNeed", "Realised", "plain", "realises"]
