"""Checking is linear in the design's size: counted, never timed (timings flake on a shared machine).

Every line of the project's code that runs during a check is counted for a design of N pools and one of
2N pools: a line whose count more than doubles (a rule scanning every component for each component, a
context query walking the design each call) grows quadratically. ``benchmarks/bench_check_scale.py``
measures the time.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import aifab
from aifab.blueprints import (
    DataLake,
    Fabric,
    FileSystem,
    GpuPool,
    KeyManagement,
    KubernetesCluster,
    Monitoring,
    Network,
    PrivateCloud,
    Site,
    SovereignBoundary,
)
from aifab.catalogue import Catalogue
from aifab.design.component import Component
from aifab.design.design import Design
from aifab.design.loader import LoadedDesign
from aifab.policy import PackSet
from aifab.policy import context as context_module
from aifab.policy.config import PolicyConfig
from aifab.policy.engine import DesignCheck, check_design
from aifab.policy.waivers import WaiverFile

TODAY = dt.date(2026, 12, 1)
PROJECT = (str(Path(aifab.__file__).resolve().parent), str(Path(__file__).resolve().parents[2] / "policies"))


def design_of(pools: int) -> Design:
    """A sovereign GPU cluster with ``pools`` pools of one node, each with its own scratch file system."""
    uk = SovereignBoundary(id="uk", jurisdiction="UK")
    site = Site(
        id="dc",
        provider="colo",
        country="GB",
        grid_zone="GB",
        power_budget_kw=300_000,
        cooling="direct-liquid",
        max_kw_per_rack=80,
        pue=1.3,
        inside=uk,
    )
    place: dict[str, Any] = {"site": site, "inside": uk}
    keys = KeyManagement(id="keys", inside=uk)
    pc = PrivateCloud(id="pc", platform="bare-metal-kubernetes", operator="ops", **place)
    net = Network(id="net", provider="onprem", cidr="10.0.0.0/8", private_subnet_prefix=16, **place)
    k8s = KubernetesCluster(
        id="k8s", provider="onprem", network=net, private_cloud=pc, secrets_encrypted_by=keys, **place
    )
    fabric = Fabric(
        id="ib",
        technology="infiniband",
        link_gbps=400,
        switch_model="quantum-x800-q3400",
        scalable_unit_nodes=32,
        **place,
    )
    lake = DataLake(id="lake", provider="onprem-object", encrypted_by=keys, **place)
    components: list[Component] = [uk, site, keys, pc, net, k8s, fabric, lake]
    for i in range(pools):
        fs = FileSystem(
            id=f"fs-{i}",
            engine="lustre",
            capacity_tib=100,
            throughput_gbs=40,
            data_repository=lake,
            encrypted_by=keys,
            network=net,
            **place,
        )
        pool = GpuPool(
            id=f"pool-{i}",
            role="training",
            node_model="dgx-h100",
            node_count=1,
            capacity="owned",
            fabric=fabric,
            cluster=k8s,
            scratch=(fs,),
            **place,
        )
        components += [fs, pool]
    pool_ids = tuple(f"pool-{i}" for i in range(pools))
    components.append(Monitoring(id="monitoring", runs_on=k8s, monitors=pool_ids, **place))
    return Design(name=f"scale-{pools}", components=components)


def _check(design: Design, packs: PackSet, catalogue: Catalogue) -> DesignCheck:
    loaded = LoadedDesign(design=design, file=Path("design.py"), stack_dir=None, env=None)
    return check_design(
        loaded,
        packs,
        config=PolicyConfig(),
        waivers=WaiverFile(),
        catalogue=catalogue,
        today=TODAY,
        only_packs=tuple(packs.packs),  # every pack: the sovereign ones judge the UK boundary
    )


def _lines_run(design: Design, packs: PackSet, catalogue: Catalogue) -> Counter[tuple[str, int]]:
    """How many times each line of the project's code runs while ``design`` is checked."""
    counts: Counter[tuple[str, int]] = Counter()

    def local(frame: FrameType, event: str, arg: object) -> Any:
        if event == "line":
            counts[(frame.f_code.co_filename, frame.f_lineno)] += 1
        return local

    def calls(frame: FrameType, event: str, arg: object) -> Any:
        return local if frame.f_code.co_filename.startswith(PROJECT) else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        _check(design, packs, catalogue)
    finally:
        sys.settrace(previous)
    return counts


def test_no_line_runs_more_than_linearly_often(packs: PackSet, catalogue: Catalogue) -> None:
    if sys.gettrace() is not None:
        pytest.skip("a tracer (coverage, a debugger) is already installed")
    _check(design_of(2), packs, catalogue)  # warm up: first-use work (caches, imports) is not per component
    small, large = _lines_run(design_of(40), packs, catalogue), _lines_run(design_of(80), packs, catalogue)
    assert sum(small.values()) > 10_000  # the check really ran, under the tracer
    superlinear = {
        f"{Path(file).name}:{line}": (small[(file, line)], count)
        for (file, line), count in large.items()
        if count > 2.2 * small[(file, line)] + 10
    }
    assert not superlinear, f"lines that run more than twice as often for twice the design: {superlinear}"


def test_the_context_index_is_built_once_per_check(
    packs: PackSet, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[int] = []
    real = context_module.DesignIndex.of.__func__  # type: ignore[attr-defined]

    def counting(cls: type[context_module.DesignIndex], graph: Any) -> context_module.DesignIndex:
        built.append(len(graph.graph))
        index: context_module.DesignIndex = real(cls, graph)
        return index

    monkeypatch.setattr(context_module.DesignIndex, "of", classmethod(counting))
    result = _check(design_of(30), packs, catalogue)
    assert len(result.packs) == len(packs.packs) > 1
    assert built == [69]  # one index, shared by every pack's context


def test_context_queries_answer_from_the_index(packs: PackSet, catalogue: Catalogue) -> None:
    from aifab.graph.build import build_graph
    from aifab.policy.engine import frozen_graph, make_context

    design = design_of(3)
    ctx = make_context(design, frozen_graph(build_graph(design)), {}, catalogue=catalogue, capacity=None, today=TODAY)
    keys = ctx.component("keys")
    assert keys is not None
    assert [c.id for c in ctx.linking(keys)] == ["k8s", "lake", "fs-0", "fs-1", "fs-2"]
    assert [c.id for c in ctx.linking(keys, field_name="secrets_encrypted_by")] == ["k8s"]
    in_order = ["fs-0", "pool-0", "fs-1", "pool-1", "fs-2", "pool-2"]
    assert [c.id for c in ctx.components("gpu_pool", "file_system")] == in_order
    (uk,) = ctx.boundaries("uk")
    assert len(ctx.held_by(uk)) == len(design.components)
    assert [c.id for c in ctx.held_by(uk, "sovereign_boundary")] == ["uk"]
    assert ctx.held_by(SovereignBoundary(id="uk", jurisdiction="EU")) == []  # not the design's boundary
    assert ctx.linking(SovereignBoundary(id="elsewhere", jurisdiction="UK")) == []
