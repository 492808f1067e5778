"""Benchmark: ``aifab check`` as a pull-request check runs it, a cold process, split into start-up and the rest.

Times ``aifab check STACK --env ENV`` as a subprocess (median of ``--repeat`` cold starts), the start-up
alone (``python -c "import aifab.cli.main"``) and the bare interpreter (``python -c pass``), so the rest
(loading the design, the catalogue and the packs, checking, rendering) is total minus start-up. It also
says which Pulumi modules the check loads, and what importing the provider SDKs costs in a fresh process
(``pulumi_aws`` and ``pulumi_kubernetes`` load lazily: the package is cheap, each module touched is not).

Checkov on the same resources written as Terraform is out of scope here: this prints our numbers only
(and whether a ``checkov`` is installed at all).

    python benchmarks/bench_check.py                                   # stacks/uk-sovereign-training, prod
    python benchmarks/bench_check.py stacks/eu-sovereign-inference --env dev --repeat 5
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = "from aifab.cli.main import main; main()"
PROVIDER_IMPORTS = {
    "pulumi": "import pulumi",
    "pulumi_aws (package)": "import pulumi_aws",
    "pulumi_aws ec2, s3, eks, kms, iam, fsx": "import pulumi_aws as a; a.ec2.Vpc; a.s3.Bucket; a.eks.Cluster; "
    "a.kms.Key; a.iam.Role; a.fsx.LustreFileSystem",
    "pulumi_kubernetes (package)": "import pulumi_kubernetes",
    "pulumi_kubernetes core, apps, rbac, helm": "import pulumi_kubernetes as k; k.core.v1.Namespace; "
    "k.apps.v1.Deployment; k.rbac.v1.RoleBinding; k.helm.v3.Release",
    "pulumi_policy": "import pulumi_policy",
}


def cold(args: list[str], repeat: int) -> tuple[float, list[float], int]:
    """Median wall time of ``repeat`` fresh processes, every time, and the last exit code."""
    times, code = [], 0
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        code = done.returncode
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(args)} exited {code}:\n{done.stderr}")
    return statistics.median(times), times, code


def import_time(statement: str, repeat: int) -> float:
    """Median seconds that ``statement`` takes in a fresh interpreter (the interpreter itself excluded)."""
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    seconds = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        seconds.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(seconds)


def modules_loaded(stack: str, env: str) -> list[str]:
    """Which Pulumi packages ``aifab check`` has imported by the time it exits."""
    code = (
        "import sys\nfrom aifab.cli.main import cli\n"
        f"try:\n    cli(['check', {stack!r}, '--env', {env!r}], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "import json\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules if m.startswith('pulumi')})))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("stack", nargs="?", default="stacks/uk-sovereign-training")
    parser.add_argument("--env", default="prod")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    args = parser.parse_args()

    python = [sys.executable]
    total, total_runs, code = cold([*python, "-c", CLI, "check", args.stack, "--env", args.env], args.repeat)
    startup, startup_runs, _ = cold([*python, "-c", "import aifab.cli.main"], args.repeat)
    bare, _, _ = cold([*python, "-c", "pass"], args.repeat)

    def runs(values: list[float]) -> str:
        return ", ".join(f"{v:.2f}" for v in values)

    lines = [
        f"aifab check {args.stack} --env {args.env}: cold processes, median of {args.repeat} "
        f"(python {sys.version.split()[0]}, {os.cpu_count()} CPUs)",
        "",
        f"  {f'whole check (exit {code})':36} {total:6.2f} s   ({runs(total_runs)})",
        f"  {'start-up: import aifab.cli.main':36} {startup:6.2f} s   ({runs(startup_runs)})",
        f"  {'  of which the interpreter itself':36} {bare:6.2f} s",
        f"  {'the rest (load, check, render)':36} {total - startup:6.2f} s",
        f"  {'start-up share':36} {startup / total:6.0%}",
        "",
        f"Pulumi packages the check imports: {', '.join(modules_loaded(args.stack, args.env)) or 'none'}",
        "",
        f"import cost in a fresh process (median of {args.repeat}):",
    ]
    for label, statement in PROVIDER_IMPORTS.items():
        lines.append(f"  {label:42} {import_time(statement, args.repeat):6.2f} s")
    checkov = shutil.which("checkov") or importlib.util.find_spec("checkov")
    lines += [
        "",
        "checkov: "
        + ("installed" if checkov else "not installed")
        + "; the comparison with Checkov on the same resources as Terraform is out of scope of this benchmark",
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)


if __name__ == "__main__":
    main()
