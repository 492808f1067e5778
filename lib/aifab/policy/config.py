"""The project's policy configuration: which packs run, their enforcement per environment, their parameters.

It lives beside the design (``stacks/<arch>/policy.yaml``)::

    packs:                                 # omit to run the default packs (see below)
      baseline-security: {}
      sovereign-uk:
        enforcement: {production: mandatory, dev: advisory, default: by-severity}
        params: {allowed_regions: [eu-west-2]}
      energy:
        enforcement: advisory
        params: {pue_target: 1.3}
    rules:
      NRG-REG-001:
        enforcement: {production: disabled}   # governance off in production needs a record, like a waiver:
        reason: The regional grid factor is published yearly; we report it by hand until the feed exists.
        owner: energy-team@example.org
        expires: 2027-03-31
    max_waiver_days: 365                   # the longest a waiver (or such a record) may run

Disabling a rule or a pack for a production environment, or running no packs at all (``packs: {}``, with
``no_packs: {reason, owner, expires}``), needs that record; each such exception appears in every report,
and when it expires the rule runs again. Rules a pack declares ``disableable=False`` cannot be disabled.

Without the file, or without ``packs``, the default packs run: every pack whose ``pack.yaml`` says
``default: true`` (the default) and, for packs with a ``jurisdictions`` parameter (the sovereign packs),
only when the design has a sovereign boundary in one of those jurisdictions. Enforcement is then
``by-severity`` (see :mod:`.enforcement`). Which environments are production is the design's to say
(each :class:`~aifab.blueprints.environment.Environment` has a purpose), not this file's.
Unknown packs, parameters and rule ids, wrong parameter types and bad enforcement levels are
:class:`InputError` naming the file, line and field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr

from aifab.design.design import Design
from aifab.design.environments import PURPOSES, EnvironmentModel
from aifab.design.yamlsource import LineMap
from aifab.errors import InputError, UnknownNameError

from ._yaml import read_document, validate_model
from .enforcement import CLASS_KEYS, LEVELS, EnforcementSpec, check_spec_keys, select
from .packs import Pack, PackSet
from .rule import Rule
from .waivers import DEFAULT_HORIZON_DAYS, Owner, Reason

CONFIG_FILE = "policy.yaml"

_LEVELS_TEXT = "advisory, mandatory, disabled or by-severity"


def _shown(value: Any) -> str:
    """A value as the user wrote it in YAML: ``.nan`` and ``.inf`` rather than Python's ``nan``, ``inf``."""
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
    if isinstance(value, list | tuple):
        return f"[{', '.join(_shown(v) for v in value)}]"
    return "nothing" if value is None else repr(value)


def _close_level(value: Any) -> str | None:
    """The level a misspelt one (``Mandatory``, ``advisroy``) was meant to be, if one is close."""
    close = difflib.get_close_matches(value.casefold(), LEVELS, n=1) if isinstance(value, str) and value else []
    return close[0] if close else None


def _level_problem(value: Any) -> str | None:
    if isinstance(value, str) and value in LEVELS:
        return None
    close = _close_level(value)
    hint = f"; did you mean {close!r}?" if close else ""
    return f"expected one of {_LEVELS_TEXT} (got {_shown(value)}){hint}"


def enforcement_shape(value: Any) -> Any:
    """Before pydantic tries each shape of the union (and reports each try with its type names), say in
    one sentence what an enforcement setting is: a level, or a mapping of environments to levels.

    >>> enforcement_shape("")
    Traceback (most recent call last):
    ValueError: expected a level (advisory, mandatory, disabled or by-severity) or a mapping of environments \
to levels, e.g. {production: mandatory, default: advisory} (got '')
    """
    if value is None or (isinstance(value, str) and value in LEVELS):
        return value
    if not isinstance(value, dict):
        if _close_level(value) is not None:  # one level, misspelt
            raise ValueError(str(_level_problem(value)))
        raise ValueError(
            f"expected a level ({_LEVELS_TEXT}) or a mapping of environments to levels, "
            f"e.g. {{production: mandatory, default: advisory}} (got {_shown(value)})"
        )
    for key, level in value.items():
        if not isinstance(key, str):
            raise ValueError(
                f"{_shown(key)} is not an environment id, a purpose, 'non-production' or 'default'; quote it if it "
                "is the name of an environment"
            )
        problem = _level_problem(level)
        if problem:
            raise ValueError(f"level for {key!r}: {problem}")
    return value


Spec = Annotated[EnforcementSpec | None, BeforeValidator(enforcement_shape), AfterValidator(check_spec_keys)]


class ExceptionRecord(BaseModel):
    """What switching governance off needs, as a waiver does: a reason, an owner and an expiry date."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: Reason | None = None
    owner: Owner | None = None
    expires: dt.date | None = None

    @property
    def recorded(self) -> bool:
        return self.reason is not None and self.owner is not None and self.expires is not None

    @property
    def partial(self) -> bool:
        return not self.recorded and any(v is not None for v in (self.reason, self.owner, self.expires))


class PackSettings(ExceptionRecord):
    enforcement: Spec = None
    params: dict[str, Any] = Field(default_factory=dict)


class RuleSettings(ExceptionRecord):
    enforcement: Spec = None


@dataclass(frozen=True)
class GovernanceException:
    """Governance switched off by the policy config (a rule or pack disabled in production, or no packs)."""

    kind: Literal["rule-disabled", "pack-disabled", "no-packs"]
    subject: str
    """The rule id, the pack name, or ``packs`` for no packs at all."""
    what: str
    record: ExceptionRecord
    file: str | None
    line: int | None

    def expired(self, today: dt.date) -> bool:
        return self.record.expires is not None and self.record.expires < today


class PolicyConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    packs: dict[str, PackSettings] | None = None
    rules: dict[str, RuleSettings] = Field(default_factory=dict)
    no_packs: ExceptionRecord | None = None
    """The record ``packs: {}`` (no policy pack runs at all) needs: reason, owner, expires."""
    max_waiver_days: Annotated[int, Field(ge=1, le=3650)] = DEFAULT_HORIZON_DAYS
    """How far ahead a waiver or a governance exception may expire (a pack may set a shorter horizon)."""

    _file: str | None = PrivateAttr(default=None)
    _lines: LineMap | None = PrivateAttr(default=None)

    @property
    def file(self) -> str | None:
        """The file this configuration came from (``None`` for the defaults)."""
        return self._file

    def selected_packs(self, packs: PackSet, design: Design, only: tuple[str, ...] = ()) -> list[Pack]:
        """The packs to run: ``only`` when given, else the configured packs, else the defaults."""
        if only:
            return [packs.pack(name) for name in dict.fromkeys(only)]
        if self.packs is not None:
            return [packs.pack(name) for name in self.packs]
        return default_packs(packs, design)

    def settings(self, pack: str) -> PackSettings:
        return (self.packs or {}).get(pack, PackSettings())

    def params(self, pack: Pack) -> dict[str, Any]:
        return {**pack.defaults(), **self.settings(pack.name).params}

    def environment_keys(self) -> list[tuple[str, str]]:
        """Every environment named in an enforcement mapping, with the setting it sits in (for checking)."""
        found: list[tuple[str, str]] = []
        named = [(f"packs.{n}.enforcement", s.enforcement) for n, s in (self.packs or {}).items()]
        named += [(f"rules.{r}.enforcement", s.enforcement) for r, s in self.rules.items()]
        for where, spec in named:
            if isinstance(spec, Mapping):
                found.extend((where, key) for key in spec if key not in (*PURPOSES, *CLASS_KEYS))
        return found

    def enforcement_specs(self, rule: Rule, pack: Pack) -> tuple[EnforcementSpec | None, ...]:
        """Settings that decide a rule's enforcement, most specific first."""
        rule_settings = self.rules.get(rule.id)
        return (
            rule_settings.enforcement if rule_settings else None,
            self.settings(pack.name).enforcement,
            pack.info.enforcement,
        )

    def exceptions(self, packs: PackSet, model: EnvironmentModel, env: str | None) -> list[GovernanceException]:
        """Every place this config switches governance off for production, each with its record (maybe empty)."""
        found: list[GovernanceException] = []
        line = self._lines.line_of if self._lines is not None else (lambda _: None)
        if self.packs == {}:
            record = self.no_packs or ExceptionRecord()
            found.append(
                GovernanceException("no-packs", "packs", "no policy pack runs", record, self.file, line(("packs",)))
            )
        for name, pack_settings in (self.packs or {}).items():
            if disables_production(pack_settings.enforcement, model, env):
                what = f"pack {name} is disabled in production"
                where = line(("packs", name))
                found.append(GovernanceException("pack-disabled", name, what, pack_settings, self.file, where))
        for rule_id, rule_settings in self.rules.items():
            if disables_production(rule_settings.enforcement, model, env):
                what = f"rule {rule_id} is disabled in production"
                where = line(("rules", rule_id))
                found.append(GovernanceException("rule-disabled", rule_id, what, rule_settings, self.file, where))
        return found

    def as_of(self, today: dt.date, packs: PackSet, model: EnvironmentModel, env: str | None) -> PolicyConfig:
        """This config with every expired exception undone: the disabled rule or pack runs again, no packs
        means the default packs."""
        expired = {(e.kind, e.subject) for e in self.exceptions(packs, model, env) if e.expired(today)}
        if not expired:
            return self
        update: dict[str, Any] = {}
        if ("no-packs", "packs") in expired:
            update["packs"] = None
        elif self.packs:
            update["packs"] = {
                n: s.model_copy(update={"enforcement": None}) if ("pack-disabled", n) in expired else s
                for n, s in self.packs.items()
            }
        update["rules"] = {
            r: s.model_copy(update={"enforcement": None}) if ("rule-disabled", r) in expired else s
            for r, s in self.rules.items()
        }
        return self.model_copy(update=update)


def disables_production(spec: EnforcementSpec | None, model: EnvironmentModel, env: str | None) -> bool:
    """Whether ``spec`` disables a rule for anything judged under the production purpose."""
    if spec is None:
        return False
    if not model.has_environments:
        return select(spec, env, "production") == "disabled"
    keys: list[str | None] = [e.id for e in model.environments.values() if e.purpose == "production"]
    if model.strictest() == "production":
        keys.append(None)  # shared components and design-wide findings
    return any(select(spec, key, "production") == "disabled" for key in keys)


def default_packs(packs: PackSet, design: Design) -> list[Pack]:
    from aifab.blueprints.sovereign import SovereignBoundary

    jurisdictions = {c.jurisdiction.upper() for c in design.components if isinstance(c, SovereignBoundary)}
    chosen = []
    for pack in packs:
        if not pack.info.default:
            continue
        tied = {str(j).upper() for j in pack.defaults().get("jurisdictions") or ()}
        if tied and not tied & jurisdictions:
            continue
        chosen.append(pack)
    return chosen


def load_policy_config(path: Path | None, packs: PackSet) -> PolicyConfig:
    """Read and check a policy config; ``None`` gives the defaults."""
    if path is None:
        return PolicyConfig()
    data, lines = read_document(path)
    config = validate_model(PolicyConfig, data, lines, "policy config")
    _check_against(config, packs, lines)
    config._file = lines.file
    config._lines = lines
    return config


def _check_against(config: PolicyConfig, packs: PackSet, lines: LineMap) -> None:
    problems: list[InputError] = []
    for name, settings in (config.packs or {}).items():
        if name not in packs.packs:
            problems.append(_unknown("policy pack", name, list(packs.packs), lines, ("packs", name), f"packs.{name}"))
            continue
        declared = packs.packs[name].info.params
        for param, value in settings.params.items():
            where = ("packs", name, "params", param)
            shown = f"packs.{name}.params.{param}"
            if param not in declared:
                problems.append(_unknown(f"parameter of pack {name}", param, list(declared), lines, where, shown))
                continue
            mismatch = _type_mismatch(declared[param].default, value, declared[param].type)
            if mismatch:
                problems.append(InputError(mismatch, file=lines.file, line=lines.line_of(where), field=shown))
    for rule_id, rule_settings in config.rules.items():
        if rule_id not in packs.rules:
            problems.append(_unknown("rule", rule_id, list(packs.rules), lines, ("rules", rule_id), f"rules.{rule_id}"))
        elif not packs.rules[rule_id].disableable and _can_disable(rule_settings.enforcement):
            problems.append(
                InputError(
                    f"rule {rule_id} cannot be disabled (its pack declares it so); fix the design, or make it advisory "
                    "where that is allowed",
                    file=lines.file,
                    line=lines.line_of(("rules", rule_id, "enforcement")),
                    field=f"rules.{rule_id}.enforcement",
                )
            )
    for name, pack_settings in (config.packs or {}).items():
        fixed = [r.id for r in packs.packs[name].rules if not r.disableable] if name in packs.packs else []
        if fixed and _can_disable(pack_settings.enforcement):
            problems.append(
                InputError(
                    f"pack {name} holds rules that cannot be disabled ({', '.join(fixed)}); do not disable the pack",
                    file=lines.file,
                    line=lines.line_of(("packs", name, "enforcement")),
                    field=f"packs.{name}.enforcement",
                )
            )
    records: list[tuple[tuple[str | int, ...], ExceptionRecord]] = [
        *((("packs", n), s) for n, s in (config.packs or {}).items()),
        *((("rules", r), s) for r, s in config.rules.items()),
        *([(("no_packs",), config.no_packs)] if config.no_packs is not None else []),
    ]
    for at, record in records:
        if record.partial:
            problems.append(
                InputError(
                    "an exception needs reason, owner and expires together (like a waiver)",
                    file=lines.file,
                    line=lines.line_of(at),
                    field=".".join(str(w) for w in at),
                )
            )
    if problems:
        raise InputError.combine(problems, f"{len(problems)} problems in the policy config")


def _can_disable(spec: EnforcementSpec | None) -> bool:
    return spec == "disabled" or (isinstance(spec, Mapping) and "disabled" in spec.values())


def _unknown(
    what: str, name: str, known: list[str], lines: LineMap, where: tuple[str | int, ...], shown: str
) -> InputError:
    return UnknownNameError(what, name, known, file=lines.file, line=lines.line_of(where), field=shown)


_EXAMPLES: dict[str, Any] = {"number": 0.0, "string": "", "bool": False, "list": [], "strings": [""], "mapping": {}}


def _type_mismatch(default: Any, value: Any, declared: str | None = None) -> str | None:
    """A message when ``value`` is not of the kind the parameter takes (its declared type, else its default's)."""
    if value is None:
        return None
    if default is None and declared is not None:
        if declared == "strings" and not (isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)):
            return f"expected a list of strings, e.g. [eu-west-2] (got {_shown(value)})"
        default = _EXAMPLES[declared]
    # the kind first: '.nan' where a list of regions belongs is the wrong kind, not a number out of range
    mismatch = _kind_mismatch(default, value) if default is not None else None
    if mismatch is not None:
        return mismatch
    if isinstance(value, float) and not math.isfinite(value):
        return f"expected a finite number (got {_shown(value)})"
    if isinstance(value, list | tuple) and any(isinstance(v, float) and not math.isfinite(v) for v in value):
        return f"expected finite numbers (got {_shown(value)})"
    return None


def _kind_mismatch(default: Any, value: Any) -> str | None:
    if isinstance(default, list | tuple) and default and isinstance(value, list | tuple):
        item_kind = type(default[0])
        if any(not isinstance(v, item_kind) for v in value):
            return f"expected a list of {item_kind.__name__} values, like {default!r} (got {value!r})"
    if isinstance(default, bool) or isinstance(value, bool):
        ok = isinstance(default, bool) and isinstance(value, bool)
        kind = "true or false"
    elif isinstance(default, int | float):
        ok = isinstance(value, int | float)
        kind = "a number"
    elif isinstance(default, str):
        ok = isinstance(value, str)
        kind = "a string"
    elif isinstance(default, list | tuple):
        ok = isinstance(value, list | tuple)
        kind = "a list"
    elif isinstance(default, dict):
        ok = isinstance(value, dict)
        kind = "a mapping"
    else:
        return None
    return None if ok else f"expected {kind}, like the default {default!r} (got {_shown(value)})"
