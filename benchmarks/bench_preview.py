"""Benchmark: the offline preview's recorder against the Pulumi SDK's bare mocks, on 1,000 generated resources.

The same generated program (an AWS VPC with subnets that depend on it, S3 buckets each with a versioning
resource that depends on its bucket, a Kubernetes namespace with ConfigMaps in it) runs

(a) through :func:`aifab.preview.capture.run_function`, the recorder ``aifab preview`` uses
    (:class:`~aifab.preview.capture.CaptureMonitor` + :class:`~aifab.preview.capture.FabricatingMocks`), and
(b) under the SDK's bare mocks: ``pulumi.runtime.set_mocks`` with a trivial ``Mocks`` and the stock
    ``pulumi.runtime.mocks.MockMonitor``, waiting for every registration as the SDK's own runner does.

Each run is a fresh process (imports warmed before the clock starts, so only the run is timed); the
figure is the median of ``--repeat`` runs. Peak memory is the process's peak RSS (``getrusage``) and its
growth during the run. The goal for the recorder is at most 1.3x the bare mocks' wall time.

    python benchmarks/bench_preview.py                       # 1,000 resources, median of 3
    python benchmarks/bench_preview.py --resources 200 --repeat 1
    python benchmarks/bench_preview.py --profile             # where the recorder's time goes (cProfile)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

GOAL = 1.3


def program(total: int) -> None:
    """Register ``total`` resources (including the VPC, the namespace and the k8s provider) in a mix."""
    import pulumi
    import pulumi_aws as aws
    import pulumi_kubernetes as k8s

    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", tags={"Name": "bench"})
    provider = k8s.Provider("k8s", kubeconfig="{}")
    namespace = k8s.core.v1.Namespace(
        "bench", metadata={"name": "bench"}, opts=pulumi.ResourceOptions(provider=provider)
    )
    left = total - 3
    subnets, buckets = left // 3, left // 6  # each bucket comes with its versioning resource
    configmaps = left - subnets - 2 * buckets
    for i in range(subnets):
        aws.ec2.Subnet(
            f"subnet-{i}",
            vpc_id=vpc.id,
            cidr_block=f"10.0.{i % 256}.{(i // 256) * 16}/28",
            tags={"Name": f"subnet-{i}", "tier": "private"},
        )
    for i in range(buckets):
        bucket = aws.s3.Bucket(f"bucket-{i}", tags={"data-class": "internal"})
        aws.s3.BucketVersioning(
            f"bucket-{i}-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"}
        )
    for i in range(configmaps):
        k8s.core.v1.ConfigMap(
            f"config-{i}",
            metadata={"namespace": namespace.metadata["name"], "labels": {"app": "bench"}},
            data={"index": str(i), "payload": "x" * 64},
            opts=pulumi.ResourceOptions(provider=provider),
        )


def warm_imports() -> None:
    """Load the provider classes the program uses, so the timed run measures registration only."""
    import pulumi_aws as aws
    import pulumi_kubernetes as k8s

    for cls in (aws.ec2.Vpc, aws.ec2.Subnet, aws.s3.Bucket, aws.s3.BucketVersioning):
        assert cls
    for k8s_cls in (k8s.Provider, k8s.core.v1.Namespace, k8s.core.v1.ConfigMap):
        assert k8s_cls


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_recorder(total: int) -> int:
    from aifab.preview.capture import run_function

    capture = run_function(lambda: program(total), project="bench", stack="dev", config={"aws:region": "eu-west-2"})
    return len(capture.resources(providers=True))


def run_bare(total: int) -> int:
    import pulumi
    from pulumi.runtime.stack import wait_for_rpcs
    from pulumi.runtime.sync_await import _sync_await

    class Trivial(pulumi.runtime.Mocks):
        count = 0

        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
            Trivial.count += 1
            return f"{args.name}-id", dict(args.inputs)

        def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
            return {}, None

    pulumi.runtime.set_mocks(Trivial(), project="bench", stack="dev", preview=True)
    program(total)
    _sync_await(wait_for_rpcs())
    return Trivial.count  # the root stack never reaches the mocks


def worker(mode: str, total: int, profile: bool) -> dict[str, Any]:
    warm_imports()
    import aifab.preview.capture  # noqa: F401  (its import is not part of the run either)

    before = max_rss_mb()
    run = run_recorder if mode == "recorder" else run_bare
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        start = time.perf_counter()
        count = profiler.runcall(run, total)
        wall = time.perf_counter() - start
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(25)
    else:
        start = time.perf_counter()
        count = run(total)
        wall = time.perf_counter() - start
    return {"mode": mode, "wall_s": wall, "resources": count, "rss_before_mb": before, "peak_rss_mb": max_rss_mb()}


def measure(mode: str, total: int, repeat: int) -> list[dict[str, Any]]:
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, __file__, "--worker", mode, "--resources", str(total)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="profile one recorder run (to stderr)")
    parser.add_argument("--worker", choices=["recorder", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    args = parser.parse_args()

    if args.worker:
        print(json.dumps(worker(args.worker, args.resources, args.profile)))
        return
    if args.profile:
        print(json.dumps(worker("recorder", args.resources, True)))
        return

    results = {mode: measure(mode, args.resources, args.repeat) for mode in ("recorder", "bare")}
    lines = [
        f"offline preview of a generated program, {args.resources} resources "
        f"(median of {args.repeat} fresh processes, imports warmed before timing)",
        f"python {sys.version.split()[0]}, {_versions()}",
        "",
        f"{'':28}{'wall (s)':>10}{'runs (s)':>26}{'peak RSS (MB)':>15}{'run adds (MB)':>15}{'resources':>11}",
    ]
    medians = {}
    for mode, label in (("recorder", "(a) aifab recorder"), ("bare", "(b) SDK bare mocks")):
        runs = results[mode]
        medians[mode] = statistics.median(r["wall_s"] for r in runs)
        peak = max(r["peak_rss_mb"] for r in runs)
        grew = max(r["peak_rss_mb"] - r["rss_before_mb"] for r in runs)
        shown = ", ".join(f"{r['wall_s']:.2f}" for r in runs)
        lines.append(f"{label:28}{medians[mode]:>10.2f}{shown:>26}{peak:>15.0f}{grew:>15.0f}{runs[0]['resources']:>11}")
    ratio = medians["recorder"] / medians["bare"]
    best = min(r["wall_s"] for r in results["recorder"]) / min(r["wall_s"] for r in results["bare"])
    verdict = "meets" if ratio <= GOAL else "misses"
    lines += [
        "",
        f"ratio a/b: {ratio:.2f}x on medians ({verdict} the goal of at most {GOAL}x); {best:.2f}x on the best runs",
        f"load average at the end: {', '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs",
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)


def _versions() -> str:
    from importlib.metadata import version

    return ", ".join(f"{name} {version(name)}" for name in ("pulumi", "pulumi_aws", "pulumi_kubernetes"))


if __name__ == "__main__":
    main()
