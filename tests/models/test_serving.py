"""The serving model: KV cache per token, concurrency the KV cache allows, throughput and latency."""

from __future__ import annotations

import pytest

from aifab.errors import InputError
from aifab.models.collectives import CollectiveInput, expected_collective
from aifab.models.serving import (
    LLAMA_3_70B,
    ModelArchitecture,
    ServingCapacity,
    ServingInput,
    architecture_for,
    kv_bytes_per_token,
    serving_capacity,
    tensor_parallel_comm_ms,
)

H100 = {"hbm_gb_per_accelerator": 80, "hbm_tbs_per_accelerator": 3.35, "peak_tflops_per_accelerator": 989.4}


def test_kv_bytes_per_token_of_llama_3_70b_is_320_kib() -> None:
    # 2 x 80 layers x 8 KV heads x 128 x 2 bytes (config.json of meta-llama/Llama-3.1-70B, read 2026-12-01)
    assert kv_bytes_per_token(LLAMA_3_70B) == 320 * 1024
    assert kv_bytes_per_token(LLAMA_3_70B, 1) == 160 * 1024  # an fp8 KV cache halves it


def test_published_llama_2_7b_kv_cache_not_used_to_build_the_model() -> None:
    # NOT used to build the model: NVIDIA Technical Blog, "Mastering LLM Techniques: Inference
    # Optimization" (2023-11-17, read 2026-12-01),
    # https://developer.nvidia.com/blog/mastering-llm-techniques-inference-optimization/ :
    # "Llama 2 7B ... 16-bit precision and a batch size of 1 ... 4096 tokens ... ~2 GB" of KV cache.
    # Llama 2 7B has no grouped-query attention: 32 layers x 32 KV heads x 128.
    llama2_7b = ModelArchitecture(
        name="Llama 2 7B",
        nominal_parameters_billion=7,
        layers=32,
        kv_heads=32,
        head_dim=128,
        hidden_size=4096,
        source_url="https://huggingface.co/meta-llama/Llama-2-7b-hf/blob/main/config.json",
    )
    gb = kv_bytes_per_token(llama2_7b) * 4096 / 1e9
    assert gb == pytest.approx(2.0, rel=0.08)  # model 2.147 GB, ratio 1.07 (the blog rounds)


def test_architecture_for_picks_the_nearest_and_scales_far_sizes() -> None:
    assert architecture_for(70)[0] is LLAMA_3_70B and architecture_for(70)[1] == 1.0
    assert architecture_for(72)[1] == 1.0  # within 10 %: the family's own shape
    arch, scale = architecture_for(140)
    assert arch is LLAMA_3_70B and scale == pytest.approx(2.0)
    assert architecture_for(1)[0].name == "Llama 3.1 8B"
    assert architecture_for(1000)[0].name == "Llama 3.1 405B"


def _llama70(**kw: object) -> ServingInput:
    args: dict[str, object] = {"parameters": 70e9, "kv_bytes_per_token": 320 * 1024, **H100}
    args.update(kw)
    return ServingInput.model_validate(args)


def test_kv_cache_left_after_weights_bounds_the_concurrency() -> None:
    # 2 x H100: 160 GB x 0.9 = 144 GB usable - 140 GB of weights - 2 x 2 GB reserve = 0 GB: no KV cache
    none_left = serving_capacity(_llama70(accelerators_per_replica=2))
    assert none_left.kv_cache_gb == pytest.approx(0.0) and none_left.max_concurrency == 0
    # 4 x H100: 288 - 140 - 8 = 140 GB of KV cache; a 4096-token sequence holds 1.342 GB -> 104 sequences
    c = serving_capacity(_llama70(accelerators_per_replica=4))
    assert c.kv_cache_gb == pytest.approx(140.0)
    assert c.kv_gb_per_sequence == pytest.approx(4096 * 327_680 / 1e9)
    assert (c.max_concurrency, c.concurrency, c.limited_by) == (104, 104, "kv_cache")


def test_context_length_and_precision_change_the_concurrency() -> None:
    long = serving_capacity(_llama70(accelerators_per_replica=4, context_tokens=32_768))
    assert long.max_concurrency == 13  # 140 GB / (32,768 x 320 KiB)
    fp8 = serving_capacity(_llama70(accelerators_per_replica=4, bytes_per_parameter=1, kv_bytes_per_token=160 * 1024))
    assert fp8.kv_cache_gb == pytest.approx(210.0)  # 288 - 70 - 8
    assert fp8.max_concurrency == 312


def test_requested_concurrency_above_the_kv_limit_is_capped() -> None:
    asked = serving_capacity(_llama70(accelerators_per_replica=4, concurrency=16))
    assert (asked.concurrency, asked.limited_by) == (16, "requested")
    capped = serving_capacity(_llama70(accelerators_per_replica=4, concurrency=500))
    assert (capped.concurrency, capped.limited_by) == (104, "kv_cache")
    scheduler = serving_capacity(_llama70(accelerators_per_replica=8))
    assert (scheduler.concurrency, scheduler.limited_by) == (256, "max_num_seqs")


def test_throughput_grows_with_concurrency_and_latency_with_it() -> None:
    one = serving_capacity(_llama70(accelerators_per_replica=4, concurrency=1))
    many = serving_capacity(_llama70(accelerators_per_replica=4, concurrency=64))
    assert many.tokens_per_s_per_replica > 10 * one.tokens_per_s_per_replica
    assert many.decode_step_ms > one.decode_step_ms  # the batch's KV cache is read every step
    assert many.ttft_ms > one.ttft_ms
    # batch 1: weights streamed once per token: 140 GB / (4 x 3.35 TB/s x 0.8) = 13.06 ms (+ KV of 1,152 tokens)
    assert one.decode_step_ms == pytest.approx((140e9 + 1152 * 327_680) / (4 * 3.35e12 * 0.8) * 1000)
    assert one.bound == "memory_bandwidth"
    # prefill of 1,024 tokens: 2 x 70e9 x 1024 / (4 x 989.4 TFLOP/s x 0.7)
    assert one.prefill_ms == pytest.approx(2 * 70e9 * 1024 / (4 * 989.4e12 * 0.7) * 1000)
    # a sequence waits for its own steps and, under load, for the others' prefills: batch / sustained tokens/s
    assert one.inter_token_ms == pytest.approx(1000 / one.tokens_per_s_per_replica)
    assert one.request_latency_ms == pytest.approx(one.ttft_ms + 256 * one.inter_token_ms)
    assert many.inter_token_ms > many.decode_step_ms


def test_published_trtllm_llama_70b_figures_not_used_to_build_the_model() -> None:
    # NOT used to build the model: TensorRT-LLM docs/source/performance.md (v0.6.1 throughput, v0.5 first-token
    # latency; commit 138f96d, read 2026-12-01),
    # https://github.com/NVIDIA/TensorRT-LLM/blob/138f96d45f90b9667426f7c47297d8c06bafac73/docs/source/performance.md
    # LLaMA 70B (Llama 2: 80 layers, 8 KV heads, 128 head dim, 69B parameters).
    a100 = {"hbm_gb_per_accelerator": 80, "hbm_tbs_per_accelerator": 2.039, "peak_tflops_per_accelerator": 312}
    # A100 FP16, TP 4, batch 1, 2,048 input tokens: first-token latency 377 ms. Model 345 ms, ratio 0.91.
    ttft = serving_capacity(
        ServingInput(
            parameters=69e9,
            kv_bytes_per_token=320 * 1024,
            context_tokens=2049,
            prompt_tokens=2048,
            output_tokens=1,
            accelerators_per_replica=4,
            concurrency=1,
            **a100,
        )
    ).ttft_ms
    assert ttft == pytest.approx(377, rel=0.15)
    # H100 FP8, TP 2, batch 96, 2,048 in / 128 out: 306 output tokens/s per GPU. The model is a ceiling (no
    # attention-kernel or scheduling losses): 502 tokens/s per GPU, ratio 1.64; it must not fall below it.
    fp8 = {**H100, "peak_tflops_per_accelerator": 1978.9}
    c = serving_capacity(
        ServingInput(
            parameters=69e9,
            bytes_per_parameter=1,
            kv_bytes_per_token=160 * 1024,
            context_tokens=2176,
            prompt_tokens=2048,
            output_tokens=128,
            accelerators_per_replica=2,
            concurrency=96,
            **fp8,
        )
    )
    per_gpu = c.tokens_per_s_per_replica / 2
    assert 306 <= per_gpu <= 306 * 2


def test_bad_serving_input_names_the_field() -> None:
    with pytest.raises(InputError, match="context_tokens"):
        _llama70(prompt_tokens=4000, output_tokens=200)
    with pytest.raises(InputError, match="concurrency"):
        _llama70(concurrency=0)
    with pytest.raises(InputError, match="memory_utilisation"):
        _llama70(memory_utilisation=1.5)


# NOT used to build the model: NVIDIA NIM benchmarking, "Performance", Llama-3.3-70b-instruct NIM 1.8.0 on
# 2 x H100 80G, fp8, TP2, 5,000 input / 500 output tokens (read 2026-12-01):
# https://docs.nvidia.com/nim/benchmarking/llm/1.0.0/performance.md
# concurrency: (TTFT ms, ITL ms, output tokens/s)
NIM_H100_TP2_FP8 = {1: (406.77, 18.58, 51.67), 5: (546.7, 21.83, 218.48), 25: (688.69, 38.75, 623.4)}


def _nim(concurrency: int, *, tensor_parallel: bool = True) -> ServingCapacity:
    inp = ServingInput(
        parameters=70.6e9,
        bytes_per_parameter=1,
        kv_bytes_per_token=kv_bytes_per_token(LLAMA_3_70B),
        context_tokens=5500,
        prompt_tokens=5000,
        output_tokens=500,
        accelerators_per_replica=2,
        concurrency=concurrency,
        **{**H100, "peak_tflops_per_accelerator": 1978.9},
    )
    if not tensor_parallel:
        return serving_capacity(inp)
    tp2 = CollectiveInput(message_bytes=1, nodes=1, gpus_per_node=2, nvlink_gbs_per_direction=450, nvls=True)
    comm = {
        "tp_comm_ms_per_step": tensor_parallel_comm_ms(LLAMA_3_70B, concurrency, tp2),
        "tp_comm_ms_per_prefill": tensor_parallel_comm_ms(LLAMA_3_70B, 5000, tp2),
    }
    return serving_capacity(inp.model_copy(update=comm))


@pytest.mark.parametrize("concurrency", sorted(NIM_H100_TP2_FP8))
def test_published_nim_concurrency_sweep_not_used_to_build_the_model(concurrency: int) -> None:
    ttft, itl, tokens_per_s = NIM_H100_TP2_FP8[concurrency]
    c = _nim(concurrency)
    # inter-token latency under load (with the other requests' 5,000-token prefills in the steps): published /
    # model 1.21, 1.14, 1.02 at concurrency 1, 5, 25 (the decode step alone: 1.38, 1.47, 1.83)
    assert itl / c.inter_token_ms == pytest.approx(1.0, abs=0.25)
    # output tokens/s: model / published 1.26, 1.20, 1.06 (a ceiling: no scheduler or kernel losses)
    assert 1.0 <= c.tokens_per_s_per_replica / tokens_per_s <= 1.3
    without = _nim(concurrency, tensor_parallel=False)
    assert c.tokens_per_s_per_replica < without.tokens_per_s_per_replica  # the all-reduces cost throughput
    if concurrency == 1:
        # TTFT unloaded: 406.77 ms published, model 308 ms (FP8 prefill at 0.7 of peak is optimistic): 1.32
        assert ttft / c.ttft_ms == pytest.approx(1.32, abs=0.05)


def test_tensor_parallel_all_reduces_are_two_per_layer() -> None:
    tp2 = CollectiveInput(message_bytes=1, nodes=1, gpus_per_node=2, nvlink_gbs_per_direction=450)
    one = expected_collective(CollectiveInput(**{**tp2.model_dump(), "message_bytes": 5000 * 8192 * 2}))
    assert tensor_parallel_comm_ms(LLAMA_3_70B, 5000, tp2) == pytest.approx(2 * 80 * one.time_us / 1000)
    with pytest.raises(InputError, match="tokens"):
        tensor_parallel_comm_ms(LLAMA_3_70B, 0, tp2)
