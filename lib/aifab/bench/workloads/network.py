"""Point-to-point TCP throughput and round-trip time through iperf3: ``python -m aifab.bench.workloads.network``.

With ``--server HOST`` the client measures against that iperf3 server (``iperf3 -s`` on the other node);
without it, the workload starts an iperf3 server on a free loopback port itself and stops it afterwards
(also on error), so a laptop or CI runner measures its loopback path. From the client's JSON (``-J``):

* ``network.throughput_gbps``: ``end.sum_received.bits_per_second`` / 1e9 (what the receiver got), with
  the per-interval rates (``intervals[].sum.bits_per_second``) as samples;
* ``network.retransmits``: ``end.sum_sent.retransmits`` (lower is better);
* ``network.rtt_us``: the kernel's smoothed TCP round-trip time, ``end.streams[].sender.mean_rtt`` in
  microseconds (Linux only; mean over streams), lower is better. This is the RTT under load.

>>> doc = {"end": {"sum_received": {"bits_per_second": 9.4e9}, "sum_sent": {"retransmits": 3},
...                "streams": [{"sender": {"mean_rtt": 40, "min_rtt": 20, "max_rtt": 90}}]},
...        "intervals": [{"sum": {"bits_per_second": 9.3e9}}, {"sum": {"bits_per_second": 9.5e9}}]}
>>> [(m["name"], m["value"]) for m in parse_iperf3(doc)]
[('network.throughput_gbps', 9.4), ('network.retransmits', 3.0), ('network.rtt_us', 40.0)]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import select
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from aifab.bench.workloads._result import Clock, environment, fail, metric, result

WORKLOAD = "network"
INSTALL = (
    "iperf3 not found: install it with your system package manager "
    "(apt-get install iperf3, dnf install iperf3, brew install iperf3)"
)


def parse_iperf3(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Metrics from an iperf3 TCP client's ``-J`` document; iperf3's own ``error`` raises ``ValueError``."""
    if doc.get("error"):
        raise ValueError(f"iperf3: {doc['error']}")
    end = doc["end"]
    intervals = [i["sum"]["bits_per_second"] / 1e9 for i in doc.get("intervals", []) if not i["sum"].get("omitted")]
    metrics = [
        metric(
            "network.throughput_gbps",
            end["sum_received"]["bits_per_second"] / 1e9,
            "Gbit/s",
            samples=intervals if len(intervals) > 1 else None,
        ),
    ]
    if "retransmits" in end.get("sum_sent", {}):
        metrics.append(metric("network.retransmits", end["sum_sent"]["retransmits"], "1", higher_is_better=False))
    rtts = [s["sender"]["mean_rtt"] for s in end.get("streams", []) if "mean_rtt" in s.get("sender", {})]
    if rtts:
        metrics.append(metric("network.rtt_us", sum(rtts) / len(rtts), "us", higher_is_better=False))
    return metrics


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def local_server(iperf3: str, host: str, port: int, start_timeout_s: float = 10.0) -> Iterator[None]:
    """Run ``iperf3 -s`` on ``host:port`` for the duration of the block; always stopped and reaped."""
    proc = subprocess.Popen(
        [iperf3, "-s", "-B", host, "-p", str(port), "--forceflush"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        seen = ""
        deadline = time.monotonic() + start_timeout_s
        assert proc.stdout is not None
        while "Server listening" not in seen:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"iperf3 server did not start on {host}:{port}: {seen.strip()[-500:]}")
            # Raw reads: a buffered readline would hide lines from select().
            ready, _, _ = select.select([proc.stdout], [], [], 0.1)
            if ready:
                seen += os.read(proc.stdout.fileno(), 4096).decode(errors="replace")
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def iperf3_version(iperf3: str) -> str:
    out = subprocess.run([iperf3, "--version"], capture_output=True, text=True, check=False).stdout
    words = out.split()
    return words[1] if len(words) > 1 else "unknown"


def run_client(iperf3: str, host: str, port: int, seconds: int, parallel: int) -> dict[str, Any]:
    """One iperf3 TCP client run of ``seconds`` (whole seconds: iperf3 reads ``-t`` as an integer and 0
    means unlimited), its JSON document (``ValueError`` when there is none)."""
    if seconds < 1:
        raise ValueError(f"iperf3 test time must be a whole number of seconds >= 1, got {seconds}")
    command = [iperf3, "-c", host, "-p", str(port), "-t", str(seconds), "-P", str(parallel), "-J"]
    interval = min(1.0, max(0.1, seconds / 5))
    command += ["-i", f"{interval:g}"]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    try:
        doc: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"iperf3 exited {proc.returncode} without JSON: {(proc.stderr or proc.stdout)[-500:]}"
        ) from exc
    return doc


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m aifab.bench.workloads.network", description="iperf3 TCP throughput and RTT"
    )
    parser.add_argument("--quick", action="store_true", help="2 s test (CI)")
    parser.add_argument("--server", help="iperf3 server to measure against (default: a local loopback server)")
    parser.add_argument("--port", type=int, help="server port (default 5201 with --server, else a free port)")
    parser.add_argument("--time-s", type=int, help="test length in whole seconds (default 10; 2 quick)")
    parser.add_argument("--parallel", type=int, default=1, help="parallel TCP streams (iperf3 -P)")
    args = parser.parse_args(argv)
    clock = Clock()
    iperf3 = shutil.which("iperf3")
    if iperf3 is None:
        fail(WORKLOAD, INSTALL)
    engine = ("iperf3", iperf3_version(iperf3))
    seconds = args.time_s or (2 if args.quick else 10)
    host = args.server or "127.0.0.1"
    port = args.port or (5201 if args.server else free_port(host))
    try:
        if args.server:
            doc = run_client(iperf3, host, port, seconds, args.parallel)
        else:
            with local_server(iperf3, host, port):
                doc = run_client(iperf3, host, port, seconds, args.parallel)
        metrics = parse_iperf3(doc)
    except (RuntimeError, ValueError, KeyError, subprocess.TimeoutExpired) as exc:
        fail(WORKLOAD, f"{type(exc).__name__}: {exc}" if isinstance(exc, KeyError) else str(exc), engine=engine)
    out = result(
        WORKLOAD,
        engine=engine,
        clock=clock,
        environment=environment(),
        parameters={
            "server": host,
            "port": port,
            "local_server": args.server is None,
            "protocol": "tcp",
            "time_s": seconds,
            "parallel": args.parallel,
            "iperf3_version_string": str(doc.get("start", {}).get("version", "")),
        },
        metrics=metrics,
    )
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
