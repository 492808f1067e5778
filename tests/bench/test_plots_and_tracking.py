"""Plots (PNG and SVG) of a verified run, and the same run logged to MLflow and read back through its client."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from aifab.bench.expect import LocalMachine, local_expectations
from aifab.bench.plots import write_plots
from aifab.bench.result import BenchResult
from aifab.bench.tracking import log_run, metric_name
from aifab.bench.verify import Verification, verify
from tests.bench.test_verify import m, result

PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Run:
    folder: Path
    results: list[BenchResult]
    verification: Verification
    plots: list[Path]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One local run with every kind of figure: a gloo sweep (over the loopback model), GEMM, storage, serving."""
    folder = tmp_path_factory.mktemp("bench-run")
    machine = LocalMachine(
        cpu_model="test CPU",
        cores=2,
        ghz=2.0,
        ghz_source="stated",
        flags=("avx2", "fma"),
        loopback_gbs=2.0,
        loopback_source="stated for the test",
    )
    expectations = local_expectations(machine)
    # roughly a gloo sweep: latency-bound small messages, then a plateau under the 2 GB/s loopback
    sweep = [
        m("collective.busbw_gbs", peak * size / (size + 2**17), "GB/s", op=op, message_bytes=str(size))
        for op, peak in (("all_reduce", 1.7), ("all_gather", 1.2))
        for size in (2**k for k in range(10, 27, 4))
    ]
    serving = [
        metric
        for c in (1, 2, 4, 8)
        for metric in (
            m("serving.tokens_per_s", 40.0 * c**0.8, "tokens/s", concurrency=str(c)),
            m("serving.requests_per_s", 2.0 * c**0.6, "req/s", concurrency=str(c)),
            {**m("serving.latency_ms", 100.0 + 20 * c, "ms", False, concurrency=str(c)), "p95": 130.0 + 30 * c},
            m("serving.ttft_ms", 20.0 + 5 * c, "ms", False, concurrency=str(c)),
            m("serving.errors", 0, "requests", False, concurrency=str(c)),
        )
    ]
    results = [
        result("collective", sweep, parameters={"world_size": 2, "quick": True}),
        result(
            "gemm", [m("gemm.tflops", 0.05, "TFLOP/s", dtype="fp32"), m("gemm.tflops", 0.4, "TFLOP/s", dtype="bf16")]
        ),
        result(
            "storage",
            [m("storage.bw_mbs", 900.0, "MB/s", pattern=p) for p in ("seq_read", "seq_write")]
            + [m("storage.iops", 9000.0, "IO/s", pattern=p) for p in ("rand_read", "rand_write")],
        ),
        result("checkpoint", [m("checkpoint.write_gbs", 0.05, "GB/s"), m("checkpoint.restore_gbs", 0.9, "GB/s")]),
        result("serving", serving),
    ]
    verification = verify(results, expectations)
    plots = write_plots(folder / "plots", results, verification, expectations)
    return Run(folder, results, verification, plots)


def test_every_kind_is_plotted_as_png_and_svg(run: Run) -> None:
    names = sorted(p.name for p in run.plots)
    kinds = ("collective", "gemm", "serving", "storage")
    assert names == sorted(f"local-{kind}.{ext}" for kind in kinds for ext in ("png", "svg"))
    for path in run.plots:
        data = path.read_bytes()
        if path.suffix == ".png":
            assert data.startswith(PNG) and len(data) > 10_000
        else:
            root = ET.fromstring(data)
            assert root.tag.endswith("svg")
            assert b"<dc:date>" not in data  # no timestamp: the same run gives the same file


def test_collective_plot_draws_the_model_curve_over_the_measured_points(run: Run) -> None:
    svg = (run.folder / "plots" / "local-collective.svg").read_text()
    assert "all_reduce model" in svg and "all_reduce measured" in svg and "all_gather model" in svg
    assert "no model curve" not in svg


def test_plot_folder_that_is_a_file_is_an_input_error(run: Run, tmp_path: Path) -> None:
    from aifab.bench.expect import LocalMachine, local_expectations
    from aifab.errors import InputError

    blocker = tmp_path / "plots"
    blocker.write_text("not a folder")
    machine = LocalMachine(cpu_model="x", cores=1, ghz=1.0, ghz_source="s")
    with pytest.raises(InputError, match="not a folder"):
        write_plots(blocker, run.results, run.verification, local_expectations(machine))


def test_mlflow_run_is_written_and_read_back(run: Run) -> None:
    from mlflow.tracking import MlflowClient

    logged = log_run(
        run.verification,
        run.results,
        tracking_uri=None,
        run_folder=run.folder,
        params={"design": "local", "env": ""},
        artifacts=run.plots,
    )
    assert logged.tracking_uri == (run.folder / "mlruns").resolve().as_uri()  # the default store: the run folder
    import os

    os.environ.pop("MLFLOW_ALLOW_FILE_STORE", None)  # set only while logging
    os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"  # reading the file store back needs it too
    try:
        client = MlflowClient(tracking_uri=logged.tracking_uri)
        back = client.get_run(logged.run_id)
        artifacts = {a.path for a in client.list_artifacts(logged.run_id)}
        plots = {a.path for a in client.list_artifacts(logged.run_id, "plots")}
    finally:
        os.environ.pop("MLFLOW_ALLOW_FILE_STORE", None)
    assert back.info.status == "FINISHED"
    assert back.data.params["design"] == "local" and back.data.params["quick"] == "true"
    assert back.data.params["workloads"] == "checkpoint,collective,gemm,serving,storage"
    assert back.data.tags["aifab.verdict"] == ("pass" if run.verification.passed else "fail")
    assert back.data.tags["aifab.fail"] == str(run.verification.counts()["fail"])
    gemm = metric_name("local", "gemm.tflops{dtype=fp32}")
    assert back.data.metrics[gemm] == pytest.approx(0.05)
    assert back.data.metrics[metric_name("local", "gemm.tflops{dtype=fp32}", "ratio")] == pytest.approx(
        0.05 / (2 * 2.0 * 32 / 1000 * 0.7)
    )
    assert "verdict.json" in artifacts and "plots/local-gemm.png" in plots
    verdict = json.loads(Path(client.download_artifacts(logged.run_id, "verdict.json", str(run.folder))).read_text())
    assert verdict["format"] == "aifab.verdict/v1"


def test_sqlite_store_without_sqlalchemy_says_what_to_install(run: Run) -> None:
    from aifab.errors import InputError

    pytest.importorskip("mlflow")
    try:
        import sqlalchemy  # noqa: F401
    except ImportError:
        with pytest.raises(InputError, match="needs SQLAlchemy"):
            log_run(run.verification, run.results, tracking_uri="sqlite:///x.db", run_folder=run.folder)
    else:
        pytest.skip("SQLAlchemy is installed: the database store works")
