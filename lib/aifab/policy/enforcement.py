"""Enforcement: what a finding does to the exit code, chosen per pack and per environment.

A level is ``advisory`` (reported, does not block), ``mandatory`` (blocks: exit 1), ``disabled`` (the rule
does not run) or ``by-severity``, the default:

============  =========================================  ==========================
severity      experimentation or staging purpose         production purpose
============  =========================================  ==========================
critical      mandatory                                  mandatory
high          mandatory                                  mandatory
medium        advisory                                   mandatory
low           advisory                                   advisory
============  =========================================  ==========================

Each finding is judged under the environment of its component (see :mod:`aifab.design.environments`):
its environment's id and purpose; shared components and design-wide findings under the strictest
purpose the design has. A setting is one level, or a mapping whose keys are environment ids (``dev``),
purposes (``experimentation``, ``staging``, ``production``), ``non-production`` and ``default``; the most
specific key wins (id, then purpose, then class, then default).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal, TypeAlias

from aifab.design.environments import Purpose

from .findings import Enforcement
from .rule import Severity

Level = Literal["advisory", "mandatory", "disabled", "by-severity"]
LEVELS: tuple[Level, ...] = ("advisory", "mandatory", "disabled", "by-severity")
EnforcementSpec: TypeAlias = Level | dict[str, Level]

_BY_SEVERITY: dict[bool, dict[Severity, Enforcement]] = {
    False: {"critical": "mandatory", "high": "mandatory", "medium": "advisory", "low": "advisory"},
    True: {"critical": "mandatory", "high": "mandatory", "medium": "mandatory", "low": "advisory"},
}
CLASS_KEYS = ("non-production", "default")
"""Keys of an enforcement mapping that are not environment ids or purposes."""


def select(spec: EnforcementSpec | None, env: str | None, purpose: Purpose) -> Level | None:
    """The level a setting gives for environment ``env`` of ``purpose`` (``None``: it says nothing for it)."""
    if spec is None or isinstance(spec, str):
        return spec
    keys = (env, purpose, "non-production" if purpose != "production" else None, "default")
    return next((spec[k] for k in keys if k is not None and k in spec), None)


def resolve(
    severity: Severity,
    specs: tuple[EnforcementSpec | None, ...],
    env: str | None,
    purpose: Purpose = "production",
) -> Enforcement:
    """The enforcement of a rule: the first setting in ``specs`` (most specific first) that says something."""
    level: Level = "by-severity"
    for spec in specs:
        chosen = select(spec, env, purpose)
        if chosen is not None:
            level = chosen
            break
    if level == "by-severity":
        return _BY_SEVERITY[purpose == "production"][severity]
    return level


def check_spec_keys(spec: EnforcementSpec | None) -> EnforcementSpec | None:
    """Validator for mapping keys: environment names look like ids."""
    if isinstance(spec, Mapping):
        for key in spec:
            if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", key):
                raise ValueError(f"{key!r} is not an environment id, a purpose, 'non-production' or 'default'")
    return spec
