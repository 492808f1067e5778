"""Validate a YAML document into a pydantic model, with every error pointing at its file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from aifab.design.loader import display
from aifab.design.yamlsource import LineMap, read_yaml_file
from aifab.errors import InputError
from aifab.validation_errors import input_error

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
        raise input_error(
            exc, what, file=lines.file, line_of=lambda error: lines.line_of(tuple(error["loc"]))
        ) from None
