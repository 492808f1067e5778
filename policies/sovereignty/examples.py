"""Building blocks of the sovereign rules' passing and failing examples, and of the rules themselves."""

from __future__ import annotations

from aifab.blueprints import Site, SovereignBoundary
from aifab.design.component import Component
from aifab.policy import Example, Rule, example
from aifab.policy.harness import EXAMPLE_TODAY

from .jurisdictions import Jurisdiction


def boundary_example(j: Jurisdiction, **settings: object) -> SovereignBoundary:
    return SovereignBoundary(id="home", jurisdiction=j.code, **settings)


def site_example(j: Jurisdiction, region: str | None = None) -> Site:
    return Site(id="region", provider="aws", region=region or j.home_region, inside="home")


def sovereign_example(*components: Component, expect: str | None = None) -> Example:
    return example(*components, today=EXAMPLE_TODAY, expect=expect)  # type: ignore[arg-type]


def jurisdiction_rule(j: Jurisdiction, suffix: str, refs: str, **fields: object) -> Rule:
    """A rule of ``j``'s pack: its id (``SOV-<code>-<suffix>``), pack and the jurisdiction's references.

    A critical rule can be neither waived nor disabled: residency is not a risk a project accepts alone."""
    critical = fields.get("severity") == "critical"
    fields = {"waivable": not critical, "disableable": not critical, **fields}
    return Rule(id=j.rule_id(suffix), pack=j.pack, frameworks=j.refs.get(refs, ()), **fields)  # type: ignore[arg-type]
