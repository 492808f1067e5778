"""Benchmark: estimate and validate generated designs of 10k, 50k and 100k GPUs.

Reuses :func:`bench_design_scale.generate` (DGX H100 pools of one SU, each with its own Lustre scratch, on one
InfiniBand fabric in one colo hall). For each size it prints the best wall time (of ``--repeat`` runs) of
``estimate_design`` and of ``validate`` (which runs the capacity findings too), the peak traced memory of one
estimate + validate, and the ratio of each to the smallest size measured in the same run — cost should grow
linearly with size, so the time and memory ratios should track the GPU ratio.

    python benchmarks/bench_estimate_scale.py                      # 10k, 50k, 100k GPUs
    python benchmarks/bench_estimate_scale.py --nodes-per-pool 1   # worst case: one pool per node
    python benchmarks/bench_estimate_scale.py --switch-model quantum-2-qm9700   # unbuildable at 100k

A single radix-64 QM9700 fat tree connects at most 65,536 endpoints (three tiers), so the generated fabric
uses the radix-144 quantum-x800-q3400; ``--switch-model quantum-2-qm9700`` shows the 100k design's
capacity-fabric-unbuildable finding.
"""

from __future__ import annotations

import argparse
import gc
import math
import resource
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_design_scale import GPUS_PER_NODE, generate

from aifab.capacity import DesignEstimate, estimate_design
from aifab.catalogue import load_catalogue
from aifab.design.design import Design
from aifab.validate import ValidationResult, validate


def run_once(design: Design) -> tuple[float, float, DesignEstimate, ValidationResult]:
    catalogue = load_catalogue()
    start = time.perf_counter()
    est = estimate_design(design, catalogue)
    estimated = time.perf_counter()
    result = validate(design, catalogue)
    validated = time.perf_counter()
    return estimated - start, validated - estimated, est, result


def measure(
    gpus: int, nodes_per_pool: int, switch_model: str, repeat: int
) -> tuple[float, float, float, DesignEstimate, ValidationResult]:
    """Best wall times of ``repeat`` runs, then peak traced memory of one more (tracing slows the run it watches)."""
    design = generate(gpus, nodes_per_pool, switch_model)
    runs = []
    for _ in range(repeat):
        gc.collect()
        runs.append(run_once(design))
    t_est = min(r[0] for r in runs)
    t_val = min(r[1] for r in runs)
    _, _, est, result = runs[-1]
    gc.collect()
    tracemalloc.start()
    run_once(design)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return t_est, t_val, peak / 2**20, est, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gpus", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    parser.add_argument("--nodes-per-pool", type=int, default=32)
    parser.add_argument("--switch-model", default="quantum-x800-q3400")
    parser.add_argument("--repeat", type=int, default=5, help="runs per size; the best wall time is shown")
    args = parser.parse_args()
    load_catalogue()  # warm the cache so the first size is not charged for it
    estimate_design(generate(1_000, args.nodes_per_pool, args.switch_model))  # warm imports and pydantic validators
    header = (
        f"{'GPUs':>8} {'nodes':>7} {'pools':>6} {'estimate s':>10} {'validate s':>10} {'total s':>8} "
        f"{'peak MiB':>9} {'x GPUs':>7} {'x time':>7} {'x memory':>8}  findings"
    )
    print(header)
    base: tuple[int, float, float] | None = None
    for gpus in args.gpus:
        t_est, t_val, peak, est, result = measure(gpus, args.nodes_per_pool, args.switch_model, args.repeat)
        total = t_est + t_val
        base = base or (gpus, total, peak)
        nodes = math.ceil(gpus / GPUS_PER_NODE)
        codes = Counter(d.code for d in result.diagnostics)
        found = ", ".join(f"{code} x{n}" for code, n in sorted(codes.items())) or "none"
        print(
            f"{gpus:>8,} {nodes:>7,} {len(est.pools):>6,} {t_est:>10.3f} {t_val:>10.3f} {total:>8.3f} {peak:>9.1f} "
            f"{gpus / base[0]:>7.1f} {total / base[1]:>7.2f} {peak / base[2]:>8.2f}  {found}"
        )
        f = est.fabric
        print(
            f"{'':>8} fabric {f.leaf:,}/{f.spine:,}/{f.core:,} leaf/spine/core, IT {est.it_power_kw / 1000:,.1f} MW, "
            f"facility {est.facility_power_kw / 1000:,.1f} MW, {est.racks:,} racks"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"nodes per pool: {args.nodes_per_pool}; fabric switch: {args.switch_model}; "
        f"process peak RSS {rss:.0f} MiB (includes imports)"
    )


if __name__ == "__main__":
    main()
