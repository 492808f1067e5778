"""Environments: experimentation, staging and production, kept apart by account, namespace and data rules.

An environment is one Pulumi stack of the same name (``pulumi up -s prod``): it deploys the components
that link to it, into its account and namespace; the one with ``hosts_shared=True`` also deploys the
components that belong to no environment. See :mod:`aifab.design.environments`.

>>> from aifab.blueprints.environment import Environment
>>> prod = Environment(id="prod", purpose="production", aws_account_id="111122223333")
>>> exp = Environment(id="exp", purpose="experimentation", aws_account_id="444455556666",
...                   may_read_production_data=False)
>>> exp.purpose
'experimentation'
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from aifab.design.component import Component, Link, Ref


class Environment(Component):
    """An isolated environment. Production and experimentation should differ in account or namespace."""

    kind: Literal["environment"] = "environment"
    area: ClassVar[str] = "environment"
    deployable: ClassVar[bool] = False

    purpose: Literal["experimentation", "staging", "production"]
    aws_account_id: Annotated[str | None, Field(pattern=r"^\d{12}$")] = None
    kubernetes_namespace: Annotated[str | None, Field(pattern=r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")] = None
    may_read_production_data: bool = False
    hosts_shared: bool = False
    """This environment's stack deploys the components that belong to no environment (keys, audit log...)."""
    promotes_from: Annotated[Ref | None, Link("promotes_from", ("environment",))] = None
