"""Run the benchmark workloads as processes on this machine (``aifab bench run --local``).

Each workload runs as ``sys.executable -m aifab.bench.workloads.<module> [--quick]`` in its own process
group with a time limit; its stdout (one ``aifab.bench/v1`` document) is written to
``out_dir/<module>.json`` and read back with :func:`aifab.bench.result.read_results`. A workload that
fails, times out, prints no valid result or is missing altogether still leaves a result there, one that
carries ``error`` with the tail of its stderr, and the others run on.

>>> SUITES["compute"], SUITES["storage"]
(('gemm', 'memory'), ('storage', 'checkpoint'))
>>> suite_workloads("network")
('network',)
>>> suite_workloads("gpu")
Traceback (most recent call last):
aifab.errors.InputError: --suite: unknown suite 'gpu'; expected one of all, compute, collectives, storage, ...serving
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from aifab.bench.result import BenchResult, Engine, Environment, WorkloadName, read_results
from aifab.bench.workloads._result import environment
from aifab.errors import InputError

__all__ = [
    "SUITES",
    "WORKLOADS",
    "WorkloadSpec",
    "run_local",
    "run_workloads",
    "suite_workloads",
]


@dataclass(frozen=True)
class WorkloadSpec:
    """How to run one workload module locally.

    ``timeout_s``/``quick_timeout_s`` bound the process (the quick budgets add up to well under two
    minutes on a 2-core machine; the full ones allow the default sizes).
    """

    module: str
    workload: WorkloadName
    timeout_s: float = 900.0
    quick_timeout_s: float = 60.0
    args: tuple[str, ...] = field(default=())

    def command(self, *, quick: bool) -> list[str]:
        return [
            sys.executable,
            "-m",
            f"aifab.bench.workloads.{self.module}",
            *self.args,
            *(["--quick"] if quick else []),
        ]


WORKLOADS: Final[dict[str, WorkloadSpec]] = {
    spec.module: spec
    for spec in (
        WorkloadSpec("gemm", "gemm", quick_timeout_s=60),
        WorkloadSpec("memory", "memory", quick_timeout_s=60),
        WorkloadSpec("collectives", "collective", timeout_s=1800, quick_timeout_s=90),
        WorkloadSpec("storage", "storage", quick_timeout_s=60),
        WorkloadSpec("checkpoint", "checkpoint", quick_timeout_s=60),
        WorkloadSpec("network", "network", quick_timeout_s=60),
        WorkloadSpec("serving", "serving", timeout_s=1800, quick_timeout_s=90),
    )
}
"""Workload module -> how it runs; the module is ``aifab.bench.workloads.<key>``."""

SUITES: Final[dict[str, tuple[str, ...]]] = {
    "all": tuple(WORKLOADS),
    "compute": ("gemm", "memory"),
    "collectives": ("collectives",),
    "storage": ("storage", "checkpoint"),
    "network": ("network",),
    "serving": ("serving",),
}
"""Suite name -> the workload modules it runs, in order."""


def suite_workloads(suite: str) -> tuple[str, ...]:
    """The workload modules of ``suite``; an unknown name is an :class:`InputError` listing the suites."""
    if suite not in SUITES:
        raise InputError(f"unknown suite {suite!r}; expected one of {', '.join(SUITES)}", field="--suite")
    return SUITES[suite]


def run_local(suite: str = "all", *, quick: bool, out_dir: Path, progress: bool = True) -> list[BenchResult]:
    """Run every workload of ``suite`` here, one after another; one result per workload, in suite order."""
    names = suite_workloads(suite)
    return run_workloads([WORKLOADS[name] for name in names], quick=quick, out_dir=out_dir, progress=progress)


def run_workloads(
    specs: Sequence[WorkloadSpec], *, quick: bool, out_dir: Path, progress: bool = True
) -> list[BenchResult]:
    """Run ``specs`` as subprocesses, write ``out_dir/<module>.json`` for each and read them back."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[BenchResult] = []
    with _progress(progress, len(specs)) as advance:
        for spec in specs:
            advance(spec.module)
            results.append(_run_one(spec, quick=quick, out_dir=out_dir))
        advance(None)
    return results


_Advance = Callable[[str | None], None]


@contextlib.contextmanager
def _progress(enabled: bool, total: int) -> Iterator[_Advance]:
    """A rich progress bar on stderr; ``advance(name)`` marks the previous workload done, starts ``name``."""
    if not enabled:
        yield lambda name: None
        return
    bar = Progress(
        TextColumn("[bold]bench[/] {task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    task = bar.add_task("starting", total=total)
    started = False

    def advance(name: str | None) -> None:
        nonlocal started
        if started:
            bar.advance(task)
        started = True
        bar.update(task, description=name or "done")

    with bar:
        yield advance


def _lib_root() -> str:
    """The folder holding the ``aifab`` package: the workloads import these same files."""
    return str(Path(__file__).resolve().parents[2])


def _run_one(spec: WorkloadSpec, *, quick: bool, out_dir: Path) -> BenchResult:
    target = out_dir / f"{spec.module}.json"
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_lib_root(), env.get("PYTHONPATH", "")) if p)
    timeout = spec.quick_timeout_s if quick else spec.timeout_s
    stdout, stderr, code = _spawn(spec.command(quick=quick), env=env, timeout_s=timeout)

    def failed(message: str) -> BenchResult:
        tail = stderr.strip()[-1500:]
        outcome = _failure(spec, started, time.perf_counter() - t0, f"{message}: {tail}" if tail else message)
        target.write_text(outcome.model_dump_json(indent=2, exclude_none=True) + "\n", encoding="utf-8")
        return outcome

    if code is None:
        return failed(f"timed out after {timeout:g} s (stopped)")
    if not stdout.strip():
        return failed(f"exited {code} without a result")
    target.write_text(stdout, encoding="utf-8")
    try:
        (result,) = read_results([target])
    except (InputError, ValueError) as exc:
        return failed(f"exited {code}; its output is not one benchmark result ({str(exc).splitlines()[0]})")
    if code != 0 and result.ok:
        # A process that failed after printing a clean result: keep its numbers, record the failure.
        result = result.model_copy(update={"error": f"exited {code}: {stderr.strip()[-1500:]}"})
        target.write_text(result.model_dump_json(indent=2, exclude_none=True) + "\n", encoding="utf-8")
    return result


def _spawn(command: list[str], *, env: dict[str, str], timeout_s: float) -> tuple[str, str, int | None]:
    """Run ``command`` in its own process group; on timeout the whole group (torchrun's workers, the
    iperf3 or model server a workload started) is killed. Exit code None means it timed out."""
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        _await_group_exit(proc.pid, timeout_s=3.0)
        return out, err, None
    return out, err, proc.returncode


def _await_group_exit(pgid: int, *, timeout_s: float) -> None:
    """Wait (bounded) until the killed group's other members are gone too, so their ports and files are
    released before the next workload starts; SIGKILL is delivered asynchronously."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.05)


def _failure(spec: WorkloadSpec, started_at: str, duration_s: float, message: str) -> BenchResult:
    return BenchResult(
        workload=spec.workload,
        engine=Engine(name="none", version=""),
        started_at=started_at,
        duration_s=duration_s,
        # described as the workloads describe where they run
        environment=Environment.model_validate(environment()),
        parameters={"module": f"aifab.bench.workloads.{spec.module}"},
        error=f"{spec.module}: {message}",
    )
