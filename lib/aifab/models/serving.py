"""LLM serving at a concurrency: KV-cache memory, batch size, throughput and latency of one replica.

>>> c = serving_capacity(ServingInput(
...     parameters=70e9, kv_bytes_per_token=kv_bytes_per_token(LLAMA_3_70B), accelerators_per_replica=8,
...     hbm_gb_per_accelerator=80, hbm_tbs_per_accelerator=3.35, peak_tflops_per_accelerator=989.4))
>>> c.max_concurrency, c.concurrency, c.limited_by
(312, 256, 'max_num_seqs')
>>> round(c.tokens_per_s_per_replica), round(c.ttft_ms)
(6936, 37)

Formulas and defaults (the caller passes the hardware; every default is overridable):

* **KV cache per token** = 2 (K and V) x layers x KV heads x head dim x bytes per element (grouped-query
  attention keeps ``kv_heads`` < attention heads). Llama 3 70B at bf16: 2 x 80 x 8 x 128 x 2 = 320 KiB.
  The architectures below are the published Hugging Face ``config.json`` of Meta's Llama 3.1 models;
  :func:`architecture_for` picks the one nearest a parameter count (scaling the KV bytes linearly with
  parameters when the count is more than 10 % away) because a design states only the parameter count.
* **Memory**: usable HBM = accelerators x HBM x ``memory_utilisation`` (vLLM's ``gpu_memory_utilization``
  default 0.9); KV cache = usable - weights - ``activation_reserve_gb`` per accelerator (activations and
  CUDA graphs, ~1-3 GiB on vLLM). Sequences that fit = KV cache / (KV per token x ``context_tokens``):
  each sequence may grow to its full context, so this is the concurrency that never preempts.
* **Concurrency** (the decode batch size): the requested one, else the KV-cache limit, both capped at
  ``max_num_seqs`` (vLLM's scheduler default 256); ``limited_by`` says which bound.
* **Decode step** (time per output token, TPOT) = the longer of the memory time (weights + the batch's KV
  cache at its mean length, read once per step, at HBM x ``hbm_efficiency``) and the compute time
  (batch x 2 x parameters FLOPs at peak x ``compute_efficiency``). Decode tokens/s = batch / step.
* **Sustained output tokens/s** of the replica counts the prefills too: every sequence's prompt is
  processed once per ``output_tokens`` generated, so batch x output / (output x step + batch x prefill).
* **Tensor parallelism** (more than one accelerator per replica): every layer all-reduces its activations
  twice (after attention and after the MLP), so each decode step adds ``tp_comm_ms_per_step`` (2 x layers
  all-reduces of batch x hidden x 2 bytes) and each prefill ``tp_comm_ms_per_prefill`` (of prompt x hidden
  x 2 bytes); :mod:`aifab.capacity` works both out with the collective model over the node's NVLink or PCIe.
* **Inter-token latency under load** = batch / sustained tokens/s: a sequence waits for the steps that also
  carry the other sequences' prefills (vLLM and TensorRT-LLM batch them together).
* **Time to first token** (TTFT) = prefill of ``prompt_tokens`` (2 x parameters x prompt FLOPs, compute
  bound) + one decode step the new request waits for. It is the p99 under load *within* capacity: queueing
  above it (arrivals beyond the replica's tokens/s) grows without bound and is not modelled.
  Request latency = TTFT + ``output_tokens`` x the inter-token latency.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import model_validator

from aifab.errors import InputError
from aifab.models._base import (
    FrozenModel,
    require_fraction,
    require_int_at_least,
    require_non_negative,
    require_positive,
)
from aifab.models.collectives import CollectiveInput, expected_collective

__all__ = [
    "KNOWN_ARCHITECTURES",
    "LLAMA_3_70B",
    "ModelArchitecture",
    "ServingCapacity",
    "ServingInput",
    "architecture_for",
    "kv_bytes_per_token",
    "serving_capacity",
    "tensor_parallel_comm_ms",
]

_GIB = 2**30


class ModelArchitecture(FrozenModel):
    """The attention shape that sets a decoder model's KV cache, with where it was published."""

    name: str
    nominal_parameters_billion: float
    layers: int
    kv_heads: int
    head_dim: int
    hidden_size: int
    source_url: str

    @model_validator(mode="after")
    def _check(self) -> ModelArchitecture:
        require_positive("nominal_parameters_billion", self.nominal_parameters_billion)
        for name in ("layers", "kv_heads", "head_dim", "hidden_size"):
            require_int_at_least(name, getattr(self, name), 1)
        return self


# Hugging Face config.json of each model (num_hidden_layers, num_key_value_heads, hidden_size /
# num_attention_heads, hidden_size), read 2026-12-01.
LLAMA_3_8B = ModelArchitecture(
    name="Llama 3.1 8B",
    nominal_parameters_billion=8,
    layers=32,
    kv_heads=8,
    head_dim=128,
    hidden_size=4096,
    source_url="https://huggingface.co/meta-llama/Llama-3.1-8B/blob/main/config.json",
)
LLAMA_3_70B = ModelArchitecture(
    name="Llama 3.1 70B",
    nominal_parameters_billion=70,
    layers=80,
    kv_heads=8,
    head_dim=128,
    hidden_size=8192,
    source_url="https://huggingface.co/meta-llama/Llama-3.1-70B/blob/main/config.json",
)
LLAMA_3_405B = ModelArchitecture(
    name="Llama 3.1 405B",
    nominal_parameters_billion=405,
    layers=126,
    kv_heads=8,
    head_dim=128,
    hidden_size=16384,
    source_url="https://huggingface.co/meta-llama/Llama-3.1-405B/blob/main/config.json",
)
KNOWN_ARCHITECTURES: tuple[ModelArchitecture, ...] = (LLAMA_3_8B, LLAMA_3_70B, LLAMA_3_405B)


def kv_bytes_per_token(arch: ModelArchitecture, bytes_per_element: float = 2.0) -> float:
    """KV-cache bytes per token: 2 x layers x KV heads x head dim x bytes per element.

    >>> kv_bytes_per_token(LLAMA_3_70B) / 1024
    320.0
    """
    require_positive("bytes_per_element", bytes_per_element)
    return 2 * arch.layers * arch.kv_heads * arch.head_dim * bytes_per_element


def architecture_for(parameters_billion: float) -> tuple[ModelArchitecture, float]:
    """The known architecture nearest ``parameters_billion`` (in log scale) and the factor applied to its
    KV bytes per token: 1 within 10 % of its size, else parameters / its parameters.

    >>> arch, scale = architecture_for(13)
    >>> arch.name, round(scale, 3)
    ('Llama 3.1 8B', 1.625)
    """
    require_positive("parameters_billion", parameters_billion)
    arch = min(KNOWN_ARCHITECTURES, key=lambda a: abs(math.log(parameters_billion / a.nominal_parameters_billion)))
    ratio = parameters_billion / arch.nominal_parameters_billion
    return arch, 1.0 if abs(ratio - 1) <= 0.1 else ratio


class ServingInput(FrozenModel):
    """One replica of ``accelerators_per_replica`` serving a dense model of ``parameters``."""

    parameters: float
    bytes_per_parameter: float = 2.0
    kv_bytes_per_token: float
    context_tokens: int = 4096
    prompt_tokens: int = 1024
    output_tokens: int = 256
    accelerators_per_replica: int = 1
    hbm_gb_per_accelerator: float
    hbm_tbs_per_accelerator: float
    peak_tflops_per_accelerator: float
    memory_utilisation: float = 0.9
    activation_reserve_gb: float = 2.0
    concurrency: int | None = None
    max_num_seqs: int = 256
    compute_efficiency: float = 0.7
    hbm_efficiency: float = 0.8
    tp_comm_ms_per_step: float = 0.0
    tp_comm_ms_per_prefill: float = 0.0

    @model_validator(mode="after")
    def _check(self) -> ServingInput:
        for name in ("parameters", "bytes_per_parameter", "kv_bytes_per_token", "hbm_gb_per_accelerator"):
            require_positive(name, getattr(self, name))
        require_positive("hbm_tbs_per_accelerator", self.hbm_tbs_per_accelerator)
        require_positive("peak_tflops_per_accelerator", self.peak_tflops_per_accelerator)
        for name in ("context_tokens", "prompt_tokens", "output_tokens", "accelerators_per_replica", "max_num_seqs"):
            require_int_at_least(name, getattr(self, name), 1)
        if self.prompt_tokens + self.output_tokens > self.context_tokens:
            raise InputError(
                f"expected prompt_tokens + output_tokens ({self.prompt_tokens} + {self.output_tokens}) <= "
                f"context_tokens ({self.context_tokens})",
                field="context_tokens",
            )
        if self.concurrency is not None:
            require_int_at_least("concurrency", self.concurrency, 1)
        require_fraction("memory_utilisation", self.memory_utilisation)
        require_non_negative("activation_reserve_gb", self.activation_reserve_gb)
        require_fraction("compute_efficiency", self.compute_efficiency)
        require_fraction("hbm_efficiency", self.hbm_efficiency)
        require_non_negative("tp_comm_ms_per_step", self.tp_comm_ms_per_step)
        require_non_negative("tp_comm_ms_per_prefill", self.tp_comm_ms_per_prefill)
        return self


class ServingCapacity(FrozenModel):
    """Memory, concurrency, throughput and latency of one replica at its operating concurrency."""

    weights_gb: float
    usable_hbm_gb: float
    kv_cache_gb: float
    kv_bytes_per_token: float
    kv_gb_per_sequence: float
    context_tokens: int
    max_concurrency: int
    """Sequences of ``context_tokens`` whose KV cache fits at once (0: the weights leave no room)."""
    concurrency: int
    """The decode batch size the figures below are for."""
    limited_by: Literal["requested", "kv_cache", "max_num_seqs"]
    decode_step_ms: float
    """Time per output token (TPOT) at ``concurrency``."""
    bound: Literal["compute", "memory_bandwidth"]
    tokens_per_s_per_sequence: float
    decode_tokens_per_s_per_replica: float
    """Output tokens/s while decoding only (concurrency / decode step)."""
    tokens_per_s_per_replica: float
    """Sustained output tokens/s, prefills included."""
    inter_token_ms: float
    """Time between a sequence's output tokens with the other sequences' prefills sharing the replica: batch /
    sustained tokens/s (what a benchmark measures as inter-token latency under load)."""
    tp_comm_ms_per_step: float
    """Tensor-parallel all-reduce time in each decode step (included in ``decode_step_ms``)."""
    tp_comm_ms_per_prefill: float
    """Tensor-parallel all-reduce time in each prefill (included in ``prefill_ms``)."""
    prefill_ms: float
    ttft_ms: float
    request_latency_ms: float


def serving_capacity(inp: ServingInput) -> ServingCapacity:
    """Concurrency the KV cache allows, and throughput and latency at the operating concurrency.

    A replica whose weights leave no KV cache has ``max_concurrency`` 0 and is figured at one sequence
    (what an engine that admits it anyway would do, preempting): the caller reports that it does not fit.
    """
    n = inp.accelerators_per_replica
    weights_bytes = inp.parameters * inp.bytes_per_parameter
    usable = n * inp.hbm_gb_per_accelerator * 1e9 * inp.memory_utilisation
    kv_bytes = max(0.0, usable - weights_bytes - n * inp.activation_reserve_gb * 1e9)
    per_sequence = inp.kv_bytes_per_token * inp.context_tokens
    max_concurrency = math.floor(round(kv_bytes / per_sequence, 9))
    limited_by: Literal["requested", "kv_cache", "max_num_seqs"]
    if inp.concurrency is not None and inp.concurrency <= min(max_concurrency, inp.max_num_seqs):
        concurrency, limited_by = inp.concurrency, "requested"
    elif max_concurrency <= inp.max_num_seqs:
        concurrency, limited_by = max(1, max_concurrency), "kv_cache"
    else:
        concurrency, limited_by = inp.max_num_seqs, "max_num_seqs"

    flops = n * inp.peak_tflops_per_accelerator * 1e12 * inp.compute_efficiency
    bandwidth = n * inp.hbm_tbs_per_accelerator * 1e12 * inp.hbm_efficiency
    mean_held = inp.prompt_tokens + inp.output_tokens / 2  # tokens a sequence holds, on average over its decode
    memory_s = (weights_bytes + concurrency * mean_held * inp.kv_bytes_per_token) / bandwidth
    compute_s = concurrency * 2 * inp.parameters / flops
    # tensor parallelism adds its all-reduces to every step and every prefill (not overlapped with compute)
    step_s = max(memory_s, compute_s) + inp.tp_comm_ms_per_step / 1000
    prefill_s = 2 * inp.parameters * inp.prompt_tokens / flops + inp.tp_comm_ms_per_prefill / 1000
    ttft_s = prefill_s + step_s
    # every sequence's prompt is prefilled once per output_tokens generated
    sustained = concurrency * inp.output_tokens / (inp.output_tokens * step_s + concurrency * prefill_s)
    inter_token_s = concurrency / sustained
    return ServingCapacity(
        weights_gb=weights_bytes / 1e9,
        usable_hbm_gb=usable / 1e9,
        kv_cache_gb=kv_bytes / 1e9,
        kv_bytes_per_token=inp.kv_bytes_per_token,
        kv_gb_per_sequence=per_sequence / 1e9,
        context_tokens=inp.context_tokens,
        max_concurrency=max_concurrency,
        concurrency=concurrency,
        limited_by=limited_by,
        decode_step_ms=step_s * 1000,
        bound="compute" if compute_s > memory_s else "memory_bandwidth",
        tokens_per_s_per_sequence=1 / step_s,
        decode_tokens_per_s_per_replica=concurrency / step_s,
        tokens_per_s_per_replica=sustained,
        inter_token_ms=inter_token_s * 1000,
        tp_comm_ms_per_step=inp.tp_comm_ms_per_step,
        tp_comm_ms_per_prefill=inp.tp_comm_ms_per_prefill,
        prefill_ms=prefill_s * 1000,
        ttft_ms=ttft_s * 1000,
        request_latency_ms=(ttft_s + inp.output_tokens * inter_token_s) * 1000,
    )


def tensor_parallel_comm_ms(arch: ModelArchitecture, tokens: int, group: CollectiveInput, scale: float = 1.0) -> float:
    """Milliseconds a forward pass over ``tokens`` spends in its tensor-parallel all-reduces.

    Megatron-style tensor parallelism all-reduces each layer's activations twice (attention output, MLP output):
    2 x layers all-reduces of tokens x hidden x 2 bytes (bf16 activations), each timed by the collective model on
    ``group`` (its ranks and links; its ``message_bytes`` is replaced). ``scale`` stretches the layer count
    for a model sized between the known architectures.

    >>> h100_tp2 = CollectiveInput(message_bytes=1, nodes=1, gpus_per_node=2, nvlink_gbs_per_direction=450)
    >>> round(tensor_parallel_comm_ms(LLAMA_3_70B, 1, h100_tp2), 2)  # one decode token: 160 latency-bound calls
    1.28
    """
    require_int_at_least("tokens", tokens, 1)
    require_positive("scale", scale)
    size = tokens * arch.hidden_size * 2
    one = expected_collective(group.model_copy(update={"message_bytes": size, "op": "all_reduce"}))
    return 2 * arch.layers * scale * one.time_us / 1000
