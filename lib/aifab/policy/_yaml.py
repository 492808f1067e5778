"""Validate a YAML document into a pydantic model, with every error pointing at its file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from aifab.design.loader import display, format_path
from aifab.design.yamlsource import LineMap, read_yaml_file
from aifab.errors import InputError

M = TypeVar("M", bound=BaseModel)


def read_document(path: Path) -> tuple[Any, LineMap]:
    data, lines = read_yaml_file(path)
    lines.file = display(path)
    return data, lines


def validate_model(model: type[M], data: Any, lines: LineMap, what: str) -> M:
    """``model.model_validate(data)``, with pydantic's errors turned into located :class:`InputError`."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"expected a mapping ({what}), got {type(data).__name__}", file=lines.file, line=1)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            problems.append(
                InputError(_describe(error), file=lines.file, line=lines.line_of(loc), field=format_path(loc) or None)
            )
        raise InputError.combine(problems, f"{len(problems)} problems in the {what}") from None


def _describe(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown field (check the spelling)"
    if error["type"] == "missing":
        return "required field is missing"
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    value = error.get("input")
    if not isinstance(value, dict | list):
        message += f" (got {value!r})"
    return message
