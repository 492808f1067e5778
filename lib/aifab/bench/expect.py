"""What a benchmark should measure: expectations from the same capacity models the estimate uses.

Two bases, one shape (:class:`Expectations`):

* :func:`design_expectations` — a design and environment. Each GPU pool's figures come from
  ``aifab estimate`` (:func:`aifab.capacity.estimate_design`): GEMM TFLOP/s per GPU per dtype (datasheet
  peak x achievable efficiency), memory copy GB/s (catalogue HBM TB/s x the inference model's
  ``hbm_efficiency``), all-reduce bus bandwidth from :func:`aifab.models.expected_collective` at *each
  measured message size* and rank count, and storage and checkpoint rates as one node's share of the
  mounted file systems' throughput. A result's ``environment.pool`` says which pool it measured.
* :func:`local_expectations` — this machine (:class:`LocalMachine`): CPU GEMM peak = cores x GHz x
  FLOPs per cycle (from the ``/proc/cpuinfo`` vector flags), through :func:`aifab.models.pool_compute`;
  storage and checkpoint from a stated disk tier; memory copy and loopback collectives only when a
  machine file states their bandwidth (a VM does not reveal its memory channels).

Each :class:`Expectation` carries the value, unit, direction, tolerance (:data:`TOLERANCES`, per metric
family, overridable) and its source in words. A metric with no expectation is reported as not checked.

>>> machine = LocalMachine(cpu_model="x", cores=4, ghz=2.0, ghz_source="stated", flags=("avx2", "fma"))
>>> exp = local_expectations(machine)
>>> e = exp.scopes["local"].fixed["gemm.tflops{dtype=fp32}"]
>>> round(e.expected, 4), e.unit, e.tolerance
(0.1792, 'TFLOP/s', 0.2)
"""

from __future__ import annotations

import contextlib
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aifab.bench.result import BenchResult, Metric
from aifab.errors import InputError
from aifab.models import (
    CollectiveInput,
    CollectiveResult,
    InferenceInput,
    PoolComputeInput,
    expected_collective,
    pool_compute,
)

__all__ = [
    "TOLERANCES",
    "CollectiveShape",
    "DiskTier",
    "Expectation",
    "Expectations",
    "LocalMachine",
    "Requirement",
    "ScopeExpectations",
    "design_expectations",
    "local_expectations",
    "metric_key",
    "parse_tolerances",
    "read_machine",
]

TOLERANCES: Final[Mapping[str, float]] = {
    "gemm": 0.2,
    "memory": 0.25,
    "collective": 0.3,
    "storage": 0.3,
    "checkpoint": 0.3,
    "network": 0.25,
    "serving": 0.3,
}
"""Allowed shortfall (higher-is-better) or excess (lower-is-better) as a fraction of the expected value, per
metric family (the part of the name before the first dot). The expected figures already include the models'
efficiency factors (GEMM 0.7 of peak, NCCL's protocol overhead), so the tolerance covers run-to-run noise and
clock variation, not a known inefficiency. ``--tolerance NAME=FRACTION`` overrides a family or one metric."""

_HBM_EFFICIENCY: Final = float(InferenceInput.model_fields["hbm_efficiency"].default)
_GEMM_EFFICIENCY: Final = float(PoolComputeInput.model_fields["achievable_gemm_efficiency"].default)
_GIB: Final = 2**30


class _Closed(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def metric_key(name: str, labels: Mapping[str, str] | None = None) -> str:
    """The key :meth:`aifab.bench.result.Metric.key` gives a metric with this name and labels.

    >>> metric_key("storage.iops", {"pattern": "rand_read"})
    'storage.iops{pattern=rand_read}'
    """
    return Metric(name=name, value=0.0, unit="", labels=dict(labels or {})).key()


class Expectation(_Closed):
    """The expected value of one metric in one scope (``local`` or ``pool <id>``), and where it comes from."""

    scope: str
    name: str
    labels: dict[str, str] = Field(default_factory=dict)
    expected: float
    unit: str
    tolerance: float
    higher_is_better: bool = True
    source: str

    @property
    def key(self) -> str:
        return metric_key(self.name, self.labels)

    def passes(self, measured: float) -> bool:
        """Within tolerance: at least ``expected x (1 - tol)``; at most ``expected x (1 + tol)`` if lower is better.

        >>> e = Expectation(scope="s", name="gemm.tflops", expected=100, unit="TFLOP/s", tolerance=0.2, source="x")
        >>> e.passes(80.0), e.passes(79.9)
        (True, False)
        """
        if self.higher_is_better:
            return measured >= self.expected * (1 - self.tolerance)
        return measured <= self.expected * (1 + self.tolerance)


class Requirement(_Closed):
    """A metric the scope must measure: one with this name whose labels include ``labels`` (a sweep point will do)."""

    name: str
    labels: dict[str, str] = Field(default_factory=dict)
    expectation: Expectation
    """What is expected (for a sweep: the reference point), shown when the metric is missing."""

    def met_by(self, metric: Metric) -> bool:
        return metric.name == self.name and all(metric.labels.get(k) == v for k, v in self.labels.items())


class CollectiveShape(_Closed):
    """The inputs of :func:`~aifab.models.expected_collective` but the op, size and rank count (taken from the run).

    ``model_inputs`` are passed to :class:`~aifab.models.CollectiveInput` as they are (link rates,
    efficiencies, oversubscription), so the expected line is the model's, whatever options it grows.
    """

    nodes: int
    gpus_per_node: int
    model_inputs: dict[str, Any]
    source: str

    def layout(self, ranks: int | None, nodes: int | None) -> tuple[int, int]:
        """(nodes, ranks per node) of a run of ``ranks`` (the design's whole pool when not stated)."""
        if ranks is None:
            return self.nodes, self.gpus_per_node
        if nodes is None:
            nodes = max(1, math.ceil(ranks / self.gpus_per_node))
        return nodes, max(1, ranks // nodes)

    def expect(
        self, op: str, message_bytes: int, ranks: int | None = None, nodes: int | None = None
    ) -> CollectiveResult | None:
        """The model's nccl-tests line, or None where the model does not apply (one rank, several nodes without
        a NIC rate, an op it does not know)."""
        n_nodes, per_node = self.layout(ranks, nodes)
        inputs = {**self.model_inputs, "op": op, "message_bytes": message_bytes, "nodes": n_nodes}
        inputs["gpus_per_node"] = per_node
        if n_nodes == 1:
            inputs["nic_gbps_per_gpu"] = None  # inside one node no NIC carries the collective (as the estimate does)
        try:
            return expected_collective(CollectiveInput.model_validate(inputs))
        except InputError:
            return None


@dataclass(frozen=True)
class ScopeExpectations:
    """Everything expected of one scope: fixed figures by metric key, the collective model, what must be measured."""

    scope: str
    fixed: dict[str, Expectation]
    required: tuple[Requirement, ...]
    collective: CollectiveShape | None = None
    by_name: dict[str, Expectation] = field(default_factory=dict)
    """Expectations that hold whatever the labels (``serving.errors`` at every concurrency)."""
    notes: tuple[str, ...] = ()
    reference: dict[str, float] = field(default_factory=dict)
    """Requirement lines for the plots (e.g. the data-loading and checkpoint rates a node must sustain, MB/s)."""
    gemm_peaks: dict[str, float] = field(default_factory=dict)
    """Datasheet (or derived) peak TFLOP/s per dtype, for the plots: the expected GEMM figure is a share of it."""


@dataclass(frozen=True)
class Expectations:
    """Expectations per scope, and how a result picks its scope."""

    basis: str
    scopes: dict[str, ScopeExpectations]
    default_scope: str | None
    tolerances: Mapping[str, float] = field(default_factory=lambda: dict(TOLERANCES))

    def scope_of(self, result: BenchResult) -> str | None:
        """``pool <id>`` of the result's pool, else the default scope (the only one, or ``--pool``)."""
        if result.environment.pool is not None:
            scope = f"pool {result.environment.pool}"
            return scope if scope in self.scopes else None
        return self.default_scope

    def expect(self, result: BenchResult, metric: Metric) -> Expectation | None:
        """The expectation for one measured metric, or None (not checked)."""
        scope_name = self.scope_of(result)
        if scope_name is None:
            return None
        scope = self.scopes[scope_name]
        fixed = scope.fixed.get(metric.key())
        if fixed is not None:
            return fixed
        general = scope.by_name.get(metric.name)
        if general is not None:
            return general.model_copy(update={"labels": dict(metric.labels)})
        # busbw only: algbw is busbw / the same factor on both sides, so checking it too would count each point twice
        if scope.collective is not None and metric.name == "collective.busbw_gbs":
            return _collective_expectation(scope_name, scope.collective, result, metric, self.tolerance)
        return None

    def tolerance(self, name: str) -> float:
        """The tolerance of a metric: its own override, else its family's."""
        if name in self.tolerances:
            return self.tolerances[name]
        return self.tolerances.get(name.split(".", 1)[0], TOLERANCES.get(name.split(".", 1)[0], 0.25))


def _int_parameter(result: BenchResult, *names: str) -> int | None:
    for name in names:
        value = result.parameters.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


def _collective_expectation(
    scope: str,
    shape: CollectiveShape,
    result: BenchResult,
    metric: Metric,
    tolerance: Any,
) -> Expectation | None:
    op = metric.labels.get("op", "")
    try:
        size = int(metric.labels.get("message_bytes", ""))
    except ValueError:
        return None
    if size < 1:
        return None
    ranks = _int_parameter(result, "world_size", "ranks", "nproc")
    nodes = _int_parameter(result, "nodes", "nnodes")
    line = shape.expect(op, size, ranks, nodes)
    if line is None:
        return None
    return Expectation(
        scope=scope,
        name=metric.name,
        labels=dict(metric.labels),
        expected=line.busbw_gbs,
        unit="GB/s",
        tolerance=tolerance(metric.name),
        source=(
            f"expected_collective {op} of {size:,} B on {line.ranks} ranks ({line.bound}-bound): "
            f"{shape.source}; peak busbw {line.peak_busbw_gbs:.3g} GB/s, latency {line.latency_us:.3g} us"
        ),
    )


@dataclass
class _Builder:
    """Collects one scope's expectations: each figure, and whether the scope must measure it."""

    scope: str
    tolerances: Mapping[str, float]
    prefix: str = ""
    fixed: dict[str, Expectation] = field(default_factory=dict)
    required: list[Requirement] = field(default_factory=list)

    def tolerance(self, name: str) -> float:
        family = name.split(".", 1)[0]
        return self.tolerances.get(name, self.tolerances.get(family, TOLERANCES.get(family, 0.25)))

    def add(
        self,
        name: str,
        labels: dict[str, str],
        value: float,
        unit: str,
        source: str,
        *,
        need: bool = True,
        higher: bool = True,
    ) -> None:
        e = Expectation(
            scope=self.scope,
            name=name,
            labels=labels,
            expected=value,
            unit=unit,
            tolerance=self.tolerance(name),
            higher_is_better=higher,
            source=self.prefix + source,
        )
        self.fixed[e.key] = e
        if need:
            self.required.append(Requirement(name=name, labels=labels, expectation=e))


def _no_errors(scope: str) -> Expectation:
    return Expectation(
        scope=scope,
        name="serving.errors",
        expected=0.0,
        unit="requests",
        tolerance=0.0,
        higher_is_better=False,
        source="a served model answers every request (no errors at any concurrency)",
    )


# ---------------------------------------------------------------------------------------------- tolerances


def parse_tolerances(items: tuple[str, ...] | list[str]) -> dict[str, float]:
    """``NAME=FRACTION`` overrides (a family such as ``gemm`` or a metric name) over :data:`TOLERANCES`.

    >>> parse_tolerances(["gemm=0.1", "storage.iops=0.5"])["gemm"]
    0.1
    >>> parse_tolerances(["gemm=2"])
    Traceback (most recent call last):
    aifab.errors.InputError: --tolerance: gemm: expected a fraction 0 <= x < 1, got '2'
    """
    out = dict(TOLERANCES)
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"expected NAME=FRACTION (e.g. gemm=0.1), got {item!r}", field="--tolerance")
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and 0 <= value < 1):
            raise InputError(f"{name}: expected a fraction 0 <= x < 1, got {raw!r}", field="--tolerance")
        if name not in TOLERANCES and not re.fullmatch(r"[a-z_]+\.[a-z0-9_.]+", name):
            raise InputError(
                f"{name!r} is neither a metric family ({', '.join(TOLERANCES)}) nor a metric name such as storage.iops",
                field="--tolerance",
            )
        out[name] = value
    return out


# ----------------------------------------------------------------------------------------------- design


def design_expectations(
    path: str | Path,
    env: str | None,
    *,
    catalogue_path: str | None = None,
    tolerances: Mapping[str, float] | None = None,
    default_pool: str | None = None,
) -> Expectations:
    """Expectations per GPU pool of the design at ``path`` for ``env``, from its capacity estimate."""
    from aifab.capacity import estimate_design
    from aifab.catalogue import load_catalogue
    from aifab.design.environments import stack_view
    from aifab.design.loader import load_design

    loaded = load_design(path, env=env)
    if catalogue_path is None and loaded.catalogue_file is not None:
        catalogue_path = str(loaded.catalogue_file)
    cat = load_catalogue(catalogue_path)
    est = estimate_design(stack_view(loaded.design, env), cat)
    tol = dict(tolerances or TOLERANCES)
    where = f"{est.design}" + (f" [{env}]" if env else "")
    scopes: dict[str, ScopeExpectations] = {}
    for pool in est.pools:
        if pool.accelerator is None:
            continue  # CPU-only pools: the estimate gives them no benchmark figures
        scope = f"pool {pool.id}"
        b = _Builder(scope, tol, prefix=f"{where}: ")
        for row in pool.compute:
            b.add(
                "gemm.tflops",
                {"dtype": row.dtype},
                row.achievable_tflops_per_gpu,
                "TFLOP/s",
                f"estimate pool {pool.id}: {pool.accelerator} {row.dtype} peak {row.peak_tflops_per_gpu:g} TFLOP/s x "
                f"achievable GEMM efficiency {row.achievable_tflops_per_gpu / row.peak_tflops_per_gpu:g}",
                need=row.dtype == pool.expected.gemm_dtype,
            )
        accelerator = cat.accelerator(pool.accelerator)
        b.add(
            "memory.copy_gbs",
            {},
            accelerator.memory_bandwidth_tbs * 1000 * _HBM_EFFICIENCY,
            "GB/s",
            f"catalogue {pool.accelerator} memory bandwidth {accelerator.memory_bandwidth_tbs:g} TB/s x streaming "
            f"efficiency {_HBM_EFFICIENCY:g} (the inference model's hbm_efficiency)",
        )
        nodes = max(pool.nodes, 1)
        fit = pool.storage
        reference: dict[str, float] = {}
        for pattern, gbs, kind in (
            ("seq_read", fit.read_gbs_available, "read"),
            ("seq_write", fit.write_gbs_available, "write"),
        ):
            if gbs is None:
                continue
            share = gbs / nodes
            how = (
                f"estimate pool {pool.id}: {', '.join(fit.file_systems)} {kind} {gbs:g} GB/s shared by {nodes} nodes "
                f"= {share:g} GB/s per node"
            )
            b.add("storage.bw_mbs", {"pattern": pattern}, share * 1000, "MB/s", how)
            b.add(
                "checkpoint.write_gbs" if kind == "write" else "checkpoint.restore_gbs",
                {},
                share,
                "GB/s",
                how + " (torch.save / torch.load through the same file systems)",
            )
        if fit.read_gbs_needed is not None:
            reference["data loading (read)"] = fit.read_gbs_needed / nodes * 1000
        if fit.write_gbs_needed is not None:
            reference["checkpoint (write)"] = fit.write_gbs_needed / nodes * 1000
        collective = None
        # Only where the estimate itself expects all-reduce figures (its notes say why not, e.g. no fabric).
        if pool.expected.allreduce_busbw_gbs_1gib is not None and pool.scale_up_gbs_per_direction is not None:
            # The inputs the estimate gives the model (aifab.capacity._pools._allreduce), so a run on the whole
            # pool expects exactly the estimate's figures; a test pins the 1 GiB point to them.
            given = dict(pool.collective_inputs)
            # the ranks the estimate's figures are for: one node when no fabric joins the nodes, NVLink domains
            # on rack-scale systems; else the pool's nodes
            layout_nodes, layout_per_node = given.pop("nodes", pool.nodes), given.pop("gpus_per_node", None)
            collective = CollectiveShape(
                nodes=int(layout_nodes) if isinstance(layout_nodes, int | float) else pool.nodes,
                gpus_per_node=(
                    int(layout_per_node) if isinstance(layout_per_node, int | float) else pool.accelerators_per_node
                ),
                model_inputs={
                    "nvlink_gbs_per_direction": pool.scale_up_gbs_per_direction,
                    "nic_gbps_per_gpu": pool.nic_gbps_per_gpu,
                    "fabric_oversubscription": pool.fabric_oversubscription,
                    # NVLS, SHARP, the network's efficiency and latencies, as the estimate passed them
                    **given,
                },
                source=f"{where}: pool {pool.id} {pool.scale_up_link} {pool.scale_up_gbs_per_direction:g} GB/s per "
                f"direction" + (f", NIC {pool.nic_gbps_per_gpu:g} Gb/s per GPU" if pool.nic_gbps_per_gpu else ""),
            )
            ref = Expectation(
                scope=scope,
                name="collective.busbw_gbs",
                labels={"op": "all_reduce", "message_bytes": str(_GIB)},
                expected=pool.expected.allreduce_busbw_gbs_1gib,
                unit="GB/s",
                tolerance=b.tolerance("collective.busbw_gbs"),
                source=f"{where}: estimate pool {pool.id} all-reduce busbw at 1 GiB over "
                f"{collective.nodes * collective.gpus_per_node} GPUs",
            )
            # any all-reduce size meets the requirement: runs sweep what fits their memory
            b.required.append(Requirement(name="collective.busbw_gbs", labels={"op": "all_reduce"}, expectation=ref))
        scopes[scope] = ScopeExpectations(
            scope=scope,
            fixed=b.fixed,
            required=tuple(b.required),
            collective=collective,
            by_name={"serving.errors": _no_errors(scope)},
            gemm_peaks={row.dtype: row.peak_tflops_per_gpu for row in pool.compute},
            notes=(
                "network (iperf3) is not checked against the design: iperf3 measures the TCP path, the model "
                "sizes the RDMA fabric",
            ),
            reference=reference,
        )
    if default_pool is not None and f"pool {default_pool}" not in scopes:
        known = ", ".join(s.removeprefix("pool ") for s in scopes) or "none"
        raise InputError(f"no GPU pool {default_pool!r} in {where}; GPU pools: {known}", field="--pool")
    default = f"pool {default_pool}" if default_pool else (next(iter(scopes)) if len(scopes) == 1 else None)
    return Expectations(basis=f"design {where}", scopes=scopes, default_scope=default, tolerances=tol)


# ------------------------------------------------------------------------------------------------ local


class DiskTier(_Closed):
    """The disk a local run writes to, as stated figures with their source."""

    name: str
    read_mbs: float = Field(gt=0)
    write_mbs: float = Field(gt=0)
    read_iops: float = Field(gt=0)
    write_iops: float = Field(gt=0)
    source: str


GP3_BASELINE: Final = DiskTier(
    name="cloud block volume (EBS gp3 baseline)",
    read_mbs=125,
    write_mbs=125,
    read_iops=3000,
    write_iops=3000,
    # https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html (gp3: 3,000 IOPS and 125 MiB/s
    # baseline at any size; read 2026-12-01). The floor a cloud VM's disk gives; state your disk with --machine.
    source="AWS EBS gp3 baseline, 3,000 IOPS and 125 MiB/s "
    "(docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html, 2026-12-01)",
)
"""The default local disk: the lowest figures a cloud VM's block volume guarantees."""


class LocalMachine(_Closed):
    """This machine as a tiny design: CPU cores, clock and vector units, memory, disk, loopback.

    ``memory_copy_gbs`` and ``loopback_gbs`` have no default: nothing in ``/proc`` states them, so memory
    copy and gloo collectives are checked only when a machine file gives them (with their source).
    """

    cpu_model: str
    cores: int = Field(ge=1)
    ghz: float = Field(gt=0)
    ghz_source: str
    flags: tuple[str, ...] = ()
    fma_units: int = Field(2, ge=1, le=4)
    memory_bytes: int | None = None
    disk: DiskTier = GP3_BASELINE
    memory_copy_gbs: float | None = Field(None, gt=0)
    memory_copy_source: str = ""
    loopback_gbs: float | None = Field(None, gt=0)
    loopback_source: str = ""

    def fp32_flops_per_cycle(self) -> tuple[float, str]:
        """Per core: SIMD fp32 lanes x 2 (a fused multiply-add is 2 FLOPs) x FMA units, and how."""
        flags = set(self.flags)
        lanes, isa = (16, "AVX-512") if "avx512f" in flags else (8, "AVX2") if "avx2" in flags else (4, "SSE")
        if "fma" in flags or isa == "AVX-512":
            return lanes * 2 * self.fma_units, f"{isa} {lanes} fp32 lanes x 2 (FMA) x {self.fma_units} FMA units"
        return float(lanes), f"{isa} {lanes} fp32 lanes x 1 (no FMA flag)"

    def peak_tflops(self, dtype: str) -> float:
        """Datasheet-style peak: cores x GHz x FLOPs per cycle (fp64 at half the fp32 lanes), in TFLOP/s.

        >>> LocalMachine(cpu_model="x", cores=2, ghz=2.1, ghz_source="s", flags=("avx512f", "fma")).peak_tflops("fp32")
        0.2688
        """
        per_cycle, _ = self.fp32_flops_per_cycle()
        per_cycle = per_cycle / 2 if dtype == "fp64" else per_cycle
        if dtype not in ("fp32", "fp64"):
            raise InputError(
                f"no CPU peak for {dtype!r}: only fp32 and fp64 follow from the vector flags", field="dtype"
            )
        return round(self.cores * self.ghz * per_cycle / 1000, 12)

    @classmethod
    def detect(cls, cpuinfo: str | None = None) -> LocalMachine:
        """Read ``/proc/cpuinfo`` (or ``cpuinfo``): model, physical cores, MHz, flags; memory from sysconf."""
        if cpuinfo is None:
            try:
                cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
            except OSError:
                cpuinfo = ""
        fields: dict[str, str] = {}
        cores: set[tuple[str, str]] = set()
        physical = core = ""
        for line in cpuinfo.splitlines():
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if key and key not in fields:
                fields[key] = value
            if key == "physical id":
                physical = value
            elif key == "core id":
                core = value
                cores.add((physical, core))
        usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        count = min(len(cores), usable) if cores else usable
        try:
            mhz = float(fields.get("cpu MHz", ""))
            ghz, how = mhz / 1000, f"/proc/cpuinfo cpu MHz {mhz:g} (nominal; turbo runs faster)"
        except ValueError:
            ghz, how = 2.0, "not stated by /proc/cpuinfo: 2.0 GHz assumed (give ghz in a machine file)"
        memory = None
        with contextlib.suppress(ValueError, OSError, AttributeError):
            memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        return cls(
            cpu_model=fields.get("model name", "unknown CPU"),
            cores=count,
            ghz=ghz,
            ghz_source=how,
            flags=tuple(sorted(fields.get("flags", "").split())),
            memory_bytes=memory,
        )


def read_machine(path: str | Path, base: LocalMachine | None = None) -> LocalMachine:
    """A machine file (YAML): any :class:`LocalMachine` field, over what :meth:`LocalMachine.detect` found."""
    from aifab.design.yamlsource import read_input_text, read_yaml

    text = read_input_text(Path(path))
    data = read_yaml(text, str(path))[0] if text.strip() else {}
    if not isinstance(data, dict):
        raise InputError("expected a mapping of machine fields (cores, ghz, disk, loopback_gbs, ...)", file=str(path))
    merged = (base or LocalMachine.detect()).model_dump()
    disk = data.pop("disk", None)
    if isinstance(disk, dict):
        merged["disk"] = {**merged["disk"], **disk}
    elif disk is not None:
        raise InputError(
            "expected a mapping (name, read_mbs, write_mbs, read_iops, write_iops, source)",
            file=str(path),
            field="disk",
        )
    merged.update(data)
    try:
        return LocalMachine.model_validate(merged)
    except ValidationError as exc:
        problems = [
            InputError(e["msg"], file=str(path), field=".".join(str(p) for p in e["loc"]) or None) for e in exc.errors()
        ]
        raise InputError.combine(problems, "not a usable machine file") from None


def local_expectations(machine: LocalMachine, tolerances: Mapping[str, float] | None = None) -> Expectations:
    """Expectations for a local run on ``machine`` (scope ``local``), through the same model functions."""
    tol = dict(tolerances or TOLERANCES)
    scope = "local"
    b = _Builder(scope, tol)

    per_cycle, how = machine.fp32_flops_per_cycle()
    peaks = {dtype: machine.peak_tflops(dtype) for dtype in ("fp32", "fp64")}
    compute = pool_compute(PoolComputeInput(accelerators=1, peak_dense_tflops_by_dtype=peaks))
    for row in compute.by_dtype:
        b.add(
            "gemm.tflops",
            {"dtype": row.dtype},
            row.achievable_tflops,
            "TFLOP/s",
            f"{machine.cores} cores x {machine.ghz:g} GHz ({machine.ghz_source}) x "
            f"{per_cycle / (1 if row.dtype == 'fp32' else 2):g} "
            f"{row.dtype} FLOPs/cycle ({how}{', half the lanes for fp64' if row.dtype == 'fp64' else ''}) = "
            f"{row.peak_tflops * 1000:.4g} GFLOP/s peak x achievable GEMM efficiency {_GEMM_EFFICIENCY:g}",
            need=row.dtype == "fp32",
        )
    disk = machine.disk
    for pattern, value, unit, name in (
        ("seq_read", disk.read_mbs, "MB/s", "storage.bw_mbs"),
        ("seq_write", disk.write_mbs, "MB/s", "storage.bw_mbs"),
        ("rand_read", disk.read_iops, "IO/s", "storage.iops"),
        ("rand_write", disk.write_iops, "IO/s", "storage.iops"),
    ):
        # MiB/s as AWS states it, compared as MB/s: 125 MiB/s = 131 MB/s, so the MB/s floor is conservative.
        b.add(name, {"pattern": pattern}, value, unit, f"disk tier {disk.name}: {disk.source}")
    b.add(
        "checkpoint.write_gbs", {}, disk.write_mbs / 1000, "GB/s", f"torch.save to disk tier {disk.name}: {disk.source}"
    )
    b.add(
        "checkpoint.restore_gbs",
        {},
        disk.read_mbs / 1000,
        "GB/s",
        f"torch.load from disk tier {disk.name}: {disk.source}",
    )
    notes: list[str] = [
        "bf16/fp16 GEMM on a CPU is not checked: its peak depends on whether the library uses AMX tiles, "
        "AVX-512 BF16 or converts to fp32, which no flag tells",
    ]
    if machine.memory_copy_gbs is not None:
        b.add("memory.copy_gbs", {}, machine.memory_copy_gbs, "GB/s", f"machine file: {machine.memory_copy_source}")
    else:
        notes.append("memory copy not checked: give memory_copy_gbs (and its source) in a machine file")
    collective = None
    if machine.loopback_gbs is not None:
        # gloo on one host: the ring model with the loopback as the link, at full efficiency (no NVLink protocol).
        collective = CollectiveShape(
            nodes=1,
            gpus_per_node=2,
            model_inputs={"nvlink_gbs_per_direction": machine.loopback_gbs, "nvlink_efficiency": 1.0},
            source=f"gloo over loopback {machine.loopback_gbs:g} GB/s ({machine.loopback_source})",
        )
        b.add(
            "network.throughput_gbps",
            {},
            machine.loopback_gbs * 8,
            "Gbit/s",
            f"machine file: loopback {machine.loopback_gbs:g} GB/s ({machine.loopback_source})",
        )
    else:
        notes.append("gloo collectives and loopback iperf3 not checked: give loopback_gbs in a machine file")
    scopes = {
        scope: ScopeExpectations(
            scope=scope,
            fixed=b.fixed,
            required=tuple(b.required),
            collective=collective,
            by_name={"serving.errors": _no_errors(scope)},
            gemm_peaks=peaks,
            notes=tuple(notes),
            reference={},
        )
    }
    basis = f"local machine: {machine.cpu_model}, {machine.cores} cores at {machine.ghz:g} GHz"
    return Expectations(basis=basis, scopes=scopes, default_scope=scope, tolerances=tol)
