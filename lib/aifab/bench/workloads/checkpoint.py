"""Checkpoint write and restore: ``python -m aifab.bench.workloads.checkpoint [--quick] [--size-mb N]``.

Builds a real model-like state dict (fp32 tensors of ``--tensor-mb`` each, like a model's layers) of
``--size-mb`` in total, then per sample: ``torch.save`` to a file under ``--directory``, ``fsync``
(the write counts only once it is durable), evicts the file's clean pages from the page cache with
``posix_fadvise(DONTNEED)`` where the platform has it (so the restore reads the storage, not memory;
recorded in ``parameters``), and ``torch.load`` it back (``weights_only=True``). Reports
``checkpoint.write_gbs`` and ``checkpoint.restore_gbs`` (file bytes / seconds, GB = 1e9 bytes), median of
``--repeats`` samples. The files are removed afterwards.

>>> layer_shapes(40, 16)  # 40 MB in 16 MB fp32 tensors: two full, one remainder
[4000000, 4000000, 2000000]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from typing import Any

from aifab.bench.workloads._result import Clock, environment, fail, metric, result

WORKLOAD = "checkpoint"


def layer_shapes(size_mb: float, tensor_mb: float) -> list[int]:
    """Element counts of the fp32 tensors that make up ``size_mb`` (MB = 1e6 bytes)."""
    total = int(size_mb * 1e6) // 4
    per = max(1, int(tensor_mb * 1e6) // 4)
    shapes = [per] * (total // per)
    if total % per:
        shapes.append(total % per)
    return shapes


def _drop_cache(path: str) -> bool:
    """Evict ``path``'s (clean, already fsynced) pages from the page cache; False where unsupported."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        advise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m aifab.bench.workloads.checkpoint", description="torch.save / torch.load checkpoint rate"
    )
    parser.add_argument("--quick", action="store_true", help="64 MB state, 2 samples (CI)")
    parser.add_argument("--size-mb", type=float, help="state dict size in MB (default 1024; 64 quick)")
    parser.add_argument("--tensor-mb", type=float, default=16.0, help="size of each tensor in the state")
    parser.add_argument("--directory", help="where to write (default: a temporary folder on this filesystem)")
    parser.add_argument("--repeats", type=int, help="write+restore samples (value = median; default 3, 2 quick)")
    args = parser.parse_args(argv)
    clock = Clock()
    try:
        import torch
    except ImportError:
        fail(WORKLOAD, "PyTorch is not installed: pip install torch")
    engine = ("torch", str(torch.__version__))
    size_mb = args.size_mb or (64.0 if args.quick else 1024.0)
    repeats = args.repeats or (2 if args.quick else 3)
    parent = args.directory or os.getcwd()
    if not os.path.isdir(parent):
        fail(WORKLOAD, f"--directory {parent} is not a folder", engine=engine)

    generator = torch.Generator().manual_seed(0)
    state = {
        f"layers.{i}.weight": torch.randn(n, generator=generator)
        for i, n in enumerate(layer_shapes(size_mb, args.tensor_mb))
    }
    # Warm-up, untimed: the first torch.save/torch.load in a process pays one-off setup (serializer and
    # zip writer initialisation) that a training job's periodic checkpoints do not.
    warm = io.BytesIO()
    torch.save({"warm": torch.zeros(1024)}, warm)
    warm.seek(0)
    torch.load(warm, weights_only=True)
    work = tempfile.mkdtemp(prefix="aifab-ckpt-", dir=parent)
    writes: list[float] = []
    restores: list[float] = []
    dropped = True
    file_bytes = 0
    try:
        path = os.path.join(work, "state.pt")
        for _ in range(repeats):
            t0 = time.perf_counter()
            with open(path, "wb") as handle:
                torch.save(state, handle)
                handle.flush()
                os.fsync(handle.fileno())
            write_s = time.perf_counter() - t0
            file_bytes = os.path.getsize(path)
            dropped = _drop_cache(path) and dropped
            t0 = time.perf_counter()
            restored = torch.load(path, map_location="cpu", weights_only=True)
            restore_s = time.perf_counter() - t0
            if restored.keys() != state.keys():
                fail(WORKLOAD, "restored state dict differs from the one written", engine=engine)
            del restored
            os.unlink(path)
            writes.append(file_bytes / write_s / 1e9)
            restores.append(file_bytes / restore_s / 1e9)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    metrics: list[dict[str, Any]] = [
        metric("checkpoint.write_gbs", statistics.median(writes), "GB/s", samples=writes),
        metric("checkpoint.restore_gbs", statistics.median(restores), "GB/s", samples=restores),
    ]
    doc = result(
        WORKLOAD,
        engine=engine,
        clock=clock,
        environment=environment(),
        parameters={
            "directory": parent,
            "size_mb": size_mb,
            "tensor_mb": args.tensor_mb,
            "tensors": len(state),
            "file_bytes": file_bytes,
            "repeats": repeats,
            "fsync": True,
            "page_cache_dropped": dropped,
        },
        metrics=metrics,
    )
    print(json.dumps(doc, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
