"""What a rule says about one subject: pass, fail, not applicable, or not evaluated.

>>> from aifab.policy.verdict import fail, passed
>>> fail("the API endpoint is public", field="endpoint_public").status
'fail'
>>> passed().status
'pass'

A rule returns one verdict, or several when it judges several components at once (a design-level rule
names the component each verdict is about). ``not_evaluated`` is for a rule that needs something the
run does not have (cloud credentials, quotas, a catalogue figure): it is never counted as passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, TypeAlias

VerdictStatus = Literal["pass", "fail", "not_applicable", "not_evaluated"]
VERDICT_STATUSES: tuple[VerdictStatus, ...] = ("pass", "fail", "not_applicable", "not_evaluated")


@dataclass(frozen=True)
class Verdict:
    """One outcome. ``component`` names the subject when a design-level rule reports on a component;
    ``field`` names the setting at fault, so reports can point at its line."""

    status: VerdictStatus
    message: str = ""
    component: str | None = None
    field: str | None = None


Outcome: TypeAlias = Verdict | Iterable[Verdict]
"""What a rule's check returns: one verdict or several."""


def passed(message: str = "", *, component: str | None = None, field: str | None = None) -> Verdict:
    return Verdict("pass", message, component, field)


def fail(message: str, *, component: str | None = None, field: str | None = None) -> Verdict:
    return Verdict("fail", message, component, field)


def not_applicable(reason: str, *, component: str | None = None) -> Verdict:
    return Verdict("not_applicable", reason, component)


def not_evaluated(reason: str, *, component: str | None = None) -> Verdict:
    return Verdict("not_evaluated", reason, component)


def verdicts(outcome: object) -> list[Verdict]:
    """Normalise a check's return value to a list, rejecting anything that is not a verdict."""
    if isinstance(outcome, Verdict):
        return [outcome]
    if isinstance(outcome, Iterable) and not isinstance(outcome, str | bytes):
        found = list(outcome)
        for item in found:
            if not isinstance(item, Verdict):
                raise TypeError(f"a rule must return Verdict objects, got {type(item).__name__}")
        return found
    raise TypeError(f"a rule must return a Verdict or a list of them, got {type(outcome).__name__}")
