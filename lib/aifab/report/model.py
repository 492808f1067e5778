"""The one report model every output format reads: the checked designs, their findings, a summary.

>>> report = CheckReport(designs=(result,), rules=packs.rules, today=date.today())   # doctest: +SKIP
>>> report.exit_code                                                                 # doctest: +SKIP
1
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import metadata
from types import MappingProxyType
from typing import Any

from aifab import __version__
from aifab.errors import Diagnostic, InputError, Location
from aifab.policy.engine import DesignCheck
from aifab.policy.findings import STATUSES, Finding
from aifab.policy.gate import GOVERNANCE
from aifab.policy.rule import SEVERITIES, Rule
from aifab.policy.waivers import UnusedWaiver

from .baseline import DesignDelta

TOOL_NAME = "aifab"


def _project_uri(default: str = "https://github.com/aifab/aifab") -> str:
    """The project's home page from its package metadata (``[project.urls] Homepage`` in pyproject.toml)."""
    try:
        urls = metadata.metadata(TOOL_NAME).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return default
    for entry in urls:
        label, _, url = str(entry).partition(",")
        if label.strip().lower() == "homepage" and url.strip():
            return url.strip()
    return default


TOOL_URI = _project_uri()


@dataclass(frozen=True)
class InputProblem:
    """One input that could not be used (a design, a policy config, a waivers file, a policy pack), at its place.

    The check cannot judge what it cannot load, so it reports the problem instead, in every output, and
    exits 2. ``path`` is what was being checked (the PATH given, or ``--policies``/``--pack``).

    >>> str(InputProblem("stacks/x", "unknown field", file="stacks/x/design.yaml", line=9, field="components[0].sied"))
    'stacks/x/design.yaml:9: components[0].sied: unknown field'
    """

    path: str
    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None

    @classmethod
    def from_error(cls, path: str, exc: InputError) -> list[InputProblem]:
        return [cls(path, p.message, file=p.file, line=p.line, field=p.field) for p in exc.problems]

    @classmethod
    def from_diagnostic(cls, path: str, d: Diagnostic) -> InputProblem:
        loc = d.location or Location()
        return cls(path, d.message, file=loc.file, line=loc.line, field=d.component)

    @property
    def location(self) -> Location:
        return Location(file=self.file, line=self.line)

    def __str__(self) -> str:
        return InputError(self.message, file=self.file, line=self.line, field=self.field).render()


@dataclass(frozen=True)
class CheckReport:
    designs: tuple[DesignCheck, ...]
    rules: Mapping[str, Rule] = field(default_factory=lambda: MappingProxyType({}))
    today: dt.date = field(default_factory=dt.date.today)
    tool_version: str = __version__
    help_base_uri: str | None = None
    """Absolute base that rules' documentation paths (``docs/policies.md#...``) are joined to, e.g. a
    repository blob URL; without it SARIF rules carry no ``helpUri``."""
    input_errors: tuple[InputProblem, ...] = ()
    """Inputs that could not be checked at all; every format reports them at their file and line (exit 2)."""
    baselines: tuple[DesignDelta, ...] = ()
    """Each design against its version at the ``--baseline`` git ref (the Markdown summary shows them)."""

    @property
    def findings(self) -> list[Finding]:
        return [f for d in self.designs for f in d.findings]

    @property
    def unused_waivers(self) -> list[UnusedWaiver]:
        return [w for d in self.designs for w in d.unused_waivers]

    @property
    def governance_exceptions(self) -> list[Finding]:
        """Where the policy config switched governance off (a rule or pack disabled in production, no packs)."""
        return [f for f in self.findings if f.pack == GOVERNANCE]

    @property
    def standing(self) -> list[Finding]:
        return [f for f in self.findings if f.standing]

    @property
    def exit_code(self) -> int:
        """0 when no mandatory finding stands, 1 when one does, 2 when an input could not be used."""
        if self.input_errors:
            return 2
        return 1 if self.standing else 0

    def rule(self, rule_id: str) -> Rule | None:
        return self.rules.get(rule_id)

    def summary(self) -> dict[str, Any]:
        findings = self.findings
        statuses = Counter(f.status for f in findings)
        failing = [f for f in findings if f.status in ("fail", "error")]
        return {
            "designs": len(self.designs),
            "findings": len(findings),
            "by_status": {s: statuses.get(s, 0) for s in STATUSES},
            "failing_by_severity": {s: sum(1 for f in failing if f.severity == s) for s in reversed(SEVERITIES)},
            "mandatory_failing": len(self.standing),
            "advisory_failing": sum(1 for f in failing if f.enforcement == "advisory"),
            "unused_waivers": len(self.unused_waivers),
            "governance_exceptions": len(self.governance_exceptions),
            "input_errors": len(self.input_errors),
            "exit_code": self.exit_code,
        }


def sort_key(f: Finding) -> tuple[int, int, str, str]:
    """Worst first: status, then severity, then rule and component."""
    return (
        STATUSES.index(f.status),
        -SEVERITIES.index(f.severity),
        f.rule_id,
        f.component or "",
    )


def location_text(f: Finding) -> str:
    return str(f.location) if f.location.file else "-"
