"""Waivers: a reviewed exemption of one target from one rule, with a reason, an owner and an expiry.

They live beside the design (``stacks/<arch>/waivers.yaml``) and are reviewed like code::

    waivers:
      - rule: PRD-DUR-001
        target: lustre                  # a component id (the design's name for design-wide findings)
        reason: The Lustre tier is a scratch cache hydrated from the versioned data lake.
        owner: platform-team@example.org
        expires: 2027-03-31
        ticket: PLAT-142                # optional
        environments: [prod]            # optional: only in these environments

A waived finding stays in every report with its waiver. An expired waiver no longer applies: the
finding fails again and says so. A waiver for a rule its pack marks not waivable is ignored, with a
note. A waiver that matches no failing finding is reported as unused, with the reason. Unknown rule
ids, placeholder reasons ("ok", "n/a", "todo"), bad dates and missing fields are :class:`InputError`
naming the file, line and field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr

from aifab.errors import InputError, UnknownNameError

from ._yaml import read_document, validate_model
from .findings import AppliedWaiver, Finding
from .packs import PackSet

WAIVERS_FILE = "waivers.yaml"
EXPIRY_WARNING_DAYS = 30

_PLACEHOLDERS = frozenset(
    {
        "ok", "okay", "fine", "n/a", "na", "none", "nothing", "todo", "tbd", "tba", "fixme", "fix later",
        "later", "temp", "temporary", "wip", "waived", "waiver", "waive", "accepted", "accept", "risk accepted",
        "known", "known issue", "test", "testing", "yes", "no", "x", "xx", "xxx", "-", "--", "...", "see ticket",
        "approved", "as discussed", "false positive", "not needed", "not applicable", "n.a.", "ignore",
    }
)  # fmt: skip


_FILLER = frozenset(
    {
        "n/a", "na", "n.a.", "none", "todo", "tbd", "tba", "fixme", "xxx", "xx", "x", "tmp", "temp", "wip",
        "later", "ok", "okay", "foo", "bar", "baz", "asdf", "qwerty", "lorem", "ipsum", "blah", "etc", "test",
        "testing", "placeholder", "whatever", "something", "stuff", "reason", "waiver", "waived", "...",
    }
)  # fmt: skip
MIN_DISTINCT_WORDS = 3
DEFAULT_HORIZON_DAYS = 365
"""How far ahead a waiver (or a governance exception) may expire, unless the policy config or pack says."""

_OWNER = re.compile(
    r"^(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # an email
    r"|@[A-Za-z0-9][\w.-]*(?:/[A-Za-z0-9][\w.-]*)?"  # a @handle or @org/team
    r"|(?=[^@]*[A-Za-z]{2})[A-Za-z0-9][\w .&/()-]*[\w)])$"  # a team name with letters
)
_NOBODY = frozenset({"n/a", "na", "none", "nobody", "noone", "no one", "tbd", "todo", "unknown", "me", "xxx", "x"})


def _real_reason(reason: str) -> str:
    text = " ".join(reason.split())
    if text.lower().strip(" .!?") in _PLACEHOLDERS:
        raise ValueError(f"{text!r} is a placeholder; say why the risk is accepted, in a sentence")
    words = re.findall(r"[A-Za-z]{2,}", text)
    if len(text) < 20 or len(words) < 4:
        raise ValueError(
            f"give a real reason: a sentence of at least four words saying why the risk is accepted (got {text!r})"
        )
    tokens = [t.strip(".,;:!?()\"'").lower() for t in text.split()]
    distinct = {t for t in tokens if t and t not in _FILLER and re.search(r"[a-z]{2}", t)}
    if len(distinct) < MIN_DISTINCT_WORDS:
        raise ValueError(
            "repeated filler words are not a reason: say why the risk is accepted, in a sentence of at least "
            f"{MIN_DISTINCT_WORDS} different words"
        )
    return text


def _real_owner(owner: str) -> str:
    text = " ".join(owner.split())
    if text.lower() in _NOBODY or not _OWNER.match(text):
        raise ValueError(
            "name who answers for it: an email (platform-team@example.org), a @handle or @org/team, "
            f"or a team name with letters (got {text!r})"
        )
    return text


Reason = Annotated[str, AfterValidator(_real_reason)]
"""A reason a reviewer can judge: a sentence, not a placeholder or repeated filler words."""
Owner = Annotated[str, AfterValidator(_real_owner)]
"""Who answers for an exception: an email, a @handle, or a team name."""


class Waiver(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: Annotated[str, Field(min_length=3)]
    target: Annotated[str, Field(min_length=1)]
    reason: Reason
    owner: Owner
    expires: dt.date
    ticket: str | None = None
    environments: tuple[str, ...] = ()

    _line: int | None = PrivateAttr(default=None)

    def applies_in(self, env: str | None) -> bool:
        return not self.environments or env in self.environments


class WaiverFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    waivers: tuple[Waiver, ...] = ()

    _file: str | None = PrivateAttr(default=None)

    @property
    def file(self) -> str | None:
        return self._file


@dataclass(frozen=True)
class UnusedWaiver:
    waiver: Waiver
    reason: str
    file: str | None


def load_waivers(
    path: Path | None, packs: PackSet, today: dt.date | None = None, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> WaiverFile:
    """Read and check a waivers file; ``None`` gives no waivers.

    With ``today``, a waiver may expire at most ``horizon_days`` ahead (or its pack's ``max_waiver_days``,
    whichever is shorter): one that expires later is an input error at its line.
    """
    if path is None:
        return WaiverFile()
    data, lines = read_document(path)
    waivers = validate_model(WaiverFile, data, lines, "waivers file")
    problems: list[InputError] = []
    seen: dict[tuple[str, str, tuple[str, ...]], int] = {}
    for index, waiver in enumerate(waivers.waivers):
        waiver._line = lines.line_of(("waivers", index))
        if waiver.rule not in packs.rules:
            problems.append(
                UnknownNameError(
                    "rule",
                    waiver.rule,
                    list(packs.rules),
                    file=lines.file,
                    line=lines.line_of(("waivers", index, "rule")),
                    field=f"waivers[{index}].rule",
                )
            )
        rule = packs.rules.get(waiver.rule)
        if today is not None and rule is not None:
            days = horizon(packs, rule.pack, horizon_days)
            if waiver.expires > today + dt.timedelta(days=days):
                problems.append(
                    InputError(
                        f"expires {waiver.expires.isoformat()}, more than {days} days after {today.isoformat()}; "
                        "waivers are reviewed at least that often (renew it when it is due)",
                        file=lines.file,
                        line=lines.line_of(("waivers", index, "expires")),
                        field=f"waivers[{index}].expires",
                    )
                )
        key = (waiver.rule, waiver.target, tuple(sorted(waiver.environments)))
        if key in seen:
            problems.append(
                InputError(
                    f"waiver for {waiver.rule} on {waiver.target!r} repeats waivers[{seen[key]}]",
                    file=lines.file,
                    line=waiver._line,
                    field=f"waivers[{index}]",
                )
            )
        seen.setdefault(key, index)
    if problems:
        raise InputError.combine(problems, f"{len(problems)} problems in the waivers file")
    waivers._file = lines.file
    return waivers


def horizon(packs: PackSet, pack: str, days: int = DEFAULT_HORIZON_DAYS) -> int:
    """The longest a waiver for a rule of ``pack`` may run: the policy's horizon, or the pack's when shorter."""
    own = packs.packs[pack].info.max_waiver_days if pack in packs.packs else None
    return min(days, own) if own is not None else days


def apply_waivers(
    findings: list[Finding],
    waivers: WaiverFile,
    packs: PackSet,
    env: str | None,
    today: dt.date,
    component_ids: set[str],
) -> tuple[list[Finding], list[UnusedWaiver]]:
    """Findings with matching waivers applied, and the waivers that matched no failing finding."""
    used: set[int] = set()
    out: list[Finding] = []
    for finding in findings:
        match = None
        if finding.status == "fail":
            candidates = [
                (index, waiver)
                for index, waiver in enumerate(waivers.waivers)
                if waiver.rule == finding.rule_id
                and waiver.target == finding.target
                and waiver.applies_in(finding.environment or env)
            ]
            # A current waiver wins over an expired one for the same finding (a renewal listed after it).
            current = [c for c in candidates if c[1].expires >= today]
            ranked = current or candidates
            match = ranked[0] if ranked else None
        if match is None:
            out.append(finding)
            continue
        index, waiver = match
        used.add(index)
        out.append(_waive(finding, waiver, waivers.file, packs, today))
    unused = [
        UnusedWaiver(waiver, _why_unused(waiver, findings, env, component_ids), waivers.file)
        for index, waiver in enumerate(waivers.waivers)
        if index not in used
    ]
    return out, unused


def _waive(finding: Finding, waiver: Waiver, file: str | None, packs: PackSet, today: dt.date) -> Finding:
    applied = AppliedWaiver(
        rule=waiver.rule,
        target=waiver.target,
        reason=waiver.reason,
        owner=waiver.owner,
        expires=waiver.expires,
        ticket=waiver.ticket,
        file=file,
        line=waiver._line,
    )
    rule = packs.rules.get(finding.rule_id)
    if rule is not None and not rule.waivable:
        why = f"rule {finding.rule_id} is not waivable; the waiver is ignored"
        return finding.model_copy(
            update={
                "waiver": applied.model_copy(update={"active": False, "why_inactive": why}),
                "notes": (*finding.notes, why),
            }
        )
    if waiver.expires < today:
        why = f"waiver expired on {waiver.expires.isoformat()} (owner {waiver.owner}); the finding stands again"
        return finding.model_copy(
            update={
                "waiver": applied.model_copy(update={"active": False, "why_inactive": why}),
                "notes": (*finding.notes, why),
            }
        )
    notes = finding.notes
    days = (waiver.expires - today).days
    if days <= EXPIRY_WARNING_DAYS:
        notes = (*notes, f"waiver expires in {days} days ({waiver.expires.isoformat()})")
    return finding.model_copy(update={"status": "waived", "waiver": applied, "notes": notes})


def _why_unused(waiver: Waiver, findings: list[Finding], env: str | None, component_ids: set[str]) -> str:
    if not waiver.applies_in(env):
        return f"applies only in environments {', '.join(waiver.environments)} (checked: {env or 'none'})"
    same_rule = [f for f in findings if f.rule_id == waiver.rule]
    if not same_rule:
        return f"rule {waiver.rule} did not run (its pack is not selected, or it is disabled)"
    if not any(f.target == waiver.target for f in same_rule):
        if waiver.target not in component_ids:
            return f"no component {waiver.target!r} in the design"
        return f"rule {waiver.rule} does not apply to {waiver.target!r}"
    statuses = sorted({f.status for f in same_rule if f.target == waiver.target})
    if statuses == ["waived"] or "fail" in statuses:
        return f"another waiver for {waiver.rule} on {waiver.target!r} applies; remove this one"
    return f"rule {waiver.rule} does not fail for {waiver.target!r} ({', '.join(statuses)}); remove the waiver"
