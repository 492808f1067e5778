"""The collectives workload: one command re-launches itself under torchrun (2 gloo ranks on the CPU),
rank 0 alone prints one result, and every series row carries nccl-tests' algbw/busbw. GPU runs are marked."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from aifab.bench.result import BenchResult
from aifab.bench.workloads import collectives as c


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aifab.bench.workloads.collectives", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_two_gloo_ranks_sweep_every_op() -> None:
    proc = _run("--nproc", "2", "--min-bytes", "1024", "--max-bytes", "16384", "--step-factor", "4",
                "--warmup", "1", "--iterations", "2", "--device", "cpu")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result = BenchResult.model_validate(json.loads(proc.stdout))  # exactly one document: rank 1 printed nothing
    assert result.ok and result.workload == "collective" and result.engine.name == "torch"
    assert result.parameters["backend"] == "gloo" and result.parameters["world_size"] == 2
    supported = [op for op in c.OPS if op not in result.parameters["unsupported"]]
    assert {"all_reduce", "broadcast"} <= set(supported)
    assert len(result.series) == 3 * len(supported)
    for row in result.series:
        seconds = row["time_us"] / 1e6
        assert row["algbw_gbs"] == pytest.approx(row["message_bytes"] / seconds / 1e9)
        assert row["busbw_gbs"] == pytest.approx(row["algbw_gbs"] * c.busbw_factor(row["op"], 2))
    keys = {m.key() for m in result.metrics}
    assert "collective.busbw_gbs{message_bytes=16384,op=all_reduce}" in keys
    assert "collective.algbw_gbs{message_bytes=1024,op=broadcast}" in keys


def test_started_by_torchrun_directly_as_a_cluster_job_does() -> None:
    # The Job runs `torchrun ... -m aifab.bench.workloads.collectives --quick`: the workers measure
    # straight away, the world size is torchrun's, and still only rank 0 prints.
    proc = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node=2",
         "-m", "aifab.bench.workloads.collectives", "--quick", "--ops", "broadcast", "--max-bytes", "4096"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result = BenchResult.model_validate_json(proc.stdout)
    assert result.parameters["world_size"] == 2
    assert [row["message_bytes"] for row in result.series] == [1024, 4096]


def test_one_rank_is_refused() -> None:
    proc = _run("--nproc", "1", "--device", "cpu")
    assert proc.returncode == 1
    assert "2 or more ranks" in (BenchResult.model_validate_json(proc.stdout).error or "")


def test_bad_arguments_are_a_failed_result_without_launching() -> None:
    proc = _run("--ops", "all_reduce,reduce", "--quick")
    assert proc.returncode == 1
    result = BenchResult.model_validate_json(proc.stdout)
    assert result.error is not None and "reduce" in result.error and "all_reduce" in result.error


def test_without_torch_names_the_package() -> None:
    code = (
        "import runpy, sys; sys.modules['torch'] = None; sys.argv = ['collectives', '--quick'];"
        "runpy.run_module('aifab.bench.workloads.collectives', run_name='__main__')"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert BenchResult.model_validate_json(proc.stdout).error == "PyTorch is not installed: pip install torch"


def _cuda_devices() -> int:
    try:
        import torch
    except ImportError:
        return 0
    return torch.cuda.device_count() if torch.cuda.is_available() else 0


@pytest.mark.gpu
@pytest.mark.skipif(_cuda_devices() < 2, reason="NCCL collectives need two or more CUDA devices")
def test_nccl_all_reduce_on_gpus() -> None:
    proc = _run(
        "--ops", "all_reduce,all_gather", "--min-bytes", "1048576", "--max-bytes", "67108864", "--iterations", "5"
    )
    assert proc.returncode == 0, proc.stderr
    result = BenchResult.model_validate_json(proc.stdout)
    assert result.parameters["backend"] == "nccl" and result.parameters["world_size"] == _cuda_devices()
    assert all(row["busbw_gbs"] > 0 for row in result.series)


@pytest.mark.gpu
@pytest.mark.skipif(_cuda_devices() < 1, reason="needs a CUDA device")
@pytest.mark.parametrize("module", ["gemm", "memory"])
def test_gemm_and_memory_on_a_gpu(module: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", f"aifab.bench.workloads.{module}", "--quick", "--device", "cuda"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result = BenchResult.model_validate_json(proc.stdout)
    assert result.environment.device != "cpu" and all(m.value > 0 for m in result.metrics)
    if module == "gemm":
        assert {m.labels["dtype"] for m in result.metrics} == {"bf16", "fp16", "tf32", "fp32"}
