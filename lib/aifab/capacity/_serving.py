"""Serving at a concurrency on a GPU pool: KV cache, batch size, throughput, the p99 latency target, idle GPUs.

* Model shape: the design states only ``model_parameters_billion``; the KV cache per token comes from the
  nearest published architecture (:func:`aifab.models.serving.architecture_for`), at bf16 (vLLM's
  ``kv_cache_dtype="auto"`` keeps the KV cache in the model's activation dtype even for fp8 weights).
* Request shape: ``CONTEXT_TOKENS`` held per sequence, ``PROMPT_TOKENS`` in, ``OUTPUT_TOKENS`` out (the
  serving model's defaults, stated in every explanation).
* Concurrency (the decode batch per replica): the ``serving_batch_size`` estimate option when it is set
  explicitly, else as many sequences as the KV cache holds (vLLM's scheduler cap of 256 applies).
* Tensor parallelism: a replica of several accelerators all-reduces twice per layer, timed by the collective
  model over the node's NVLink (NVLS where the switches have it) or PCIe, in every step and every prefill.
* The design's ``latency_p99_ms_target`` is checked against the time to first token at that concurrency:
  the p99 latency an interactive user sees (MLPerf Inference's LLM server scenario sets its p99 bound on
  TTFT too). Queueing above the replica's throughput is not modelled.
* GPUs that no replica can use (pool GPUs beyond replicas x accelerators per replica, because of
  ``max_replicas`` or because replicas do not divide the nodes) are reported with their share of the price.
"""

from __future__ import annotations

from aifab.blueprints.compute import ComputePool
from aifab.blueprints.mlops import ModelServing
from aifab.catalogue import Accelerator
from aifab.catalogue.models import Precision
from aifab.errors import InputError
from aifab.models.collectives import BLACKWELL_NVLS_EFFICIENCY, CollectiveInput
from aifab.models.serving import (
    ServingCapacity,
    ServingInput,
    architecture_for,
    kv_bytes_per_token,
    serving_capacity,
    tensor_parallel_comm_ms,
)

from ._context import NVLS_LINKS, Context, located, scale_up_link
from ._format import num
from .results import ServingEstimate

_DEFAULTS = ServingInput.model_fields
CONTEXT_TOKENS = int(_DEFAULTS["context_tokens"].default)
PROMPT_TOKENS = int(_DEFAULTS["prompt_tokens"].default)
OUTPUT_TOKENS = int(_DEFAULTS["output_tokens"].default)
KV_BYTES_PER_ELEMENT = 2.0


def at_concurrency(
    ctx: Context, pool: ComputePool, serving: ModelServing, acc: Accelerator, dtype: Precision, n: int
) -> tuple[ServingCapacity, str]:
    """One replica of ``n`` x ``acc`` serving ``serving``'s model: its figures and how they were found."""
    assert serving.model_parameters_billion is not None  # the caller checks
    o = ctx.options
    arch, scale = architecture_for(serving.model_parameters_billion)
    kv = kv_bytes_per_token(arch, KV_BYTES_PER_ELEMENT) * scale
    requested = o.serving_batch_size if "serving_batch_size" in o.model_fields_set else None
    group, link = _tensor_parallel_group(ctx, acc, n)
    try:
        inp = ServingInput(
            parameters=serving.model_parameters_billion * 1e9,
            bytes_per_parameter=o.serving_bytes_per_parameter,
            kv_bytes_per_token=kv,
            accelerators_per_replica=n,
            hbm_gb_per_accelerator=acc.memory_gb,
            hbm_tbs_per_accelerator=acc.memory_bandwidth_tbs,
            peak_tflops_per_accelerator=acc.peak_dense_tflops[dtype],
            concurrency=requested,
            compute_efficiency=o.achievable_gemm_efficiency,
        )
        c = serving_capacity(inp)
        if group is not None:  # the batch is set by memory alone, so the all-reduces can be sized from it
            # a model between the known sizes: its all-reduces scale like its KV cache (both per layer)
            comm = {
                "tp_comm_ms_per_step": tensor_parallel_comm_ms(arch, c.concurrency, group, scale),
                "tp_comm_ms_per_prefill": tensor_parallel_comm_ms(arch, inp.prompt_tokens, group, scale),
            }
            c = serving_capacity(inp.model_copy(update=comm))
    except InputError as exc:
        detail = "; ".join(p.render() for p in exc.problems)
        raise located(serving, "model_parameters_billion", f"serving on pool {pool.id!r}: {detail}") from None
    shape = f"{arch.name} attention" + (f" scaled x {num(scale)}" if scale != 1 else "")
    limit = {
        "requested": "serving_batch_size",
        "kv_cache": "the KV cache",
        "max_num_seqs": "the scheduler's 256",
    }[c.limited_by]
    how = (
        f"{n} x {num(acc.memory_gb)} GB x 0.9 usable = {num(c.usable_hbm_gb)} GB - {num(c.weights_gb)} GB weights - "
        f"activations = {num(c.kv_cache_gb)} GB KV cache; {num(kv / 1024)} KiB/token ({shape}, bf16) x "
        f"{CONTEXT_TOKENS:,} tokens = {num(c.kv_gb_per_sequence)} GB per sequence -> {c.max_concurrency:,} sequences "
        f"fit; batch {c.concurrency:,} (set by {limit}): {num(c.tokens_per_s_per_replica)} tokens/s per replica "
        f"({PROMPT_TOKENS:,} in / {OUTPUT_TOKENS:,} out, {c.bound.replace('_', ' ')}-bound), "
        f"{num(c.decode_step_ms)} ms per decode step, {num(c.inter_token_ms)} ms between a sequence's tokens with "
        f"the others' prefills, time to first token {num(c.ttft_ms)} ms, request {num(c.request_latency_ms)} ms"
    )
    if group is not None:
        how += (
            f"; tensor parallelism {n}: 2 x {arch.layers} all-reduces over {link} add {num(c.tp_comm_ms_per_step)} ms "
            f"per step and {num(c.tp_comm_ms_per_prefill)} ms per prefill"
        )
    target = serving.latency_p99_ms_target
    if target is not None:
        verdict = "met" if c.ttft_ms <= target else "missed"
        how += f"; latency_p99_ms_target {num(target)} ms {verdict} (checked against time to first token)"
    return c, how


def _tensor_parallel_group(ctx: Context, acc: Accelerator, n: int) -> tuple[CollectiveInput | None, str]:
    """The collective model's view of a replica's ``n`` accelerators in one node, and the link's name."""
    if n < 2:
        return None, ""
    scale_up, link = scale_up_link(ctx.options, acc)
    nvls = link in NVLS_LINKS
    extra = {"nvls_efficiency": BLACKWELL_NVLS_EFFICIENCY} if link == "nvlink5" else {}
    group = CollectiveInput(
        message_bytes=1, nodes=1, gpus_per_node=n, nvlink_gbs_per_direction=scale_up, nvls=nvls, **extra
    )
    return group, link


def serving_findings(ctx: Context, pool: ComputePool, serving: ModelServing, s: ServingEstimate) -> None:
    """KV cache that leaves no room, and a p99 latency target the replica cannot meet."""
    c = s.at_concurrency
    if c is None or s.replicas == 0:
        return
    if c.max_concurrency == 0:
        ctx.finding(
            serving,
            "capacity-serving-no-kv-cache",
            f"{s.accelerators_per_replica} x {pool.id!r} accelerators per replica hold the {num(c.weights_gb)} GB "
            f"of weights but leave no KV cache for one {CONTEXT_TOKENS:,}-token sequence "
            f"({num(c.kv_gb_per_sequence)} GB): raise serving_memory_headroom so replicas get more accelerators, "
            "or serve a quantised model",
            "warning",
            field="model_parameters_billion",
        )
    target = serving.latency_p99_ms_target
    if target is not None and c.ttft_ms > target:
        ctx.finding(
            serving,
            "capacity-serving-latency",
            f"time to first token at batch {c.concurrency:,} is {num(c.ttft_ms)} ms (prefill of {PROMPT_TOKENS:,} "
            f"tokens {num(c.prefill_ms)} ms + one decode step {num(c.decode_step_ms)} ms), above "
            f"latency_p99_ms_target {num(target)} ms; use more accelerators per replica (serving_memory_headroom) or "
            "faster accelerators, or relax the target",
            "warning",
            field="latency_p99_ms_target",
        )


def idle_gpus(
    ctx: Context, pool: ComputePool, per_node: int, servings: tuple[ServingEstimate, ...], usd_per_hour: float | None
) -> tuple[int, float | None]:
    """GPUs no replica can ever use and what they cost per hour (a warning when there are any)."""
    if not servings or pool.workload is not None or any(s.replicas_that_fit == 0 for s in servings):
        return 0, None
    gpus = pool.node_count * per_node
    used = sum(s.replicas * s.accelerators_per_replica for s in servings)
    idle = gpus - used
    if idle <= 0:
        return 0, None
    cost = usd_per_hour * idle / gpus if usd_per_hour is not None else None
    uses = " + ".join(f"{s.serving!r} {s.replicas} x {s.accelerators_per_replica}" for s in servings)
    nodes_needed = -(-used // per_node)
    fix = f"lower node_count to {nodes_needed}" if nodes_needed < pool.node_count else "size replicas to fill the nodes"
    ctx.finding(
        pool,
        "capacity-serving-idle-gpus",
        f"{idle:,} of {gpus:,} GPUs can never receive traffic: the servings use {uses} = {used:,} GPUs at "
        f"max_replicas" + (f"; they cost {num(cost)} USD/h" if cost is not None else "") + f"; {fix} or raise "
        "max_replicas",
        "warning",
        field="node_count",
    )
    return idle, cost


__all__ = ["at_concurrency", "idle_gpus", "serving_findings"]
