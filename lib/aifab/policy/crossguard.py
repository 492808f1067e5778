"""The packs as real Pulumi CrossGuard policy packs, built from the same rule metadata.

Each pack folder holds ``PulumiPolicy.yaml`` (``runtime: python``) and an ``__main__.py`` that calls
:func:`serve`, so ``pulumi preview --policy-pack policies/<pack>`` runs the pack under the real engine:

* resource-level rules become ``ResourceValidationPolicy`` objects that judge each resource's inputs;
* design-level rules become ``StackValidationPolicy`` objects that load the design named by the policy
  config property ``design`` (or ``$AIFAB_DESIGN``; environment from ``env`` / ``$AIFAB_ENV``),
  run the same engine ``aifab check`` runs (with the stack's policy.yaml and waivers.yaml) and report
  each failing finding as a violation. Without a design they report "not applicable", never "passed".

Severity, the first framework reference (``PolicyComplianceFramework``), every reference as a
``scheme:control`` tag, the remediation and the documentation URL come from the rule. Each policy's
enforcement is the pack's default for a non-production environment; Pulumi's policy config overrides it.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi_policy as pp

from aifab.design.design import Design
from aifab.graph.build import build_graph

from .enforcement import resolve
from .engine import DesignCheck, frozen_graph, help_uri, make_context, run_rule
from .packs import Pack, PackSet, load_packs
from .resources import subject_of
from .rule import Rule

DESIGN_ENV = "AIFAB_DESIGN"
ENV_ENV = "AIFAB_ENV"
CONFIG_SCHEMA = {
    "design": {"type": "string", "description": "Path to the design (stack folder or file) to judge."},
    "env": {"type": "string", "description": "Stack environment to apply (Pulumi.<env>.yaml)."},
}


def _enforcement(rule: Rule, pack: Pack) -> pp.EnforcementLevel:
    # CrossGuard holds one level per policy: the non-production one, so a dev stack's preview is not blocked
    # by a production-only requirement; `aifab check` judges each finding under its own environment.
    level = resolve(rule.severity, (pack.info.enforcement,), None, "experimentation")
    return pp.EnforcementLevel(level)


def _metadata(rule: Rule, pack: Pack) -> dict[str, Any]:
    first = rule.frameworks[0] if rule.frameworks else None
    return {
        "name": rule.id,
        "description": rule.title,
        "display_name": rule.title,
        "enforcement_level": _enforcement(rule, pack),
        "severity": pp.Severity(rule.severity),
        "framework": pp.PolicyComplianceFramework(name=first.name, reference=first.control, specification=rule.title)
        if first is not None
        else None,
        "tags": list(dict.fromkeys([f"pack:{pack.name}", *(r.tag for r in rule.frameworks)])),
        "remediation_steps": rule.remediation or None,
        "url": rule.url or help_uri(rule.id),
    }


@functools.lru_cache(maxsize=8)
def checked(policies_dir: str, pack: str, design: str, env: str | None, today: dt.date) -> DesignCheck:
    """``aifab check`` of one design with one pack (cached: every stack policy of a run shares it)."""
    from aifab.catalogue import load_catalogue
    from aifab.design.loader import load_design

    from .config import CONFIG_FILE, load_policy_config
    from .engine import check_design
    from .waivers import WAIVERS_FILE, load_waivers

    packs = load_packs(Path(policies_dir))
    loaded = load_design(design, env)
    folder = loaded.stack_dir or loaded.file.parent
    config_file, waivers_file = folder / CONFIG_FILE, folder / WAIVERS_FILE
    return check_design(
        loaded,
        packs,
        config=load_policy_config(config_file if config_file.is_file() else None, packs),
        waivers=load_waivers(waivers_file if waivers_file.is_file() else None, packs),
        catalogue=load_catalogue(),
        today=today,
        only_packs=(pack,),
    )


def _stack_validation(rule: Rule, pack: Pack) -> Callable[[pp.StackValidationArgs, pp.ReportViolation], None]:
    def validate(args: pp.StackValidationArgs, report_violation: pp.ReportViolation) -> None:
        config = args.get_config()
        design = config.get("design") or os.environ.get(DESIGN_ENV)
        if not design:
            args.not_applicable(
                f"{rule.id} is a design-level rule: set the policy config 'design' or ${DESIGN_ENV} to the stack "
                "folder, or run `aifab check`"
            )
            return
        env = config.get("env") or os.environ.get(ENV_ENV) or None
        result = checked(str(pack.path.parent), pack.name, str(design), env, dt.date.today())
        mine = [f for f in result.findings if f.rule_id == rule.id]
        failing = [f for f in mine if f.status in ("fail", "error")]
        if not failing and mine and all(f.status in ("not_applicable", "not_evaluated") for f in mine):
            args.not_applicable("; ".join(sorted({f.message for f in mine})))
            return
        for f in failing:
            report_violation(f"{f.component or f.design}: {f.message} ({f.location})", None)

    return validate


def _resource_validation(rule: Rule, pack: Pack) -> Callable[[pp.ResourceValidationArgs, pp.ReportViolation], None]:
    def validate(args: pp.ResourceValidationArgs, report_violation: pp.ReportViolation) -> None:
        if args.resource_type not in rule.applies_to:
            return
        from aifab.catalogue import load_catalogue

        design = Design(name="crossguard")
        ctx = make_context(
            design,
            frozen_graph(build_graph(design)),
            pack.defaults(),
            catalogue=load_catalogue(),
            capacity=None,
            today=dt.date.today(),
        )
        provider = args.provider
        subject = subject_of(  # plain inputs, unknowns marked as in a plan: both paths judge the same subject
            args.resource_type,
            args.name,
            args.props,
            urn=args.urn,
            provider_type=provider.resource_type if provider is not None else None,
            provider_props=provider.props if provider is not None else None,
        )
        results = run_rule(rule, ctx, [subject])
        for r in results:
            if r.status in ("fail", "error"):
                report_violation(r.message, args.urn)
        if results and all(r.status in ("not_applicable", "not_evaluated") for r in results):
            args.not_applicable("; ".join(r.message for r in results))

    return validate


def policies(pack: Pack) -> list[pp.Policy]:
    """The CrossGuard policies of one pack."""
    found: list[pp.Policy] = []
    for rule in sorted(pack.rules, key=lambda r: r.id):
        meta = _metadata(rule, pack)
        if rule.target == "resource":
            found.append(pp.ResourceValidationPolicy(validate=_resource_validation(rule, pack), **meta))
        else:
            found.append(
                pp.StackValidationPolicy(
                    validate=_stack_validation(rule, pack),
                    config_schema=pp.PolicyConfigSchema(properties=CONFIG_SCHEMA),
                    **meta,
                )
            )
    return found


def load(pack_dir: Path) -> Pack:
    packs: PackSet = load_packs(pack_dir)
    return packs.pack(pack_dir.name)


def serve(pack_dir: Path) -> None:
    """Build the pack's ``PolicyPack``, which serves the Pulumi engine (called by the pack's ``__main__.py``)."""
    pack = load(pack_dir)
    pp.PolicyPack(
        name=pack.name,
        policies=policies(pack),
        description=pack.info.description,
        display_name=pack.info.title,
    )
