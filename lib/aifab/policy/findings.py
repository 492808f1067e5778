"""Findings: one outcome of one rule for one subject, with everything every report needs.

The status of a finding is one of:

* ``pass``: the rule holds;
* ``fail``: it does not (``standing`` when its enforcement is mandatory: the check exits 1);
* ``waived``: it failed, and an unexpired waiver names this rule and target;
* ``not_applicable``: the rule does not apply to this subject (with the reason);
* ``not_evaluated``: the rule needs something this run does not have (never counted as passed);
* ``error``: the rule raised; the message names the exception. It stands when mandatory.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

from aifab.errors import Location

from .frameworks import FrameworkRef
from .rule import Severity

Status = Literal["pass", "fail", "waived", "not_applicable", "not_evaluated", "error"]
STATUSES: tuple[Status, ...] = ("fail", "error", "waived", "not_evaluated", "not_applicable", "pass")
Enforcement = Literal["advisory", "mandatory", "disabled"]


class AppliedWaiver(BaseModel):
    """The waiver a finding matched, as reports show it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str
    target: str
    reason: str
    owner: str
    expires: dt.date
    ticket: str | None = None
    file: str | None = None
    line: int | None = None
    active: bool = True
    """False when the waiver no longer applies (expired, or the rule is not waivable)."""
    why_inactive: str | None = None


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    design: str
    rule_id: str
    title: str
    severity: Severity
    pack: str
    enforcement: Enforcement
    status: Status
    component: str | None
    kind: str | None
    message: str
    location: Location
    frameworks: tuple[FrameworkRef, ...] = ()
    remediation: str = ""
    help_uri: str | None = None
    waiver: AppliedWaiver | None = None
    notes: tuple[str, ...] = ()
    environment: str | None = None
    """The environment whose stack deploys the subject (``None``: shared by no stack, or design-wide)."""

    @property
    def standing(self) -> bool:
        """A mandatory finding that blocks: a failure or an error under mandatory enforcement."""
        return self.enforcement == "mandatory" and self.status in ("fail", "error")

    @property
    def target(self) -> str:
        """What a waiver names to match this finding: the component, or the design for design-wide ones."""
        return self.component or self.design
