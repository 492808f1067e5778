"""Preview a stack folder offline, environment by environment: the plan, or the program's refusal.

>>> result = preview_stack(Path("stacks/eu-sovereign-inference"), "dev")   # doctest: +SKIP
>>> len(result.plan.created())                                             # doctest: +SKIP
61
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pulumi

from aifab.errors import InputError

from .capture import Capture, ProgramFailed, run_function, run_program, stack_config, stack_project
from .plan import Plan


@dataclass(frozen=True)
class StackPreview:
    """One environment's offline preview: its plan, or why the program registered nothing."""

    env: str
    plan: Plan | None
    refused: str | None = None
    """The program's refusal (``pulumi.RunError``): the standing findings, or the config a deploy needs."""


def is_stack(path: Path) -> bool:
    return path.is_dir() and (path / "Pulumi.yaml").is_file()


def environments(stack_dir: Path) -> list[str]:
    """The stack's Pulumi stacks (``Pulumi.<env>.yaml``), sorted."""
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stack_dir.glob("Pulumi.*.yaml"))


@contextmanager
def _today(day: dt.date | None) -> Iterator[None]:
    before = os.environ.get("AIFAB_TODAY")
    if day is not None:
        os.environ["AIFAB_TODAY"] = day.isoformat()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("AIFAB_TODAY", None)
        else:
            os.environ["AIFAB_TODAY"] = before


def preview_stack(stack_dir: Path, env: str, *, today: dt.date | None = None, gate: bool = True) -> StackPreview:
    """Run the stack's own program for ``env`` under the SDK mocks: no credentials, no network.

    ``gate=False`` builds the stack's components without the program's policy gate (``aifab check`` has
    just judged the design itself, and wants the resources judged even when the design fails).
    Raises :class:`InputError` when ``stack_dir`` is not a Pulumi project or has no such stack. A program
    that raises anything but a refusal is a bug and propagates.
    """
    if not is_stack(stack_dir):
        raise InputError(
            "not a stack folder: preview needs a Pulumi project (a folder with Pulumi.yaml)", file=str(stack_dir)
        )
    known = environments(stack_dir)
    if env not in known:
        raise InputError(
            f"no stack {env!r} here; known: {', '.join(known) or 'none'} (Pulumi.<env>.yaml files)",
            file=str(stack_dir),
            field="--env",
        )
    with _today(today):
        try:
            capture = run_program(stack_dir, env) if gate else _build_only(stack_dir, env, today)
        except ProgramFailed as failed:
            if isinstance(failed.__cause__, pulumi.RunError):
                return StackPreview(env=env, plan=None, refused=failed.message)
            raise failed.__cause__ or failed from None
    design = capture.outputs.get("design")
    return StackPreview(env=env, plan=Plan.from_capture(capture, design=str(design) if design else None))


def _build_only(stack_dir: Path, env: str, today: dt.date | None) -> Capture:
    from aifab.catalogue import load_catalogue
    from aifab.design.loader import load_design
    from aifab.program import build_stack

    loaded = load_design(stack_dir, env=env)
    catalogue = load_catalogue(loaded.catalogue_file)
    day = today or dt.date.today()
    return run_function(
        lambda: build_stack(loaded.design, env, catalogue, today=day),
        project=stack_project(stack_dir),
        stack=env,
        config=stack_config(stack_dir, env),
        cwd=stack_dir,
    )


def plan_graph(plan: Plan) -> dict[str, Any]:
    """The plan's resources as a networkx node-link graph: edges ``parent``, ``depends_on``, ``input:<name>``
    and ``provider``, from a resource to what it needs."""
    g = nx.MultiDiGraph(name=f"{plan.project}/{plan.stack}")
    for r in plan.resources:
        g.add_node(r.urn, type=r.type, name=r.name, component=r.component, operation=r.operation)
    urns = set(g.nodes)
    for r in plan.resources:
        edges = [(r.parent, "parent"), (r.provider, "provider"), *((d, "depends_on") for d in r.depends_on)]
        edges += [(u, f"input:{k}") for k, us in r.property_dependencies.items() for u in us]
        for target, relation in edges:
            if target in urns:
                g.add_edge(r.urn, target, key=relation, relation=relation)
    data: dict[str, Any] = nx.node_link_data(g, edges="links")
    return data


__all__ = ["StackPreview", "environments", "is_stack", "plan_graph", "preview_stack"]
