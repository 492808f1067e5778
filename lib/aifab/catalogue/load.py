"""Read the built-in catalogue (once per process) and apply a user's overrides file on top of it."""

from __future__ import annotations

import difflib
import functools
import re
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from aifab.catalogue.catalogue import SECTIONS, Catalogue
from aifab.catalogue.models import CatalogueEntry, PriceChange, Source, dump_entry, meta_fields
from aifab.design.yamlsource import LineMap, deep_merge, read_yaml, read_yaml_file
from aifab.errors import InputError, UnknownNameError
from aifab.validation_errors import error_message

__all__ = ["DATA_FILE", "load_catalogue"]

DATA_FILE = "aifab/catalogue/data/catalogue.yaml"
"""How the built-in data file is named in messages (it is read as package data)."""

_TOP_LEVEL = ("version", "as_of", "price_freshness_days", "price_changes", *SECTIONS)
_LOADER_ONLY = ("base_source", "overridden_fields")


def load_catalogue(overrides: str | Path | None = None) -> Catalogue:
    """The built-in catalogue, or a new one with ``overrides`` (a YAML file) applied on top.

    The built-in data is parsed once per process; without overrides every call returns that same
    frozen object. An overrides file has the same sections as the built-in data, with any subset of
    entries and fields: a known entry is deep-merged field by field, an unknown one is added. Every
    changed or added entry's source becomes ``user-override`` naming the file, unless the override
    gives its own ``source:``; the built-in source stays readable as ``base_source``.

    >>> cat = load_catalogue()
    >>> cat.accelerator("h100-sxm").tdp_w
    700.0
    >>> load_catalogue() is cat
    True

    An overrides file such as::

        accelerators:
          h100-sxm:
            tdp_w: 650
        instance_types:
          p5.48xlarge:
            prices: {eu-west-2: 61.2}
            price_as_of: 2026-10-01

    changes those values and marks them ``user-override``. The file may also set ``price_freshness_days``
    (how many days before the catalogue's ``as_of`` a price may have been seen, e.g. 90) and list
    ``price_changes`` the catalogue does not know of; they are added to the built-in ones.

    Provenance is per value: each value the file changes gets its own source (the entry's ``source:`` in the
    file, a ``field_sources:`` entry, else ``user-override`` naming the file), dated by ``price_as_of`` for
    the prices it sets, else by that source's ``as_of``, else by the file's top-level ``as_of``. Every other
    value keeps its own source and date: the London price above does not re-date the built-in us-east-1 price,
    and the file's ``as_of`` dates its own values, not the catalogue. A missing or malformed file, an unknown
    section or field, a wrong type or an out-of-range number raises :class:`InputError` naming the file, the
    line and the field path.
    """
    base = _base_catalogue()
    if overrides is None:
        return base
    path = Path(overrides)
    try:
        stat = path.stat()
    except OSError:
        return _apply_overrides(base, path)  # reports the missing or unreadable file
    return _overridden(path, str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _overridden(path: Path, resolved: str, mtime_ns: int, size: int) -> Catalogue:
    """The catalogue with one overrides file applied; read again only when the file changes (path, mtime, size)."""
    return _apply_overrides(_base_catalogue(), path)


@functools.lru_cache(maxsize=1)
def _base_catalogue() -> Catalogue:
    text = resources.files("aifab.catalogue").joinpath("data/catalogue.yaml").read_text(encoding="utf-8")
    data, values = read_yaml(text, DATA_FILE)
    lines = _Lines(values)
    if not isinstance(data, dict):
        raise InputError("expected a mapping of catalogue sections", file=DATA_FILE, line=1)
    _check_top_level(data, lines)
    freshness_days, changes = _price_age(data, lines)
    sections: dict[str, dict[str, CatalogueEntry]] = {}
    for section, body in data.items():
        if section in SECTIONS:
            sections[section] = {
                name: _validate(section, name, raw, lines) for name, raw in _entries(section, body, lines)
            }
    instance_types = sections.get("instance_types", {})
    price_age: dict[str, Any] = {"price_changes": _resolve_price_changes(changes, instance_types, lines)}
    if freshness_days is not None:  # else Catalogue says it is missing
        price_age["price_freshness_days"] = freshness_days
    try:
        catalogue = Catalogue(version=data.get("version"), as_of=data.get("as_of"), **price_age, **sections)
    except ValidationError as exc:
        raise _input_error(exc, Catalogue, (), lines) from None
    _check_references(catalogue, lines)
    return catalogue


def _apply_overrides(base: Catalogue, path: Path) -> Catalogue:
    data, values = read_yaml_file(path)
    lines = _Lines(values)
    file = lines.file
    if data is None:
        return base.model_copy(update={"overrides": (*base.overrides, file)})
    if not isinstance(data, dict):
        sections = ", ".join(SECTIONS)
        raise InputError(f"expected a mapping of catalogue sections ({sections})", file=file, line=1)
    _check_top_level(data, lines)
    freshness_days, changes = _price_age(data, lines)
    update: dict[str, Any] = {"overrides": (*base.overrides, file)}
    if freshness_days is not None:
        update["price_freshness_days"] = freshness_days
    for key, expected in (("version", "text"), ("as_of", "a date like 2026-11-01")):
        if key in data:
            valid = isinstance(data[key], str) if key == "version" else _plain_date(data[key]) is not None
            if not valid:
                line = lines.line_of((key,))
                raise InputError(f"expected {expected} (got {_shown(data[key])})", file=file, line=line, field=key)
            if key == "version":
                update[key] = data[key]
    # The file's as_of dates the values it sets; the catalogue's own date stays, since the values the file
    # leaves alone are as old as the built-in data says.
    file_as_of = _plain_date(data.get("as_of"))
    default_source = Source(type="user-override", url=None, confidence="high", note=file, as_of=file_as_of)
    for section, body in data.items():
        if section not in SECTIONS:
            continue
        entries: dict[str, CatalogueEntry] = dict(getattr(base, section))
        for name, raw in _entries(section, body, lines):
            existing = _find(entries, name)
            try:
                entry = _override(section, name, raw, existing, default_source, lines)
            except InputError as exc:
                if existing is None and "missing required field" in exc.message:
                    raise _new_entry_hint(exc, section, name, list(entries)) from None
                raise
            if existing is not None:
                del entries[existing.key]
            entries[entry.key] = entry
        update[section] = entries
    if changes:  # added to the built-in ones: a team knows of changes the catalogue does not, never fewer
        instance_types = update.get("instance_types", base.instance_types)
        update["price_changes"] = (*base.price_changes, *_resolve_price_changes(changes, instance_types, lines))
    catalogue = base.model_copy(update=update)
    _check_references(catalogue, lines)
    return catalogue


class _Lines:
    """Lines of a document's keys (where a user looks for the field) and, failing that, of its values."""

    def __init__(self, values: LineMap) -> None:
        self.file = values.file
        self.values = values
        self.keys = values.keys  # recorded by read_yaml as it walked the document: no second parse

    def line_of(self, path: tuple[Any, ...]) -> int | None:
        for cut in range(len(path), 0, -1):
            line = self.keys.get(path[:cut])
            if line is not None:
                return line
        return self.values.line_of(path)


def _override(
    section: str,
    name: str,
    raw: dict[str, Any],
    existing: CatalogueEntry | None,
    default_source: Source,
    lines: _Lines,
) -> CatalogueEntry:
    key_field = SECTIONS[section].key_field
    for key in raw:
        if not isinstance(key, str):  # YAML reads an unquoted 0, 1.5 or true as a number or a boolean
            raise InputError(
                f"expected a field name, got {key!r} (read as {type(key).__name__}); quote it if it is meant as text",
                file=lines.file,
                line=lines.line_of((section, name, key)),
                field=f"{section}.{name}",
            )
    for meta in _LOADER_ONLY:
        if meta in raw:
            raise InputError(
                f"{meta!r} is set by the loader, not by overrides files",
                file=lines.file,
                line=lines.line_of((section, name, meta)),
                field=f"{section}.{name}.{meta}",
            )
    source = default_source
    if "source" in raw:
        source = _validate_part(Source, raw["source"], (section, name, "source"), lines)
        if source.as_of is None:
            source = source.model_copy(update={"as_of": default_source.as_of})
    user_field_sources = raw.get("field_sources") or {}
    if not isinstance(user_field_sources, dict):
        raise InputError(
            f"expected a mapping of field names to sources (got {type(user_field_sources).__name__})",
            file=lines.file,
            line=lines.line_of((section, name, "field_sources")),
            field=f"{section}.{name}.field_sources",
        )
    changes = {k: v for k, v in raw.items() if k not in meta_fields()}
    if existing is None:
        merged = {key_field: name, **changes, "source": source, "field_sources": user_field_sources}
        return _validate(section, name, merged, lines)
    if key_field in changes and str(changes[key_field]).casefold() != existing.key.casefold():
        raise InputError(
            f"cannot rename {existing.key!r} to {changes[key_field]!r}; add a new entry instead",
            file=lines.file,
            line=lines.line_of((section, name, key_field)),
            field=f"{section}.{name}.{key_field}",
        )
    changes.pop(key_field, None)
    price_date = _plain_date(raw.get("price_as_of"))
    if _dates_only_its_prices(existing, changes):
        del changes["price_as_of"]  # dates the prices set here; the other prices keep their own date
    current = dump_entry(existing)
    paths: list[str] = []
    for field, value in changes.items():
        if isinstance(value, dict) and isinstance(current.get(field), dict):
            paths.extend(f"{field}.{sub}" for sub in value)  # merged key by key
        else:
            paths.append(field)
    field_sources = {
        path: src
        for path, src in existing.field_sources.items()
        if not any(path == p or path.startswith(f"{p}.") for p in paths)
    }
    for path in paths:
        dated = path.startswith("prices.") and price_date is not None
        field_sources[path] = source.model_copy(update={"as_of": price_date}) if dated else source
    field_sources.update(user_field_sources)
    merged = {
        **deep_merge(current, changes),
        "source": source,
        "field_sources": field_sources,
        "base_source": existing.base_source or existing.source,
        "overridden_fields": tuple(sorted({*existing.overridden_fields, *paths})),
    }
    return _validate(section, existing.key, merged, lines, line_name=name)


def _dates_only_its_prices(existing: CatalogueEntry, changes: dict[str, Any]) -> bool:
    """Whether an override's ``price_as_of`` dates only the prices it sets (some built-in prices stay).

    ``price_as_of`` alone re-dates the entry's prices (the user checked them); beside ``prices`` it is the
    date of those prices, and the prices it does not set keep the date the catalogue gives them.
    """
    new_prices = changes.get("prices")
    if not isinstance(new_prices, dict) or _plain_date(changes.get("price_as_of")) is None:
        return False
    old_prices = getattr(existing, "prices", None)
    if getattr(existing, "price_as_of", None) is None or not isinstance(old_prices, dict):
        return False
    return bool(set(old_prices) - set(new_prices))


def _plain_date(value: Any) -> date | None:
    """A calendar date, or None: YAML reads ``2026-10-01 10:00`` as a datetime, which dates nothing here
    (the entry's own validation then says so); midnight is the date itself."""
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() and value.tzinfo is None else None
    return value if isinstance(value, date) else None


def _shown(value: Any) -> str:
    """A value for a message as a user wrote it: a date and time as ``2026-10-01 10:00:00``, not its repr."""
    if isinstance(value, datetime):
        return f"{value.isoformat(sep=' ')}, a date and time"
    return value.isoformat() if isinstance(value, date) else repr(value)


def _price_age(data: dict[Any, Any], lines: _Lines) -> tuple[int | None, tuple[PriceChange, ...]]:
    """A file's ``price_freshness_days`` (None when it sets none) and ``price_changes``, checked but for the
    instance types the changes name (see :func:`_resolve_price_changes`, once the file's entries are read)."""
    days = data.get("price_freshness_days")
    if "price_freshness_days" in data and (type(days) is not int or days < 1):  # not true, 1.5 or "365"
        raise InputError(
            f"expected a whole number of days, at least 1 (got {_shown(days)})",
            file=lines.file,
            line=lines.line_of(("price_freshness_days",)),
            field="price_freshness_days",
        )
    raw = data.get("price_changes")
    if raw is None:
        return days, ()
    if not isinstance(raw, list):
        raise InputError(
            "expected a list of price changes, each with effective, instance_types, what and source_url "
            f"(got {type(raw).__name__})",
            file=lines.file,
            line=lines.line_of(("price_changes",)),
            field="price_changes",
        )
    changes = []
    for index, item in enumerate(raw):
        try:
            changes.append(PriceChange.model_validate(item))
        except ValidationError as exc:
            error = _input_error(exc, PriceChange, ("price_changes", index), lines)
            field = re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", error.field or "price_changes")  # price_changes[0].what
            line = error.line
            if line == lines.line_of(("price_changes",)):  # fell back past the item (a missing field): the item
                line = lines.values.line_of(("price_changes", index))
            raise InputError(error.message, file=error.file, line=line, field=field) from None
    return days, tuple(changes)


def _resolve_price_changes(
    changes: tuple[PriceChange, ...], instance_types: dict[str, CatalogueEntry], lines: _Lines
) -> tuple[PriceChange, ...]:
    """The changes with each instance type spelled as the catalogue files it; an unknown one is an error."""
    resolved = []
    for index, change in enumerate(changes):
        names = []
        for position, name in enumerate(change.instance_types):
            entry = _find(instance_types, name)
            if entry is None:
                raise UnknownNameError(
                    "instance type",
                    name,
                    list(instance_types),
                    file=lines.file,
                    line=lines.line_of(("price_changes", index, "instance_types", position)),
                    field=f"price_changes[{index}].instance_types[{position}]",
                )
            names.append(entry.key)
        resolved.append(change.model_copy(update={"instance_types": tuple(names)}))
    return tuple(resolved)


def _find(entries: dict[str, CatalogueEntry], name: str) -> CatalogueEntry | None:
    folded = name.casefold()
    return next((entry for key, entry in entries.items() if key.casefold() == folded), None)


def _check_top_level(data: dict[Any, Any], lines: _Lines) -> None:
    for key in data:
        if key not in _TOP_LEVEL:
            raise UnknownNameError(
                "catalogue section", str(key), list(_TOP_LEVEL), file=lines.file, line=lines.line_of((key,))
            )


def _entries(section: str, body: Any, lines: _Lines) -> list[tuple[str, dict[str, Any]]]:
    if body is None:
        return []
    if not isinstance(body, dict):
        raise InputError(
            f"expected a mapping of {SECTIONS[section].what} names to their fields (got {type(body).__name__})",
            file=lines.file,
            line=lines.line_of((section,)),
            field=section,
        )
    found: list[tuple[str, dict[str, Any]]] = []
    for name, raw in body.items():
        if not isinstance(name, str):
            raise InputError(
                f"entry names must be text; quote {name!r} so YAML does not read it as {type(name).__name__}",
                file=lines.file,
                line=lines.line_of((section, name)),
                field=f"{section}.{name}",
            )
        if not isinstance(raw, dict):
            raise InputError(
                f"expected a mapping of fields (got {type(raw).__name__})",
                file=lines.file,
                line=lines.line_of((section, name)),
                field=f"{section}.{name}",
            )
        found.append((name, raw))
    return found


def _validate(
    section: str,
    name: str,
    raw: dict[str, Any],
    lines: _Lines,
    *,
    line_name: str | None = None,
) -> CatalogueEntry:
    model, _, key_field = SECTIONS[section]
    if raw.get(key_field, name) != name:
        raise InputError(
            f"entry is filed as {name!r} but its {key_field} is {raw[key_field]!r}",
            file=lines.file,
            line=lines.line_of((section, name, key_field)),
            field=f"{section}.{name}.{key_field}",
        )
    try:
        return model.model_validate({key_field: name, **raw})
    except ValidationError as exc:
        raise _input_error(exc, model, (section, line_name or name), lines) from None


def _new_entry_hint(exc: InputError, section: str, name: str, known: list[str]) -> InputError:
    what = SECTIONS[section].what
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f"; {name!r} is not in the catalogue, so it is read as a new {what} and needs every required field"
    if close:
        hint += f" (did you mean {', '.join(repr(c) for c in close)}?)"
    return InputError(exc.message + hint, file=exc.file, line=exc.line, field=exc.field)


def _validate_part(model: type[BaseModel], raw: Any, prefix: tuple[str, ...], lines: _Lines) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _input_error(exc, model, prefix, lines) from None


def _check_references(catalogue: Catalogue, lines: _Lines) -> None:
    for problem in catalogue.problems():
        path = (problem.section, problem.name, *problem.field.split(".", 1))
        raise InputError(problem.message, file=lines.file, line=lines.line_of(path), field=problem.path)


def _input_error(exc: ValidationError, model: type[BaseModel], prefix: tuple[Any, ...], lines: _Lines) -> InputError:
    errors = exc.errors()
    first = errors[0]
    loc = tuple(part for part in first["loc"] if part != "[key]")
    path = (*prefix, *loc)
    kind = first["type"]
    parent = first["loc"][:-1]
    missing = [str(e["loc"][-1]) for e in errors if e["type"] == "missing" and e["loc"][:-1] == parent]
    if kind == "missing" and len(missing) == len(errors):
        message = f"missing required field{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}"
        path = path[:-1]
        errors = errors[:1]
    elif kind == "missing":
        message = f"missing required field {loc[-1]!r}"
    elif kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else f"known: {', '.join(known)}"
        message = f"unknown field {loc[-1]!r}; {hint}"
    else:
        message = error_message(first)
        if "input" in first and kind != "value_error":
            message += f" (got {_shown(first['input'])})"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''} in this entry)"
    return InputError(message, file=lines.file, line=lines.line_of(path), field=".".join(str(p) for p in path) or None)


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model found by walking ``loc`` (dict keys and list indexes are skipped)."""
    current: type[BaseModel] = model
    for part in loc:
        info = current.model_fields.get(part) if isinstance(part, str) else None
        if info is not None:
            nested = _model_in(info.annotation)
            if nested is None:
                break
            current = nested
    return sorted(name for name in current.model_fields if name not in _LOADER_ONLY)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
