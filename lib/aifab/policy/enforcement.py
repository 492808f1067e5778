"""Enforcement: what a finding does to the exit code, chosen per pack and per environment.

A level is ``advisory`` (reported, does not block), ``mandatory`` (blocks: exit 1), ``disabled`` (the rule
does not run) or ``by-severity``, the default:

============  =================================  ==========================
severity      no --env, or a non-production env  a production env
============  =================================  ==========================
critical      mandatory                          mandatory
high          mandatory                          mandatory
medium        advisory                           mandatory
low           advisory                           advisory
============  =================================  ==========================

A setting is one level, or a mapping from environment to level whose keys are environment names
(``dev``, ``prod``), ``production`` / ``non-production`` (every environment of that class) and
``default``; the most specific key wins. Production environments are those named in the policy
config's ``production_environments`` (default ``prod`` and ``production``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal, TypeAlias

from .findings import Enforcement
from .rule import Severity

Level = Literal["advisory", "mandatory", "disabled", "by-severity"]
LEVELS: tuple[Level, ...] = ("advisory", "mandatory", "disabled", "by-severity")
EnforcementSpec: TypeAlias = Level | dict[str, Level]

DEFAULT_PRODUCTION_ENVIRONMENTS = ("prod", "production")

_BY_SEVERITY: dict[bool, dict[Severity, Enforcement]] = {
    False: {"critical": "mandatory", "high": "mandatory", "medium": "advisory", "low": "advisory"},
    True: {"critical": "mandatory", "high": "mandatory", "medium": "mandatory", "low": "advisory"},
}


def is_production(env: str | None, production_environments: tuple[str, ...]) -> bool:
    return env is not None and env in production_environments


def select(spec: EnforcementSpec | None, env: str | None, production: bool) -> Level | None:
    """The level a setting gives for ``env`` (``None`` when the setting says nothing for it)."""
    if spec is None or isinstance(spec, str):
        return spec
    if env is not None and env in spec:
        return spec[env]
    by_class = spec.get("production" if production else "non-production")
    return by_class if by_class is not None else spec.get("default")


def resolve(
    severity: Severity,
    specs: tuple[EnforcementSpec | None, ...],
    env: str | None,
    production_environments: tuple[str, ...] = DEFAULT_PRODUCTION_ENVIRONMENTS,
) -> Enforcement:
    """The enforcement of a rule: the first setting in ``specs`` (most specific first) that says something."""
    production = is_production(env, production_environments)
    level: Level = "by-severity"
    for spec in specs:
        chosen = select(spec, env, production)
        if chosen is not None:
            level = chosen
            break
    if level == "by-severity":
        return _BY_SEVERITY[production][severity]
    return level


def check_spec_keys(spec: EnforcementSpec | None) -> EnforcementSpec | None:
    """Validator for mapping keys: environment names look like ids."""
    if isinstance(spec, Mapping):
        for key in spec:
            if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", key):
                raise ValueError(f"{key!r} is not an environment name, 'production', 'non-production' or 'default'")
    return spec
