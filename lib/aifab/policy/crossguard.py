"""The packs as real Pulumi CrossGuard policy packs, built from the same rule metadata.

Each pack folder holds ``PulumiPolicy.yaml`` (``runtime: python``) and an ``__main__.py`` that calls
:func:`serve`, so ``pulumi preview --policy-pack policies/<pack>`` runs the pack under the real engine:

* resource-level rules become ``ResourceValidationPolicy`` objects that judge each resource's inputs;
* design-level rules become ``StackValidationPolicy`` objects that judge the stack's design with the same
  engine ``aifab check`` runs (the stack's catalogue, policy.yaml and waivers) and report each failing
  finding as a violation.

Run as documented, in a stack folder (``pulumi preview --policy-pack ../../policies/<pack>``), a pack
finds its stack with no extra config: the policy config property ``design`` or ``$AIFAB_DESIGN`` if set,
else the Pulumi project the engine names (``$PULUMI_PROJECT``: a folder with that ``Pulumi.yaml`` in the
working folder, its parents, or the ``stacks/`` folder beside the packs). The environment is the Pulumi
stack (``$PULUMI_STACK``, or the config ``env`` / ``$AIFAB_ENV``). Each policy's enforcement is then what
the stack's policy.yaml gives the rule for that environment and its purpose; without a stack, the pack's
non-production default. Resource policies read the design too (environment purposes, boundaries).
Without a design, design-level policies report "not applicable", never "passed".

Severity, the first framework reference (``PolicyComplianceFramework``), every reference as a
``scheme:control`` tag, the remediation and the documentation URL come from the rule.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi_policy as pp
import yaml

from aifab.catalogue import Catalogue
from aifab.design.design import Design
from aifab.design.environments import EnvironmentModel
from aifab.design.loader import LoadedDesign
from aifab.errors import InputError
from aifab.graph.build import build_graph

from .config import PolicyConfig
from .context import PolicyContext
from .enforcement import resolve
from .engine import DesignCheck, frozen_graph, help_uri, make_context, run_rule
from .packs import Pack, PackSet, builtin_policies_dir, load_packs
from .resources import subject_of
from .rule import Rule

DESIGN_ENV = "AIFAB_DESIGN"
ENV_ENV = "AIFAB_ENV"
CONFIG_SCHEMA = {
    "design": {"type": "string", "description": "Path to the design (stack folder or file) to judge."},
    "env": {"type": "string", "description": "Stack environment to apply (Pulumi.<env>.yaml)."},
}


@dataclass(frozen=True)
class StackTarget:
    """The design a pack judges: a stack folder (or design file) and the environment (Pulumi stack)."""

    design: str
    env: str | None


def locate_stack(pack: Pack, config: Mapping[str, Any] | None = None) -> StackTarget | None:
    """The stack the engine runs this pack for (see the module docs), or None when it cannot be told."""
    settings = config or {}
    env = settings.get("env") or os.environ.get(ENV_ENV) or os.environ.get("PULUMI_STACK") or None
    explicit = settings.get("design") or os.environ.get(DESIGN_ENV)
    if explicit:
        return StackTarget(str(explicit), env)
    project = os.environ.get("PULUMI_PROJECT")
    if not project:
        return None
    cwd = Path.cwd()
    candidates = [cwd, *cwd.parents, cwd / "stacks" / project, pack.path.parent.parent / "stacks" / project]
    for folder in candidates:
        if _project_name(folder) == project:
            return StackTarget(str(folder), env)
    return None


def _project_name(folder: Path) -> str | None:
    try:
        data = yaml.safe_load((folder / "Pulumi.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    return str(data.get("name")) if isinstance(data, dict) else None


@functools.lru_cache(maxsize=8)
def _stack(design: str, env: str | None) -> tuple[LoadedDesign, PolicyConfig, Catalogue] | None:
    """The stack's design (with its environment's overrides), policy config and catalogue; None if unusable."""
    from aifab.catalogue import load_catalogue
    from aifab.design.loader import load_design

    from .config import CONFIG_FILE, load_policy_config

    try:
        loaded = load_design(design, env)
        folder = loaded.stack_dir or loaded.file.parent
        config_file = folder / CONFIG_FILE
        packs = load_packs(builtin_policies_dir())
        config = load_policy_config(config_file if config_file.is_file() else None, packs)
        return loaded, config, load_catalogue(loaded.catalogue_file)
    except InputError:
        return None  # the design-level policies report why (through `checked`)


def _enforcement(rule: Rule, pack: Pack, target: StackTarget | None = None) -> pp.EnforcementLevel:
    """The stack's enforcement of ``rule`` for its environment; without a stack, the non-production level
    (so a dev stack's preview is not blocked by a production-only requirement)."""
    stack = _stack(target.design, target.env) if target is not None else None
    if stack is None:
        return pp.EnforcementLevel(resolve(rule.severity, (pack.info.enforcement,), None, "experimentation"))
    loaded, config, _ = stack
    model = EnvironmentModel.of(loaded.design)
    environment = model.environments.get(target.env or "") if target is not None else None
    purpose = environment.purpose if environment is not None else model.purpose(None)
    level = resolve(rule.severity, config.enforcement_specs(rule, pack), target.env if target else None, purpose)
    return pp.EnforcementLevel(level)


def _metadata(rule: Rule, pack: Pack, target: StackTarget | None) -> dict[str, Any]:
    first = rule.frameworks[0] if rule.frameworks else None
    return {
        "name": rule.id,
        "description": rule.title,
        "display_name": rule.title,
        "enforcement_level": _enforcement(rule, pack, target),
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
        catalogue=load_catalogue(loaded.catalogue_file),
        today=today,
        only_packs=(pack,),
    )


def _stack_validation(rule: Rule, pack: Pack) -> Callable[[pp.StackValidationArgs, pp.ReportViolation], None]:
    def validate(args: pp.StackValidationArgs, report_violation: pp.ReportViolation) -> None:
        target = locate_stack(pack, args.get_config())
        if target is None:
            args.not_applicable(
                f"{rule.id} is a design-level rule and no stack was found: run the preview in the stack folder, "
                f"set the policy config 'design' or ${DESIGN_ENV} to it, or run `aifab check`"
            )
            return
        result = checked(str(pack.path.parent), pack.name, target.design, target.env, _today())
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
        ctx = _resource_context(pack, locate_stack(pack))
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


def _resource_context(pack: Pack, target: StackTarget | None) -> PolicyContext:
    """The stack's design, environment, parameters and catalogue when the stack is known; else an empty design."""
    stack = _stack(target.design, target.env) if target is not None else None
    if stack is None:
        from aifab.catalogue import load_catalogue

        design = Design(name="crossguard")
        return make_context(
            design,
            frozen_graph(build_graph(design)),
            pack.defaults(),
            catalogue=load_catalogue(),
            capacity=None,
            today=_today(),
        )
    loaded, config, catalogue = stack
    return make_context(
        loaded.design,
        frozen_graph(build_graph(loaded.design)),
        config.params(pack),
        catalogue=catalogue,
        capacity=None,
        today=_today(),
        env=loaded.env,
    )


def _today() -> dt.date:
    value = os.environ.get("AIFAB_TODAY")
    try:
        return dt.date.fromisoformat(value) if value else dt.date.today()
    except ValueError:
        return dt.date.today()


def policies(pack: Pack, target: StackTarget | None = None) -> list[pp.Policy]:
    """The CrossGuard policies of one pack (enforcement for ``target``'s environment when given)."""
    found: list[pp.Policy] = []
    for rule in sorted(pack.rules, key=lambda r: r.id):
        meta = _metadata(rule, pack, target)
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
        policies=policies(pack, locate_stack(pack)),
        description=pack.info.description,
        display_name=pack.info.title,
    )
