"""Shared plumbing for the capacity models: a frozen, closed base model and input checks.

Every model input and output derives from :class:`FrozenModel`. Construction problems — a wrong type,
an unknown field, a NaN, or a value outside what the model can use — surface as
:class:`aifab.errors.InputError` naming the field and what was expected, never as a raw
pydantic traceback.
"""

from __future__ import annotations

import math
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidatorFunctionWrapHandler, model_validator
from pydantic_core import ErrorDetails

from aifab.errors import InputError

__all__ = [
    "FrozenModel",
    "require_at_least",
    "require_fraction",
    "require_int_at_least",
    "require_non_negative",
    "require_positive",
]


class FrozenModel(BaseModel):
    """Frozen, closed pydantic model whose validation errors are :class:`InputError`.

    The conversion is a wrap validator rather than an ``__init__`` override, so type checkers still see
    each model's own keyword arguments (the pydantic mypy plugin synthesises them).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @model_validator(mode="wrap")
    @classmethod
    def _errors_as_input_error(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(data)
        except ValidationError as exc:
            raise _input_error(_words(cls.__name__), exc.errors(), computed=not cls.__name__.endswith("Input")) from exc


def _words(name: str) -> str:
    """``InferenceCapacity`` -> ``inference capacity``: a model's name in the user's words, not a class name."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()


def _input_error(what: str, errors: list[ErrorDetails], *, computed: bool) -> InputError:
    """Every problem, named by field. In a ``computed`` model (a result, not an ``...Input``) figures that
    overflowed (inf, nan) are one problem that says where to look: the user never wrote them."""
    overflowed = [e for e in errors if computed and e["type"] == "finite_number"]
    problems = [_problem(error) for error in errors if error not in overflowed]
    if overflowed:
        fields = ", ".join(".".join(str(part) for part in e["loc"]) or what for e in overflowed)
        values = ", ".join(sorted({repr(e.get("input")) for e in overflowed}))
        problems.append(
            InputError(
                f"the {what} cannot be worked out: {fields} would be {values}; a number in the design, the "
                "catalogue or the estimate options is too large or too small to work with"
            )
        )
    summary = f"the {what} cannot be worked out" if computed else f"problems in the {what}"
    return InputError.combine(problems, f"{summary}: {len(problems)} problems")


def _problem(error: ErrorDetails) -> InputError:
    field = ".".join(str(part) for part in error["loc"]) or None
    message = error["msg"][:1].lower() + error["msg"][1:]
    if error["type"] != "missing" and "got " not in message:  # a validator's own message may already say it
        message += f" (got {error.get('input')!r})"
    return InputError(message, field=field)


def require_int_at_least(field: str, value: int, minimum: int) -> None:
    """Raise :class:`InputError` unless ``value`` is an integer ``>= minimum``."""
    if isinstance(value, bool) or value < minimum:
        raise InputError(f"expected an integer >= {minimum}, got {value!r}", field=field)


def require_positive(field: str, value: float) -> None:
    """Raise :class:`InputError` unless ``value`` is a finite number ``> 0``."""
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"expected a number > 0, got {value!r}", field=field)


def require_non_negative(field: str, value: float) -> None:
    """Raise :class:`InputError` unless ``value`` is a finite number ``>= 0``."""
    if not math.isfinite(value) or value < 0:
        raise InputError(f"expected a number >= 0, got {value!r}", field=field)


def require_at_least(field: str, value: float, minimum: float) -> None:
    """Raise :class:`InputError` unless ``value`` is a finite number ``>= minimum``."""
    if not math.isfinite(value) or value < minimum:
        raise InputError(f"expected a number >= {minimum}, got {value!r}", field=field)


def require_fraction(field: str, value: float, *, allow_zero: bool = False) -> None:
    """Raise :class:`InputError` unless ``0 < value <= 1`` (or ``0 <= value <= 1`` with ``allow_zero``)."""
    low_ok = value >= 0 if allow_zero else value > 0
    if not (math.isfinite(value) and low_ok and value <= 1):
        bound = "0 <= x <= 1" if allow_zero else "0 < x <= 1"
        raise InputError(f"expected a fraction {bound}, got {value!r}", field=field)
