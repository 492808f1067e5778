"""The result every benchmark workload prints: one JSON document, format ``aifab.bench/v1``.

A workload (``aifab.bench.workloads.<name>``) is a standalone script that prints one such document on
stdout. It imports only the standard library, its engine (torch, numpy, fio, iperf3, ...) and
``aifab.bench.workloads._result`` — so the same files run on a laptop, in CI and, copied into a
ConfigMap, in a Kubernetes Job. This module is the parent's side: it reads and checks those documents.

Each measured figure is a :class:`Metric` named ``<area>.<what>[.<detail>]`` with a unit, labels
(dtype, message size, concurrency, ...) and, where the workload took several samples, their count and
percentiles. A metric is identified by its name and labels (:meth:`Metric.key`).

>>> doc = {"format": "aifab.bench/v1", "workload": "gemm", "engine": {"name": "numpy", "version": "2.0"},
...        "started_at": "2026-12-01T10:00:00+00:00", "duration_s": 1.5,
...        "environment": {"hostname": "h", "platform": "Linux", "python": "3.11", "cpu_count": 2},
...        "metrics": [{"name": "gemm.tflops", "value": 0.1, "unit": "TFLOP/s", "labels": {"dtype": "fp32"},
...                     "samples": 5, "p50": 0.1}]}
>>> result = BenchResult.model_validate(doc)
>>> result.metrics[0].key()
'gemm.tflops{dtype=fp32}'
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aifab.errors import InputError

__all__ = [
    "FORMAT",
    "BenchResult",
    "Engine",
    "Environment",
    "Metric",
    "WorkloadName",
    "read_results",
]

FORMAT: Final = "aifab.bench/v1"

WorkloadName = Literal["gemm", "memory", "collective", "storage", "checkpoint", "network", "serving"]


class _Closed(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Engine(_Closed):
    """The tool that did the measuring: ``torch``, ``numpy``, ``fio``, ``iperf3``, ``aifab-loadgen``."""

    name: str
    version: str


class Environment(_Closed):
    """Where the workload ran. ``device`` is ``cpu`` or the accelerator's name; pool/node when on a cluster."""

    hostname: str
    platform: str
    python: str
    cpu_count: int
    device: str = "cpu"
    memory_bytes: int | None = None
    pool: str | None = None
    node: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)


class Metric(_Closed):
    """One measured figure. ``value`` is what verification compares (the median where samples > 1)."""

    name: str
    value: float
    unit: str
    labels: dict[str, str] = Field(default_factory=dict)
    samples: int = 1
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    higher_is_better: bool = True

    def key(self) -> str:
        """``name{label=value,...}`` with labels sorted: how results and expectations are matched."""
        if not self.labels:
            return self.name
        return self.name + "{" + ",".join(f"{k}={v}" for k, v in sorted(self.labels.items())) + "}"


class BenchResult(_Closed):
    """One workload run. ``error`` set means the workload failed; its metrics are then whatever it got."""

    format: Literal["aifab.bench/v1"] = "aifab.bench/v1"
    workload: WorkloadName
    engine: Engine
    started_at: str
    duration_s: float
    environment: Environment
    parameters: dict[str, Any] = Field(default_factory=dict)
    metrics: tuple[Metric, ...] = ()
    series: tuple[dict[str, Any], ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def read_results(paths: Iterable[Path]) -> list[BenchResult]:
    """Read result documents: each path is a ``.json`` file (one document or a list) or a folder of them.

    Bad input is an :class:`InputError` naming the file and the field.
    """
    results: list[BenchResult] = []
    for path in paths:
        files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
        if path.is_dir() and not files:
            raise InputError("no benchmark results (*.json) in this folder", file=str(path))
        for file in files:
            results.extend(_read_file(file))
    return results


def _read_file(file: Path) -> list[BenchResult]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(file)) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a JSON benchmark result ({exc})", file=str(file)) from exc
    documents = data if isinstance(data, list) else [data]
    out: list[BenchResult] = []
    for index, document in enumerate(documents):
        prefix = f"[{index}]." if isinstance(data, list) else ""
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise InputError(
                f"expected a benchmark result with format {FORMAT!r}", file=str(file), field=prefix + "format"
            )
        try:
            out.append(BenchResult.model_validate(document))
        except ValidationError as exc:
            problems = [
                InputError(e["msg"], file=str(file), field=prefix + ".".join(str(p) for p in e["loc"]) or None)
                for e in exc.errors()
            ]
            raise InputError.combine(problems, "not a valid benchmark result") from exc
    return out
