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
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr

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
"""Every spec model: immutable, closed to unknown fields, finite numbers only."""


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


class Component(BaseModel):
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
