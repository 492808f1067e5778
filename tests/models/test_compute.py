"""Compute capacity: pool TFLOP/s, training time (6ND) and inference ceilings."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aifab.errors import InputError
from aifab.models.compute import (
    InferenceInput,
    PoolComputeInput,
    TrainingInput,
    inference_capacity,
    pool_compute,
    training_time,
)


def test_pool_of_dgx_h100_worked_by_hand() -> None:
    # 32 DGX H100 = 256 GPUs; BF16 dense 989.4 TF/s, FP8 dense 1978.9 TF/s (H100 SXM datasheet)
    # BF16 peak = 256 x 989.4 = 253,286.4 TF/s; achievable x 0.7 = 177,300.48 TF/s
    p = pool_compute(PoolComputeInput(accelerators=256, peak_dense_tflops_by_dtype={"bf16": 989.4, "fp8": 1978.9}))
    assert [row.dtype for row in p.by_dtype] == ["bf16", "fp8"]
    assert p.for_dtype("bf16").peak_tflops == pytest.approx(253_286.4)
    assert p.for_dtype("bf16").achievable_tflops == pytest.approx(177_300.48)
    assert p.for_dtype("fp8").peak_tflops == pytest.approx(256 * 1978.9)
    with pytest.raises(InputError, match="fp4"):
        p.for_dtype("fp4")


def test_gemm_efficiency_is_overridable() -> None:
    p = pool_compute(
        PoolComputeInput(accelerators=1, peak_dense_tflops_by_dtype={"bf16": 1000}, achievable_gemm_efficiency=0.5)
    )
    assert p.for_dtype("bf16").achievable_tflops == 500


def test_training_time_llama3_405b_order_of_magnitude() -> None:
    # Llama 3 405B: 15.6T tokens -> 6 x 405e9 x 15.6e12 = 3.79e25 FLOPs (the paper quotes 3.8e25)
    # 16,384 H100 x 989.4e12 x 0.40 MFU = 6.484e18 FLOP/s -> 5.85e6 s = 67.7 days
    est = training_time(
        TrainingInput(parameters=405e9, tokens=15.6e12, accelerators=16_384, peak_tflops_per_accelerator=989.4)
    )
    assert est.total_flops == pytest.approx(3.79e25, rel=0.01)
    assert est.sustained_pflops == pytest.approx(6484.0, rel=0.001)
    assert est.time_days == pytest.approx(67.7, abs=0.1)
    assert est.time_hours == pytest.approx(est.time_s / 3600)


def test_inference_memory_bound_decode_worked_by_hand() -> None:
    # 70B at bf16 = 140 GB of weights on 8 x H100 (3.35 TB/s each, x 0.8 efficiency = 21.44 TB/s)
    # decode at batch 1: 21.44e12 / 140e9 = 153.1 tokens/s per replica
    # compute ceiling: 8 x 989.4e12 x 0.7 / (2 x 70e9) = 39,576 tokens/s -> memory bound
    c = inference_capacity(
        InferenceInput(
            parameters=70e9,
            accelerators_per_replica=8,
            replicas=4,
            peak_tflops_per_accelerator=989.4,
            hbm_tbs_per_accelerator=3.35,
            hbm_gb_per_accelerator=80,
        )
    )
    assert c.model_bytes == 140e9
    assert c.memory_tokens_per_s_per_replica == pytest.approx(153.14, abs=0.01)
    assert c.compute_tokens_per_s_per_replica == pytest.approx(39_576, abs=1)
    assert c.bound == "memory_bandwidth"
    assert c.tokens_per_s_total == pytest.approx(4 * 153.14, abs=0.1)
    assert c.weights_fit_in_hbm is True  # 140 GB <= 8 x 80 GB


def test_large_batch_becomes_compute_bound() -> None:
    # batch 512: memory ceiling 153.14 x 512 = 78,409 > compute 39,576 -> compute bound
    c = inference_capacity(
        InferenceInput(
            parameters=70e9,
            accelerators_per_replica=8,
            peak_tflops_per_accelerator=989.4,
            hbm_tbs_per_accelerator=3.35,
            batch_size=512,
        )
    )
    assert c.bound == "compute"
    assert c.tokens_per_s_per_replica == pytest.approx(39_576, abs=1)
    assert c.weights_fit_in_hbm is None


def test_weights_that_do_not_fit() -> None:
    c = inference_capacity(
        InferenceInput(
            parameters=405e9,
            peak_tflops_per_accelerator=989.4,
            hbm_tbs_per_accelerator=3.35,
            hbm_gb_per_accelerator=80,
        )
    )
    assert c.weights_fit_in_hbm is False


@pytest.mark.parametrize(
    ("model", "kwargs", "field"),
    [
        (PoolComputeInput, {"accelerators": 0, "peak_dense_tflops_by_dtype": {"bf16": 1}}, "accelerators"),
        (
            PoolComputeInput,
            {"accelerators": 1, "peak_dense_tflops_by_dtype": {}},
            "peak_dense_tflops_by_dtype",
        ),
        (
            PoolComputeInput,
            {"accelerators": 1, "peak_dense_tflops_by_dtype": {"bf16": 0}},
            "peak_dense_tflops_by_dtype.bf16",
        ),
        (
            PoolComputeInput,
            {"accelerators": 1, "peak_dense_tflops_by_dtype": {"bf16": 1}, "achievable_gemm_efficiency": 1.5},
            "achievable_gemm_efficiency",
        ),
        (
            TrainingInput,
            {"parameters": 0, "tokens": 1, "accelerators": 1, "peak_tflops_per_accelerator": 1},
            "parameters",
        ),
        (
            TrainingInput,
            {"parameters": 1, "tokens": 1, "accelerators": 1, "peak_tflops_per_accelerator": 1, "mfu": 0},
            "mfu",
        ),
        (
            InferenceInput,
            {
                "parameters": 1,
                "peak_tflops_per_accelerator": 1,
                "hbm_tbs_per_accelerator": 1,
                "batch_size": 0,
            },
            "batch_size",
        ),
        (
            InferenceInput,
            {"parameters": 1, "peak_tflops_per_accelerator": 1, "hbm_tbs_per_accelerator": -1},
            "hbm_tbs_per_accelerator",
        ),
    ],
)
def test_bad_input(model: Any, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as info:
        model(**kwargs)
    assert info.value.field == field


@given(
    params=st.floats(1e8, 1e12),
    tokens=st.floats(1e9, 1e14),
    gpus=st.integers(1, 100_000),
    extra=st.integers(1, 100_000),
)
def test_more_accelerators_never_slower(params: float, tokens: float, gpus: int, extra: int) -> None:
    base = {"parameters": params, "tokens": tokens, "peak_tflops_per_accelerator": 989.4}
    a = training_time(TrainingInput(accelerators=gpus, **base))
    b = training_time(TrainingInput(accelerators=gpus + extra, **base))
    assert b.time_s <= a.time_s
    assert a.total_flops == pytest.approx(6 * params * tokens)


@given(batch=st.integers(1, 4096), params=st.floats(1e8, 1e12))
def test_inference_reports_the_lower_ceiling(batch: int, params: float) -> None:
    c = inference_capacity(
        InferenceInput(
            parameters=params,
            peak_tflops_per_accelerator=989.4,
            hbm_tbs_per_accelerator=3.35,
            batch_size=batch,
        )
    )
    assert c.tokens_per_s_per_replica == min(c.compute_tokens_per_s_per_replica, c.memory_tokens_per_s_per_replica)
