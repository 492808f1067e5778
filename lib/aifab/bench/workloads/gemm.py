"""GEMM throughput per dtype: ``python -m aifab.bench.workloads.gemm [--quick] [--device cpu|cuda]``.

Times ``iterations`` square matrix multiplies ``C = A @ B`` (n x n) per sample with PyTorch (NumPy where
torch is absent, reported as engine ``numpy``) and reports ``gemm.tflops{dtype}`` = ``2 n^3 x
iterations / t`` as the median of ``repeats`` samples. On CUDA the time comes from CUDA events on the
stream; on the CPU from ``time.perf_counter``. With ``--peak-tflops bf16=989`` the result also carries
``gemm.fraction_of_peak{dtype}``.

>>> gemm_flops(1024)
2147483648
>>> parse_peaks(["bf16=989", "fp32=67"])
{'bf16': 989.0, 'fp32': 67.0}
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from aifab.bench.workloads._result import Clock, array_engine, environment, fail, metric, result

WORKLOAD = "gemm"
# tf32 is fp32 storage with TensorFloat-32 tensor-core math (torch.backends.cuda.matmul.allow_tf32).
CUDA_DTYPES = ("bf16", "fp16", "tf32", "fp32")
CPU_DTYPES = ("fp32", "bf16")
NUMPY_DTYPES = ("fp32", "fp64")


def gemm_flops(n: int) -> int:
    """Floating-point operations of one n x n x n GEMM: n^3 multiply-adds = 2 n^3 FLOPs."""
    return 2 * n**3


def parse_peaks(items: Sequence[str]) -> dict[str, float]:
    """``dtype=TFLOPS`` pairs from the command line."""
    peaks: dict[str, float] = {}
    for item in items:
        dtype, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--peak-tflops expects DTYPE=TFLOPS, got {item!r}")
        peaks[dtype.strip()] = float(value)
    return peaks


def _samples(run: Callable[[], float], repeats: int, flops: int) -> list[float]:
    """TFLOP/s of each timed sample; ``run`` returns the seconds one sample took."""
    return [flops / run() / 1e12 for _ in range(repeats)]


def _torch_samples(torch: Any, dtype: str, n: int, iterations: int, repeats: int, device: str) -> list[float] | None:
    """Samples for one dtype, or None where this device cannot multiply that dtype."""
    torch_dtype = {"fp32": torch.float32, "tf32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = dtype == "tf32"
    try:
        a = torch.randn(n, n, device=device, dtype=torch_dtype[dtype])
        b = torch.randn(n, n, device=device, dtype=torch_dtype[dtype])
        out = torch.empty(n, n, device=device, dtype=torch_dtype[dtype])
        torch.matmul(a, b, out=out)  # warm-up: kernel selection, allocator, threads
    except RuntimeError:
        return None

    def run() -> float:
        if device == "cuda":
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            for _ in range(iterations):
                torch.matmul(a, b, out=out)
            end.record()
            end.synchronize()
            return float(start.elapsed_time(end)) / 1e3
        t0 = time.perf_counter()
        for _ in range(iterations):
            torch.matmul(a, b, out=out)
        return time.perf_counter() - t0

    return _samples(run, repeats, gemm_flops(n) * iterations)


def _numpy_samples(np: Any, dtype: str, n: int, iterations: int, repeats: int) -> list[float]:
    rng = np.random.default_rng(0)
    np_dtype = {"fp32": np.float32, "fp64": np.float64}[dtype]
    a = rng.standard_normal((n, n)).astype(np_dtype)
    b = rng.standard_normal((n, n)).astype(np_dtype)
    out = np.empty((n, n), dtype=np_dtype)
    np.matmul(a, b, out=out)

    def run() -> float:
        t0 = time.perf_counter()
        for _ in range(iterations):
            np.matmul(a, b, out=out)
        return time.perf_counter() - t0

    return _samples(run, repeats, gemm_flops(n) * iterations)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m aifab.bench.workloads.gemm", description="GEMM throughput per dtype"
    )
    parser.add_argument("--quick", action="store_true", help="small matrices and few samples (CI)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--engine", choices=("auto", "torch", "numpy"), default="auto")
    parser.add_argument("--n", type=int, help="matrix size (default 8192 on CUDA, 2048 on CPU; 512 with --quick)")
    parser.add_argument("--iterations", type=int, help="multiplies per timed sample")
    parser.add_argument("--repeats", type=int, help="timed samples per dtype (value = median)")
    parser.add_argument("--dtypes", help="comma-separated subset of fp32,tf32,bf16,fp16,fp64")
    parser.add_argument("--peak-tflops", action="append", default=[], metavar="DTYPE=TFLOPS")
    args = parser.parse_args(argv)
    clock = Clock()
    try:
        peaks = parse_peaks(args.peak_tflops)
    except ValueError as exc:
        fail(WORKLOAD, str(exc))

    torch, np = array_engine(WORKLOAD, args.engine)

    device = args.device
    if torch is not None:
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if device == "cuda" and not torch.cuda.is_available():
            fail(WORKLOAD, "--device cuda but torch sees no CUDA device", engine=("torch", torch.__version__))
    elif device == "cuda":
        fail(WORKLOAD, "--device cuda needs PyTorch with CUDA: pip install torch", engine=("numpy", np.__version__))
    else:
        device = "cpu"

    on_gpu = device == "cuda"
    n = args.n or (512 if args.quick else 8192 if on_gpu else 2048)
    iterations = args.iterations or (3 if args.quick else 20 if on_gpu else 5)
    repeats = args.repeats or (3 if args.quick else 7)
    default_dtypes = CUDA_DTYPES if on_gpu else CPU_DTYPES if torch is not None else NUMPY_DTYPES
    dtypes = tuple(d.strip() for d in args.dtypes.split(",")) if args.dtypes else default_dtypes

    metrics: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    for dtype in dtypes:
        samples: list[float] | None
        if torch is not None:
            if dtype not in CUDA_DTYPES or (dtype == "tf32" and not on_gpu):
                skipped[dtype] = f"not a torch {device} GEMM dtype here"
                continue
            samples = _torch_samples(torch, dtype, n, iterations, repeats, device)
        elif dtype in NUMPY_DTYPES:
            samples = _numpy_samples(np, dtype, n, iterations, repeats)
        else:
            skipped[dtype] = "not a NumPy GEMM dtype"
            continue
        if samples is None:
            skipped[dtype] = f"torch cannot multiply {dtype} on {device}"
            continue
        value = statistics.median(samples)
        metrics.append(metric("gemm.tflops", value, "TFLOP/s", labels={"dtype": dtype}, samples=samples))
        if dtype in peaks:
            fraction = [s / peaks[dtype] for s in samples]
            metrics.append(
                metric("gemm.fraction_of_peak", value / peaks[dtype], "1", labels={"dtype": dtype}, samples=fraction)
            )

    if torch is not None:
        engine = ("torch", str(torch.__version__))
        device_name = torch.cuda.get_device_name() if on_gpu else "cpu"
        extra = {"torch_threads": str(torch.get_num_threads())}
    else:
        engine = ("numpy", str(np.__version__))
        device_name, extra = "cpu", {}
    doc = result(
        WORKLOAD,
        engine=engine,
        clock=clock,
        environment=environment(device_name, **extra),
        parameters={
            "n": n,
            "iterations": iterations,
            "repeats": repeats,
            "device": device,
            "dtypes": list(dtypes),
            "skipped": skipped,
            "peak_tflops": peaks,
        },
        metrics=metrics,
        error=None if metrics else f"no dtype could be measured: {skipped}",
    )
    print(json.dumps(doc, indent=2))
    return 0 if metrics else 1


if __name__ == "__main__":
    raise SystemExit(main())
