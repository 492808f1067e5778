"""The resources each reference stack registers, per environment: pinned by reviewed golden files,
with the dependencies its design's links imply, and the environment overlays carried into the resources.

Regenerate the golden files with ``AIFAB_UPDATE_GOLDEN=1 pytest tests/stacks`` and read the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aifab.blueprints.compute import ComputePool
from aifab.design.environments import EnvironmentModel
from aifab.design.loader import load_design
from aifab.preview.capture import Capture, Record
from aifab.preview.plan import Plan
from aifab.preview.summary import summarise, waits_for

from ..conftest import reference_stacks
from ..golden import assert_golden
from .conftest import captured


def _environments(stack: Path) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stack.glob("Pulumi.*.yaml"))


STACK_ENVS = [(s, e) for s in reference_stacks() for e in _environments(s)]


def _ids(value: object) -> str:
    return value.name if isinstance(value, Path) else str(value)


def _component(capture: Capture, component_id: str) -> Record:
    found = [r for r in capture.resources() if r.type.startswith("aifab:") and not r.parent and r.name == component_id]
    assert len(found) == 1, component_id
    return found[0]


@pytest.mark.parametrize(("stack", "env"), STACK_ENVS, ids=_ids)
def test_resource_set_matches_its_reviewed_golden_file(stack: Path, env: str) -> None:
    assert_golden(f"stacks/{stack.name}.{env}.resources.txt", summarise(Plan.from_capture(captured(stack, env))))


@pytest.mark.parametrize(("stack", "env"), STACK_ENVS, ids=_ids)
def test_plan_matches_its_reviewed_golden_file(stack: Path, env: str) -> None:
    """Every resource's inputs as sent, options and dependencies: a change to what a stack would deploy
    shows in review as a diff of this file (regenerate, then read it)."""
    capture = captured(stack, env)
    plan = Plan.from_capture(capture, design=str(capture.outputs["design"]))
    assert_golden(f"plans/{stack.name}.{env}.plan.json", plan.to_json())


@pytest.mark.parametrize(("stack", "env"), STACK_ENVS, ids=_ids)
def test_links_become_dependencies(stack: Path, env: str) -> None:
    capture = captured(stack, env)
    plan = Plan.from_capture(capture)
    design = load_design(stack, env=env).design
    mine = {c.id for c in EnvironmentModel.of(design).deployed_by(env)}
    missing: list[str] = []
    for component in design.components:
        if component.id not in mine:
            continue
        record = _component(capture, component.id)
        if not any(r.custom for r in capture.descendants(record)):
            continue  # nothing in the cloud to order (an on-prem network, a bill of materials)
        linked = {link.target for link in component.links() if link.target in mine}
        linked = {t for t in linked if any(r.custom for r in capture.descendants(_component(capture, t)))}
        absent = linked - set(waits_for(plan, plan.resource(record.urn)))
        missing.extend(f"{component.id} -> {t}" for t in sorted(absent))
    assert not missing, "links with no Pulumi dependency:\n" + "\n".join(missing)


@pytest.mark.parametrize(("stack", "env"), STACK_ENVS, ids=_ids)
def test_resolved_run_runs_every_apply_and_creates_nothing_inside_one(stack: Path, env: str) -> None:
    capture = captured(stack, env, preview=False)
    assert capture.created_in_apply == []
    assert not any(r.unknown_paths for r in capture.resources())
    preview = captured(stack, env)
    assert sorted(r.urn for r in capture.resources()) == sorted(r.urn for r in preview.resources())


@pytest.mark.parametrize(("stack", "env"), STACK_ENVS, ids=_ids)
def test_node_groups_carry_the_environment_sizes_and_capacity(stack: Path, env: str) -> None:
    capture = captured(stack, env)
    design = load_design(stack, env=env).design  # with this stack's overlays applied
    capacity_type = {"spot": "SPOT", "capacity-block": "CAPACITY_BLOCK"}
    groups = {_owner(capture, r): r for r in capture.by_type("aws:eks/nodeGroup:NodeGroup")}
    pools = [c for c in EnvironmentModel.of(design).deployed_by(env) if isinstance(c, ComputePool)]
    for pool in pools:
        if pool.instance_type is None:
            continue  # on-prem nodes: a bill of materials, not a node group
        group = groups[pool.id].inputs
        assert group["scalingConfig"]["desiredSize"] == pool.node_count
        assert group["capacityType"] == capacity_type.get(pool.capacity, "ON_DEMAND")


def _owner(capture: Capture, record: Record) -> str:
    current = record
    while current.parent:
        current = capture.records[current.parent]
    return current.name


def test_the_dev_overlay_reaches_the_resources() -> None:
    stack = Path("stacks/uk-sovereign-training")
    written = load_design(stack, env="prod").design.component("explore")  # prod leaves dev pools as written
    capture = captured(stack, "dev")
    dev = {_owner(capture, r): r for r in capture.by_type("aws:eks/nodeGroup:NodeGroup")}
    assert isinstance(written, ComputePool) and written.node_count > 1
    assert dev["explore"].inputs["scalingConfig"]["desiredSize"] == 1  # Pulumi.dev.yaml: explore.node_count 1


@pytest.mark.parametrize("stack", reference_stacks(), ids=_ids)
def test_production_protects_stateful_resources_and_experimentation_does_not(stack: Path) -> None:
    from aifab.infra import PROTECTED_IN_PRODUCTION

    design = load_design(stack).design
    model = EnvironmentModel.of(design)
    for env in _environments(stack):
        plan = Plan.from_capture(captured(stack, env))
        stateful = [r for r in plan.created() if r.type in PROTECTED_IN_PRODUCTION]
        production = model.environments[env].purpose == "production"
        assert stateful, f"{env} deploys no stateful resource"
        assert {r.options.protect for r in stateful} == ({True} if production else {None}), env
        assert not any(r.options.protect for r in plan.created() if r.type not in PROTECTED_IN_PRODUCTION)
