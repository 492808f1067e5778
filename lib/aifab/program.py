"""What every reference architecture's Pulumi program does, in one place.

A stack's ``__main__.py`` is two lines::

    from pathlib import Path
    from aifab.program import run_stack

    stack = run_stack(Path(__file__).parent)

``run_stack`` loads the design beside it for the selected Pulumi stack, which is one of the design's
environments (see :mod:`aifab.design.environments`), and judges it exactly as ``aifab check --env <stack>``
does (its policy.yaml, waivers.yaml and packs). When that check would exit 1 — a design error, a capacity
error, a mandatory finding of any pack — it raises :class:`pulumi.RunError` with the findings and registers
no resource at all. Otherwise it builds the components this stack deploys (its environment's own, and the
shared ones when it hosts them), in deployment order, through :mod:`aifab.infra`, and exports each
component's outputs under its id (other stacks read them through a ``StackReference``).

``AIFAB_TODAY`` (YYYY-MM-DD) judges expiry dates as of another day, as ``aifab check --today`` does.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from aifab.capacity import assess_design
from aifab.catalogue import Catalogue, load_catalogue
from aifab.design.component import Component
from aifab.design.design import Design
from aifab.design.environments import EnvironmentModel
from aifab.design.loader import LoadedDesign, load_design
from aifab.errors import InputError
from aifab.policy.engine import DesignCheck
from aifab.policy.gate import check_stack
from aifab.policy.packs import builtin_policies_dir, load_packs
from aifab.report.model import CheckReport, sort_key
from aifab.validate import ValidationResult, validate


@dataclass(frozen=True)
class StackRun:
    loaded: LoadedDesign
    check: DesignCheck
    """What ``aifab check --env <stack>`` found (nothing standing, or the program would have refused)."""
    built: StackBuild

    @property
    def components(self) -> tuple[Component, ...]:
        return self.built.components

    @property
    def result(self) -> ValidationResult:
        return self.built.result


def today() -> dt.date:
    value = os.environ.get("AIFAB_TODAY")
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise pulumi.RunError(f"AIFAB_TODAY must be a date such as 2026-12-31 (got {value!r})") from None


def run_stack(stack_dir: Path) -> StackRun:
    """Judge the design for ``pulumi.get_stack()`` and build what the stack deploys, or raise RunError."""
    day = today()
    try:
        loaded = load_design(stack_dir, env=pulumi.get_stack())
        catalogue = load_catalogue(loaded.catalogue_file)
        packs = load_packs(builtin_policies_dir())
        check = check_stack(loaded, packs, catalogue=catalogue, today=day)
    except InputError as exc:
        raise pulumi.RunError(f"design cannot be used:\n{exc.render()}") from None
    if check.input_errors:
        raise pulumi.RunError("design cannot be used:\n" + "\n".join(str(d) for d in check.input_errors))
    report = CheckReport(designs=(check,), rules=packs.rules, today=day)
    for finding in sorted(report.findings, key=sort_key):
        if finding.status in ("fail", "error") and not finding.standing:
            pulumi.log.warn(f"{finding.rule_id} {finding.component or 'design'}: {finding.message}")
    if report.exit_code:
        standing = "\n".join(
            f"  {f.rule_id} [{f.severity}] {f.component or 'design'}: {f.message}"
            for f in sorted(report.standing, key=sort_key)
        )
        raise pulumi.RunError(
            f"aifab check fails for stack {loaded.env!r}: {len(report.standing)} mandatory finding(s) stand; "
            f"nothing was registered.\n{standing}\n"
            f"See `aifab check {stack_dir.name} --env {loaded.env}` for the full report."
        )
    built = build_stack(loaded.design, loaded.env, catalogue, today=day)
    return StackRun(loaded=loaded, check=check, built=built)


@dataclass(frozen=True)
class StackBuild:
    result: ValidationResult
    components: tuple[Component, ...]
    """What this stack deploys, in the order it was built; nothing of another environment."""
    realised: dict[str, Any]
    """Component id -> its :class:`aifab.infra.Realised` Pulumi component."""


def build_stack(design: Design, env: str | None, catalogue: Catalogue, *, today: dt.date) -> StackBuild:
    """Build what stack ``env`` deploys of ``design`` (no policy gate: :func:`run_stack` is the gate).

    Must run inside a Pulumi program (or :func:`aifab.preview.capture.run_function`).
    """
    result = validate(design, catalogue)
    estimate = assess_design(design, catalogue).complete
    if not result.valid or estimate is None:  # run_stack's check already refuses these
        raise pulumi.RunError("design is invalid:\n" + "\n".join(str(d) for d in result.errors))
    model = EnvironmentModel.of(design)
    mine = {c.id for c in model.deployed_by(env)}
    order = [i for generation in result.graph.deployment_order() for i in generation if i in mine]
    components = tuple(result.graph.component(i) for i in order)

    from aifab.infra import StackContext, realise  # the Pulumi providers load only for a stack run

    ctx = StackContext(
        design=design,
        env=env,
        model=model,
        graph=result.graph,
        estimate=estimate,
        catalogue=catalogue,
        preview=pulumi.runtime.is_dry_run(),
        today=today,
    )
    realised = realise(ctx, components)
    components = tuple(design.component(i) for i in realised)  # build order: deployment order, refined
    pulumi.export("design", design.name)
    pulumi.export("environment", env)
    pulumi.export("components", list(realised))
    for component_id, component in realised.items():
        pulumi.export(component_id, component.outputs)
    from aifab.infra.benchmarks import build_benchmarks

    benchmarks = build_benchmarks(ctx, realised)  # None (nothing registered) unless aifab:benchmarks is true
    if benchmarks is not None:
        pulumi.export("benchmarks", benchmarks)
    return StackBuild(result=result, components=components, realised=realised)
