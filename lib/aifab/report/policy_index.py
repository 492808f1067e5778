"""The policy index (``docs/policies.md``) and ``aifab policy list``, generated from rule metadata.

>>> from aifab.policy import builtin_policies_dir, load_packs
>>> print(render_index(load_packs(builtin_policies_dir())))
# Policy index
...
"""

from __future__ import annotations

import json
from typing import Any

import jinja2

from aifab.policy.enforcement import EnforcementSpec
from aifab.policy.packs import Pack, PackSet
from aifab.policy.rule import Rule
from aifab.templating import template_environment


def _enforcement(spec: EnforcementSpec | None) -> str:
    if spec is None:
        return "by-severity"
    if isinstance(spec, str):
        return spec
    return ", ".join(f"{k}: {v}" for k, v in spec.items())


def _applies(rule: Rule) -> str:
    return "the whole design" if rule.target == "design" else ", ".join(rule.applies_to)


def _value(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else value


def _environment() -> jinja2.Environment:
    return template_environment(
        "aifab.report",
        enforcement=_enforcement,
        applies=_applies,
        value=_value,
        anchor=lambda rule_id: rule_id.lower(),
    )


def _packs(packs: PackSet, only: tuple[str, ...] = ()) -> list[Pack]:
    return [p for p in sorted(packs, key=lambda p: p.name) if not only or p.name in only]


def render_index(packs: PackSet, only: tuple[str, ...] = ()) -> str:
    """The Markdown policy index."""
    chosen = _packs(packs, only)
    return (
        _environment()
        .get_template("policies.md.j2")
        .render(
            packs=chosen,
            total=sum(len(p.rules) for p in chosen),
            sorted_rules=lambda pack: sorted(pack.rules, key=lambda r: r.id),
        )
    )


def render_text(packs: PackSet, only: tuple[str, ...] = ()) -> str:
    lines = []
    for pack in _packs(packs, only):
        lines.append(f"{pack.name} ({len(pack.rules)} rules): {pack.info.title}")
        for rule in sorted(pack.rules, key=lambda r: r.id):
            lines.append(f"  {rule.id:<16} {rule.severity:<8} {rule.title}")
    lines.append(f"{sum(len(p.rules) for p in _packs(packs, only))} rules")
    return "\n".join(lines) + "\n"


def rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "title": rule.title,
        "why": rule.why,
        "severity": rule.severity,
        "pack": rule.pack,
        "target": rule.target,
        "applies_to": list(rule.applies_to),
        "frameworks": [
            {"framework": r.name, "scheme": r.scheme, "control": r.control, "tag": r.tag, "verified": r.verified}
            for r in rule.frameworks
        ],
        "remediation": rule.remediation,
        "waivable": rule.waivable,
        "disableable": rule.disableable,
        "requires": list(rule.requires),
        "examples": {"passing": len(rule.passing), "failing": len(rule.failing)},
    }


def render_json(packs: PackSet, only: tuple[str, ...] = ()) -> str:
    document = {
        "packs": [
            {
                "name": p.name,
                "title": p.info.title,
                "description": p.info.description,
                "version": p.info.version,
                "enforcement": p.info.enforcement,
                "params": {k: {"default": v.default, "description": v.description} for k, v in p.info.params.items()},
                "rules": [rule_json(r) for r in sorted(p.rules, key=lambda r: r.id)],
            }
            for p in _packs(packs, only)
        ]
    }
    return json.dumps(document, indent=2) + "\n"
