"""Run the checks on one design: structural validation and capacity findings (both from
:func:`aifab.validate.validate`), then the selected packs. The design is estimated once
(:func:`aifab.capacity.assess_design`); validation and the rules read that one estimate.

>>> from aifab.policy.engine import check_design
>>> result = check_design(loaded, packs, config=config, waivers=waivers, catalogue=cat, today=today)  # doctest: +SKIP
>>> [f.rule_id for f in result.findings if f.standing]                                              # doctest: +SKIP
['SEC-EKS-001']

Every rule runs inside a guard: an exception becomes an ``error`` finding naming the rule and the
exception, never a crash. A rule whose ``requires`` the run cannot meet is ``not_evaluated``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

import networkx as nx

from aifab._gc import paused
from aifab.capacity import assess_design
from aifab.catalogue import Catalogue
from aifab.design.component import Component
from aifab.design.design import Design
from aifab.design.environments import EnvironmentModel
from aifab.design.loader import LoadedDesign, display
from aifab.errors import Diagnostic, Location
from aifab.graph.build import DesignGraph
from aifab.validate import validate

from .capacity import CapacityEstimates, site_capacity
from .config import PolicyConfig
from .context import DesignIndex, PolicyContext
from .enforcement import resolve
from .findings import Enforcement, Finding, Status
from .locate import Locator
from .packs import Pack, PackSet
from .rule import ResourceSubject, Rule
from .verdict import VerdictStatus, verdicts
from .waivers import UnusedWaiver, WaiverFile, apply_waivers

ResultStatus = VerdictStatus | Literal["error"]


@dataclass(frozen=True)
class RuleResult:
    """One outcome of running a rule, before enforcement and waivers."""

    status: ResultStatus
    message: str
    component: str | None
    field: str | None = None


@dataclass(frozen=True)
class DesignCheck:
    """Everything ``aifab check`` found for one design."""

    design: str
    file: str
    env: str | None
    packs: tuple[str, ...]
    findings: tuple[Finding, ...]
    unused_waivers: tuple[UnusedWaiver, ...] = ()
    policy_config: str | None = None
    waivers_file: str | None = None
    input_errors: tuple[Diagnostic, ...] = field(default=())
    """Diagnostics that make the design unusable (unknown catalogue names): the check exits 2."""


def frozen_graph(graph: DesignGraph) -> DesignGraph:
    """A copy of the design graph whose networkx graph cannot be changed (rules are pure)."""
    return DesignGraph(design=graph.design, graph=nx.freeze(graph.graph.copy()))


def run_rule(rule: Rule, ctx: PolicyContext, resources: Sequence[ResourceSubject] | None = None) -> list[RuleResult]:
    """Run one rule on its subjects in ``ctx``; exceptions become ``error`` results."""
    missing = [c for c in rule.requires if not ctx.has(c)]
    if rule.target == "design":
        if missing:
            return [RuleResult("not_evaluated", _needs(missing), None)]
        results = _guarded(rule, ctx.design, ctx, None)
        return results or [RuleResult("not_applicable", "nothing in the design for this rule to judge", None)]
    if rule.target == "resource":
        if resources is None:
            return [RuleResult("not_evaluated", "a resource-level rule: it needs a recorded Pulumi preview", None)]
        out: list[RuleResult] = []
        for resource in resources:
            if resource.type in rule.applies_to:
                # A resource's finding belongs to the design component that made it (its environment's
                # enforcement and waivers apply); the message names the resource.
                owner = resource.component or resource.name
                judged = (
                    [RuleResult("not_evaluated", _needs(missing), owner)]
                    if missing
                    else _guarded(rule, resource, ctx, owner)
                )
                out.extend(replace(r, message=f"{resource.label}: {r.message}") for r in judged)
        return out or [RuleResult("not_applicable", f"no resource of type {', '.join(rule.applies_to)}", None)]
    subjects = ctx.components(*rule.applies_to)
    if not subjects:
        return [RuleResult("not_applicable", f"the design has no {' or '.join(rule.applies_to)}", None)]
    found: list[RuleResult] = []
    for component in subjects:
        if missing:
            found.append(RuleResult("not_evaluated", _needs(missing), component.id))
            continue
        results = _guarded(rule, component, ctx, component.id)
        found.extend(results or [RuleResult("error", "the rule returned no verdict", component.id)])
    return found


def _needs(missing: list[str]) -> str:
    return f"needs {', '.join(missing)}, which this run does not have"


def _guarded(rule: Rule, subject: Any, ctx: PolicyContext, default_component: str | None) -> list[RuleResult]:
    try:
        found = verdicts(rule.check(subject, ctx))
    except Exception as exc:  # a rule that raises is a finding, never a crash
        return [RuleResult("error", f"rule {rule.id} raised {type(exc).__name__}: {exc}", default_component)]
    return [RuleResult(v.status, v.message, v.component or default_component, v.field) for v in found]


def make_context(
    design: Design,
    graph: DesignGraph,
    params: Mapping[str, Any],
    *,
    catalogue: Catalogue | None,
    capacity: CapacityEstimates | None,
    today: dt.date,
    env: str | None = None,
    capabilities: Mapping[str, Any] | None = None,
    index: DesignIndex | None = None,
) -> PolicyContext:
    """A rule's context; pass ``index`` (``DesignIndex.of(graph)``) to share one index between contexts."""
    return PolicyContext(
        design=design,
        graph=graph,
        params=MappingProxyType(dict(params)),
        catalogue=catalogue,
        capacity=capacity,
        today=today,
        env=env,
        capabilities=MappingProxyType(dict(capabilities or {})),
        prepared=index,
    )


def check_design(
    loaded: LoadedDesign,
    packs: PackSet,
    *,
    config: PolicyConfig,
    waivers: WaiverFile,
    catalogue: Catalogue,
    today: dt.date,
    only_packs: tuple[str, ...] = (),
    capabilities: Mapping[str, Any] | None = None,
    resources: Sequence[ResourceSubject] | None = None,
) -> DesignCheck:
    with paused():  # a finding per rule and component, no cycles: see aifab._gc
        return _check_design(loaded, packs, config, waivers, catalogue, today, only_packs, capabilities, resources)


def _check_design(
    loaded: LoadedDesign,
    packs: PackSet,
    config: PolicyConfig,
    waivers: WaiverFile,
    catalogue: Catalogue,
    today: dt.date,
    only_packs: tuple[str, ...],
    capabilities: Mapping[str, Any] | None,
    resources: Sequence[ResourceSubject] | None,
) -> DesignCheck:
    design = loaded.design
    locator = Locator(loaded)
    assessment = assess_design(design, catalogue)  # the one estimate: validation and the rules read it
    validation = validate(design, catalogue, assessment=assessment)
    kinds = {c.id: c.kind for c in design.components}
    findings = [_diagnostic_finding(d, design, locator, kinds) for d in validation.diagnostics]
    # The validation's graph is this check's own: freeze it where it is rather than copy it.
    graph = DesignGraph(design=validation.graph.design, graph=nx.freeze(validation.graph.graph))
    index = DesignIndex.of(graph)  # one index for every pack's context
    capacity = site_capacity(assessment.complete)
    selected = config.selected_packs(packs, design, only_packs)
    model = EnvironmentModel.of(design)
    for pack in selected:
        ctx = make_context(
            design,
            graph,
            config.params(pack),
            catalogue=catalogue,
            capacity=capacity,
            today=today,
            env=loaded.env,
            capabilities=capabilities,
            index=index,
        )
        findings.extend(_pack_findings(pack, ctx, config, model, loaded.env, locator, resources))
    findings = [_in_environment(f, model, loaded.env) for f in findings]
    if loaded.env is not None and model.has_environments:
        findings = [f for f in findings if _answers_for(f.component, model, loaded.env)]
    component_ids = {c.id for c in design.components}
    findings, unused = apply_waivers(findings, waivers, packs, loaded.env, today, component_ids)
    if loaded.env is not None and model.has_environments:  # another stack's waivers are not unused here
        unused = [u for u in unused if _answers_for(u.waiver.target, model, loaded.env)]
    return DesignCheck(
        design=design.name,
        file=display(loaded.file),
        env=loaded.env,
        packs=tuple(p.name for p in selected),
        findings=tuple(findings),
        unused_waivers=tuple(unused),
        policy_config=config.file,
        waivers_file=waivers.file,
        input_errors=tuple(d for d in validation.errors if d.category == "input"),
    )


def _pack_findings(
    pack: Pack,
    ctx: PolicyContext,
    config: PolicyConfig,
    model: EnvironmentModel,
    env: str | None,
    locator: Locator,
    resources: Sequence[ResourceSubject] | None,
) -> Iterable[Finding]:
    """Each result judged under its own component's environment (see :mod:`aifab.design.environments`)."""
    for rule in pack.rules:
        specs = config.enforcement_specs(rule, pack)
        first = next((spec for spec in specs if spec is not None), None)
        if first == "disabled":
            continue  # disabled everywhere: the rule does not run
        for result in run_rule(rule, ctx, resources):
            component = ctx.component(result.component)
            key, purpose = (
                (model.owner(component) if component is not None else None, model.purpose(component))
                if model.has_environments
                else (env, model.purpose(None))
            )
            enforcement = resolve(rule.severity, specs, key, purpose)
            if enforcement != "disabled":
                yield _finding(rule, result, enforcement, ctx.design.name, component, locator)


def _in_environment(finding: Finding, model: EnvironmentModel, env: str | None) -> Finding:
    """The finding with the environment whose stack deploys its subject (the stack's, without environments)."""
    component = model.by_id.get(finding.component or "")
    deployer = model.deployer(component) if component is not None and model.has_environments else None
    environment = deployer if model.has_environments else env
    return finding if environment is None else finding.model_copy(update={"environment": environment})


def _answers_for(component_id: str | None, model: EnvironmentModel, env: str) -> bool:
    """Whether stack ``env`` answers for a subject: its own components, and whatever no other stack deploys."""
    component = model.by_id.get(component_id or "")
    deployer = model.deployer(component) if component is not None else None
    return deployer is None or deployer == env


def _finding(
    rule: Rule,
    result: RuleResult,
    enforcement: Enforcement,
    design: str,
    component: Component | None,
    locator: Locator,
) -> Finding:
    status: Status = result.status
    message = result.message or (rule.title if status == "pass" else "")
    return Finding(
        design=design,
        rule_id=rule.id,
        title=rule.title,
        severity=rule.severity,
        pack=rule.pack,
        enforcement=enforcement,
        status=status,
        component=result.component,
        kind=component.kind if component is not None else None,
        message=message,
        location=locator.locate(component, result.field),
        frameworks=rule.frameworks,
        remediation=rule.remediation,
        help_uri=rule.url or help_uri(rule.id),
    )


def help_uri(rule_id: str) -> str:
    """Where a rule is documented: its entry in the generated policy index."""
    return f"docs/policies.md#{rule_id.lower()}"


def _diagnostic_finding(d: Diagnostic, design: Design, locator: Locator, kinds: Mapping[str, str]) -> Finding:
    """A structural or capacity diagnostic as a finding (rule ``validate:<code>`` or ``capacity:<code>``):
    errors are mandatory, warnings advisory; neither can be waived (fix the design)."""
    error = d.severity == "error"
    source = "capacity" if d.code.startswith("capacity-") else "validate"
    return Finding(
        design=design.name,
        rule_id=f"{source}:{d.code}",
        title=f"design {'error' if error else 'warning'}: {d.code}",
        severity="high" if error else "low",
        pack=source,
        enforcement="mandatory" if error else "advisory",
        status="fail",
        component=d.component,
        kind=kinds.get(d.component or ""),
        message=d.message,
        location=d.location or Location(file=display(locator.loaded.file)),
        help_uri=None,
    )
