"""Composites: typed, parameterised building blocks that expand into wired components.

A composite is a frozen, closed model like a component, with a ``use`` name instead of a ``kind``. Its
:meth:`~Composite.expand` returns the components it stands for, wired to each other and to the existing
components its links name. A :class:`~aifab.design.design.Design` expands composites in place, in Python
(``Design(components=[..., GpuScalableUnit(id="train", ...)])``) and in documents (an entry
``use: gpu-scalable-unit`` with its settings), so ``aifab design export`` shows the expanded components.

Ids: a part the composite always makes is called ``<prefix>-<composite id>`` (``vpc-exp``, ``eks-exp``),
unless ``ids`` names it (``ids={"network": "vpc-prod"}``); the main part may take the composite's own id;
members you list (pools, sites, environments) keep the ids you gave them. Every part is located where
the composite was written and remembers it (:attr:`Component.expanded_from`), so errors name the composite.
Parameters are checked by expanding: a value a part rejects is reported at the parameter that set it.

A composite given as a link (``cluster=platform``) links its main part, :meth:`Composite.ref`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from aifab.design.component import SPEC_CONFIG, Component, ComponentId, Ref, StrictNumbers, caller_location
from aifab.errors import Diagnostic, Location

C = TypeVar("C", bound=Component)


def composite_label(use: str, composite_id: Any) -> str:
    """How messages name a composite, and how its parts remember it: ``gpu-scalable-unit 'su1'``."""
    return f"{use} {composite_id!r}"


class Composite(StrictNumbers):
    """Base of every composite. Subclasses set ``use`` as ``Literal["..."]``, list their fixed parts in
    ``parts`` (part name -> id prefix; ``""`` for the part that takes the composite's own id), name their
    main part in ``main`` and yield their components from :meth:`components`."""

    model_config = ConfigDict(**SPEC_CONFIG, validate_default=True)

    use: str
    id: ComponentId
    description: str = ""
    ids: Annotated[dict[str, ComponentId], Field(description="ids for the fixed parts, instead of '<prefix>-<id>'")] = (
        Field(default_factory=dict)
    )

    parts: ClassVar[dict[str, str]] = {}
    main: ClassVar[str] = ""

    _location: Location = PrivateAttr(default_factory=Location)

    def model_post_init(self, context: Any, /) -> None:
        if self._location.file is None:
            self._location = caller_location()

    @property
    def location(self) -> Location:
        return self._location

    def at(self, location: Location) -> Composite:
        """Set where this composite was written (documents); its parts are located there; returns self."""
        self._location = location
        return self

    @property
    def label(self) -> str:
        """``gpu-scalable-unit 'su1'``: how messages name this composite."""
        return composite_label(self.use, self.id)

    def part_id(self, part: str) -> str:
        """The id of a fixed part: from ``ids``, else ``<prefix>-<id>`` (the composite's id for prefix ``""``)."""
        if part in self.ids:
            return self.ids[part]
        prefix = self.parts[part]
        return f"{prefix}-{self.id}" if prefix else self.id

    def ref(self, part: str | None = None) -> str:
        """The id of a part (the main part by default), to link other components to it."""
        return self.part_id(part or self.main)

    def components(self) -> Iterator[Component]:
        """The parts, unlocated; subclasses build each with :meth:`build` or :meth:`adopt`."""
        raise NotImplementedError

    def expand(self) -> tuple[Component, ...]:
        """The wired components this composite stands for, located where the composite was written."""
        return tuple(c.at(self._location, expanded_from=self.label) for c in self.components())

    @model_validator(mode="after")
    def _expands(self) -> Composite:
        unknown = sorted(set(self.ids) - set(self.parts))
        if unknown:
            raise ValueError(
                f"ids names unknown parts {', '.join(map(repr, unknown))}; the parts are: {', '.join(self.parts)}"
            )
        self.expand()  # a part that rejects a parameter raises at that parameter
        return self

    # --- helpers for subclasses --------------------------------------------------------------------

    def build(
        self,
        cls: type[C],
        part_id: str,
        *,
        member: BaseModel | None = None,
        at: tuple[str | int, ...] = (),
        renamed: dict[str, str] | None = None,
        **settings: Any,
    ) -> C:
        """Build one part. A value it rejects is reported at the parameter that set it: a field of ``member``
        (found at ``at`` among the parameters), a parameter of the same name or the one ``renamed`` maps the
        part's field to, or else the composite."""
        try:
            return cls(id=part_id, **settings)
        except ValidationError as exc:
            kind = cls.model_fields["kind"].default
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [self._relocate(error, f"{kind} {part_id!r}", member, at, renamed or {}) for error in exc.errors()],
            ) from None

    def _relocate(
        self, error: Any, part: str, member: BaseModel | None, at: tuple[str | int, ...], renamed: dict[str, str]
    ) -> InitErrorDetails:
        loc = tuple(error["loc"])
        first = loc[0] if loc else None
        if member is not None and first in type(member).model_fields:
            where: tuple[str | int, ...] = (*at, *loc)
        elif first in renamed or first in type(self).model_fields:
            where = (renamed.get(str(first), first), *loc[1:])
        else:
            where = at
        message = str(error["msg"]).removeprefix("Value error, ")
        return InitErrorDetails(
            type=PydanticCustomError("composite_part", "{part}: {message}", {"part": part, "message": message}),
            loc=where,
            input=error["input"],
        )

    def adopt(self, member: C, at: tuple[str | int, ...], **defaults: Any) -> C:
        """A member component (a pool, a site) with ``defaults`` filling the fields it leaves unset."""
        settings = member.model_dump(exclude_unset=True, exclude={"id"})
        for name, value in defaults.items():
            if value is not None and name not in member.model_fields_set:
                settings[name] = value
        return self.build(type(member), member.id, member=member, at=at, **settings)

    def placement(self) -> dict[str, Any]:
        """``site``, ``inside`` and ``environment`` as set on this composite (for parts that take them)."""
        return {f: getattr(self, f) for f in ("site", "inside", "environment") if getattr(self, f, None)}


class PlacedComposite(Composite):
    """A composite whose parts sit at a site, inside a boundary, in an environment (see each part for which)."""

    site: Ref | None = None
    inside: Ref | None = None
    environment: Ref | None = None


def given(**settings: Any) -> dict[str, Any]:
    """The settings that were given (not ``None``), so a blueprint's own defaults apply to the rest."""
    return {k: v for k, v in settings.items() if v is not None}


def expand_all(items: Iterable[Component | Composite]) -> tuple[Component, ...]:
    """Components as given, composites replaced by their expansion, in order."""
    out: list[Component] = []
    for item in items:
        out.extend(item.expand() if isinstance(item, Composite) else (item,))
    return tuple(out)


def name_composites(diagnostics: Sequence[Diagnostic], components: Iterable[Component]) -> list[Diagnostic]:
    """Diagnostics about expanded components, with the composite they came from named in the message."""
    origin = {c.id: c.expanded_from for c in components if c.expanded_from}
    return [
        d.model_copy(update={"message": f"{d.message} (expanded from {origin[d.component]})"})
        if d.component in origin
        else d
        for d in diagnostics
    ]


__all__ = ["Composite", "PlacedComposite", "composite_label", "expand_all", "given", "name_composites"]
