"""pydantic's ``ValidationError`` as located :class:`~aifab.errors.InputError`: one translation for designs,
catalogues, policy parameters and estimate options alike.

>>> from pydantic import BaseModel, ConfigDict
>>> class Pool(BaseModel):
...     model_config = ConfigDict(extra="forbid")
...     node_count: int
>>> try:
...     Pool.model_validate({"node_count": "many", "colour": "blue"})
... except ValidationError as exc:
...     print(input_error(exc, "pool", file="design.yaml"))
design.yaml: 2 problems in the pool
  design.yaml: node_count: Input should be a valid integer, unable to parse string as an integer (got 'many')
  design.yaml: colour: unknown field (check the spelling)

Each site says only what is its own: where a path sits in its file (``line_of``), how a path is shown
(``field_of``) and, where it knows better, what an unknown field should have been (``unknown_field``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError

from aifab.errors import InputError

__all__ = ["describe", "error_message", "field_path", "input_error"]

Loc = tuple[str | int, ...]


def field_path(loc: Sequence[str | int]) -> str:
    """``components[2].node_count`` for pydantic's ``("components", 2, "node_count")``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def error_message(error: Any) -> str:
    """pydantic's message, without the ``Value error, `` a validator's ``ValueError`` gets."""
    return str(error["msg"]).removeprefix("Value error, ")


def describe(error: Any, unknown_field: str = "unknown field (check the spelling)") -> str:
    """What is wrong, in the user's terms: the message and, for a plain value, the value that was given."""
    if error["type"] == "extra_forbidden":
        return unknown_field
    if error["type"] == "missing":
        return "required field is missing"
    text = error_message(error)
    value = error.get("input")
    if error["type"] not in ("unknown_kind", "model_type") and not isinstance(value, dict | list) and "got" not in text:
        text += f" (got {value!r})"
    return text


def input_error(
    exc: ValidationError,
    what: str,
    *,
    file: str | None = None,
    line_of: Callable[[Any], int | None] | None = None,
    field_of: Callable[[Any], str] | None = None,
    describe_error: Callable[[Any], str] = describe,
) -> InputError:
    """Every error in ``exc`` as one located :class:`InputError` each, combined as ``N problems in the <what>``.

    ``line_of``, ``field_of`` and ``describe_error`` take one of pydantic's error dicts; by default there is
    no line, the field is the error's path (:func:`field_path`) and the text is :func:`describe`'s.
    """
    problems = [
        InputError(
            describe_error(error),
            file=file,
            line=line_of(error) if line_of else None,
            field=(field_of(error) if field_of else field_path(tuple(error["loc"]))) or None,
        )
        for error in exc.errors()
    ]
    return InputError.combine(problems, f"{len(problems)} problems in the {what}")
