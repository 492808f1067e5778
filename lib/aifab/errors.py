"""Errors and diagnostics that point at the user's design.

Two families, matching the CLI's exit codes:

* :class:`InputError` (exit 2): the input cannot be used at all — a missing file, malformed YAML,
  a wrong type, an unknown catalogue name. Raised; the CLI prints it and stops.
* :class:`Diagnostic` (exit 1 when any has ``severity="error"``): the input was understood but the
  design is wrong — a dangling link, a cycle, a missing fabric. Collected, never raised.

Both carry a :class:`Location` so every message can say ``file:line``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class Location(BaseModel):
    """Where something was defined: a file and, when known, a 1-based line."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.file is None:
            return "<unknown>"
        return f"{self.file}:{self.line}" if self.line is not None else self.file


class Diagnostic(BaseModel):
    """One problem found in a design, with the component and the place it points at."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    message: str
    component: str | None = None
    location: Location | None = None
    severity: Literal["error", "warning"] = "error"
    # "input": the design names something that does not exist (an unknown accelerator, say), so the
    # input is unusable (exit 2) even though it parsed; "design": the design is wrong (exit 1).
    category: Literal["design", "input"] = "design"

    def __str__(self) -> str:
        where = f"{self.location} " if self.location and self.location.file else ""
        who = f"{self.component}: " if self.component else ""
        return f"{where}[{self.code}] {who}{self.message}"


class AifabError(Exception):
    """Base class of every error aifab raises on purpose."""


class InputError(AifabError):
    """The input cannot be used: the message names the file, the field and what was expected.

    >>> raise InputError("must be > 0 (got 0)", file="design.yaml", line=12, field="components[2].node_count")
    Traceback (most recent call last):
    aifab.errors.InputError: design.yaml:12: components[2].node_count: must be > 0 (got 0)

    Several problems found at once travel together: :meth:`combine` keeps each in :attr:`problems`.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        problems: tuple[InputError, ...] = (),
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        self._problems = problems
        super().__init__(self.render())

    @property
    def problems(self) -> tuple[InputError, ...]:
        """Every individual problem (just this one, unless several were combined)."""
        return self._problems or (self,)

    @classmethod
    def combine(cls, problems: list[InputError], summary: str | None = None) -> InputError:
        if len(problems) == 1:
            return problems[0]
        files = {p.file for p in problems}
        return cls(
            summary or f"{len(problems)} problems",
            file=files.pop() if len(files) == 1 else None,
            problems=tuple(p for problem in problems for p in problem.problems),
        )

    def location(self) -> Location:
        return Location(file=self.file, line=self.line)

    def render(self) -> str:
        if self._problems:
            head = f"{self.file}: {self.message}" if self.file else self.message
            return head + "".join(f"\n  {p.render()}" for p in self._problems)
        prefix = ""
        if self.file:
            prefix = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        if self.field:
            prefix += f"{self.field}: "
        return prefix + self.message


class UnknownNameError(InputError):
    """A name that is not in a known set (catalogue entry, component kind), with the closest matches."""

    def __init__(
        self,
        what: str,
        name: str,
        known: list[str] | tuple[str, ...],
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        import difflib

        self.what = what
        self.name = name
        lowered = name.lower()
        # Names that contain what was typed ('h100' -> 'h100-sxm') beat merely similar ones ('a100').
        containing = sorted((k for k in known if lowered and lowered in k.lower()), key=len)
        similar = difflib.get_close_matches(name, list(known), n=3, cutoff=0.5)
        self.suggestions = list(dict.fromkeys([*containing, *similar]))[:3]
        hint = (
            f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?"
            if self.suggestions
            else f"; known: {', '.join(sorted(known)[:12])}{' ...' if len(known) > 12 else ''}"
        )
        super().__init__(f"unknown {what} {name!r}{hint}", file=file, line=line, field=field)
