"""Fidelity of the benchmark workloads: each one back to back with the reference it stands for, same machine.

For every pair the workload (``python -m aifab.bench.workloads.<name>``, a fresh process as ``aifab bench
run --local`` starts it) and its reference (the engine used directly, written here independently of the
workload's code) run alternately for ``--rounds`` rounds; the script prints the median of each side and the
ratio workload / reference. The goal (issue 12) is a ratio of at least 0.9 everywhere: the harness must not
cost what it measures. Lower-is-better metrics (latency) are inverted so a ratio below 1 always means
"the workload reports worse than the reference".

References:
* GEMM: ``torch.mm`` / NumPy ``@`` timed with ``perf_counter`` in this process;
* memory: ``Tensor.copy_`` and a triad ``torch.add(b, c, alpha=s, out=a)``, NumPy ``np.copyto``;
* storage: a hand-written fio job file with the same four jobs, ``fio --output-format=json job.fio``;
* checkpoint: ``torch.save`` + ``fsync`` and ``torch.load`` in this process;
* network: ``iperf3 -s`` and ``iperf3 -c -J`` run directly;
* collectives: a minimal ``torch.distributed`` all_reduce loop under torchrun (2 gloo ranks).

    python benchmarks/bench_fidelity.py [--rounds 3] [--only gemm,memory] [--output benchmarks/results/fidelity.txt]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "lib"
Measure = Callable[[], float]


def workload(module: str, *args: str) -> dict[str, float]:
    """Run one workload in a fresh process; its metrics by key (name{labels})."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(LIB), os.environ.get("PYTHONPATH", "")) if p))
    proc = subprocess.run(
        [sys.executable, "-m", f"aifab.bench.workloads.{module}", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{module} exited {proc.returncode}: {proc.stderr[-800:]}")
    doc = json.loads(proc.stdout)
    out: dict[str, float] = {}
    for m in doc["metrics"]:
        labels = ",".join(f"{k}={v}" for k, v in sorted(m["labels"].items()))
        out[m["name"] + (f"{{{labels}}}" if labels else "")] = float(m["value"])
    return out


# --- references -----------------------------------------------------------------------------------


def ref_torch_gemm(n: int, iterations: int, repeats: int, dtype: torch.dtype) -> float:
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    torch.mm(a, b)
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(iterations):
            torch.mm(a, b)
        samples.append(2 * n**3 * iterations / (time.perf_counter() - t0) / 1e12)
    return statistics.median(samples)


def ref_numpy_gemm(n: int, iterations: int, repeats: int) -> float:
    a = np.random.default_rng(1).standard_normal((n, n), dtype=np.float32)
    b = np.random.default_rng(2).standard_normal((n, n), dtype=np.float32)
    a @ b
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(iterations):
            a @ b
        samples.append(2 * n**3 * iterations / (time.perf_counter() - t0) / 1e12)
    return statistics.median(samples)


def ref_memory(kind: str, size_mb: int, iterations: int, repeats: int) -> float:
    n = size_mb * 1_000_000 // 4
    if kind == "numpy_copy":
        src, dst = np.full(n, 1.0, dtype=np.float32), np.zeros(n, dtype=np.float32)
        op: Callable[[], object] = lambda: np.copyto(dst, src)  # noqa: E731
        moved = 2 * n * 4
    else:
        a, b, c = torch.zeros(n), torch.full((n,), 1.0), torch.full((n,), 2.0)
        op = (lambda: a.copy_(b)) if kind == "copy" else (lambda: torch.add(b, c, alpha=3.0, out=a))
        moved = (2 if kind == "copy" else 3) * n * 4
    op()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(iterations):
            op()
        samples.append(moved * iterations / (time.perf_counter() - t0) / 1e9)
    return statistics.median(samples)


FIO_PATTERNS = ("seq_write", "seq_read", "rand_write", "rand_read")


FIO_JOB = """\
; Written by hand for the reference, the way fio's examples/ job files are: the same four jobs, in the
; same order, as the storage workload runs.
[global]
direct=1
ioengine=psync
size={size}
runtime={runtime_s}
time_based
directory={directory}

[seq_write]
rw=write
bs=1M
stonewall

[seq_read]
rw=read
bs=1M
stonewall

[rand_write]
rw=randwrite
bs=4k
stonewall

[rand_read]
rw=randread
bs=4k
stonewall
"""


def ref_fio(directory: str, size: str, runtime_s: int) -> dict[str, float]:
    """MB/s per job from ``fio --output-format=json`` on :data:`FIO_JOB`."""
    work = tempfile.mkdtemp(prefix="ref-fio-", dir=directory)
    try:
        job = Path(work) / "ref.fio"
        job.write_text(FIO_JOB.format(size=size, runtime_s=runtime_s, directory=work))
        out = subprocess.run(["fio", "--output-format=json", str(job)], capture_output=True, text=True, check=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    jobs = json.loads(out.stdout[out.stdout.index("{") :])["jobs"]
    return {j["jobname"]: j["read" if "read" in j["jobname"] else "write"]["bw_bytes"] / 1e6 for j in jobs}


def ref_checkpoint(directory: str, size_mb: int, cycles: int) -> dict[str, float]:
    """Median write and restore GB/s over ``cycles`` save+fsync / evict / load cycles (as the workload does)."""
    per = 16_000_000 // 4
    state = {f"w{i}": torch.randn(per) for i in range(size_mb // 16)}
    path = os.path.join(directory, "ref.pt")
    writes, reads = [], []
    for _ in range(cycles):
        t0 = time.perf_counter()
        with open(path, "wb") as f:
            torch.save(state, f)
            f.flush()
            os.fsync(f.fileno())
        write_s = time.perf_counter() - t0
        size = os.path.getsize(path)
        fd = os.open(path, os.O_RDONLY)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)
        t0 = time.perf_counter()
        torch.load(path, weights_only=True)
        reads.append(size / (time.perf_counter() - t0) / 1e9)
        writes.append(size / write_s / 1e9)
        os.unlink(path)
    return {"write": statistics.median(writes), "read": statistics.median(reads)}


def ref_iperf3(seconds: int) -> dict[str, float]:
    port = 5399
    server = subprocess.Popen(
        ["iperf3", "-s", "-B", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(100):  # until it listens (state 0A in /proc/net/tcp), without connecting to it
            table = Path("/proc/net/tcp").read_text().splitlines()[1:]
            if any(f":{port:04X}" == f.split()[1][-5:] and f.split()[3] == "0A" for f in table):
                break
            time.sleep(0.05)
        out = subprocess.run(
            ["iperf3", "-c", "127.0.0.1", "-p", str(port), "-t", str(seconds), "-J"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        server.terminate()
        server.wait()
    end = json.loads(out)["end"]
    return {
        "network.throughput_gbps": end["sum_received"]["bits_per_second"] / 1e9,
        "network.rtt_us": float(end["streams"][0]["sender"]["mean_rtt"]),
    }


REF_ALLREDUCE = textwrap.dedent("""
    import os, time, torch, torch.distributed as dist
    dist.init_process_group("gloo")
    n, world = int(os.environ["REF_BYTES"]) // 4, dist.get_world_size()
    x = torch.ones(n)
    for _ in range(5):
        dist.all_reduce(x)
    dist.barrier()
    t0 = time.perf_counter()
    for _ in range(50):
        dist.all_reduce(x)
    t = torch.tensor([(time.perf_counter() - t0) / 50], dtype=torch.float64)
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    if dist.get_rank() == 0:
        print(n * 4 / t.item() / 1e9 * 2 * (world - 1) / world)
    dist.destroy_process_group()
""")


def ref_all_reduce(message_bytes: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "ref_allreduce.py"
        script.write_text(REF_ALLREDUCE)
        out = subprocess.run(
            [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node=2", str(script)],
            capture_output=True, text=True, check=True, env=dict(os.environ, REF_BYTES=str(message_bytes)),
        ).stdout  # fmt: skip
    return float(out.strip().splitlines()[-1])


# --- pairs ----------------------------------------------------------------------------------------


def pairs(tmp: str, quick: bool) -> dict[str, list[tuple[str, Callable[[], dict[str, float]], Measure, bool]]]:
    """Group -> [(metric key, run the workload, {key: reference}, higher_is_better)]."""
    n, it, rep = (512, 5, 5) if quick else (1024, 5, 5)
    mem_mb = 64 if quick else 256
    fio_size, fio_s = ("64M", 2) if quick else ("256M", 5)
    ck_mb = 64 if quick else 256
    net_s = 2 if quick else 5

    def gemm_torch() -> dict[str, float]:
        return workload("gemm", "--n", str(n), "--iterations", str(it), "--repeats", str(rep), "--dtypes", "fp32,bf16")

    def gemm_numpy() -> dict[str, float]:
        return workload("gemm", "--engine", "numpy", "--n", str(n), "--iterations", str(it), "--repeats", str(rep),
                        "--dtypes", "fp32")  # fmt: skip

    def memory(engine: str) -> Callable[[], dict[str, float]]:
        return lambda: workload("memory", "--engine", engine, "--size-mb", str(mem_mb), "--iterations", "5",
                                "--repeats", "5")  # fmt: skip

    memory_torch, memory_numpy = memory("torch"), memory("numpy")

    def storage() -> dict[str, float]:
        return workload("storage", "--directory", tmp, "--size", fio_size, "--runtime-s", str(fio_s))

    def checkpoint() -> dict[str, float]:
        return workload("checkpoint", "--directory", tmp, "--size-mb", str(ck_mb), "--repeats", "3")

    # One fio run per round serves the four rows (seq_write comes first in every round).
    fio_ref: list[dict[str, float]] = []

    def storage_ref(pattern: str) -> float:
        if pattern == "seq_write":
            fio_ref.append(ref_fio(tmp, fio_size, fio_s))
        return fio_ref[-1][pattern]

    # One reference cycle per round serves both rows (write comes first in every round).
    ck_ref: list[dict[str, float]] = []

    def checkpoint_ref(which: str) -> float:
        if which == "write":
            ck_ref.append(ref_checkpoint(tmp, ck_mb, 3))
        return ck_ref[-1][which]

    def network() -> dict[str, float]:
        return workload("network", "--time-s", str(net_s))

    msg = 16 * 2**20

    def collectives() -> dict[str, float]:
        return workload("collectives", "--nproc", "2", "--device", "cpu", "--ops", "all_reduce", "--min-bytes",
                        str(msg), "--max-bytes", str(msg), "--warmup", "5", "--iterations", "50")  # fmt: skip

    return {
        "gemm": [
            ("gemm.tflops{dtype=fp32}", gemm_torch, (lambda: ref_torch_gemm(n, it, rep, torch.float32)), True),
            ("gemm.tflops{dtype=bf16}", gemm_torch, (lambda: ref_torch_gemm(n, it, rep, torch.bfloat16)), True),
            ("gemm.tflops{dtype=fp32} numpy", gemm_numpy, (lambda: ref_numpy_gemm(n, it, rep)), True),
        ],
        "memory": [
            ("memory.copy_gbs", memory_torch, (lambda: ref_memory("copy", mem_mb, 5, 5)), True),
            ("memory.triad_gbs", memory_torch, (lambda: ref_memory("triad", mem_mb, 5, 5)), True),
            ("memory.copy_gbs numpy", memory_numpy, (lambda: ref_memory("numpy_copy", mem_mb, 5, 5)), True),
        ],
        "storage": [
            (f"storage.bw_mbs{{pattern={p}}}", storage, functools.partial(storage_ref, p), True)
            for p in FIO_PATTERNS
        ],
        "checkpoint": [
            ("checkpoint.write_gbs", checkpoint, (lambda: checkpoint_ref("write")), True),
            ("checkpoint.restore_gbs", checkpoint, (lambda: checkpoint_ref("read")), True),
        ],
        "network": [
            ("network.throughput_gbps", network, (lambda: ref_iperf3(net_s)["network.throughput_gbps"]), True),
        ],
        "collectives": [
            (f"collective.busbw_gbs{{message_bytes={msg},op=all_reduce}}", collectives,
             (lambda: ref_all_reduce(msg)), True),
        ],
    }  # fmt: skip


def _version(tool: str) -> str:
    return subprocess.run([tool, "--version"], capture_output=True, text=True).stdout.splitlines()[0].strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", help="comma-separated groups: gemm,memory,storage,checkpoint,network,collectives")
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run, not for the record)")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    load0 = os.getloadavg()
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    say(f"bench_fidelity: workload / reference, {args.rounds} alternating rounds, median of each side")
    say(f"{started}; Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"torch {torch.__version__} ({torch.get_num_threads()} threads), numpy {np.__version__}, "
        f"{_version('fio')}, {_version('iperf3')}")  # fmt: skip
    say(f"load average at start: {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f} (the machine is shared)")
    say()
    say("ratio = median(workload) / median(reference); pair = median of the per-round ratios")
    say(f"{'metric':<46} {'workload':>9} {'reference':>9} {'ratio':>6} {'pair':>6}  rounds (workload/reference)")
    ratios: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="aifab-fidelity-", dir=str(ROOT)) as tmp:
        groups = pairs(tmp, args.quick)
        chosen = args.only.split(",") if args.only else list(groups)
        for group in chosen:
            rows = groups[group]
            # One workload run serves every metric it reports in a round, as it would in `bench run`.
            runs: dict[int, list[dict[str, float]]] = {}
            refs: dict[str, list[float]] = {key: [] for key, *_ in rows}
            for round_ in range(args.rounds):
                # Alternate which side goes first, so a drift in the machine's load favours neither.
                workload_first = round_ % 2 == 0
                done: dict[int, dict[str, float]] = {}
                for key, run, ref, _higher in rows:
                    if not workload_first:
                        refs[key].append(ref())
                    if id(run) not in done:
                        done[id(run)] = run()
                        runs.setdefault(id(run), []).append(done[id(run)])
                    if workload_first:
                        refs[key].append(ref())
            for key, run, _ref, higher in rows:
                metric_key = key.split(" ")[0]
                ws = [r[metric_key] for r in runs[id(run)]]
                w, r = statistics.median(ws), statistics.median(refs[key])
                ratio = w / r if higher else r / w
                ratios[key] = ratio
                per_round = [a / b if higher else b / a for a, b in zip(ws, refs[key], strict=True)]
                pairs_text = " ".join(f"{a:.3g}/{b:.3g}" for a, b in zip(ws, refs[key], strict=True))
                say(f"{key:<46} {w:>9.4g} {r:>9.4g} {ratio:>6.2f} {statistics.median(per_round):>6.2f}  {pairs_text}")
    load1 = os.getloadavg()
    say()
    say(f"load average at end: {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")
    below = [k for k, v in ratios.items() if v < 0.9]
    say(f"ratios >= 0.9: {len(ratios) - len(below)}/{len(ratios)}" + (f"; below: {', '.join(below)}" if below else ""))
    if args.output:
        args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if shutil.which("fio") is None or shutil.which("iperf3") is None:
        sys.exit("bench_fidelity needs fio and iperf3 on PATH (apt-get install fio iperf3)")
    main()
