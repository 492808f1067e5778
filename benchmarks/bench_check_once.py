"""Profile ``aifab check`` on a reference stack: how many capacity estimates it makes, and what share of its
time they take.

Runs :func:`aifab.policy.check_design` under :mod:`cProfile` and counts calls of the capacity estimate
(``aifab.capacity.estimate._estimate``, which every entry point — ``estimate_design``, ``capacity_findings``,
``assess_design`` — goes through). It then times one check against one ``estimate_design`` of the same
design (best of ``--repeat``) and prints ratios only, so the numbers compare across machines:

    python benchmarks/bench_check_once.py                                  # stacks/uk-sovereign-training
    python benchmarks/bench_check_once.py stacks/eu-sovereign-inference --env prod

On the UK reference stack this prints ``capacity estimates per check: 1`` (it was 2 before the estimate
was handed from validation to the rules).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import time
from collections.abc import Callable
from pathlib import Path

from aifab.capacity import estimate_design
from aifab.catalogue import load_catalogue
from aifab.design.loader import load_design
from aifab.policy import builtin_policies_dir, check_design, load_packs, load_policy_config, load_waivers

ROOT = Path(__file__).resolve().parents[1]


def best(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stack", nargs="?", default=str(ROOT / "stacks" / "uk-sovereign-training"))
    parser.add_argument("--env", default="prod")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    stack = Path(args.stack)
    loaded = load_design(stack, env=args.env)
    packs = load_packs(builtin_policies_dir())
    config = load_policy_config(stack / "policy.yaml", packs)
    waivers = load_waivers(stack / "waivers.yaml", packs)
    catalogue = load_catalogue()

    def check() -> object:
        return check_design(loaded, packs, config=config, waivers=waivers, catalogue=catalogue, today=dt.date.today())

    check()  # warm imports and pydantic validators
    profile = cProfile.Profile()
    profile.runcall(check)
    stats = pstats.Stats(profile)
    estimates = sum(
        calls
        for (file, _, name), (calls, *_rest) in stats.stats.items()  # type: ignore[attr-defined]
        if name == "_estimate" and file.endswith("capacity/estimate.py")
    )
    check_s = best(check, args.repeat)
    estimate_s = best(lambda: estimate_design(loaded.design, catalogue), args.repeat)
    print(f"stack: {stack.name} (env {args.env})")
    print(f"capacity estimates per check: {estimates}")
    print(f"check time / one estimate time: {check_s / estimate_s:.1f}x")


if __name__ == "__main__":
    main()
