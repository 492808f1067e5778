"""A design: a named set of components, composed in Python or written as a YAML/JSON document.

>>> from aifab.blueprints import Environment, SovereignBoundary
>>> from aifab.design.design import Design
>>> d = Design(name="tiny", components=[SovereignBoundary(id="uk", jurisdiction="UK"),
...                                     Environment(id="prod", purpose="production")])
>>> [c.id for c in d.components]
['uk', 'prod']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, Union

from pydantic import BaseModel, Discriminator, Field, PrivateAttr, Tag, TypeAdapter, field_validator

from aifab.design.component import SPEC_CONFIG, Component
from aifab.design.composite import Composite, expand_all
from aifab.errors import Location

API_VERSION: Final = "aifab/v1"


USE_TAG = "use "
"""Prefix of a composite's tag in the union (``use gpu-scalable-unit``), apart from every kind's."""


def _component_tag(value: Any) -> str | None:
    if isinstance(value, Component):
        return value.kind
    if isinstance(value, Composite):
        return USE_TAG + value.use
    if isinstance(value, dict):
        kind, use = value.get("kind"), value.get("use")
        if isinstance(use, str) and kind is None:
            return USE_TAG + use
        return kind if isinstance(kind, str) else None
    return None


def _any_component() -> Any:
    """The tagged union of every registered kind and composite, dispatching on ``kind`` or ``use``."""
    from aifab.blueprints import registry
    from aifab.blueprints.composites import registry as composites

    kinds = registry()
    members = [Annotated[cls, Tag(kind)] for kind, cls in kinds.items()]
    members += [Annotated[cls, Tag(USE_TAG + name)] for name, cls in composites().items()]
    return Annotated[
        Union[tuple(members)],  # noqa: UP007 - a runtime-built union needs the subscript form
        Discriminator(
            _component_tag,
            custom_error_type="unknown_kind",
            custom_error_message=f"'kind' must be one of: {', '.join(sorted(kinds))}; or 'use' a composite",
        ),
    ]


if TYPE_CHECKING:
    AnyComponent = Component
else:
    AnyComponent = _any_component()
COMPONENT_ADAPTER: TypeAdapter[Component] = TypeAdapter(AnyComponent)


class Design(BaseModel):
    """A named design. Components are kept in the order written; ids must be unique (checked by validation).

    A composite among the components is replaced by the components it expands into, in place.
    """

    model_config = SPEC_CONFIG

    api_version: Literal["aifab/v1"] = API_VERSION
    name: Annotated[str, Field(pattern=r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    description: str = ""
    components: tuple[AnyComponent, ...] = ()

    _location: Location = PrivateAttr(default_factory=Location)

    @field_validator("components", mode="after")
    @classmethod
    def _expand_composites(cls, components: tuple[Component | Composite, ...]) -> tuple[Component, ...]:
        # Composites (in Python or as ``use:`` entries) are replaced by their components, in place.
        return expand_all(components)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Design):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((self.name, len(self.components)))

    @property
    def location(self) -> Location:
        return self._location

    def at(self, location: Location) -> Design:
        self._location = location
        return self

    def component(self, component_id: str) -> Component:
        """The component with this id (the first, if ids repeat)."""
        for c in self.components:
            if c.id == component_id:
                return c
        raise KeyError(component_id)

    def of_kind(self, *kinds: str) -> list[Component]:
        return [c for c in self.components if c.kind in kinds]
