"""Fidelity of the serving load generator: the same requests through it and through ApacheBench, back to back.

Starts the aifab model server once, then at each concurrency alternates ``ab -k`` (ApacheBench, keep-alive,
the same POST body) and ``python -m aifab.bench.workloads.serving --no-stream`` (ab does not read streams,
so both measure whole requests), ``--repeat`` times each after an untimed warm-up, in alternating order,
and prints the median requests/s and mean latency of each tool and their ratio (load generator / ab). The
goal is a ratio of at least 0.9: the load generator itself must not be what limits or slows what it measures.

    apt-get install apache2-utils          # ab
    python benchmarks/bench_serving_fidelity.py                       # small model, concurrency 1,4
    python benchmarks/bench_serving_fidelity.py --size tiny --concurrency 1,2,8 --requests 64

This is a benchmark, not a test: on a busy machine the ratios move; run it on a quiet one.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

from aifab.bench.workloads.serving import Client, LocalServer, prompt_of


def run_ab(url: str, body: Path, *, concurrency: int, requests: int) -> tuple[float, float]:
    """ApacheBench's requests/s and mean time per request (ms)."""
    flags = ["-k", "-q", "-n", str(requests), "-c", str(concurrency), "-s", "300"]
    out = subprocess.run(
        ["ab", *flags, "-p", str(body), "-T", "application/json", url + "/v1/completions"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    failed = re.search(r"Failed requests:\s+(\d+)", out)
    non_2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
    if (failed and int(failed.group(1))) or non_2xx:
        raise SystemExit(f"ab saw failures:\n{out}")
    rps = re.search(r"Requests per second:\s+([\d.]+)", out)
    latency = re.search(r"Time per request:\s+([\d.]+) \[ms\] \(mean\)", out)
    if not rps or not latency:
        raise SystemExit(f"cannot read ab's output:\n{out}")
    return float(rps.group(1)), float(latency.group(1))


def run_loadgen(
    url: str, *, concurrency: int, requests: int, max_tokens: int, prompt_tokens: int
) -> tuple[float, float]:
    """The load generator's requests/s and mean latency (ms) at one concurrency, without streaming."""
    command = [sys.executable, "-m", "aifab.bench.workloads.serving", "--url", url, "--no-stream"]
    command += ["--concurrency", str(concurrency), "--requests", str(requests)]
    command += ["--max-tokens", str(max_tokens), "--prompt-tokens", str(prompt_tokens)]
    doc = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    by_name = {m["name"]: m for m in doc["metrics"]}
    if by_name["serving.errors"]["value"]:
        raise SystemExit(f"the load generator saw errors: {doc['parameters'].get('first_error')}")
    # ab's "Time per request (mean)" is concurrency x wall / requests; the same figure from the sweep's wall time.
    wall_s = doc["series"][0]["wall_s"]
    return by_name["serving.requests_per_s"]["value"], concurrency * wall_s * 1000 / requests


def compare(
    url: str, body: Path, level: int, args: argparse.Namespace
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """ab's and the load generator's (req/s, ms) runs at one concurrency.

    An untimed warm-up at this batch size first, then pairs in alternating order, so neither tool always
    meets the colder server or the same drift in the machine's load.
    """
    ab_runs: list[tuple[float, float]] = []
    ours: list[tuple[float, float]] = []
    run_ab(url, body, concurrency=level, requests=max(level, args.requests // 4))
    for rep in range(args.repeat):
        for tool in ("ab", "loadgen") if rep % 2 == 0 else ("loadgen", "ab"):
            if tool == "ab":
                ab_runs.append(run_ab(url, body, concurrency=level, requests=args.requests))
            else:
                ours.append(
                    run_loadgen(
                        url,
                        concurrency=level,
                        requests=args.requests,
                        max_tokens=args.max_tokens,
                        prompt_tokens=args.prompt_tokens,
                    )
                )
    return ab_runs, ours


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--size", default="small", choices=("tiny", "small", "medium"))
    parser.add_argument("--concurrency", default="1,4")
    parser.add_argument("--requests", type=int, default=32)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--prompt-tokens", type=int, default=128)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("ab") is None:
        print("ApacheBench is missing: apt-get install apache2-utils", file=sys.stderr)
        return 2
    server = LocalServer(size=args.size, device="auto", max_batch=8)
    try:
        url = server.start()
        with tempfile.TemporaryDirectory() as tmp:
            client = Client(urllib.parse.urlsplit(url), timeout_s=10)
            name = client.get_json("/v1/models")["data"][0]["id"]
            client.close()
            body = Path(tmp) / "body.json"
            # The load generator's own request body, byte for byte the same work for the server.
            payload = {"model": name, "max_tokens": args.max_tokens, "temperature": 0}
            body.write_text(json.dumps({**payload, "prompt": prompt_of(args.prompt_tokens)}))
            print(f"model server {args.size} at {url}; {args.requests} requests x {args.max_tokens} tokens per run")
            header = ("concurrency", "ab req/s", "loadgen req/s", "ratio", "ab ms", "loadgen ms")
            print("{:>11} {:>9} {:>13} {:>6} {:>8} {:>10}".format(*header))
            for level in (int(c) for c in args.concurrency.split(",")):
                ab_runs, ours = compare(url, body, level, args)
                ab_rps, ab_ms = (statistics.median(x) for x in zip(*ab_runs, strict=True))
                our_rps, our_ms = (statistics.median(x) for x in zip(*ours, strict=True))
                ratio = our_rps / ab_rps
                print(f"{level:>11} {ab_rps:>9.2f} {our_rps:>13.2f} {ratio:>6.2f} {ab_ms:>8.1f} {our_ms:>10.1f}")
                spread = [" ".join(f"{rps:.2f}" for rps, _ in runs) for runs in (ab_runs, ours)]
                print(f"{'':>11} runs, req/s: ab {spread[0]}; load generator {spread[1]}")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
