"""Log a verified benchmark run to MLflow, so a team sees performance over time.

What a run records: params (the design or ``local``, environment, the workloads run, the machine or pool
they ran on, the basis of the expectations), one metric per measured figure (and its ratio to the
expected value), tags with the verdict and its counts, and as artifacts the verdict JSON and the plots.

Where: ``tracking_uri`` when given (``--tracking-uri``, else ``MLFLOW_TRACKING_URI``): a server
(``http(s)://``), Databricks, or a database (``sqlite:///...``, which needs the full ``mlflow`` package:
``mlflow-skinny`` has no SQLAlchemy). Without one, a file store in the run folder (``<run>/mlruns``).
MLflow 3 keeps its file store in maintenance mode and refuses it unless ``MLFLOW_ALLOW_FILE_STORE`` is
true; aifab sets that for its own default store only, for the duration of the call (a store that works
offline and with ``mlflow-skinny`` alone; ``mlflow migrate-filestore`` moves it to a database later).

MLflow is imported only here, when a run is logged (``--no-mlflow`` never imports it).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from aifab.bench.result import BenchResult
from aifab.bench.verify import Verification
from aifab.errors import InputError

__all__ = ["EXPERIMENT", "LoggedRun", "default_tracking_uri", "log_run", "metric_name"]

EXPERIMENT: Final = "aifab-bench"
_BATCH: Final = 500  # MLflow accepts at most 1,000 metrics and 100 params per log_batch call
_PARAM_LIMIT: Final = 6000


@dataclass(frozen=True)
class LoggedRun:
    """Where the run went: its id, experiment and the tracking URI it was logged to."""

    run_id: str
    experiment_id: str
    tracking_uri: str


def metric_name(scope: str, key: str, suffix: str = "") -> str:
    """An MLflow metric name (letters, digits, ``_ - . / :`` and spaces; at most 250 characters) for a check.

    The scope (and a suffix such as ``ratio``) are path segments; the metric and its labels one segment, so
    no name is a prefix folder of another in MLflow's file store.

    >>> metric_name("pool train", "collective.busbw_gbs{message_bytes=1024,op=all_reduce}")
    'pool_train/collective.busbw_gbs.message_bytes_1024.op_all_reduce'
    >>> metric_name("local", "gemm.tflops{dtype=fp32}", "ratio")
    'local/ratio/gemm.tflops.dtype_fp32'
    """
    name, _, labels = key.partition("{")
    metric = ".".join([name, *[label for label in labels.rstrip("}").split(",") if label]])
    parts = [scope, suffix, metric] if suffix else [scope, metric]
    cleaned = [re.sub(r"[^A-Za-z0-9_.\-]+", "_", part).strip("_") or "_" for part in parts]
    return "/".join(cleaned)[:250]


def default_tracking_uri(run_folder: Path) -> str:
    """The file store in the run folder: ``file:///.../<run>/mlruns``."""
    return (run_folder.resolve() / "mlruns").as_uri()


@contextlib.contextmanager
def _file_store_allowed(uri: str) -> Iterator[None]:
    """MLflow 3 refuses its file store unless told; allow it for a ``file:`` store for this call only."""
    if not uri.startswith("file:"):
        yield
        return
    before = os.environ.get("MLFLOW_ALLOW_FILE_STORE")
    os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("MLFLOW_ALLOW_FILE_STORE", None)
        else:
            os.environ["MLFLOW_ALLOW_FILE_STORE"] = before


def _machine(results: list[BenchResult]) -> str:
    seen = sorted(
        {
            f"{r.environment.hostname} ({r.environment.device}, {r.environment.cpu_count} CPUs"
            + (f", pool {r.environment.pool}" if r.environment.pool else "")
            + ")"
            for r in results
        }
    )
    return "; ".join(seen)


def _params(verification: Verification, results: list[BenchResult], given: Mapping[str, Any]) -> dict[str, str]:
    params = {str(k): str(v) for k, v in given.items()}
    params.setdefault("workloads", ",".join(sorted({r.workload for r in results})))
    params.setdefault("machine", _machine(results))
    params.setdefault("basis", verification.basis)
    suites = sorted({str(r.parameters["suite"]) for r in results if "suite" in r.parameters})
    params.setdefault("suite", ",".join(suites) or "all")
    params.setdefault("quick", str(any(bool(r.parameters.get("quick")) for r in results)).lower())
    return {k: v[:_PARAM_LIMIT] for k, v in params.items()}


def log_run(
    verification: Verification,
    results: Iterable[BenchResult],
    *,
    tracking_uri: str | None,
    run_folder: Path,
    params: Mapping[str, Any] | None = None,
    artifacts: Iterable[Path] = (),
    experiment: str = EXPERIMENT,
) -> LoggedRun:
    """Log one MLflow run for ``verification``; :class:`InputError` when MLflow is absent or the store refuses."""
    try:
        from mlflow.entities import Metric, Param, RunTag
        from mlflow.exceptions import MlflowException
        from mlflow.tracking import MlflowClient
    except ImportError:
        raise InputError(
            "MLflow is not installed: pip install 'mlflow-skinny' (or aifab's bench extra), or pass --no-mlflow",
            field="--tracking-uri",
        ) from None
    uri = tracking_uri or default_tracking_uri(run_folder)
    if uri.startswith("sqlite:"):
        try:
            import sqlalchemy  # noqa: F401 - only checking that the database store can work
        except ImportError:
            raise InputError(
                f"{uri} needs SQLAlchemy, which mlflow-skinny leaves out: pip install mlflow (or sqlalchemy), or use "
                "the default file store",
                field="--tracking-uri",
            ) from None
    items = list(results)
    stamp = int(time.time() * 1000)
    metrics: list[Any] = []
    for check in verification.checks:
        if check.measured is not None:
            metrics.append(Metric(metric_name(check.scope, check.key), check.measured, stamp, 0))
        if check.ratio is not None:
            metrics.append(Metric(metric_name(check.scope, check.key, "ratio"), check.ratio, stamp, 0))
    # One value per name: a metric measured twice in one scope (two nodes) keeps its last value as step 1, 2 ...
    steps: dict[str, int] = {}
    unique: list[Any] = []
    for m in metrics:
        step = steps.get(m.key, -1) + 1
        steps[m.key] = step
        unique.append(Metric(m.key, m.value, m.timestamp, step))
    counts = verification.counts()
    tags = {
        "aifab.verdict": "pass" if verification.passed else "fail",
        **{f"aifab.{name.replace('-', '_')}": str(n) for name, n in counts.items()},
        "mlflow.note.content": verification.summary(),
    }
    try:
        with _file_store_allowed(uri):
            client = MlflowClient(tracking_uri=uri)
            found = client.get_experiment_by_name(experiment)
            experiment_id = found.experiment_id if found is not None else client.create_experiment(experiment)
            run = client.create_run(experiment_id, run_name=f"bench {verification.basis}"[:250])
            run_id = run.info.run_id
            param_items = [Param(k, v) for k, v in _params(verification, items, params or {}).items()]
            client.log_batch(run_id, params=param_items, tags=[RunTag(k, v) for k, v in tags.items()])
            for start in range(0, len(unique), _BATCH):
                client.log_batch(run_id, metrics=unique[start : start + _BATCH])
            with tempfile.TemporaryDirectory(prefix="aifab-verdict-") as tmp:
                verdict = Path(tmp) / "verdict.json"
                verdict.write_text(json.dumps(verification.to_json(), indent=2) + "\n", encoding="utf-8")
                client.log_artifact(run_id, str(verdict))
            for path in artifacts:
                client.log_artifact(run_id, str(path), artifact_path="plots")
            client.set_terminated(run_id, "FINISHED")
    except MlflowException as exc:
        raise InputError(f"MLflow refused the run at {uri}: {exc.message}", field="--tracking-uri") from None
    except OSError as exc:
        raise InputError(
            f"cannot write the MLflow run at {uri}: {exc.strerror or exc} (give --tracking-uri, or --no-mlflow)",
            field="--tracking-uri",
        ) from None
    return LoggedRun(run_id=run_id, experiment_id=experiment_id, tracking_uri=uri)
