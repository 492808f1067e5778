"""Collective bandwidth over ``torch.distributed``, reported as nccl-tests does (algbw, busbw).

``python -m aifab.bench.workloads.collectives [--quick] [--nproc N]`` re-launches itself through
``torchrun`` (``python -m torch.distributed.run --standalone --nproc-per-node N``) when it is not
already a torchrun worker, so one command works; on a cluster the Job starts it under torchrun
directly. NCCL on CUDA devices, gloo on CPUs. Rank 0 prints the result; the other ranks print nothing.

Definitions, exactly those of nccl-tests ``doc/PERFORMANCE.md``
(https://github.com/NVIDIA/nccl-tests/blob/master/doc/PERFORMANCE.md, read 2026-12-01):

* ``algbw = S / t`` (GB/s, GB = 1e9 bytes), ``busbw = algbw x factor``;
* factor: all_reduce ``2(n-1)/n``, reduce_scatter and all_gather ``(n-1)/n``, broadcast ``1``,
  all_to_all ``(n-1)/n``;
* ``S`` (``message_bytes`` here, nccl-tests' ``size`` column) is, for all_gather and reduce_scatter,
  the size of the *total* array: the all_gather output, ``sendcount x sizeof(type) x n``, and the
  reduce_scatter input, ``recvcount x sizeof(type) x n``; for all_to_all each rank's whole send buffer;
  for all_reduce and broadcast the buffer.

``t`` is the mean time of one operation over ``iterations`` after ``warmup``, taken on each rank between
barriers and reduced with MAX over ranks (the slowest rank bounds the collective).

>>> busbw_factor("all_reduce", 8), busbw_factor("reduce_scatter", 4), busbw_factor("broadcast", 2)
(1.75, 0.75, 1.0)
>>> algbw_gbs(1_000_000_000, 0.5)
2.0
>>> per_rank_elements("all_gather", 1024, 4, 4)  # (input, output) elements on each rank
(64, 256)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aifab.bench.workloads._result import Clock, environment, fail, metric, result

WORKLOAD = "collective"
OPS = ("all_reduce", "all_gather", "reduce_scatter", "broadcast", "all_to_all")
_ELEMENT_BYTES = 4  # float32
ARGV_ENV = "AIFAB_COLLECTIVES_ARGV"


def busbw_factor(op: str, ranks: int) -> float:
    """nccl-tests' bus-bandwidth correction factor for ``op`` over ``ranks`` ranks."""
    if ranks < 1:
        raise ValueError(f"ranks must be >= 1, got {ranks}")
    if op == "all_reduce":
        return 2 * (ranks - 1) / ranks
    if op in ("all_gather", "reduce_scatter", "all_to_all"):
        return (ranks - 1) / ranks
    if op == "broadcast":
        return 1.0
    raise ValueError(f"unknown collective {op!r}; expected one of {', '.join(OPS)}")


def algbw_gbs(message_bytes: int, seconds: float) -> float:
    """Algorithm bandwidth ``S / t`` in GB/s (1e9 bytes)."""
    return message_bytes / seconds / 1e9


def busbw_gbs(op: str, ranks: int, message_bytes: int, seconds: float) -> float:
    """Bus bandwidth ``algbw x busbw_factor``."""
    return algbw_gbs(message_bytes, seconds) * busbw_factor(op, ranks)


def per_rank_elements(op: str, message_bytes: int, ranks: int, element_bytes: int = _ELEMENT_BYTES) -> tuple[int, int]:
    """Input and output elements on each rank for a message of ``S`` = ``message_bytes`` (see above).

    ``message_bytes`` must be a multiple of ``ranks x element_bytes`` (:func:`round_message`).
    """
    total = message_bytes // element_bytes
    if op == "all_gather":
        return total // ranks, total
    if op == "reduce_scatter":
        return total, total // ranks
    if op in ("all_reduce", "broadcast", "all_to_all"):
        return total, total
    raise ValueError(f"unknown collective {op!r}; expected one of {', '.join(OPS)}")


def round_message(message_bytes: int, ranks: int, element_bytes: int = _ELEMENT_BYTES) -> int:
    """The largest size <= ``message_bytes`` that splits evenly into ``ranks`` chunks of whole elements."""
    unit = ranks * element_bytes
    return max(unit, message_bytes // unit * unit)


def message_sizes(min_bytes: int, max_bytes: int, factor: int) -> list[int]:
    """nccl-tests' ``-b/-e/-f`` sweep: min, min x f, ... up to max.

    >>> message_sizes(1024, 65536, 4)
    [1024, 4096, 16384, 65536]
    """
    if min_bytes < 1 or max_bytes < min_bytes or factor < 2:
        raise ValueError(f"expected 1 <= min <= max and factor >= 2, got {min_bytes}, {max_bytes}, {factor}")
    sizes, size = [], min_bytes
    while size <= max_bytes:
        sizes.append(size)
        size *= factor
    return sizes


def _lib_root() -> str:
    """The folder holding the ``aifab`` package, so the torchrun workers import these same files."""
    return str(Path(__file__).resolve().parents[3])


def _launch(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Not a torchrun worker: run this module under torchrun and relay rank 0's result."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_lib_root(), env.get("PYTHONPATH", "")) if p)
    # The workers get our arguments through the environment: torchrun's own parser would otherwise take
    # abbreviations of its options from them (``--nproc`` is ambiguous with ``--nproc-per-node``).
    env[ARGV_ENV] = json.dumps(list(argv))
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        f"--nproc-per-node={args.nproc}",
        "-m",
        "aifab.bench.workloads.collectives",
    ]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=args.launch_timeout_s)
    except subprocess.TimeoutExpired:
        # SIGTERM lets torchrun stop its workers; SIGKILL only if it does not.
        proc.terminate()
        try:
            proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
        fail(WORKLOAD, f"torchrun did not finish within {args.launch_timeout_s:g} s", engine=_engine())
    sys.stderr.write(err)
    if proc.returncode == 0 and out.strip():
        sys.stdout.write(out)
        return 0
    tail = (err.strip() or out.strip())[-2000:]
    fail(WORKLOAD, f"torchrun exited {proc.returncode}: {tail}", engine=_engine())


def _engine() -> tuple[str, str]:
    try:
        import torch
    except ImportError:
        return ("none", "")
    return ("torch", str(torch.__version__))


def _run_op(dist: Any, op: str, inp: Any, out: Any) -> None:
    if op == "all_reduce":
        dist.all_reduce(inp)
    elif op == "all_gather":
        # torch 2.13 renamed all_gather_into_tensor/reduce_scatter_tensor (*_single); older builds lack it.
        (getattr(dist, "all_gather_single", None) or dist.all_gather_into_tensor)(out, inp)
    elif op == "reduce_scatter":
        (getattr(dist, "reduce_scatter_single", None) or dist.reduce_scatter_tensor)(out, inp)
    elif op == "broadcast":
        dist.broadcast(inp, src=0)
    elif op == "all_to_all":
        dist.all_to_all_single(out, inp)


def _worker(args: argparse.Namespace) -> int:
    import torch
    import torch.distributed as dist

    clock = Clock()
    on_gpu = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    backend = "nccl" if on_gpu else "gloo"
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if on_gpu:
        torch.cuda.set_device(local_rank)
    device = torch.device("cuda", local_rank) if on_gpu else torch.device("cpu")
    dist.init_process_group(backend=backend, device_id=device if on_gpu else None)
    rank, world = dist.get_rank(), dist.get_world_size()

    def sync() -> None:
        if on_gpu:
            torch.cuda.synchronize()

    series: list[dict[str, Any]] = []
    metrics: list[dict[str, Any]] = []
    unsupported: dict[str, str] = {}
    sizes = sorted({round_message(s, world) for s in message_sizes(args.min_bytes, args.max_bytes, args.step_factor)})
    for op in args.ops:
        for size in sizes:
            n_in, n_out = per_rank_elements(op, size, world)
            inp = torch.ones(n_in, dtype=torch.float32, device=device)
            out = torch.empty(n_out, dtype=torch.float32, device=device)
            try:
                for _ in range(args.warmup):
                    _run_op(dist, op, inp, out)
            except (RuntimeError, NotImplementedError) as exc:
                # gloo lacks some collectives in some torch builds: recorded, never faked.
                unsupported[op] = f"{backend}: {str(exc).splitlines()[0][:200]}"
                break
            sync()
            dist.barrier()
            t0 = time.perf_counter()
            for _ in range(args.iterations):
                _run_op(dist, op, inp, out)
            sync()
            elapsed = torch.tensor([(time.perf_counter() - t0) / args.iterations], dtype=torch.float64, device=device)
            dist.all_reduce(elapsed, op=dist.ReduceOp.MAX)
            seconds = float(elapsed.item())
            alg, bus = algbw_gbs(size, seconds), busbw_gbs(op, world, size, seconds)
            series.append(
                {
                    "op": op,
                    "message_bytes": size,
                    "time_us": seconds * 1e6,
                    "algbw_gbs": alg,
                    "busbw_gbs": bus,
                }
            )
            labels = {"op": op, "message_bytes": size}
            metrics.append(metric("collective.busbw_gbs", bus, "GB/s", labels=labels))
            metrics.append(metric("collective.algbw_gbs", alg, "GB/s", labels=labels))
    dist.barrier()
    dist.destroy_process_group()
    if rank != 0:
        return 0
    device_name = torch.cuda.get_device_name(local_rank) if on_gpu else "cpu"
    doc = result(
        WORKLOAD,
        engine=("torch", str(torch.__version__)),
        clock=clock,
        environment=environment(device_name, backend=backend, world_size=str(world)),
        parameters={
            "backend": backend,
            "world_size": world,
            "ops": list(args.ops),
            "dtype": "fp32",
            "min_bytes": args.min_bytes,
            "max_bytes": args.max_bytes,
            "step_factor": args.step_factor,
            "warmup": args.warmup,
            "iterations": args.iterations,
            "time": "mean per op, MAX over ranks",
            "unsupported": unsupported,
        },
        metrics=metrics,
        series=series,
        error=None if metrics else f"no collective could run: {unsupported}",
    )
    print(json.dumps(doc, indent=2))
    return 0 if metrics else 1


def main(argv: Sequence[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    if not raw and os.environ.get(ARGV_ENV) and "LOCAL_RANK" in os.environ:
        raw = [str(a) for a in json.loads(os.environ[ARGV_ENV])]
    parser = argparse.ArgumentParser(
        prog="python -m aifab.bench.workloads.collectives",
        description="collective algbw/busbw (nccl-tests definitions)",
    )
    parser.add_argument("--quick", action="store_true", help="small sweep, few iterations (CI)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument(
        "--nproc", type=int, help="ranks to launch here (default: CUDA devices, or 2 on CPU); ignored under torchrun"
    )
    parser.add_argument("--ops", help=f"comma-separated subset of {','.join(OPS)}")
    parser.add_argument("--min-bytes", type=int, help="smallest message S (default 1 KiB)")
    parser.add_argument("--max-bytes", type=int, help="largest message S (default 1 GiB GPU, 64 MiB CPU; 1 MiB quick)")
    parser.add_argument("--step-factor", type=int, help="size multiplier between steps (default 2; 4 quick)")
    parser.add_argument("--warmup", type=int, help="untimed operations per size")
    parser.add_argument("--iterations", type=int, help="timed operations per size")
    parser.add_argument("--launch-timeout-s", type=float, default=1800.0)
    args = parser.parse_args(raw)
    args.ops = tuple(o.strip() for o in args.ops.split(",")) if args.ops else OPS
    if bad := [o for o in args.ops if o not in OPS]:
        fail(WORKLOAD, f"unknown collective(s) {bad}; expected some of {', '.join(OPS)}")

    try:
        import torch
        import torch.distributed as dist
    except ImportError:
        fail(WORKLOAD, "PyTorch is not installed: pip install torch")
    if not dist.is_available():
        fail(WORKLOAD, "this PyTorch build has no torch.distributed: pip install torch", engine=_engine())
    on_gpu = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    if args.device == "cuda" and not torch.cuda.is_available():
        fail(WORKLOAD, "--device cuda but torch sees no CUDA device", engine=_engine())
    args.min_bytes = args.min_bytes or 1024
    args.max_bytes = args.max_bytes or (2**20 if args.quick else 2**30 if on_gpu else 64 * 2**20)
    args.step_factor = args.step_factor or (4 if args.quick else 2)
    args.warmup = args.warmup if args.warmup is not None else (2 if args.quick else 5)
    args.iterations = args.iterations or (5 if args.quick else 20)
    args.nproc = args.nproc or (torch.cuda.device_count() if on_gpu else 2)
    try:
        message_sizes(args.min_bytes, args.max_bytes, args.step_factor)
    except ValueError as exc:
        fail(WORKLOAD, str(exc), engine=_engine())
    if "LOCAL_RANK" in os.environ and "WORLD_SIZE" in os.environ:
        # Under torchrun (here or in a cluster Job): the world size is torchrun's, whatever --nproc says,
        # and may span nodes with one GPU each.
        return _worker(args)
    if args.nproc < 2:
        fail(WORKLOAD, f"collectives need 2 or more ranks on this machine; got --nproc {args.nproc}", engine=_engine())
    return _launch(args, raw)


if __name__ == "__main__":
    raise SystemExit(main())
