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
from types import MappingProxyType
from typing import Any

from aifab import __version__
from aifab.policy.engine import DesignCheck
from aifab.policy.findings import STATUSES, Finding
from aifab.policy.rule import SEVERITIES, Rule
from aifab.policy.waivers import UnusedWaiver

TOOL_NAME = "aifab"
TOOL_URI = "https://github.com/aifab/aifab"


@dataclass(frozen=True)
class CheckReport:
    designs: tuple[DesignCheck, ...]
    rules: Mapping[str, Rule] = field(default_factory=lambda: MappingProxyType({}))
    today: dt.date = field(default_factory=dt.date.today)
    tool_version: str = __version__
    help_base_uri: str | None = None
    """Absolute base that rules' documentation paths (``docs/policies.md#...``) are joined to, e.g. a
    repository blob URL; without it SARIF rules carry no ``helpUri``."""

    @property
    def findings(self) -> list[Finding]:
        return [f for d in self.designs for f in d.findings]

    @property
    def unused_waivers(self) -> list[UnusedWaiver]:
        return [w for d in self.designs for w in d.unused_waivers]

    @property
    def standing(self) -> list[Finding]:
        return [f for f in self.findings if f.standing]

    @property
    def exit_code(self) -> int:
        """0 when no mandatory finding stands, 1 when one does."""
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
