"""Benchmark: the fuzz suite's generators (``tests/hardening/fuzzing.py``) at scale, on the real CLI.

For each input class (designs, catalogue overrides, policy and waiver files, ``estimate --set`` values) it
draws ``--examples`` cases, runs each in a fresh temporary folder and counts exit codes. A case that ends
with exit 3, a traceback, an escaped exception or JSON/SARIF output that does not parse is a failure: its
files and arguments are saved under ``--failures`` (one folder per case, with ``case.json``).

    python benchmarks/fuzz_inputs.py --examples 2000
    python benchmarks/fuzz_inputs.py --examples 300 --output benchmarks/results/fuzz.txt
"""

from __future__ import annotations

import argparse
import collections
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hardening.fuzzing import STRATEGIES, Case, run_case, verdict  # noqa: E402


def fuzz(
    name: str, examples: int, failures: Path, random_seed: int
) -> tuple[collections.Counter[str], list[str], float]:
    counts: collections.Counter[str] = collections.Counter()
    problems: list[str] = []

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],  # every failure is recorded as drawn; nothing is raised, so nothing to shrink
        suppress_health_check=list(HealthCheck),
    )
    @given(STRATEGIES[name])
    def one(case: Case) -> None:
        with tempfile.TemporaryDirectory() as folder:
            outcome = run_case(case, Path(folder))
        problem = verdict(case, outcome)
        counts[f"exit {outcome.exit_code}"] += 1
        if problem is not None:
            counts["failures"] += 1
            keep = failures / f"{name}-{len(problems):04d}"
            keep.mkdir(parents=True, exist_ok=True)
            for file, text in case.files.items():
                (keep / file).write_text(text, encoding="utf-8", errors="surrogatepass")
            (keep / "case.json").write_text(
                json.dumps({"args": case.args, "problem": problem, "stdout": outcome.stdout[-2000:]}, indent=2)
            )
            problems.append(f"{keep.name}: {problem.splitlines()[0] if problem else ''}")

    start = time.perf_counter()
    seed(random_seed)(one)()
    return counts, problems, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--examples", type=int, default=2000, help="cases per input class (default 2000)")
    parser.add_argument("--only", choices=sorted(STRATEGIES), action="append", help="input classes to run")
    parser.add_argument("--failures", type=Path, default=Path("out/fuzz-failures"), help="folder for failing inputs")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed")
    parser.add_argument("--output", type=Path, help="also write the summary to this file")
    args = parser.parse_args()
    lines = [
        f"aifab fuzz run: {args.examples} cases per class, seed {args.seed}, "
        f"Python {platform.python_version()} on {platform.machine()}",
    ]
    print(lines[0], flush=True)
    total = 0
    failed = 0
    for name in args.only or sorted(STRATEGIES):
        counts, problems, seconds = fuzz(name, args.examples, args.failures, args.seed)
        n = sum(v for k, v in counts.items() if k.startswith("exit"))
        total += n
        failed += counts["failures"]
        exits = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()) if k.startswith("exit"))
        line = f"{name:<11} {n:>6} cases in {seconds:7.1f} s  ({exits}); failures: {counts['failures']}"
        lines.append(line)
        print(line, flush=True)
        for p in problems[:20]:
            lines.append(f"    {p}")
            print(f"    {p}", flush=True)
    lines.append(f"total {total} cases, {failed} failures" + (f" (inputs under {args.failures})" if failed else ""))
    print(lines[-1])
    if args.output:
        args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
