"""One compute pool: hardware, GEMM and collective expectations, storage fit, training, serving, price.

* GPUs = nodes x accelerators per node (catalogue instance type or node model).
* Expected GEMM per GPU = :func:`~aifab.models.pool_compute` achievable TFLOP/s / GPUs.
* All-reduce over the whole pool with :func:`~aifab.models.expected_collective`: NVLink per direction =
  accelerator ``intra_node_gbs`` / 2 (``pcie_gbs_per_direction`` when the catalogue has none); per-GPU NIC =
  instance ``efa_gbps_total`` / accelerators (``network_gbps`` without EFA), or node model
  ``compute_nics x compute_nic_gbps`` / accelerators, capped at the fabric's ``link_gbps`` for fat trees;
  oversubscription from the linked fabric; NVLink SHARP on NVLink 4/5 NVSwitch nodes, SHARP when the fabric
  has ``in_network_reduction``, EFA's fitted latencies on EFA. Each figure names the NCCL algorithm and
  protocol it assumes. No figures across nodes without a fabric or with placement spread / partition.
* Storage: reads needed = GPUs x ``data_read_gbs_per_gpu``; checkpoint writes = parameters x
  ``checkpoint_bytes_per_parameter`` / ``checkpoint_write_target_s``; available = the sum over mounted file
  systems (each pool's check assumes a shared file system's whole throughput is its own).
* Node power: node model ``max_power_kw``; cloud instances (the provider's power) from the instance type's
  ``max_power_kw`` when the catalogue has one (every CPU-only type does), else accelerators x TDP x
  ``host_overhead_factor``.
* CPU-only pools (no accelerator in the instance type or node model): nodes, vCPUs, mounted file systems,
  power and price only; no GPUs, GEMM, collectives, training or serving figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from aifab.blueprints.compute import ComputePool, TrainingWorkload
from aifab.blueprints.facility import Site
from aifab.blueprints.mlops import ModelServing
from aifab.blueprints.network import Fabric
from aifab.blueprints.storage import FileSystem
from aifab.catalogue import Accelerator, Source
from aifab.catalogue.models import Precision
from aifab.catalogue.price_age import price_age_problem
from aifab.errors import InputError
from aifab.models import (
    CheckpointInput,
    CollectiveInput,
    CollectiveResult,
    DataLoadingInput,
    InferenceInput,
    PoolComputeInput,
    TrainingEstimate,
    TrainingInput,
    checkpoint_sizing,
    data_loading_throughput,
    expected_collective,
    inference_capacity,
    pool_compute,
    training_time,
)
from aifab.models.collectives import BLACKWELL_NVLS_EFFICIENCY, EFA_INPUTS, IB_NETWORK_EFFICIENCY, MNNVL_INPUTS
from aifab.models.nccl_regions import TunerPlatform, region_choice, tuner_platform

from ._context import NVLS_LINKS, Context, Hardware, located, scale_up_link
from ._format import num
from ._serving import at_concurrency, idle_gpus, serving_findings
from ._storage import FSX, fsx_fix, throughput_gbs, throughput_how
from .results import (
    AllReducePoint,
    DtypeThroughput,
    Expected,
    PoolEstimate,
    Price,
    ServingEstimate,
    StorageFit,
)

_GIB = 2**30
PowerBasis = Literal["node-model-max", "instance-max", "estimate-from-tdp"]
_FALLBACK_DTYPES: tuple[Precision, ...] = ("bf16", "fp16")
# Instance families whose EFA carries NCCL's LL and LL128 protocols (P5 and later); older ones run Simple.
_EFA_LL_FAMILIES = ("p5", "p6")
# Placements that put a pool's nodes in different racks or partitions, not one cluster placement group.
_SPREAD_PLACEMENTS = frozenset({"spread", "partition"})
# The collective model's own efficiency defaults, quoted in explanations (not re-stated here).
_EFFICIENCY = (
    float(CollectiveInput.model_fields["nvlink_efficiency"].default),
    float(CollectiveInput.model_fields["network_efficiency"].default),
)


@dataclass(frozen=True)
class NicRate:
    """The per-GPU NIC rate (Gb/s; ``None`` when the nodes have no compute NICs) and how it was found."""

    gbps: float | None
    how: str


@dataclass(frozen=True)
class MountedStorage:
    """A pool's storage fit and the file systems it mounts."""

    fit: StorageFit
    mounted: tuple[FileSystem, ...]


@dataclass(frozen=True)
class NodePower:
    """Peak kW of one node, how it was found, its typical kW and rack units (on-prem node models only)."""

    kw: float
    basis: PowerBasis
    typical_kw: float | None
    rack_units: int | None


@dataclass(frozen=True)
class PoolCost:
    """A pool's price (``None`` without an instance type) and its USD per hour when known."""

    price: Price | None
    usd_per_hour: float | None


@dataclass(frozen=True)
class GpuCompute:
    """A GPU pool's GEMM dtype, per-dtype throughput rows and achievable GEMM TFLOP/s per GPU."""

    dtype: Precision | None
    rows: tuple[DtypeThroughput, ...]
    gemm_tflops_per_gpu: float | None


@dataclass(frozen=True)
class GpuCollectives:
    """A GPU pool's scale-up link, NIC rate, oversubscription and expected all-reduce figures."""

    link: str
    scale_up_gbs: float
    nic_gbps: float | None
    oversubscription: float
    sweep: tuple[AllReducePoint, ...]
    busbw_gbs_1gib: float | None
    model_inputs: dict[str, bool | int | str | float | tuple[float, float, float]]


def resolve_hardware(ctx: Context, pool: ComputePool) -> Hardware:
    cat = ctx.catalogue
    if pool.instance_type is not None:
        it = ctx.lookup(pool, "instance_type", cat.instance_type, pool.instance_type)
        acc = ctx.lookup(pool, "instance_type", cat.accelerator, it.accelerator) if it.accelerator else None
        return Hardware(it.name, "instance_type", acc, it.accelerators_per_node, it, None)
    assert pool.node_model is not None  # the blueprint requires one of the two
    nm = ctx.lookup(pool, "node_model", cat.node_model, pool.node_model)
    acc = ctx.lookup(pool, "node_model", cat.accelerator, nm.accelerator) if nm.accelerator else None
    return Hardware(nm.name, "node_model", acc, nm.accelerators_per_node, None, nm)


def compute_dtype(ctx: Context, acc: Accelerator) -> Precision | None:
    peaks = acc.peak_dense_tflops
    for dtype in (ctx.options.compute_dtype, *_FALLBACK_DTYPES):
        if dtype in peaks:
            return dtype
    return next(iter(peaks), None)


def _nic_gbps_per_gpu(hw: Hardware, fabric: Fabric | None) -> NicRate:
    if hw.instance is not None:
        it = hw.instance
        if it.efa_gbps_total > 0:
            return NicRate(
                it.efa_gbps_total / hw.per_node,
                f"EFA {num(it.efa_gbps_total)} Gb/s / {hw.per_node} accelerators ({it.name})",
            )
        return NicRate(
            it.network_gbps / hw.per_node,
            f"no EFA: instance network {num(it.network_gbps)} Gb/s / {hw.per_node} accelerators ({it.name})",
        )
    nm = hw.node_model
    assert nm is not None
    if nm.compute_nics == 0:
        return NicRate(None, f"{nm.name} has no compute NICs")
    rate = nm.compute_nics * nm.compute_nic_gbps / hw.per_node
    how = f"{nm.compute_nics} x {num(nm.compute_nic_gbps)} Gb/s compute NICs / {hw.per_node} accelerators ({nm.name})"
    if fabric is not None and fabric.technology == "roce" and fabric.link_gbps < rate:
        planes = rate / fabric.link_gbps
        if planes.is_integer():  # multi-plane Ethernet: one link per plane (aifab.capacity._fabrics)
            return NicRate(rate, how + f", {planes:g} planes x {fabric.link_gbps} Gb/s")
    if fabric is not None and fabric.technology != "efa" and fabric.link_gbps < rate:
        return NicRate(float(fabric.link_gbps), how + f", capped at fabric link {fabric.link_gbps} Gb/s")
    return NicRate(rate, how)


@dataclass(frozen=True)
class CollectiveShape:
    """What the collective model needs of a pool: ranks, links, and the NVLS / SHARP / EFA it can use."""

    nodes: int
    per_node: int
    nvlink_gbs: float
    nic_gbps: float | None
    oversubscription: float
    nvls: bool
    sharp: bool
    efa: bool
    simple_only: bool
    infiniband: bool
    mnnvl: bool = False
    tuner: TunerPlatform | None = None
    blackwell: bool = False


def _model_inputs(shape: CollectiveShape) -> dict[str, bool | int | str | float | tuple[float, float, float]]:
    """The CollectiveInput fields a pool's shape sets beyond op, size, ranks and link rates."""
    multi = shape.nodes > 1
    inputs: dict[str, bool | int | str | float | tuple[float, float, float]] = {
        "nvls": shape.nvls,
        "in_network_reduction": shape.sharp and multi,
        "network_latency_us": (0.0, 0.0, 0.0),
    }
    if shape.efa and multi:
        inputs.update(EFA_INPUTS)
        if shape.tuner is not None:  # aws-ofi-nccl's region tuner picks the algorithm beyond two nodes
            inputs["tuner_platform"] = shape.tuner
    if shape.nvls and shape.blackwell:
        inputs["nvls_efficiency"] = BLACKWELL_NVLS_EFFICIENCY
    if shape.mnnvl:
        inputs.update(MNNVL_INPUTS)
    if shape.simple_only and multi:
        inputs["protocol"] = "Simple"
    if shape.infiniband and multi:
        inputs["network_efficiency"] = IB_NETWORK_EFFICIENCY
    return inputs


def _allreduce(ctx: Context, shape: CollectiveShape, size: int) -> CollectiveResult:
    """One expected all-reduce; pools of the same shape share the result (designs repeat pools a lot)."""
    key = ("allreduce", shape, size)
    hit = ctx.memo.get(key)
    if isinstance(hit, CollectiveResult):
        return hit
    multi = shape.nodes > 1
    result = expected_collective(
        CollectiveInput.model_validate(
            {
                "op": "all_reduce",
                "message_bytes": size,
                "nodes": shape.nodes,
                "gpus_per_node": shape.per_node,
                "nvlink_gbs_per_direction": shape.nvlink_gbs,
                "nic_gbps_per_gpu": shape.nic_gbps if multi else None,
                "fabric_oversubscription": shape.oversubscription,
                **_model_inputs(shape),
            }
        )
    )
    ctx.memo[key] = result
    return result


def _point(r: CollectiveResult) -> AllReducePoint:
    return AllReducePoint(
        message_bytes=r.message_bytes,
        time_us=r.time_us,
        algbw_gbs=r.algbw_gbs,
        busbw_gbs=r.busbw_gbs,
        bound=r.bound,
        algorithm=r.algorithm,
        protocol=r.protocol,
    )


def _price(ctx: Context, pool: ComputePool, hw: Hardware, site: Site | None) -> Price | None:
    if hw.instance is None:
        return None
    name = hw.instance.name
    if site is None or site.provider != "aws" or not site.region:
        return Price(
            instance_type=name,
            region=None,
            known=False,
            note=f"pool {pool.id!r} is not at an AWS site, so there is no region to price {name} in",
        )
    try:
        usd, as_of, source = ctx.catalogue.price(name, site.region)
    except InputError as exc:
        return Price(instance_type=name, region=site.region, known=False, note=f"price unknown: {exc.message}")
    return Price(
        instance_type=name,
        region=site.region,
        known=True,
        usd_per_hour_per_node=usd,
        as_of=as_of,
        source_url=source.url,
        note=f"on-demand list price as of {as_of.isoformat() if as_of else 'an unstated date'}"
        + ("" if pool.capacity == "on-demand" else f"; this pool buys {pool.capacity} capacity, priced differently"),
    )


def _replica_accelerators(need_gb: float, mem_gb: float, per_node: int) -> int:
    """Smallest power of two (up to a node) whose HBM holds ``need_gb``; whole nodes beyond one node."""
    n = 1
    while n * mem_gb < need_gb and n < per_node:
        n *= 2
    n = min(n, per_node)
    if n * mem_gb >= need_gb:
        return n
    return math.ceil(need_gb / (per_node * mem_gb)) * per_node


def _serving(
    ctx: Context,
    pool: ComputePool,
    serving: ModelServing,
    hw: Hardware,
    dtype: Precision | None,
    explain: dict[str, str],
) -> ServingEstimate | None:
    acc = hw.accelerator
    if serving.model_parameters_billion is None or acc is None:
        return None
    o = ctx.options
    params = serving.model_parameters_billion * 1e9
    weights_gb = params * o.serving_bytes_per_parameter / 1e9
    need_gb = weights_gb * o.serving_memory_headroom
    n = _replica_accelerators(need_gb, acc.memory_gb, hw.per_node)
    # replicas per node when a replica fits in a node; else nodes per replica
    fit = pool.node_count * (hw.per_node // n) if n <= hw.per_node else pool.node_count // (n // hw.per_node)
    replicas = min(serving.max_replicas, fit)
    if fit == 0:
        ctx.finding(
            serving,
            "capacity-serving-does-not-fit",
            f"a {num(serving.model_parameters_billion)}B-parameter model needs {num(need_gb)} GB of accelerator "
            f"memory per replica ({num(weights_gb)} GB of weights x {num(o.serving_memory_headroom)} headroom), "
            f"i.e. {n} x {acc.name} ({num(acc.memory_gb)} GB each), but pool {pool.id!r} has "
            f"{pool.node_count * hw.per_node}; raise the pool's node_count to {math.ceil(n / hw.per_node)} "
            "or serve a smaller or quantised model",
            "warning",
            field="pool",
        )
    capacity = None
    if replicas > 0 and dtype is not None:
        try:
            capacity = inference_capacity(
                InferenceInput(
                    parameters=params,
                    bytes_per_parameter=o.serving_bytes_per_parameter,
                    accelerators_per_replica=n,
                    replicas=replicas,
                    peak_tflops_per_accelerator=acc.peak_dense_tflops[dtype],
                    hbm_tbs_per_accelerator=acc.memory_bandwidth_tbs,
                    hbm_gb_per_accelerator=acc.memory_gb,
                    batch_size=o.serving_batch_size,
                    compute_efficiency=o.achievable_gemm_efficiency,
                )
            )
        except InputError as exc:  # the model's own check: say which component and value it comes from
            detail = "; ".join(p.render() for p in exc.problems)
            raise located(
                serving,
                "model_parameters_billion",
                f"tokens per second for a {serving.model_parameters_billion:g}B-parameter model on pool "
                f"{pool.id!r}: {detail}",
            ) from None
    batch = None
    if replicas > 0 and dtype is not None:
        batch, explain[f"serving {serving.id}"] = at_concurrency(ctx, pool, serving, acc, dtype, n)
    target = serving.latency_p99_ms_target
    estimate = ServingEstimate(
        serving=serving.id,
        model_parameters_billion=serving.model_parameters_billion,
        weights_gb=weights_gb,
        accelerators_per_replica=n,
        replicas_that_fit=fit,
        replicas=replicas,
        capacity=capacity,
        at_concurrency=batch,
        latency_p99_ms_target=target,
        meets_latency_target=None if batch is None or target is None else batch.ttft_ms <= target,
    )
    serving_findings(ctx, pool, serving, estimate)
    return estimate


def _storage(
    ctx: Context, pool: ComputePool, gpus: int, explain: dict[str, str], wl: TrainingWorkload | None
) -> MountedStorage:
    mounted = tuple(
        fs for fs_id in dict.fromkeys(pool.scratch) if isinstance(fs := ctx.index.by_id.get(fs_id), FileSystem)
    )
    available = sum(throughput_gbs(fs) for fs in mounted) if mounted else None
    read_needed = write_needed = checkpoint_gb = None
    if wl is not None:
        if wl.data_read_gbs_per_gpu > 0:
            read_needed = data_loading_throughput(
                DataLoadingInput(accelerators=gpus, read_gbs_per_accelerator=wl.data_read_gbs_per_gpu)
            ).read_gbs_needed
            explain["storage_read_gbs_needed"] = (
                f"data loading = {gpus:,} GPUs x {num(wl.data_read_gbs_per_gpu)} GB/s = {num(read_needed)} GB/s"
            )
        ckpt = checkpoint_sizing(
            CheckpointInput(
                parameters=wl.parameters_billion * 1e9,
                bytes_per_parameter=ctx.options.checkpoint_bytes_per_parameter,
                target_write_s=wl.checkpoint_write_target_s,
            )
        )
        write_needed, checkpoint_gb = ckpt.write_gbs_needed, ckpt.checkpoint_gb
        explain["storage_write_gbs_needed"] = (
            f"checkpoint = {num(wl.parameters_billion)}B parameters x "
            f"{num(ctx.options.checkpoint_bytes_per_parameter)} B = {num(checkpoint_gb)} GB in "
            f"{num(wl.checkpoint_write_target_s)} s = {num(write_needed)} GB/s"
        )
    if mounted:
        explain["storage_gbs_available"] = " + ".join(f"{fs.id}: {throughput_how(fs)}" for fs in mounted)
    fit = StorageFit(
        file_systems=tuple(fs.id for fs in mounted),
        read_gbs_available=available,
        write_gbs_available=available,
        read_gbs_needed=read_needed,
        write_gbs_needed=write_needed,
        checkpoint_gb=checkpoint_gb,
        read_fits=None if read_needed is None or available is None else read_needed <= available * (1 + 1e-9),
        write_fits=None if write_needed is None or available is None else write_needed <= available * (1 + 1e-9),
    )
    return MountedStorage(fit, mounted)


def _storage_findings(ctx: Context, pool: ComputePool, storage: MountedStorage) -> None:
    fit, mounted = storage.fit, storage.mounted
    wl = pool.workload
    if wl is None:
        return
    if not mounted:
        ctx.finding(
            pool,
            "capacity-storage-unchecked",
            "the workload's data loading and checkpoints cannot be checked: the pool mounts no file system "
            "(field 'scratch')",
            "warning",
            field="scratch",
        )
        return
    available = fit.read_gbs_available or 0.0
    names = ", ".join(repr(fs.id) for fs in mounted)
    provides = f"file system {names} provides" if len(mounted) == 1 else f"file systems {names} provide"
    # One file system: the finding is on it (the fix is there); several: on the pool that mounts them.
    target = mounted[0] if len(mounted) == 1 else pool
    field = "scratch" if len(mounted) > 1 else "capacity_tib" if mounted[0].engine == FSX else "throughput_gbs"

    def fix(need: float) -> str:
        if len(mounted) > 1:
            return f"add {num(need - available)} GB/s to the mounted file systems or mount another"
        fs = mounted[0]
        if fs.engine == FSX:
            return fsx_fix(ctx, fs, need)
        return f"raise throughput_gbs to {num(need)}"

    if fit.write_fits is False and fit.write_gbs_needed is not None and fit.checkpoint_gb is not None:
        relaxed = math.ceil(fit.checkpoint_gb / available) if available > 0 else None
        ctx.finding(
            target,
            "capacity-storage-checkpoint",
            f"pool {pool.id!r} checkpoints {num(wl.parameters_billion)}B parameters x "
            f"{num(ctx.options.checkpoint_bytes_per_parameter)} B = {num(fit.checkpoint_gb)} GB in "
            f"{num(wl.checkpoint_write_target_s)} s: needs {num(fit.write_gbs_needed)} GB/s of writes, but "
            f"{provides} {num(available)} GB/s; {fix(fit.write_gbs_needed)}"
            + (f", or relax checkpoint_write_target_s to {relaxed} s" if relaxed else ""),
            field=field,
        )
    if fit.read_fits is False and fit.read_gbs_needed is not None:
        gpus = pool.node_count * ctx.hardware[pool.id].per_node
        per_gpu = available / gpus
        ctx.finding(
            target,
            "capacity-storage-data-loading",
            f"pool {pool.id!r} reads {gpus:,} GPUs x {num(wl.data_read_gbs_per_gpu)} GB/s = "
            f"{num(fit.read_gbs_needed)} GB/s of training data, but {provides} {num(available)} GB/s; "
            f"{fix(fit.read_gbs_needed)}, or lower data_read_gbs_per_gpu to {num(per_gpu)}",
            field=field,
        )


def _training(
    ctx: Context, pool: ComputePool, gpus: int, acc: Accelerator, dtype: Precision | None, explain: dict[str, str]
) -> TrainingEstimate | None:
    wl = pool.workload
    if wl is None or dtype is None:
        return None
    t = training_time(
        TrainingInput(
            parameters=wl.parameters_billion * 1e9,
            tokens=wl.tokens_billion * 1e9,
            accelerators=gpus,
            peak_tflops_per_accelerator=acc.peak_dense_tflops[dtype],
            mfu=wl.model_flops_utilisation,
        )
    )
    explain["training_days"] = (
        f"6 x {num(wl.parameters_billion)}B parameters x {num(wl.tokens_billion)}B tokens / "
        f"({gpus:,} GPUs x {num(acc.peak_dense_tflops[dtype])} TFLOP/s {dtype} x {num(wl.model_flops_utilisation)} MFU)"
        f" = {num(t.time_days)} days"
    )
    return t


def _node_power(ctx: Context, pool: ComputePool, hw: Hardware, explain: dict[str, str], notes: list[str]) -> NodePower:
    """Peak kW of one node, how it was found, its typical kW and rack units (on-prem node models only)."""
    o = ctx.options
    nodes = pool.node_count
    if hw.node_model is not None:
        nm = hw.node_model
        explain["power_kw"] = (
            f"{nodes:,} nodes x {num(nm.max_power_kw)} kW ({hw.name} max) = {num(nm.max_power_kw * nodes)} kW"
        )
        _power_assumption(nm.source_for("max_power_kw"), hw.name, notes)
        return NodePower(nm.max_power_kw, "node-model-max", nm.typical_power_kw, nm.rack_units)
    it = hw.instance
    assert it is not None  # a pool has an instance type or a node model
    if it.max_power_kw is not None:
        source = it.source_for("max_power_kw")
        explain["power_kw"] = (
            f"estimate: {nodes:,} nodes x {num(it.max_power_kw)} kW ({hw.name} max_power_kw, catalogue "
            f"{source.type}) = {num(it.max_power_kw * nodes)} kW"
        )
        _power_assumption(source, hw.name, notes)
        return NodePower(it.max_power_kw, "instance-max", None, None)
    acc = hw.accelerator
    assert acc is not None  # the catalogue requires max_power_kw of CPU-only instance types
    node_kw = hw.per_node * acc.tdp_w * o.host_overhead_factor / 1000
    explain["power_kw"] = (
        f"estimate: {nodes:,} nodes x {hw.per_node} x {num(acc.tdp_w)} W ({acc.name} TDP) x "
        f"{num(o.host_overhead_factor)} host overhead = {num(node_kw * nodes)} kW"
    )
    if acc.source_for("tdp_w").type == "assumption":
        notes.append(f"{acc.name} TDP is a catalogue placeholder (assumption); override it for power estimates")
    return NodePower(node_kw, "estimate-from-tdp", None, None)


def _power_assumption(source: Source, name: str, notes: list[str]) -> None:
    if source.type == "assumption":
        notes.append(
            f"{name} max_power_kw is a catalogue estimate (assumption, {source.confidence} confidence); "
            "override it for power and energy figures"
        )


def _cost(
    ctx: Context, pool: ComputePool, hw: Hardware, site: Site | None, explain: dict[str, str], notes: list[str]
) -> PoolCost:
    price = _price(ctx, pool, hw, site)
    usd = None
    if price is not None and price.known and price.usd_per_hour_per_node is not None:
        usd = price.usd_per_hour_per_node * pool.node_count
        explain["usd_per_hour"] = (
            f"{pool.node_count:,} x {num(price.usd_per_hour_per_node)} USD/h ({price.instance_type}, {price.region}, "
            f"{price.note}) = {num(usd)} USD/h"
        )
    if price is not None and price.known:
        cat = ctx.catalogue
        stale = price_age_problem(
            price.instance_type, price.as_of, cat.as_of, cat.price_freshness_days, cat.price_changes
        )
        if stale is not None:
            ctx.finding(
                pool, "capacity-price-stale", f"{stale}; refresh it in an overrides file", "warning", "instance_type"
            )
    if pool.min_node_count is not None and pool.min_node_count < pool.node_count:
        notes.append(f"sized and priced at node_count {pool.node_count} (it may scale down to {pool.min_node_count})")
    return PoolCost(price, usd)


def _estimate_cpu_pool(ctx: Context, pool: ComputePool, hw: Hardware) -> PoolEstimate:
    """A CPU-only pool: nodes, vCPUs, mounted file systems, power and price; nothing GPU-specific."""
    site = ctx.index.site_of(pool.site)
    fabric_c = ctx.index.by_id.get(pool.fabric) if pool.fabric else None
    fabric = fabric_c if isinstance(fabric_c, Fabric) else None
    nodes = pool.node_count
    vcpus = nodes * hw.vcpu if hw.vcpu else None
    parts = ["CPU-only"]
    if hw.vcpu:
        parts.append(f"{hw.vcpu} vCPU")
    if hw.memory_gib:
        parts.append(f"{num(hw.memory_gib)} GiB")
    shape = ", ".join(parts)
    explain: dict[str, str] = {"nodes": f"{nodes:,} x {hw.name} ({shape})"}
    notes: list[str] = ["CPU-only pool: no GPUs, GEMM, collective, training or serving figures"]
    if vcpus is not None:
        explain["vcpus"] = f"{nodes:,} nodes x {hw.vcpu} vCPU ({hw.name}) = {vcpus:,} vCPUs"
    else:
        notes.append(f"the catalogue has no vCPU count for {hw.name}: vCPUs are not counted")
    if pool.workload is not None:
        notes.append("workload describes accelerator training; this pool has no accelerators, so it is not estimated")
    for sv in ctx.index.servings_by_pool.get(pool.id, ()):
        notes.append(f"serving {sv.id!r} runs on CPU-only nodes: no accelerator memory or token-rate estimate")
    fit = _storage(ctx, pool, 0, explain, None).fit
    power = _node_power(ctx, pool, hw, explain, notes)
    cost = _cost(ctx, pool, hw, site, explain, notes)
    return PoolEstimate(
        id=pool.id,
        kind=pool.kind,
        role=pool.role,
        site=pool.site,
        hardware=hw.name,
        hardware_source="instance_type" if hw.instance is not None else "node_model",
        accelerator=None,
        accelerators_per_node=0,
        nodes=nodes,
        gpus=0,
        vcpus_per_node=hw.vcpu,
        vcpus=vcpus,
        peak_dense_tflops_per_gpu={},
        compute=(),
        scale_up_link=None,
        scale_up_gbs_per_direction=None,
        nic_gbps_per_gpu=None,
        fabric=fabric.id if fabric is not None else None,
        fabric_oversubscription=fabric.oversubscription if fabric is not None else 1.0,
        allreduce=(),
        storage=fit,
        training=None,
        serving=(),
        power_basis=power.basis,
        node_power_kw=power.kw,
        node_typical_power_kw=power.typical_kw,
        node_rack_units=power.rack_units,
        power_kw=power.kw * nodes,
        price=cost.price,
        usd_per_hour=cost.usd_per_hour,
        expected=Expected(
            gemm_dtype=None,
            gemm_tflops_per_gpu=None,
            allreduce_busbw_gbs_1gib=None,
            storage_read_gbs=fit.read_gbs_available,
            storage_write_gbs=fit.write_gbs_available,
        ),
        explain=explain,
        notes=tuple(notes),
    )


def estimate_pool(ctx: Context, pool: ComputePool) -> PoolEstimate:
    hw = resolve_hardware(ctx, pool)
    ctx.hardware[pool.id] = hw
    acc = hw.accelerator
    if acc is None:
        return _estimate_cpu_pool(ctx, pool, hw)
    return _estimate_gpu_pool(ctx, pool, hw, acc)


def _gpu_compute(ctx: Context, acc: Accelerator, gpus: int, explain: dict[str, str], notes: list[str]) -> GpuCompute:
    """Per-dtype GEMM throughput of a GPU pool and the achievable figure at the compute dtype."""
    o = ctx.options
    dtype = compute_dtype(ctx, acc)
    rows: tuple[DtypeThroughput, ...] = ()
    if acc.peak_dense_tflops:
        pc = pool_compute(
            PoolComputeInput(
                accelerators=gpus,
                peak_dense_tflops_by_dtype=dict(acc.peak_dense_tflops),
                achievable_gemm_efficiency=o.achievable_gemm_efficiency,
            )
        )
        rows = tuple(
            DtypeThroughput(
                dtype=r.dtype,
                peak_tflops_per_gpu=r.peak_tflops / gpus,
                achievable_tflops_per_gpu=r.achievable_tflops / gpus,
                pool_peak_pflops=r.peak_tflops / 1000,
                pool_achievable_pflops=r.achievable_tflops / 1000,
            )
            for r in pc.by_dtype
        )
    else:
        notes.append(f"the catalogue has no tensor throughput for {acc.name}: no GEMM, training or serving figures")
    gemm = next((r.achievable_tflops_per_gpu for r in rows if r.dtype == dtype), None)
    if dtype is not None and gemm is not None:
        if dtype != o.compute_dtype:
            notes.append(f"{acc.name} has no {o.compute_dtype} figure; {dtype} used instead")
        explain["gemm_tflops_per_gpu"] = (
            f"{num(acc.peak_dense_tflops[dtype])} TFLOP/s {dtype} peak x {num(o.achievable_gemm_efficiency)} "
            f"achievable = {num(gemm)} TFLOP/s"
        )
    return GpuCompute(dtype, rows, gemm)


def _gpu_collectives(
    ctx: Context,
    pool: ComputePool,
    hw: Hardware,
    acc: Accelerator,
    fabric: Fabric | None,
    explain: dict[str, str],
    notes: list[str],
) -> GpuCollectives:
    """The pool-wide all-reduce sweep and its 1 GiB bus bandwidth over NVLink (or PCIe) and the NICs."""
    o = ctx.options
    gpus = pool.node_count * hw.per_node
    scale_up, link = scale_up_link(o, acc)
    nic_rate = _nic_gbps_per_gpu(hw, fabric)
    nic, nic_how = nic_rate.gbps, nic_rate.how
    oversub = fabric.oversubscription if fabric is not None else 1.0
    sweep: tuple[AllReducePoint, ...] = ()
    busbw_1g = None
    model_inputs: dict[str, bool | int | str | float | tuple[float, float, float]] = {}
    # A rack-scale system (NVL72) is one NVLink domain: NCCL sees each rack as one node of 72 GPUs, and its
    # trays reach each other over NVLink switch trays, not over their NICs.
    rack = hw.node_model.rack_scale if hw.node_model is not None else None
    nodes, per_node = pool.node_count, hw.per_node
    if rack is not None and gpus > hw.per_node:
        per_node = min(gpus, rack.nvlink_domain_gpus)
        nodes = -(-gpus // per_node)
        notes.append(
            f"rack-scale {hw.name}: {per_node} GPUs per NVLink domain, so collectives run over "
            f"{nodes} domain(s), not {pool.node_count} trays"
        )
    within_one_node = False
    across = "" if per_node > 1 else "; one GPU per node, so none"
    if gpus < 2:
        notes.append("one GPU: no collective to expect")
        nodes = 0
    elif nodes > 1 and fabric is None:
        # Nodes with no fabric between them talk over the VPC / management network: no nccl-tests figure
        # published for that to hold a multi-node all-reduce against. Within one node the figure still holds
        # (tensor parallelism of a served model runs there).
        notes.append(
            f"no fabric linked (field 'fabric'): all-reduce figures are within one node ({per_node} GPUs), "
            f"not across its {nodes} nodes{across}"
        )
        within_one_node = True
    elif nodes > 1 and pool.placement in _SPREAD_PLACEMENTS:
        notes.append(
            f"placement {pool.placement!r} spreads the nodes over racks or partitions: all-reduce figures are "
            f"within one node ({per_node} GPUs), not across nodes (the published sweeps are of nodes in one "
            f"cluster placement group){across}"
        )
        within_one_node = True
    elif nodes > 1 and nic is None:
        notes.append("no NIC rate known for the nodes: collectives across nodes not estimated")
        nodes = 0
    if within_one_node:
        nodes = 1 if per_node > 1 else 0
    if nodes >= 1:
        efa = fabric is not None and fabric.technology == "efa"
        efa = efa or (hw.instance is not None and hw.instance.efa_gbps_total > 0)
        # aws-ofi-nccl runs NCCL's Simple protocol only on EFA before P5 (aws/aws-ofi-nccl#280)
        ll_on_efa = hw.instance is not None and hw.instance.name.startswith(_EFA_LL_FAMILIES)
        shape = CollectiveShape(
            nodes=nodes,
            per_node=per_node,
            nvlink_gbs=scale_up,
            nic_gbps=nic,
            oversubscription=oversub,
            # NVLink SHARP: NVSwitch systems of NVLink 4 (Hopper) and later
            nvls=link in NVLS_LINKS and per_node > 1,
            sharp=fabric is not None and fabric.in_network_reduction,
            efa=efa,
            simple_only=efa and not ll_on_efa,
            infiniband=fabric is not None and fabric.technology == "infiniband",
            # the NVLink domain spans trays through NVLink switch trays
            mnnvl=rack is not None and per_node > hw.per_node,
            blackwell=link == "nvlink5",
            tuner=tuner_platform(hw.instance.name) if efa and hw.instance is not None else None,
        )
        key = ("sweep", shape)
        cached = ctx.memo.get(key)
        if isinstance(cached, tuple):
            sweep = cached
        else:
            sweep = tuple(_point(_allreduce(ctx, shape, size)) for size in o.allreduce_sweep_bytes)
            ctx.memo[key] = sweep
        one = _allreduce(ctx, shape, _GIB)
        busbw_1g = one.busbw_gbs
        # the ranks the figures are for (one node, or NVLink domains), which can differ from the pool's nodes
        model_inputs = {**_model_inputs(shape), "nodes": nodes, "gpus_per_node": per_node}
        nv_eff, net_eff = _EFFICIENCY
        net_eff = IB_NETWORK_EFFICIENCY if shape.infiniband else net_eff
        wire = f"{link} {num(scale_up)} GB/s x {num(nv_eff)}"
        if nodes > 1 and nic is not None:
            wire += f", {per_node} rails x NIC {num(nic)} Gb/s / 8 x {num(net_eff)} / {num(oversub)}:1 oversubscription"
        picker = "NCCL's fastest algorithm by its tuner"
        if shape.tuner is not None and region_choice(
            shape.tuner, "all_reduce", _GIB, nodes=nodes, gpus_per_node=per_node, nvls=shape.nvls
        ):
            picker = f"the algorithm aws-ofi-nccl's region tuner picks on {shape.tuner} beyond two nodes"
        explain["allreduce_busbw_gbs_1gib"] = (
            f"all-reduce of 1 GiB over {nodes * per_node:,} ranks, {picker}: "
            f"{one.algorithm} / "
            f"{one.protocol} (links {wire}{', NVLink SHARP' if shape.nvls else ''}"
            f"{', through NVLink switch trays' if shape.mnnvl else ''}"
            f"{', SHARP in the switches' if shape.sharp else ''}{', EFA latencies' if shape.efa else ''}"
            f"{', Simple protocol only (EFA before P5)' if shape.simple_only else ''}): "
            f"peak busbw {num(one.peak_busbw_gbs)} GB/s, latency {num(one.latency_us)} us + "
            f"{num(one.bandwidth_time_us)} us on the wire -> busbw {num(one.busbw_gbs)} GB/s "
            f"({link if one.bound == 'nvlink' else one.bound}-bound)"
        )
        explain["nic_gbps_per_gpu"] = f"{nic_how} = {num(nic)} Gb/s" if nic is not None else nic_how
    return GpuCollectives(link, scale_up, nic, oversub, sweep, busbw_1g, model_inputs)


def _gpu_serving(
    ctx: Context, pool: ComputePool, hw: Hardware, dtype: Precision | None, notes: list[str], explain: dict[str, str]
) -> tuple[ServingEstimate, ...]:
    """The servings placed on a GPU pool, with a note for each that the pool cannot hold at max_replicas."""
    serving = tuple(
        s for sv in ctx.index.servings_by_pool.get(pool.id, ()) if (s := _serving(ctx, pool, sv, hw, dtype, explain))
    )
    for s in serving:
        if s.replicas < s.replicas_that_fit or s.replicas_that_fit == 0:
            continue
        sv = ctx.index.by_id[s.serving]
        if isinstance(sv, ModelServing) and sv.max_replicas > s.replicas_that_fit:
            notes.append(
                f"serving {s.serving!r}: only {s.replicas_that_fit} of max_replicas {sv.max_replicas} fit on the pool"
            )
    return serving


def _estimate_gpu_pool(ctx: Context, pool: ComputePool, hw: Hardware, acc: Accelerator) -> PoolEstimate:
    """A GPU pool: compute, collectives, storage fit, training, serving, power and price."""
    gpus = pool.node_count * hw.per_node
    site = ctx.index.site_of(pool.site)
    fabric_c = ctx.index.by_id.get(pool.fabric) if pool.fabric else None
    fabric = fabric_c if isinstance(fabric_c, Fabric) else None
    explain: dict[str, str] = {"gpus": f"{pool.node_count:,} nodes x {hw.per_node} {acc.name} ({hw.name}) = {gpus:,}"}
    notes: list[str] = []

    compute = _gpu_compute(ctx, acc, gpus, explain, notes)
    coll = _gpu_collectives(ctx, pool, hw, acc, fabric, explain, notes)
    storage = _storage(ctx, pool, gpus, explain, pool.workload)
    _storage_findings(ctx, pool, storage)
    fit = storage.fit
    training = _training(ctx, pool, gpus, acc, compute.dtype, explain)
    serving = _gpu_serving(ctx, pool, hw, compute.dtype, notes, explain)
    power = _node_power(ctx, pool, hw, explain, notes)
    cost = _cost(ctx, pool, hw, site, explain, notes)
    idle, idle_usd = idle_gpus(ctx, pool, hw.per_node, serving, cost.usd_per_hour)

    return PoolEstimate(
        id=pool.id,
        kind=pool.kind,
        role=pool.role,
        site=pool.site,
        hardware=hw.name,
        hardware_source="instance_type" if hw.instance is not None else "node_model",
        accelerator=acc.name,
        accelerators_per_node=hw.per_node,
        nodes=pool.node_count,
        gpus=gpus,
        vcpus_per_node=hw.vcpu,
        vcpus=pool.node_count * hw.vcpu if hw.vcpu else None,
        peak_dense_tflops_per_gpu=dict(acc.peak_dense_tflops),
        compute=compute.rows,
        scale_up_link=coll.link,
        scale_up_gbs_per_direction=coll.scale_up_gbs,
        nic_gbps_per_gpu=coll.nic_gbps,
        fabric=fabric.id if fabric is not None else None,
        fabric_oversubscription=coll.oversubscription,
        allreduce=coll.sweep,
        collective_inputs=coll.model_inputs,
        storage=fit,
        training=training,
        serving=serving,
        serving_idle_gpus=idle,
        serving_idle_usd_per_hour=idle_usd,
        power_basis=power.basis,
        node_power_kw=power.kw,
        node_typical_power_kw=power.typical_kw,
        node_rack_units=power.rack_units,
        power_kw=power.kw * pool.node_count,
        price=cost.price,
        usd_per_hour=cost.usd_per_hour,
        expected=Expected(
            gemm_dtype=compute.dtype if compute.gemm_tflops_per_gpu is not None else None,
            gemm_tflops_per_gpu=compute.gemm_tflops_per_gpu,
            allreduce_busbw_gbs_1gib=coll.busbw_gbs_1gib,
            storage_read_gbs=fit.read_gbs_available,
            storage_write_gbs=fit.write_gbs_available,
        ),
        explain=explain,
        notes=tuple(notes),
    )


__all__ = ["compute_dtype", "estimate_pool", "resolve_hardware"]
