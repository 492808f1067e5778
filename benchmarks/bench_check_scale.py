"""Benchmark: ``aifab check`` (every pack, no preview) on generated designs of 2,500, 25,000 and 250,000 components.

Prints wall time and peak memory per size and each size's time relative to the size ten times smaller
(measured in the same run; linear is 10x, the issue allows about 12x), then loads the 25,000-component
design from its exported YAML (about 10 MB) and times that, and times ``aifab --version`` in a fresh process.

    python benchmarks/bench_check_scale.py                          # 2,500 and 25,000 components
    python benchmarks/bench_check_scale.py --large                  # also 250,000 (minutes, several GiB)
    python benchmarks/bench_check_scale.py --output benchmarks/results/check-scale.txt

The designs are those of ``bench_design_scale.py`` with one GPU pool (and one scratch file system) per
node, so the component count is about twice the node count. Peak memory is traced (``tracemalloc``) on a
second run of each size, because tracing slows the run it watches.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bench_design_scale import GPUS_PER_NODE, generate

from aifab.catalogue import load_catalogue
from aifab.design.design import Design
from aifab.design.export import export_design
from aifab.design.loader import LoadedDesign, load_design
from aifab.policy.config import PolicyConfig
from aifab.policy.engine import check_design
from aifab.policy.packs import PackSet, builtin_policies_dir, load_packs
from aifab.policy.waivers import WaiverFile

ROOT = Path(__file__).resolve().parents[1]
FIXED = 9  # the components every generated design has besides its pools and file systems
TODAY = dt.date(2026, 12, 1)
T = TypeVar("T")


def design_of(components: int) -> Design:
    """A generated design of about ``components`` components (two per node, plus the shared ones)."""
    nodes = max(1, (components - FIXED) // 2)
    return generate(nodes * GPUS_PER_NODE, nodes_per_pool=1)


def check(loaded: LoadedDesign, packs: PackSet) -> int:
    """``aifab check --no-preview`` with every pack; returns the number of findings."""
    result = check_design(
        loaded,
        packs,
        config=PolicyConfig(),
        waivers=WaiverFile(),
        catalogue=load_catalogue(),
        today=TODAY,
        only_packs=tuple(packs.packs),
    )
    return len(result.findings)


def timed(run: Callable[[], T]) -> tuple[T, float, float, float]:
    """What one run returns, its wall and CPU seconds, then the peak traced MiB of a second run."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    result = run()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    gc.collect()
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, elapsed, cpu, peak / 2**20


def version_time(repeat: int = 7) -> float:
    """Median wall seconds of ``aifab --version`` in a fresh process (the interpreter's own start-up included)."""
    code = "from aifab.cli.main import main; main()"
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, "--version"], cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_500, 25_000])
    parser.add_argument("--large", action="store_true", help="also check 250,000 components (minutes, GiB)")
    parser.add_argument("--yaml-size", type=int, default=25_000, help="components of the YAML loaded; 0: none")
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    sizes = [*args.sizes, 250_000] if args.large else args.sizes
    packs = load_packs(builtin_policies_dir())
    load_catalogue()  # warm the cache so the first size is not charged for it
    lines = [
        f"aifab check, every pack ({len(packs.packs)} packs, {len(packs.rules)} rules), no preview; "
        f"Python {platform.python_version()} on {platform.machine()}",
        f"{'components':>10} {'findings':>9} {'wall s':>8} {'CPU s':>7} {'peak MiB':>9} {'x prev':>7}",
    ]
    print(*lines, sep="\n", flush=True)
    previous: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp) / "design.py"
        check(LoadedDesign(design=design_of(100), file=where, stack_dir=None, env=None), packs)  # first use
        for size in sizes:
            design = design_of(size)
            loaded = LoadedDesign(design=design, file=where, stack_dir=None, env=None)
            findings, elapsed, cpu, peak = timed(functools.partial(check, loaded, packs))
            # x prev: CPU time against the size ten times smaller (wall time moves with the machine's load)
            ratio = f"{cpu / previous[1]:>6.1f}x" if previous and size == previous[0] * 10 else f"{'':>7}"
            line = f"{len(design.components):>10,} {findings:>9,} {elapsed:>8.2f} {cpu:>7.2f} {peak:>9.0f} {ratio}"
            print(line, flush=True)
            lines.append(line)
            previous = (size, cpu)
        if not args.yaml_size:
            return _finish(lines, args.output)
        design = design_of(args.yaml_size)
        path = Path(tmp) / "design.yaml"
        path.write_text(export_design(design), encoding="utf-8")
        megabytes = path.stat().st_size / 1e6
        reloaded, elapsed, cpu, peak = timed(functools.partial(load_design, path))
        assert reloaded.design == design
        line = (
            f"load_design of the exported YAML: {len(design.components):,} components, {megabytes:.1f} MB: "
            f"{elapsed:.2f} s wall, {cpu:.2f} s CPU, peak {peak:.0f} MiB"
        )
        print(line, flush=True)
        lines.append(line)
    line = f"aifab --version (fresh process, median of 7): {version_time():.3f} s"
    print(line)
    _finish([*lines, line], args.output)


def _finish(lines: list[str], output: Path | None) -> None:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [*lines, f"process peak RSS {rss:.0f} MiB (includes imports)"]
    print(lines[-1])
    if output:
        output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
