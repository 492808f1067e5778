"""Helpers every workload uses to build and print its ``aifab.bench/v1`` result (standard library only).

The workloads run where aifab is not installed (a Kubernetes Job gets them as files), so this module and
the workloads import nothing from aifab but this package. :mod:`aifab.bench.result` is the reading side.

>>> m = metric("gemm.tflops", 1.5, "TFLOP/s", labels={"dtype": "fp32"}, samples=[1.0, 1.5, 2.0])
>>> (m["value"], m["samples"], m["p50"])
(1.5, 3, 1.5)
>>> percentile([1.0, 2.0, 3.0, 4.0], 50)
2.5
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import platform
import socket
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

FORMAT = "aifab.bench/v1"

__all__ = ["FORMAT", "Clock", "array_engine", "environment", "fail", "metric", "percentile", "result"]


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default method), ``q`` in 0..100."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def metric(
    name: str,
    value: float,
    unit: str,
    *,
    labels: Mapping[str, object] | None = None,
    samples: Sequence[float] | None = None,
    higher_is_better: bool = True,
) -> dict[str, Any]:
    """One metric; with ``samples`` the count and p50/p95/p99 are filled in (``value`` stays as given)."""
    out: dict[str, Any] = {
        "name": name,
        "value": float(value),
        "unit": unit,
        "labels": {str(k): str(v) for k, v in (labels or {}).items()},
        "higher_is_better": higher_is_better,
    }
    if samples:
        out["samples"] = len(samples)
        out.update({f"p{q}": percentile(samples, q) for q in (50, 95, 99)})
    return out


def environment(device: str = "cpu", **extra: str) -> dict[str, Any]:
    """Where this process runs; pool and node come from ``AIFAB_POOL`` / ``AIFAB_NODE`` (set by the Job)."""
    memory: int | None = None
    with contextlib.suppress(ValueError, OSError, AttributeError):
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    env: dict[str, Any] = {
        "hostname": socket.gethostname(),
        "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
        "cpu_count": os.cpu_count() or 1,
        "device": device,
        "memory_bytes": memory,
        "extra": {str(k): str(v) for k, v in extra.items()},
    }
    for key, var in (("pool", "AIFAB_POOL"), ("node", "AIFAB_NODE")):
        if os.environ.get(var):
            env[key] = os.environ[var]
    return env


class Clock:
    """Start time (UTC, ISO 8601) and elapsed seconds of a workload run."""

    def __init__(self) -> None:
        self.started_at = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        self._start = time.perf_counter()

    def elapsed_s(self) -> float:
        return time.perf_counter() - self._start


def result(
    workload: str,
    *,
    engine: tuple[str, str],
    clock: Clock,
    environment: Mapping[str, Any],
    parameters: Mapping[str, Any] | None = None,
    metrics: Sequence[Mapping[str, Any]] = (),
    series: Sequence[Mapping[str, Any]] = (),
    error: str | None = None,
) -> dict[str, Any]:
    """The whole result document."""
    doc: dict[str, Any] = {
        "format": FORMAT,
        "workload": workload,
        "engine": {"name": engine[0], "version": engine[1]},
        "started_at": clock.started_at,
        "duration_s": clock.elapsed_s(),
        "environment": dict(environment),
        "parameters": dict(parameters or {}),
        "metrics": [dict(m) for m in metrics],
        "series": [dict(s) for s in series],
    }
    if error is not None:
        doc["error"] = error
    return doc


def fail(workload: str, message: str, *, engine: tuple[str, str] = ("none", "")) -> NoReturn:
    """Print a result that carries ``error`` (so the run still has a record) and exit 1.

    A missing engine is a failure that names what to install, never a fallback that pretends to measure.
    """
    doc = result(workload, engine=engine, clock=Clock(), environment=environment(), error=message)
    print(json.dumps(doc, indent=2))
    print(f"{workload}: {message}", file=sys.stderr)
    raise SystemExit(1)


def array_engine(workload: str, engine: str) -> tuple[Any, Any]:
    """``(torch, None)`` or ``(None, numpy)`` for ``engine`` auto / torch / numpy: PyTorch where it is installed
    (and allowed), else NumPy; neither is a failure naming what to install."""
    torch: Any = None
    np: Any = None
    if engine in ("auto", "torch"):
        try:
            import torch
        except ImportError:
            if engine == "torch":
                fail(workload, "PyTorch is not installed: pip install torch")
    if torch is None:
        try:
            import numpy as np
        except ImportError:
            fail(workload, "neither PyTorch nor NumPy is installed: pip install torch (or numpy)")
    return torch, np
