"""Blueprint traits compose: a kind's check() chains to its parent's, so no trait's checks are dropped."""

from __future__ import annotations

import pytest

from aifab.blueprints import CpuPool, GpuPool, Monitoring
from aifab.design.component import Component
from aifab.errors import Diagnostic

from .test_kinds import KINDS, example


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_check_keeps_its_parents_diagnostics(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A diagnostic from the root of every chain (Component.check) survives each override on the way down."""
    component = example(kind)

    def inherited(self: Component) -> list[Diagnostic]:
        return [self.problem("inherited-check", "from a parent's check")]

    monkeypatch.setattr(Component, "check", inherited)
    assert "inherited-check" in [d.code for d in component.check()], f"{type(component).__name__}.check drops it"


def test_a_subclass_check_includes_its_parents() -> None:
    # Monitoring adds its own warning to _Service's missing cluster; both stand.
    codes = [d.code for d in Monitoring(id="mon").check()]
    assert codes == ["missing-link", "monitoring-empty"]


def test_cpu_pools_need_no_fabric_but_still_a_cluster() -> None:
    gpu = GpuPool(id="train", role="training", instance_type="p5.48xlarge", node_count=2)
    cpu = CpuPool(id="prep", role="training", instance_type="c7i.48xlarge", node_count=2)
    assert [d.message for d in gpu.check()] == [
        "a training pool of 2 nodes needs a fabric (field 'fabric') for collectives between nodes",
        "a pool must join a cluster (field 'cluster')",
    ]
    assert [d.message for d in cpu.check()] == ["a pool must join a cluster (field 'cluster')"]
