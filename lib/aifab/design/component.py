"""The base of every blueprint: a frozen, closed, tagged pydantic model that remembers where it was defined.

Components relate only through *link fields*: fields annotated with :class:`Link`, holding the id of
another component (or a tuple of ids). In Python a link may be given the component object itself; it is
stored as the id, so a design written in Python and the same design written in YAML are equal.

>>> from aifab.blueprints.security import KeyManagement
>>> from aifab.blueprints.storage import DataLake
>>> key = KeyManagement(id="kms")
>>> lake = DataLake(id="lake", encrypted_by=key)
>>> lake.encrypted_by
'kms'
"""

from __future__ import annotations

import functools
import math
import os
import sys
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from aifab.errors import Diagnostic, Location


@functools.cache
def _library_dirs() -> tuple[str, ...]:
    """Folders whose frames are library code: the engine and the blueprints (wherever installed)."""
    import aifab.blueprints

    engine = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    blueprints = os.path.dirname(os.path.abspath(aifab.blueprints.__file__))
    return tuple(d + os.sep for d in (engine, blueprints))


def _is_library_frame(filename: str) -> bool:
    if filename.startswith("<"):
        return True
    filename = os.path.abspath(filename)
    return (
        filename.startswith(_library_dirs())
        or f"{os.sep}pydantic{os.sep}" in filename
        or f"{os.sep}pydantic_core{os.sep}" in filename
        or filename.startswith("<")
    )


def caller_location() -> Location:
    """The first stack frame outside aifab and pydantic: where the user wrote the component."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not _is_library_frame(filename):
            return Location(file=_display_path(filename), line=frame.f_lineno)
        frame = frame.f_back  # type: ignore[assignment]
    return Location()


def _display_path(filename: str) -> str:
    """Paths relative to the working directory when below it, so messages match what the user typed."""
    absolute = os.path.abspath(filename)
    cwd = os.getcwd()
    if absolute.startswith(cwd + os.sep):
        return os.path.relpath(absolute, cwd)
    return absolute


SPEC_CONFIG = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
"""Every spec model: immutable, closed to unknown fields, finite numbers only (see :class:`StrictNumbers`)."""

MAX_NUMBER = 1e15
"""The largest magnitude a number in a spec may have: far above any real quantity (a petabyte in bytes is
1e15), far enough below the float range that no sum, product or unit conversion of such values overflows."""


MIN_NUMBER = 1e-12
"""The smallest magnitude a non-zero number may have: dividing by less (``5e-324``) overflows."""


def number_out_of_range(value: float) -> str | None:
    """Why a finite number is outside what the estimates can compute with, or ``None`` when it is fine.

    >>> number_out_of_range(1e308)
    'number out of range: the magnitude must be at most 1e+15'
    >>> number_out_of_range(2) is None
    True
    """
    if (isinstance(value, float) and value != value) or value in (float("inf"), float("-inf")):
        return None  # nan and infinity: refused by allow_inf_nan=False, with pydantic's own message
    if abs(value) > MAX_NUMBER:
        return f"number out of range: the magnitude must be at most {MAX_NUMBER:g}"
    if value and abs(value) < MIN_NUMBER:
        return f"number out of range: a non-zero magnitude must be at least {MIN_NUMBER:g}"
    return None


def _range_problem(value: Any, depth: int = 0) -> str | None:
    """The first number out of range in a value, looking into mappings and lists (prices by region)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return number_out_of_range(value)
    if depth < 8 and isinstance(value, dict):
        return next(filter(None, (_range_problem(v, depth + 1) for v in value.values())), None)
    if depth < 8 and isinstance(value, list | tuple):
        return next(filter(None, (_range_problem(v, depth + 1) for v in value)), None)
    return None


def _number_kind(annotation: Any) -> str | None:
    """``"int"`` or ``"float"`` for a field that holds a number (optionally ``None``), else ``None``."""
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        kinds = {_number_kind(arg) if arg is not type(None) else "none" for arg in typing.get_args(annotation)}
        if kinds == {"int", "none"} or kinds == {"int"}:
            return "int"
        if kinds <= {"int", "float", "none"} and "float" in kinds:
            return "float"
    return None


@functools.cache
def _number_fields(cls: type[BaseModel]) -> dict[str, str]:
    return {name: kind for name, info in cls.model_fields.items() if (kind := _number_kind(info.annotation))}


class StrictNumbers(BaseModel):
    """No silent coercions into number fields: ``true`` is not a count, ``'8'`` (quoted) is not 8, ``1:30``
    is not 90 and ``2.5`` is not a whole number; an int is accepted where a float is expected. Numbers
    beyond :data:`MAX_NUMBER` (``1e308``) are refused before any arithmetic can overflow; ``inf`` and ``nan``
    are refused by ``allow_inf_nan=False``."""

    @model_validator(mode="before")
    @classmethod
    def _strict_numbers(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        kinds = _number_fields(cls)
        errors = [
            InitErrorDetails(type=PydanticCustomError("strict_number", problem), loc=(name,), input=value)
            for name, value in data.items()
            if isinstance(name, str) and (problem := _number_problem(kinds.get(name), value))
        ]
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return data


def _number_problem(kind: str | None, value: Any) -> str | None:
    """Why ``value`` cannot go into a field holding ``kind`` (``"int"``, ``"float"`` or ``None``: not a number)."""
    if kind is not None and value is not None:
        expected = "Input should be a valid integer" if kind == "int" else "Input should be a valid number"
        if isinstance(value, bool):
            return f"{expected}, not {str(value).lower()} (a boolean is not a number)"
        if isinstance(value, str):
            if ":" in value:
                return f"{expected}, not text (a sexagesimal value such as 1:30 is not read as 90)"
            return f"{expected}, not text (write numbers without quotes, an exponent with a point and a sign: 1.0e+6)"
        if not isinstance(value, int | float):
            return f"{expected}, not {type(value).__name__}"
        if kind == "int" and isinstance(value, float) and math.isfinite(value):
            return f"{expected}, not a fractional number"
    return _range_problem(value)


@dataclass(frozen=True)
class Link:
    """Marks a field as a dependency edge in the design graph.

    ``relation`` names the edge (``uses``, ``encrypted_by``...); ``kinds`` lists the component kinds the
    target may have; ``required`` makes a missing link a design error.
    """

    relation: str
    kinds: tuple[str, ...]
    required: bool = False


def _to_id(value: Any) -> Any:
    if isinstance(value, Component):
        return value.id
    from aifab.design.composite import Composite  # a composite links as its main part

    if isinstance(value, Composite):
        return value.ref()
    return value


def _to_ids(value: Any) -> Any:
    if isinstance(value, Component):
        return (value.id,)
    from aifab.design.composite import Composite

    if isinstance(value, Composite):
        return (value.ref(),)
    if isinstance(value, list | tuple):
        return tuple(_to_id(v) for v in value)
    return value


ComponentId = Annotated[str, Field(pattern=r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", description="lower-case id")]
Ref = Annotated[ComponentId, BeforeValidator(_to_id)]
"""A link to one component: its id (a component object is accepted and stored as its id)."""
Refs = Annotated[tuple[ComponentId, ...], BeforeValidator(_to_ids)]
"""Links to several components."""


@dataclass(frozen=True)
class LinkValue:
    """One link as found on a component: the field, its spec, and the target id."""

    field: str
    spec: Link
    target: str


@functools.cache
def _link_fields(cls: type[BaseModel]) -> dict[str, Link]:
    # Read once per class: links() runs for every component in every check.
    return {name: meta for name, info in cls.model_fields.items() for meta in info.metadata if isinstance(meta, Link)}


class Component(StrictNumbers):
    """Base of every blueprint. Subclasses set ``kind`` as ``Literal["..."]`` and declare their links.

    Every component records where it was defined (``location``): the caller's file and line when built
    in Python, the document line when loaded from YAML. The location is not part of the spec, so two
    components with the same settings are equal wherever they were written.
    """

    model_config = ConfigDict(**SPEC_CONFIG, validate_default=True)

    kind: str
    id: ComponentId
    description: str = ""
    labels: dict[str, str] = Field(default_factory=dict)

    # Which design-wide placement a component takes part in (see graph.checks): physical things sit at a
    # site, everything that holds or moves data sits inside a sovereignty boundary.
    needs_site: ClassVar[bool] = False
    needs_boundary: ClassVar[bool] = False
    area: ClassVar[str] = "core"
    # Whether a stack deploys this kind (see design.environments); sites, boundaries and environments
    # describe where things sit and are deployed by no stack.
    deployable: ClassVar[bool] = True
    # Fields whose values name catalogue entries, and the catalogue section they name (checked as data).
    catalogue_refs: ClassVar[dict[str, str]] = {}

    _location: Location = PrivateAttr(default_factory=Location)
    _field_lines: dict[str, int] = PrivateAttr(default_factory=dict)
    _expanded_from: str | None = PrivateAttr(default=None)

    def model_post_init(self, context: Any, /) -> None:
        if self._location.file is None:
            self._location = caller_location()

    def __eq__(self, other: object) -> bool:
        # Settings decide equality; where a component was written does not.
        if not isinstance(other, Component):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self), self.id))

    @property
    def location(self) -> Location:
        return self._location

    def at(
        self, location: Location, field_lines: dict[str, int] | None = None, expanded_from: str | None = None
    ) -> Component:
        """Set where this component (and, from documents, each of its fields) was defined; returns self.

        ``expanded_from`` names the composite that made it (``"gpu-scalable-unit 'su1'"``), if one did.
        """
        self._location = location
        if field_lines is not None:
            self._field_lines = field_lines
        if expanded_from is not None:
            self._expanded_from = expanded_from
        return self

    @property
    def expanded_from(self) -> str | None:
        """The composite this component was expanded from (``"gpu-scalable-unit 'su1'"``), or ``None``."""
        return self._expanded_from

    def field_location(self, field: str | None) -> Location:
        """Where a field was written, when known (documents); otherwise where the component was."""
        line = self._field_lines.get(field) if field else None
        return Location(file=self._location.file, line=line) if line else self._location

    @classmethod
    def link_fields(cls) -> dict[str, Link]:
        """The link fields of this kind and their specs, in declaration order."""
        return _link_fields(cls)

    def links(self) -> Iterator[LinkValue]:
        """Every link this component holds (one per target id)."""
        for name, spec in self.link_fields().items():
            value = getattr(self, name)
            if value is None:
                continue
            for target in (value,) if isinstance(value, str) else value:
                yield LinkValue(field=name, spec=spec, target=target)

    def check(self) -> list[Diagnostic]:
        """Conditional rules of this kind alone (e.g. a multi-node training pool needs a fabric).

        Overridden by blueprints; use :meth:`problem` to build each diagnostic.
        """
        return []

    def problem(self, code: str, message: str, severity: str = "error", field: str | None = None) -> Diagnostic:
        """A diagnostic about this component, located at ``field`` when its line is known."""
        return Diagnostic(
            code=code,
            message=message,
            component=self.id,
            location=self.field_location(field),
            severity="warning" if severity == "warning" else "error",
        )
