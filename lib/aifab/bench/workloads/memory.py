"""Memory (or HBM) bandwidth: ``python -m aifab.bench.workloads.memory [--quick] [--device cpu|cuda]``.

STREAM's kernels on one large buffer, counted the way STREAM counts them (McCalpin, "STREAM: Sustainable
Memory Bandwidth", https://www.cs.virginia.edu/stream/ref.html, read 2026-12-01): *copy* ``a = b`` moves
2 x bytes (one read, one write); *triad* ``a = b + s x c`` moves 3 x bytes. Reported as
``memory.copy_gbs`` and ``memory.triad_gbs`` (GB = 1e9 bytes), median of ``repeats`` samples. Engine:
PyTorch (CUDA events on a GPU), else NumPy; NumPy's triad is two passes (``multiply`` then ``add``), so
it moves more bytes than it is credited with and reads low, which is how STREAM scores the same code.

>>> stream_bytes("copy", 1000), stream_bytes("triad", 1000)
(2000, 3000)
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from aifab.bench.workloads._result import Clock, array_engine, environment, fail, metric, result

WORKLOAD = "memory"
_ARRAYS = {"copy": 2, "triad": 3}


def stream_bytes(kernel: str, buffer_bytes: int) -> int:
    """Bytes STREAM credits one pass of ``kernel`` over buffers of ``buffer_bytes`` each."""
    return _ARRAYS[kernel] * buffer_bytes


def _timed(run: Callable[[], None], sync: Callable[[], None], iterations: int) -> float:
    sync()
    t0 = time.perf_counter()
    for _ in range(iterations):
        run()
    sync()
    return (time.perf_counter() - t0) / iterations


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m aifab.bench.workloads.memory", description="STREAM copy and triad bandwidth"
    )
    parser.add_argument("--quick", action="store_true", help="small buffer and few samples (CI)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--engine", choices=("auto", "torch", "numpy"), default="auto")
    parser.add_argument("--size-mb", type=float, help="bytes per buffer in MB (default 1024 GPU, 256 CPU; 64 quick)")
    parser.add_argument("--iterations", type=int, default=None, help="kernel passes per timed sample")
    parser.add_argument("--repeats", type=int, default=None, help="timed samples (value = median)")
    args = parser.parse_args(argv)
    clock = Clock()

    torch, np = array_engine(WORKLOAD, args.engine)

    device = args.device
    if device == "auto":
        device = "cuda" if torch is not None and torch.cuda.is_available() else "cpu"
    if device == "cuda" and (torch is None or not torch.cuda.is_available()):
        fail(WORKLOAD, "--device cuda needs PyTorch with a visible CUDA device: pip install torch")
    on_gpu = device == "cuda"
    size_mb = args.size_mb or (64 if args.quick else 1024 if on_gpu else 256)
    iterations = args.iterations or (3 if args.quick else 20 if on_gpu else 5)
    repeats = args.repeats or (3 if args.quick else 7)
    elements = int(size_mb * 1e6) // 4  # float32
    buffer_bytes = elements * 4
    scalar = 3.0

    if torch is not None:
        a, b, c = (torch.ones(elements, dtype=torch.float32, device=device) for _ in range(3))
        kernels: dict[str, Callable[[], None]] = {
            "copy": lambda: a.copy_(b),
            "triad": lambda: torch.add(b, c, alpha=scalar, out=a),
        }
        sync: Callable[[], None] = torch.cuda.synchronize if on_gpu else (lambda: None)
        engine = ("torch", str(torch.__version__))
        device_name = torch.cuda.get_device_name() if on_gpu else "cpu"
        extra = {"torch_threads": str(torch.get_num_threads())}
    else:
        a, b, c = (np.ones(elements, dtype=np.float32) for _ in range(3))

        def triad() -> None:
            np.multiply(c, scalar, out=a)
            np.add(a, b, out=a)

        kernels = {"copy": lambda: np.copyto(a, b), "triad": triad}
        sync = lambda: None  # noqa: E731 - NumPy runs synchronously
        engine, device_name, extra = ("numpy", str(np.__version__)), "cpu", {}

    metrics: list[dict[str, Any]] = []
    for kernel, run in kernels.items():
        run()  # warm-up: first touch of the pages, kernel launch
        moved = stream_bytes(kernel, buffer_bytes)
        samples = [moved / _timed(run, sync, iterations) / 1e9 for _ in range(repeats)]
        metrics.append(metric(f"memory.{kernel}_gbs", statistics.median(samples), "GB/s", samples=samples))

    doc = result(
        WORKLOAD,
        engine=engine,
        clock=clock,
        environment=environment(device_name, **extra),
        parameters={
            "device": device,
            "buffer_bytes": buffer_bytes,
            "dtype": "fp32",
            "iterations": iterations,
            "repeats": repeats,
        },
        metrics=metrics,
    )
    print(json.dumps(doc, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
