"""Storage bandwidth, IOPS and latency through fio: ``python -m aifab.bench.workloads.storage [--quick]``.

Runs one fio job file (``fio --output-format=json``), one job per pattern in turn (``stonewall``):
``seq_write`` and ``seq_read`` with 1 MiB blocks, ``rand_write`` and ``rand_read`` with 4 KiB blocks, each
on its own file under ``--directory`` (default: a temporary folder on the current filesystem), with
direct I/O (``direct=1``). Where the filesystem refuses ``O_DIRECT`` (tmpfs, some FUSE mounts) it falls
back to buffered I/O and says so in ``parameters``. The files are removed afterwards.

From fio's JSON (``jobs[].read|write``): ``storage.bw_mbs{pattern}`` from ``bw_bytes`` (MB = 1e6 bytes),
``storage.iops{pattern}`` from ``iops``, and ``storage.lat_us{pattern}`` from the completion-latency
percentiles ``clat_ns.percentile`` (value = p50; p95, p99; samples = I/Os completed).

>>> print(job_file("/data", direct=True, size="16M", runtime_s=1, ioengine="psync", iodepth=1,
...                patterns=("seq_read",)))  # doctest: +NORMALIZE_WHITESPACE
[global]
direct=1
ioengine=psync
iodepth=1
size=16M
runtime=1000ms
time_based=1
group_reporting=1
<BLANKLINE>
[seq_read]
rw=read
bs=1M
filename=/data/aifab-fio-seq_read.dat
stonewall
"""

from __future__ import annotations

import argparse
import contextlib
import json
import mmap
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from typing import Any

from aifab.bench.workloads._result import Clock, environment, fail, metric, result

WORKLOAD = "storage"
# pattern -> (fio rw, block size, the side of fio's job JSON that carries its numbers)
PATTERNS: Mapping[str, tuple[str, str, str]] = {
    "seq_write": ("write", "1M", "write"),
    "seq_read": ("read", "1M", "read"),
    "rand_write": ("randwrite", "4k", "write"),
    "rand_read": ("randread", "4k", "read"),
}
INSTALL = (
    "fio not found: install it with your system package manager "
    "(apt-get install fio, dnf install fio, brew install fio)"
)


def job_file(
    directory: str,
    *,
    direct: bool,
    size: str,
    runtime_s: float,
    ioengine: str,
    iodepth: int,
    patterns: Sequence[str] = tuple(PATTERNS),
) -> str:
    """The fio job file: a global section and one stonewalled job per pattern."""
    lines = [
        "[global]",
        f"direct={int(direct)}",
        f"ioengine={ioengine}",
        f"iodepth={iodepth}",
        f"size={size}",
        f"runtime={round(runtime_s * 1000)}ms",
        "time_based=1",
        "group_reporting=1",
    ]
    for pattern in patterns:
        rw, bs, _ = PATTERNS[pattern]
        filename = os.path.join(directory, f"aifab-fio-{pattern}.dat")
        lines += ["", f"[{pattern}]", f"rw={rw}", f"bs={bs}", f"filename={filename}", "stonewall"]
    return "\n".join(lines) + "\n"


def parse_fio(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Metrics from fio's ``--output-format=json`` document (jobs named after :data:`PATTERNS`).

    A job fio reports an error for raises ``ValueError`` naming it.
    """
    metrics: list[dict[str, Any]] = []
    for job in doc.get("jobs", []):
        pattern = str(job["jobname"])
        if pattern not in PATTERNS:
            continue
        if job.get("error"):
            raise ValueError(f"fio job {pattern} failed with error {job['error']}")
        side = job[PATTERNS[pattern][2]]
        labels = {"pattern": pattern}
        metrics.append(metric("storage.bw_mbs", side["bw_bytes"] / 1e6, "MB/s", labels=labels))
        metrics.append(metric("storage.iops", side["iops"], "IO/s", labels=labels))
        clat = side.get("clat_ns", {})
        percentiles = clat.get("percentile") or {}
        if clat.get("N") and percentiles:
            by_q = {float(q): ns / 1e3 for q, ns in percentiles.items()}
            lat = metric("storage.lat_us", by_q[50.0], "us", labels=labels, higher_is_better=False)
            lat.update(samples=int(clat["N"]), p50=by_q[50.0], p95=by_q[95.0], p99=by_q[99.0])
            metrics.append(lat)
    return metrics


def direct_io_refusal(directory: str) -> str | None:
    """Why ``directory`` refuses ``O_DIRECT`` writes, or None where it accepts them."""
    flag = getattr(os, "O_DIRECT", None)
    if flag is None:
        return "this platform has no O_DIRECT"
    probe = os.path.join(directory, ".aifab-odirect-probe")
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | flag, 0o600)
        try:
            os.write(fd, mmap.mmap(-1, 4096))  # page-aligned buffer, as O_DIRECT needs
        finally:
            os.close(fd)
    except OSError as exc:
        return f"O_DIRECT refused: {exc.strerror or exc}"
    finally:
        with contextlib.suppress(OSError):
            os.unlink(probe)
    return None


def fio_version(fio: str) -> str:
    out = subprocess.run([fio, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    return out.removeprefix("fio-") or "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m aifab.bench.workloads.storage", description="fio sequential and random read/write"
    )
    parser.add_argument("--quick", action="store_true", help="16 MB files, 1 s per pattern (CI)")
    parser.add_argument("--directory", help="where to put the test files (default: a temporary folder)")
    parser.add_argument("--size", help="file size per pattern, fio syntax (default 1G; 16M quick)")
    parser.add_argument("--runtime-s", type=float, help="seconds per pattern (default 10; 1 quick)")
    parser.add_argument("--ioengine", default="psync", help="fio ioengine (psync; libaio/io_uring with --iodepth)")
    parser.add_argument("--iodepth", type=int, default=1)
    parser.add_argument("--patterns", help=f"comma-separated subset of {','.join(PATTERNS)}")
    args = parser.parse_args(argv)
    clock = Clock()

    fio = shutil.which("fio")
    if fio is None:
        fail(WORKLOAD, INSTALL)
    engine = ("fio", fio_version(fio))
    patterns = tuple(p.strip() for p in args.patterns.split(",")) if args.patterns else tuple(PATTERNS)
    if bad := [p for p in patterns if p not in PATTERNS]:
        fail(WORKLOAD, f"unknown pattern(s) {bad}; expected some of {', '.join(PATTERNS)}", engine=engine)
    size = args.size or ("16M" if args.quick else "1G")
    runtime_s = args.runtime_s or (1.0 if args.quick else 10.0)
    parent = args.directory or os.getcwd()
    if not os.path.isdir(parent):
        fail(WORKLOAD, f"--directory {parent} is not a folder", engine=engine)

    work = tempfile.mkdtemp(prefix="aifab-fio-", dir=parent)
    try:
        refusal = direct_io_refusal(work)
        job = job_file(
            work,
            direct=refusal is None,
            size=size,
            runtime_s=runtime_s,
            ioengine=args.ioengine,
            iodepth=args.iodepth,
            patterns=patterns,
        )
        job_path = os.path.join(work, "aifab.fio")
        out_path = os.path.join(work, "fio.json")
        with open(job_path, "w", encoding="utf-8") as handle:
            handle.write(job)
        # --output keeps fio's JSON apart from any warnings it prints on stdout.
        proc = subprocess.run(
            [fio, "--output-format=json", f"--output={out_path}", job_path], capture_output=True, text=True
        )
        try:
            with open(out_path, encoding="utf-8") as handle:
                text = handle.read()
            # fio can put a note line ahead of the JSON (e.g. about iodepth with a sync engine).
            doc = json.loads(text[text.find("{") :]) if "{" in text else json.loads(text)
            metrics = parse_fio(doc)
        except (OSError, ValueError, KeyError) as exc:
            tail = (proc.stderr.strip() or proc.stdout.strip())[-1500:]
            fail(WORKLOAD, f"fio exited {proc.returncode} without usable JSON ({exc}): {tail}", engine=engine)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    parameters: dict[str, Any] = {
        "directory": parent,
        "direct": refusal is None,
        "size": size,
        "runtime_s": runtime_s,
        "ioengine": args.ioengine,
        "iodepth": args.iodepth,
        "patterns": list(patterns),
        "job_file": job,
    }
    if refusal is not None:
        parameters["direct_io_fallback"] = refusal
    doc_out = result(
        WORKLOAD,
        engine=engine,
        clock=clock,
        environment=environment(),
        parameters=parameters,
        metrics=metrics,
        error=None if proc.returncode == 0 else f"fio exited {proc.returncode}: {proc.stderr.strip()[-1500:]}",
    )
    print(json.dumps(doc_out, indent=2))
    return 0 if proc.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
