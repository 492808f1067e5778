"""GEMM, memory and checkpoint workloads: real runs at tiny sizes print one valid aifab.bench/v1 result;
a missing engine fails with exit 1 naming the package to install."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aifab.bench.result import BenchResult

# Runs a workload with some modules made unimportable (sys.modules[name] = None makes `import name` fail),
# which is what a machine without them looks like to the workload.
_BLOCKED = (
    "import runpy, sys\n"
    "for name in sys.argv[1].split(','):\n"
    "    if name: sys.modules[name] = None\n"
    "module = sys.argv[2]\n"
    "sys.argv = [module, *sys.argv[3:]]\n"
    "runpy.run_module(module, run_name='__main__', alter_sys=True)\n"
)


def run_workload(
    name: str, *args: str, blocked: tuple[str, ...] = (), cwd: Path | None = None
) -> tuple[int, BenchResult, str]:
    module = f"aifab.bench.workloads.{name}"
    proc = subprocess.run(
        [sys.executable, "-c", _BLOCKED, ",".join(blocked), module, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )
    return proc.returncode, BenchResult.model_validate(json.loads(proc.stdout)), proc.stderr


def test_gemm_reports_tflops_per_dtype_and_fraction_of_peak() -> None:
    code, result, _ = run_workload(
        "gemm", "--n", "128", "--iterations", "2", "--repeats", "3", "--dtypes", "fp32", "--peak-tflops", "fp32=100"
    )
    assert code == 0 and result.ok
    assert result.engine.name == "torch"
    by_key = {m.key(): m for m in result.metrics}
    tflops = by_key["gemm.tflops{dtype=fp32}"]
    assert tflops.unit == "TFLOP/s" and tflops.samples == 3 and tflops.value > 0
    assert tflops.value == tflops.p50  # the value is the median sample
    fraction = by_key["gemm.fraction_of_peak{dtype=fp32}"]
    assert fraction.value == pytest.approx(tflops.value / 100)
    assert result.parameters["n"] == 128 and result.parameters["device"] == "cpu"


def test_gemm_uses_numpy_where_torch_is_absent_and_says_so() -> None:
    code, result, _ = run_workload("gemm", "--quick", "--n", "64", blocked=("torch",))
    assert code == 0
    assert result.engine.name == "numpy"
    assert {m.labels["dtype"] for m in result.metrics} == {"fp32", "fp64"}


def test_gemm_without_torch_or_numpy_names_the_package() -> None:
    code, result, stderr = run_workload("gemm", "--quick", blocked=("torch", "numpy"))
    assert code == 1
    assert result.error is not None and "pip install torch" in result.error
    assert not result.metrics and "pip install torch" in stderr


def test_gemm_torch_engine_requested_without_torch_fails() -> None:
    code, result, _ = run_workload("gemm", "--engine", "torch", blocked=("torch",))
    assert code == 1 and result.error == "PyTorch is not installed: pip install torch"


def test_memory_counts_stream_bytes() -> None:
    code, result, _ = run_workload("memory", "--size-mb", "4", "--iterations", "2", "--repeats", "2")
    assert code == 0 and result.ok
    names = {m.name: m for m in result.metrics}
    assert set(names) == {"memory.copy_gbs", "memory.triad_gbs"}
    assert all(m.unit == "GB/s" and m.value > 0 and m.samples == 2 for m in names.values())
    assert result.parameters["buffer_bytes"] == 4_000_000


def test_memory_with_numpy() -> None:
    code, result, _ = run_workload("memory", "--size-mb", "2", "--repeats", "1", blocked=("torch",))
    assert code == 0 and result.engine.name == "numpy" and len(result.metrics) == 2


def test_checkpoint_writes_and_restores_a_real_state_and_cleans_up(tmp_path: Path) -> None:
    code, result, _ = run_workload(
        "checkpoint", "--size-mb", "4", "--tensor-mb", "1", "--repeats", "2", "--directory", str(tmp_path)
    )
    assert code == 0 and result.ok
    by_name = {m.name: m for m in result.metrics}
    assert by_name["checkpoint.write_gbs"].value > 0 and by_name["checkpoint.restore_gbs"].samples == 2
    assert result.parameters["tensors"] == 4
    # torch.save's zip container adds some bytes over the 4 MB of tensor data.
    assert 4_000_000 < result.parameters["file_bytes"] < 4_200_000
    assert list(tmp_path.iterdir()) == []


def test_checkpoint_without_torch_names_the_package(tmp_path: Path) -> None:
    code, result, _ = run_workload("checkpoint", "--quick", blocked=("torch",), cwd=tmp_path)
    assert code == 1
    assert result.error == "PyTorch is not installed: pip install torch"
    assert result.workload == "checkpoint" and list(tmp_path.iterdir()) == []
