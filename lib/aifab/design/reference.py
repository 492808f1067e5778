"""Generated documentation of the blueprint kinds, and the JSON Schema of design documents.

Both come from the models themselves, so adding a kind to ``blueprints.KINDS`` documents it:
``aifab design reference > docs/blueprints.md`` and ``aifab design schema > design.schema.json``
(point an editor's YAML language server at the schema for completion and checking as you type).
"""

from __future__ import annotations

import inspect
import json
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic.fields import FieldInfo

from aifab.design.component import Component
from aifab.design.design import Design
from aifab.templating import template_environment


@dataclass(frozen=True)
class FieldDoc:
    name: str
    type: str
    default: str
    link: str
    description: str


@dataclass(frozen=True)
class KindDoc:
    kind: str
    cls: str
    area: str
    module: str
    summary: str
    needs_site: bool
    needs_boundary: bool
    catalogue_refs: dict[str, str]
    fields: list[FieldDoc]


def _type_name(t: Any) -> str:
    origin, args = typing.get_origin(t), typing.get_args(t)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin is typing.Literal:
        return " \\| ".join(repr(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " \\| ".join(_type_name(a) for a in args)
    if origin is tuple:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"mapping of {_type_name(args[0])} to {_type_name(args[1])}"
    if t is type(None):
        return "None"
    return t.__name__ if isinstance(t, type) else str(t)


_BOUNDS = (("gt", ">"), ("ge", "≥"), ("lt", "<"), ("le", "≤"), ("min_length", "min length"), ("pattern", "matches"))


def _constraints(info: FieldInfo) -> str:
    found = []
    for meta in info.metadata:
        for attr, label in _BOUNDS:
            value = getattr(meta, attr, None)
            if value is not None:
                found.append(f"{label} `{value}`" if attr == "pattern" else f"{label} {value}")
    return ", ".join(found)


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        return repr(info.default_factory())  # type: ignore[call-arg]
    return repr(info.default)


def _field_type(info: FieldInfo, is_link: bool) -> str:
    if is_link:
        return "list of ids" if typing.get_origin(info.annotation) is tuple else "id"
    return _type_name(info.annotation)


def kind_docs() -> list[KindDoc]:
    from aifab.blueprints import KINDS

    docs = []
    for cls in KINDS:
        links = cls.link_fields()
        fields = []
        for name, info in cls.model_fields.items():
            if name == "kind":
                continue
            link = links.get(name)
            bounds = _constraints(info)
            description = "; ".join(p for p in (info.description or "", bounds) if p)
            fields.append(
                FieldDoc(
                    name=name,
                    type=_field_type(info, link is not None),
                    default=_default(info),
                    link=f"{link.relation} → {' / '.join(link.kinds)}" if link else "",
                    description=description,
                )
            )
        docs.append(
            KindDoc(
                kind=cls.model_fields["kind"].default,
                cls=cls.__name__,
                area=cls.area,
                module=cls.__module__,
                summary=inspect.cleandoc(cls.__doc__ or "").split("\n\n")[0].replace("\n", " "),
                needs_site=cls.needs_site,
                needs_boundary=cls.needs_boundary,
                catalogue_refs=dict(cls.catalogue_refs),
                fields=fields,
            )
        )
    return docs


_ENV = template_environment("aifab.design")


def blueprint_reference() -> str:
    """Markdown reference of every blueprint kind: its fields, defaults, links and catalogue names."""
    return _ENV.get_template("blueprints.md.j2").render(kinds=kind_docs())


def design_schema() -> str:
    """JSON Schema (draft 2020-12) of a design document."""
    schema = Design.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "aifab design document"
    return json.dumps(schema, indent=2) + "\n"


__all__ = ["Component", "blueprint_reference", "design_schema", "kind_docs"]
