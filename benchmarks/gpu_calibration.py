"""Measure what the capacity models assume about one GPU: dense GEMM TFLOP/s and HBM copy bandwidth.

Runs where PyTorch sees a CUDA GPU and prints one JSON object; compare it with ``aifab estimate``'s
``expected.gemm_tflops_per_gpu`` (peak dense x ``achievable_gemm_efficiency``) and the catalogue's
``memory_bandwidth_tbs`` for that accelerator. Without a GPU it says so and exits 0.

    python benchmarks/gpu_calibration.py > gpu.json
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    try:
        import torch
    except ImportError:
        print(json.dumps({"skipped": "PyTorch is not installed"}))
        return 0
    if not torch.cuda.is_available():
        print(json.dumps({"skipped": "no CUDA GPU visible"}))
        return 0

    def timed_ms(fn, iterations: int) -> float:  # type: ignore[no-untyped-def]
        for _ in range(3):
            fn()
        torch.cuda.synchronize()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(iterations):
            fn()
        end.record()
        torch.cuda.synchronize()
        return float(start.elapsed_time(end)) / iterations

    result: dict[str, object] = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "gemm": []}
    for dtype_name, dtype in (("bf16", torch.bfloat16), ("fp16", torch.float16)):
        for n in (4096, 8192, 16384):
            a = torch.randn(n, n, device="cuda", dtype=dtype)
            b = torch.randn(n, n, device="cuda", dtype=dtype)
            ms = timed_ms(lambda a=a, b=b: a @ b, 20)
            result["gemm"].append({"dtype": dtype_name, "n": n, "tflops": 2 * n**3 / (ms / 1e3) / 1e12})  # type: ignore[union-attr]
            del a, b
    src = torch.empty(4 * 2**30, dtype=torch.uint8, device="cuda")
    dst = torch.empty_like(src)
    ms = timed_ms(lambda: dst.copy_(src), 20)
    # a copy reads and writes every byte
    result["hbm_copy_tbs"] = 2 * src.numel() / (ms / 1e3) / 1e12
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
