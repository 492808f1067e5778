"""Serving in `estimate`: batch size and concurrency, KV cache after weights, the p99 target, idle GPUs."""

from __future__ import annotations

import pytest

from aifab.blueprints import GpuPool, ModelServing, Site
from aifab.capacity import DesignEstimate, EstimateOptions, estimate_design
from aifab.design.design import Design


def _estimate(
    node_count: int = 2,
    max_replicas: int = 4,
    target: float | None = None,
    options: EstimateOptions | None = None,
    instance_type: str = "p5.48xlarge",
    params: float = 70,
) -> DesignEstimate:
    site = Site(id="va", provider="aws", region="us-east-1")
    pool = GpuPool(id="infer", role="inference", instance_type=instance_type, node_count=node_count, site=site)
    serve = ModelServing(
        id="chat",
        pool=pool,
        max_replicas=max_replicas,
        model_parameters_billion=params,
        latency_p99_ms_target=target,
        site=site,
    )
    return estimate_design(Design(name="serve", components=[site, pool, serve]), options=options)


def test_concurrency_is_what_the_kv_cache_left_after_weights_holds() -> None:
    (s,) = _estimate().pool("infer").serving
    c = s.at_concurrency
    assert c is not None and s.accelerators_per_replica == 4  # 168 GB with headroom -> 4 x 80 GB
    # 4 x 80 GB x 0.9 = 288 GB - 140 GB weights - 4 x 2 GB = 140 GB; 4096 x 320 KiB = 1.342 GB -> 104 sequences
    assert c.kv_cache_gb == pytest.approx(140.0)
    assert (c.max_concurrency, c.concurrency, c.limited_by) == (104, 104, "kv_cache")
    est = _estimate()
    text = est.pool("infer").explain["serving chat"]
    assert "104 sequences fit" in text and "batch 104" in text and "time to first token" in text


def test_an_explicit_batch_size_is_the_concurrency() -> None:
    (s,) = _estimate(options=EstimateOptions(serving_batch_size=8)).pool("infer").serving
    assert s.at_concurrency is not None
    assert (s.at_concurrency.concurrency, s.at_concurrency.limited_by) == (8, "requested")
    (big,) = _estimate(options=EstimateOptions(serving_batch_size=1000)).pool("infer").serving
    assert big.at_concurrency is not None and big.at_concurrency.concurrency == 104  # capped by the KV cache


def test_precision_changes_the_kv_room() -> None:
    (fp8,) = _estimate(options=EstimateOptions(serving_bytes_per_parameter=1)).pool("infer").serving
    # 70 GB x 1.2 = 84 GB -> 2 x H100: 144 - 70 - 4 = 70 GB of KV cache -> 52 sequences of 4096 tokens
    assert fp8.accelerators_per_replica == 2 and fp8.at_concurrency is not None
    assert fp8.at_concurrency.max_concurrency == 52


def test_p99_latency_target_is_checked() -> None:
    est = _estimate(target=10)
    (s,) = est.pool("infer").serving
    assert s.meets_latency_target is False
    (d,) = [f for f in est.findings if f.code == "capacity-serving-latency"]
    assert d.severity == "warning" and d.component == "chat" and "above latency_p99_ms_target 10 ms" in d.message
    ok = _estimate(target=2000)
    assert ok.pool("infer").serving[0].meets_latency_target is True
    assert not [f for f in ok.findings if f.code == "capacity-serving-latency"]


def test_gpus_no_replica_can_use_are_reported_with_their_cost() -> None:
    # 4 nodes x 8 = 32 GPUs; 2 replicas x 4 GPUs = 8 used; 24 idle = 3/4 of 4 x 55.04 USD/h = 165.12 USD/h
    est = _estimate(node_count=4, max_replicas=2)
    pool = est.pool("infer")
    assert pool.serving_idle_gpus == 24
    assert pool.serving_idle_usd_per_hour == pytest.approx(165.12)
    (d,) = [f for f in est.findings if f.code == "capacity-serving-idle-gpus"]
    assert "24 of 32 GPUs" in d.message and "165.1 USD/h" in d.message and "lower node_count to 1" in d.message
    full = _estimate(node_count=2, max_replicas=4)
    assert full.pool("infer").serving_idle_gpus == 0
    assert not [f for f in full.findings if f.code == "capacity-serving-idle-gpus"]


def test_weights_that_leave_no_kv_cache_are_a_warning() -> None:
    # Without headroom, 70B on 2 x 80 GB: 144 - 140 - 4 = 0 GB of KV cache.
    est = _estimate(options=EstimateOptions(serving_memory_headroom=1.0))
    (s,) = est.pool("infer").serving
    assert s.accelerators_per_replica == 2 and s.at_concurrency is not None
    assert s.at_concurrency.max_concurrency == 0
    assert len([f for f in est.findings if f.code == "capacity-serving-no-kv-cache"]) == 1


def test_tensor_parallel_replicas_pay_their_all_reduces_over_the_nodes_link() -> None:
    # p5: 4 x H100 per replica over NVLink 4; g6e: 4 x L40S per replica over PCIe, the slower link costs more
    (nvlink,) = _estimate().pool("infer").serving
    (pcie,) = _estimate(instance_type="g6e.48xlarge").pool("infer").serving
    assert nvlink.at_concurrency is not None and pcie.at_concurrency is not None
    for s in (nvlink, pcie):
        c = s.at_concurrency
        assert c is not None and c.tp_comm_ms_per_step > 0 and c.tp_comm_ms_per_prefill > 0
        # each step carries its all-reduces; the inter-token time also carries the others' prefills
        assert c.inter_token_ms > c.decode_step_ms > c.tp_comm_ms_per_step
    assert pcie.at_concurrency.tp_comm_ms_per_prefill > 3 * nvlink.at_concurrency.tp_comm_ms_per_prefill
    explain = _estimate().pool("infer").explain["serving chat"]
    assert "tensor parallelism 4: 2 x 80 all-reduces over nvlink4" in explain
    # one accelerator per replica: no all-reduce
    (single,) = _estimate(params=8).pool("infer").serving
    assert single.accelerators_per_replica == 1 and single.at_concurrency is not None
    assert single.at_concurrency.tp_comm_ms_per_step == 0.0
