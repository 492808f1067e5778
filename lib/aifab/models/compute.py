"""Compute capacity: pool TFLOP/s per dtype, training time, and inference token throughput.

>>> est = training_time(TrainingInput(parameters=70e9, tokens=2e12, accelerators=1024,
...                                   peak_tflops_per_accelerator=989.4))
>>> round(est.time_days, 1)
24.0

Formulas and defaults (all overridable, callers pass the hardware numbers):

* **Pool** peak = count x datasheet dense TFLOP/s per dtype; achievable = peak x
  ``achievable_gemm_efficiency`` (default 0.7: large dense GEMMs typically reach ~70 % of datasheet
  peak; the bench module measures the real figure).
* **Training** FLOPs ~= 6 x N x D (N parameters, D tokens: 2 for the forward pass, 4 for the backward;
  Kaplan et al. 2020, "Scaling Laws for Neural Language Models"). Time = FLOPs / (accelerators x peak x
  MFU). Default ``mfu=0.4``: Llama 3 405B trained at 38-43 % BF16 MFU on 16k H100 (Llama 3 paper, 2024);
  PaLM 540B reached 46.2 % (Chowdhery et al. 2022).
* **Inference**, per replica, two ceilings and the lower one wins:
  compute ~= replica peak x ``compute_efficiency`` / (2 x N) tokens/s (2 FLOPs per parameter per token);
  memory-bandwidth bound decode ~= HBM bandwidth x ``hbm_efficiency`` / model bytes x ``batch_size``
  tokens/s (every decode step streams all weights once and serves one token per sequence in the batch).
  ``hbm_efficiency`` defaults to 0.8, a rule of thumb for streaming kernels; KV-cache reads and
  attention FLOPs are ignored, so long contexts run slower than this.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from aifab.errors import InputError
from aifab.models._base import (
    FrozenModel,
    require_fraction,
    require_int_at_least,
    require_positive,
)

__all__ = [
    "DtypeCompute",
    "InferenceCapacity",
    "InferenceInput",
    "PoolCompute",
    "PoolComputeInput",
    "TrainingEstimate",
    "TrainingInput",
    "inference_capacity",
    "pool_compute",
    "training_time",
]


class PoolComputeInput(FrozenModel):
    """A pool of ``accelerators`` with datasheet dense TFLOP/s per accelerator for each dtype."""

    accelerators: int
    peak_dense_tflops_by_dtype: dict[str, float]
    achievable_gemm_efficiency: float = 0.7

    @model_validator(mode="after")
    def _check(self) -> PoolComputeInput:
        require_int_at_least("accelerators", self.accelerators, 1)
        if not self.peak_dense_tflops_by_dtype:
            raise InputError("expected at least one dtype, e.g. {'bf16': 989.4}", field="peak_dense_tflops_by_dtype")
        for dtype, tflops in self.peak_dense_tflops_by_dtype.items():
            require_positive(f"peak_dense_tflops_by_dtype.{dtype}", tflops)
        require_fraction("achievable_gemm_efficiency", self.achievable_gemm_efficiency)
        return self


class DtypeCompute(FrozenModel):
    """Pool totals for one dtype."""

    dtype: str
    peak_tflops: float
    achievable_tflops: float


class PoolCompute(FrozenModel):
    """Pool totals per dtype, in the order given."""

    accelerators: int
    by_dtype: tuple[DtypeCompute, ...]

    def for_dtype(self, dtype: str) -> DtypeCompute:
        """The totals for ``dtype``; :class:`InputError` if the pool has no figure for it."""
        for row in self.by_dtype:
            if row.dtype == dtype:
                return row
        known = ", ".join(r.dtype for r in self.by_dtype)
        raise InputError(f"no figure for dtype {dtype!r}; known: {known}", field="dtype")


def pool_compute(inp: PoolComputeInput) -> PoolCompute:
    """Peak and expected achievable TFLOP/s of the pool for every dtype given.

    >>> p = pool_compute(PoolComputeInput(accelerators=8, peak_dense_tflops_by_dtype={"bf16": 989.4}))
    >>> round(p.for_dtype("bf16").peak_tflops, 1), round(p.for_dtype("bf16").achievable_tflops, 2)
    (7915.2, 5540.64)
    """
    rows = tuple(
        DtypeCompute(
            dtype=dtype,
            peak_tflops=inp.accelerators * tflops,
            achievable_tflops=inp.accelerators * tflops * inp.achievable_gemm_efficiency,
        )
        for dtype, tflops in inp.peak_dense_tflops_by_dtype.items()
    )
    return PoolCompute(accelerators=inp.accelerators, by_dtype=rows)


class TrainingInput(FrozenModel):
    """A dense transformer of ``parameters`` trained on ``tokens`` on ``accelerators``."""

    parameters: float
    tokens: float
    accelerators: int
    peak_tflops_per_accelerator: float
    mfu: float = 0.4

    @model_validator(mode="after")
    def _check(self) -> TrainingInput:
        require_positive("parameters", self.parameters)
        require_positive("tokens", self.tokens)
        require_int_at_least("accelerators", self.accelerators, 1)
        require_positive("peak_tflops_per_accelerator", self.peak_tflops_per_accelerator)
        require_fraction("mfu", self.mfu)
        return self


class TrainingEstimate(FrozenModel):
    """Training compute and wall-clock time."""

    total_flops: float
    sustained_pflops: float
    time_s: float
    time_hours: float
    time_days: float


def training_time(inp: TrainingInput) -> TrainingEstimate:
    """Time to train: ``6 x N x D / (accelerators x peak x MFU)``."""
    total_flops = 6 * inp.parameters * inp.tokens
    sustained_flops = inp.accelerators * inp.peak_tflops_per_accelerator * 1e12 * inp.mfu
    seconds = total_flops / sustained_flops
    return TrainingEstimate(
        total_flops=total_flops,
        sustained_pflops=sustained_flops / 1e15,
        time_s=seconds,
        time_hours=seconds / 3600,
        time_days=seconds / 86400,
    )


class InferenceInput(FrozenModel):
    """Serving a dense model of ``parameters`` on ``replicas`` of ``accelerators_per_replica``."""

    parameters: float
    bytes_per_parameter: float = 2.0
    accelerators_per_replica: int = 1
    replicas: int = 1
    peak_tflops_per_accelerator: float
    hbm_tbs_per_accelerator: float
    hbm_gb_per_accelerator: float | None = None
    batch_size: int = 1
    compute_efficiency: float = 0.7
    hbm_efficiency: float = 0.8

    @model_validator(mode="after")
    def _check(self) -> InferenceInput:
        require_positive("parameters", self.parameters)
        require_positive("bytes_per_parameter", self.bytes_per_parameter)
        require_int_at_least("accelerators_per_replica", self.accelerators_per_replica, 1)
        require_int_at_least("replicas", self.replicas, 1)
        require_positive("peak_tflops_per_accelerator", self.peak_tflops_per_accelerator)
        require_positive("hbm_tbs_per_accelerator", self.hbm_tbs_per_accelerator)
        if self.hbm_gb_per_accelerator is not None:
            require_positive("hbm_gb_per_accelerator", self.hbm_gb_per_accelerator)
        require_int_at_least("batch_size", self.batch_size, 1)
        require_fraction("compute_efficiency", self.compute_efficiency)
        require_fraction("hbm_efficiency", self.hbm_efficiency)
        return self


class InferenceCapacity(FrozenModel):
    """Token throughput ceilings per replica and in total."""

    model_bytes: float
    flops_per_token: float
    compute_tokens_per_s_per_replica: float
    memory_tokens_per_s_per_replica: float
    tokens_per_s_per_replica: float
    tokens_per_s_total: float
    bound: Literal["compute", "memory_bandwidth"]
    weights_fit_in_hbm: bool | None


def inference_capacity(inp: InferenceInput) -> InferenceCapacity:
    """Tokens/s: the lower of the compute ceiling and the HBM-bandwidth decode ceiling, x replicas.

    >>> c = inference_capacity(InferenceInput(
    ...     parameters=70e9, accelerators_per_replica=8,
    ...     peak_tflops_per_accelerator=989.4, hbm_tbs_per_accelerator=3.35))
    >>> c.bound, round(c.tokens_per_s_per_replica, 1)
    ('memory_bandwidth', 153.1)
    """
    model_bytes = inp.parameters * inp.bytes_per_parameter
    flops_per_token = 2 * inp.parameters
    n = inp.accelerators_per_replica
    replica_flops = n * inp.peak_tflops_per_accelerator * 1e12 * inp.compute_efficiency
    replica_hbm_bytes_s = n * inp.hbm_tbs_per_accelerator * 1e12 * inp.hbm_efficiency
    compute_tps = replica_flops / flops_per_token
    memory_tps = replica_hbm_bytes_s / model_bytes * inp.batch_size
    per_replica = min(compute_tps, memory_tps)
    fits = None
    if inp.hbm_gb_per_accelerator is not None:
        fits = model_bytes <= inp.accelerators_per_replica * inp.hbm_gb_per_accelerator * 1e9
    return InferenceCapacity(
        model_bytes=model_bytes,
        flops_per_token=flops_per_token,
        compute_tokens_per_s_per_replica=compute_tps,
        memory_tokens_per_s_per_replica=memory_tps,
        tokens_per_s_per_replica=per_replica,
        tokens_per_s_total=per_replica * inp.replicas,
        bound="compute" if compute_tps < memory_tps else "memory_bandwidth",
        weights_fit_in_hbm=fits,
    )
