"""The realisation layer: design components become Pulumi resources (pulumi-aws, pulumi-kubernetes).

One module per area, mirroring ``blueprints/``; each blueprint kind is one :class:`Realised` component
(type token ``aifab:<area>:<Kind>``) registered with :func:`realises`. Components take their sizes from the
capacity estimate and never decide policy: by the time :func:`realise` runs, the stack program has already
refused a design ``aifab check`` fails. Imported only by stack programs and preview, so ``check`` stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from aifab.design.component import Component

from . import compute, edge, mlops, network, security, sovereign, storage  # noqa: F401 - registers realisers
from .base import REALISERS, ConfigNeed, Realised, realises
from .context import StackContext

PROTECTED_IN_PRODUCTION = frozenset(
    {
        "aws:s3/bucket:Bucket",
        "aws:kms/key:Key",
        "aws:rds/instance:Instance",
        "aws:fsx/lustreFileSystem:LustreFileSystem",
        "aws:opensearch/domain:Domain",
        "aws:eks/cluster:Cluster",
        "kubernetes:core/v1:PersistentVolumeClaim",
    }
)
"""Types holding data or key material: in a production environment Pulumi refuses to delete or replace them
(``protect``) until someone unprotects them on purpose; experimentation stacks stay disposable."""


def protect_stateful(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
    if args.type_ not in PROTECTED_IN_PRODUCTION:
        return None
    return pulumi.ResourceTransformationResult(
        args.props, pulumi.ResourceOptions.merge(args.opts, pulumi.ResourceOptions(protect=True))
    )


def missing_config(ctx: StackContext, components: Sequence[Component]) -> list[ConfigNeed]:
    """Config values a real deploy of ``components`` needs and this stack does not set."""
    needs = [need for c in components for need in REALISERS[c.kind].needs(c, ctx)]
    return [need for need in needs if not ctx.has_setting(need.key)]


def build_order(ctx: StackContext, components: Sequence[Component]) -> list[Component]:
    """``components`` in deployment order, except that a component also comes after what its realiser
    :meth:`~Realised.reads` of this stack without linking to it (stable otherwise)."""
    pending = list(components)
    here = {c.id for c in pending}
    needs = {c.id: {link.target for link in c.links()} | set(REALISERS[c.kind].reads(c, ctx)) for c in pending}
    done: set[str] = set()
    order: list[Component] = []
    while pending:
        ready = (i for i, c in enumerate(pending) if all(n in done or n not in here or n == c.id for n in needs[c.id]))
        # a cycle through reads keeps deployment order, and ctx.output names the culprit
        order.append(pending.pop(next(ready, 0)))
        done.add(order[-1].id)
    return order


def realise(ctx: StackContext, components: Sequence[Component]) -> dict[str, Realised[Any]]:
    """Build ``components`` (in deployment order) as Pulumi resources; links become dependencies.

    A real deploy with config missing registers nothing and names every key to set; a preview warns.
    """
    unknown = sorted({c.kind for c in components if c.kind not in REALISERS})
    if unknown:
        raise pulumi.RunError(f"no realiser for kind(s) {', '.join(unknown)}; nothing was registered")
    missing = missing_config(ctx, components)
    if missing and not ctx.preview:
        lines = "\n".join(f"  {n.command}    # {n.component}: {n.why}" for n in missing)
        raise pulumi.RunError(f"this deploy needs config the stack does not set; nothing was registered:\n{lines}")
    for need in missing:
        pulumi.log.warn(f"{need.component}: {need.why} is not set; a real deploy needs `{need.command}`")
    for component in build_order(ctx, components):
        realiser = REALISERS[component.kind]
        production = ctx.model.purpose(component) == "production"
        opts = pulumi.ResourceOptions(
            depends_on=ctx.depends_on(component),
            transformations=[protect_stateful] if production else None,
        )
        ctx.built[component.id] = realiser(component, ctx, opts)
    return dict(ctx.built)


__all__ = [
    "PROTECTED_IN_PRODUCTION",
    "REALISERS",
    "ConfigNeed",
    "Realised",
    "StackContext",
    "build_order",
    "missing_config",
    "protect_stateful",
    "realise",
    "realises",
]
