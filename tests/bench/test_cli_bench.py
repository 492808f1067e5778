"""``aifab bench run`` and ``aifab bench verify`` through the real CLI: exit codes 0, 1 and 2, and their files.

The runners (``aifab.bench.local``, ``aifab.bench.cluster``) are replaced by fakes that return fixed results:
what is tested here is the command, not the workloads (their own tests run them).
"""

from __future__ import annotations

import json
import re
import sys
import types
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import aifab.bench
from aifab.bench.result import BenchResult
from aifab.cli.main import cli
from tests.bench.test_verify import m, result

ROOT = Path(__file__).resolve().parents[2]
UK = str(ROOT / "stacks" / "uk-sovereign-training")

# 2 cores x 2 GHz x 32 FLOPs/cycle (AVX2, FMA) = 128 GFLOP/s peak, 89.6 GFLOP/s expected; disk: the gp3 floor
MACHINE = "cpu_model: test CPU\ncores: 2\nghz: 2.0\nghz_source: stated\nflags: [avx2, fma]\n"


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, ["bench", *args], catch_exceptions=False, env={"COLUMNS": "160"})


def write(folder: Path, *results: BenchResult) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index, r in enumerate(results):
        (folder / f"{index}-{r.workload}.json").write_text(json.dumps(r.model_dump(mode="json")))
    return folder


def good_run() -> list[BenchResult]:
    return [
        result("gemm", [m("gemm.tflops", 0.1, "TFLOP/s", dtype="fp32")]),
        result(
            "storage",
            [
                m("storage.bw_mbs", 500, "MB/s", pattern="seq_read"),
                m("storage.bw_mbs", 400, "MB/s", pattern="seq_write"),
                m("storage.iops", 5000, "IO/s", pattern="rand_read"),
                m("storage.iops", 4000, "IO/s", pattern="rand_write"),
            ],
        ),
        result("checkpoint", [m("checkpoint.write_gbs", 0.3, "GB/s"), m("checkpoint.restore_gbs", 0.5, "GB/s")]),
    ]


@pytest.fixture
def machine(tmp_path: Path) -> Path:
    file = tmp_path / "machine.yaml"
    file.write_text(MACHINE)
    return file


def test_verify_passes_exit_0_and_writes_every_format(tmp_path: Path, machine: Path) -> None:
    run = write(tmp_path / "run", *good_run())
    out = tmp_path / "out"
    got = invoke(
        "verify",
        str(run),
        "--machine",
        str(machine),
        "--no-mlflow",
        "--output",
        f"junit={out}/v.xml",
        "--output",
        f"markdown={out}/v.md",
        "--output",
        f"json={out}/v.json",
    )
    assert got.exit_code == 0, got.output
    assert "PASS: 7 pass, 0 fail, 0 missing, 0 not checked" in got.output
    assert ET.parse(out / "v.xml").getroot().get("failures") == "0"
    assert json.loads((out / "v.json").read_text())["passed"] is True
    assert (out / "v.md").read_text().startswith("## ✅")
    again = invoke("verify", str(run), "--machine", str(machine), "--no-mlflow")  # a verdict beside the results
    assert again.exit_code == 0, again.output


def test_verify_failing_metric_exit_1_and_markdown_to_stdout(tmp_path: Path, machine: Path) -> None:
    slow = [result("gemm", [m("gemm.tflops", 0.01, "TFLOP/s", dtype="fp32")]), *good_run()[1:]]
    run = write(tmp_path / "run", *slow)
    got = invoke("verify", str(run), "--machine", str(machine), "--no-mlflow", "--output", "markdown=-")
    assert got.exit_code == 1
    assert "| local | `gemm.tflops{dtype=fp32}` | 0.0896 | 0.01 | TFLOP/s | 0.11 | fail |" in got.stdout
    assert "fail: local gemm.tflops{dtype=fp32}" in got.stderr  # the table goes to stderr when stdout is taken


def test_verify_missing_and_failed_workloads(tmp_path: Path, machine: Path) -> None:
    broken = result("storage", [], error="fio is not installed: apt-get install fio")
    run = write(tmp_path / "run", good_run()[0], broken)
    got = invoke("verify", str(run), "--machine", str(machine), "--no-mlflow")
    assert got.exit_code == 1
    assert "workload storage failed: fio is not installed: apt-get install fio" in got.output
    assert "6 missing" in got.output
    allowed = invoke("verify", str(run), "--machine", str(machine), "--no-mlflow", "--allow-missing")
    assert allowed.exit_code == 1  # the failed workload still fails the run
    just_missing = write(tmp_path / "run2", good_run()[0])
    assert invoke("verify", str(just_missing), "--machine", str(machine), "--no-mlflow").exit_code == 1
    assert (
        invoke("verify", str(just_missing), "--machine", str(machine), "--no-mlflow", "--allow-missing").exit_code == 0
    )


def test_verify_against_the_design_per_pool(tmp_path: Path) -> None:
    train = {"pool": "train"}
    run = write(
        tmp_path / "run",
        result("gemm", [m("gemm.tflops", 650.0, "TFLOP/s", dtype="bf16")], environment=train),
        result("memory", [m("memory.copy_gbs", 2500.0, "GB/s")], environment=train),
    )
    got = invoke("verify", str(run), "--design", UK, "--env", "prod", "--no-mlflow", "--allow-missing")
    assert got.exit_code == 0, got.output
    assert "pool train" in got.output and "gemm.tflops{dtype=bf16}" in got.output
    assert "missing (allowed)" in got.output  # collectives, storage, checkpoint, the inference pool
    assert re.search(r"PASS: 2 pass, 0 fail, \d+ missing \(allowed\), 0 not checked", got.output)
    strict = invoke("verify", str(run), "--design", UK, "--env", "prod", "--no-mlflow")
    assert strict.exit_code == 1


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--tolerance", "gemm=2"], "--tolerance: gemm: expected a fraction"),
        (["--env", "prod"], "--env applies to --design"),
        (["--output", "html=x.html"], "expected FORMAT=FILE"),
        (["--design", UK, "--env", "nope"], "nope"),
        (["--design", UK, "--env", "prod", "--pool", "ghost"], "no GPU pool 'ghost'"),
        (["--tracking-uri", "file:///tmp/x", "--no-mlflow"], "contradict"),
        (["--design", UK, "--machine", "m.yaml"], "--machine describes this machine"),
    ],
)
def test_verify_bad_options_exit_2(tmp_path: Path, machine: Path, args: list[str], words: str) -> None:
    run = write(tmp_path / "run", *good_run())
    base = [] if "--design" in args else ["--machine", str(machine)]
    mlflow = [] if "--no-mlflow" in args else ["--no-mlflow"]
    got = invoke("verify", str(run), *base, *mlflow, *args)
    assert got.exit_code == 2, got.output
    assert words in got.output


def test_verify_bad_results_exit_2_naming_file_and_field(tmp_path: Path, machine: Path) -> None:
    run = write(tmp_path / "run", *good_run())
    bad = run / "bad.json"
    bad.write_text(json.dumps({**good_run()[0].model_dump(mode="json"), "duration_s": "soon"}))
    got = invoke("verify", str(run), "--machine", str(machine), "--no-mlflow")
    assert got.exit_code == 2 and "bad.json" in got.output and "duration_s" in got.output
    assert "Traceback" not in got.output
    assert invoke("verify", str(tmp_path / "nothing"), "--no-mlflow").exit_code == 2
    not_json = tmp_path / "x.json"
    not_json.write_text("{")
    assert "not a JSON benchmark result" in invoke("verify", str(not_json), "--no-mlflow").output
    inputs = write(tmp_path / "run3", *good_run())
    over = invoke(
        "verify",
        str(inputs / "0-gemm.json"),
        "--machine",
        str(machine),
        "--no-mlflow",
        "--output",
        f"json={inputs / '0-gemm.json'}",
    )
    assert over.exit_code == 2 and "one of this run's inputs" in over.output


def test_verify_logs_to_mlflow_in_the_run_folder_by_default(tmp_path: Path, machine: Path) -> None:
    run = write(tmp_path / "run", *good_run())
    got = invoke("verify", str(run), "--machine", str(machine), "--plots", str(run / "plots"))
    assert got.exit_code == 0, got.output
    assert (run / "mlruns").is_dir() and f"at {(run / 'mlruns').resolve().as_uri()}" in got.output
    assert list((run / "mlruns").rglob("verdict.json"))  # the verdict, as an artifact
    assert invoke("verify", str(run), "--machine", str(machine), "--no-mlflow").exit_code == 0  # mlruns ignored


def _fake(name: str, monkeypatch: pytest.MonkeyPatch, **functions: Any) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    module = types.ModuleType(f"aifab.bench.{name}")
    for fname, make in functions.items():

        def runner(*args: Any, _make: Any = make, **kwargs: Any) -> list[BenchResult]:
            calls.append({"args": args, **kwargs})
            return list(_make())

        setattr(module, fname, runner)
    module.SUITES = ("all", "gemm")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, f"aifab.bench.{name}", module)
    monkeypatch.setattr(aifab.bench, name, module, raising=False)
    return calls


def test_run_local_calls_the_runner_and_keeps_its_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _fake("local", monkeypatch, run_local=good_run)
    out = tmp_path / "runs" / "a"
    got = invoke("run", "--local", "--quick", "--suite", "gemm", "--out", str(out))
    assert got.exit_code == 0, got.output
    assert calls == [{"args": ("gemm",), "quick": True, "out_dir": out, "progress": False}]
    assert f"results: {out}" in got.output and "3 workload run(s), 7 metric(s), 0 failed" in got.output
    assert len(list(out.glob("*.json"))) == 3  # the runner wrote nothing, so the command kept them
    assert invoke("run", "--local", "--suite", "nope", "--out", str(out)).exit_code == 2


def test_run_local_failed_workload_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake("local", monkeypatch, run_local=lambda: [result("network", [], error="iperf3 is not installed")])
    got = invoke("run", "--local", "--out", str(tmp_path / "r"))
    assert got.exit_code == 1
    assert "failed: network: iperf3 is not installed" in got.output


def test_run_cluster_passes_the_stack_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _fake("cluster", monkeypatch, run_cluster=good_run)
    got = invoke("run", UK, "--env", "prod", "--out", str(tmp_path / "c"))
    assert got.exit_code == 0, got.output
    assert calls == [{"args": (Path(UK), "prod"), "out_dir": tmp_path / "c", "suite": "all", "quick": False}]


@pytest.mark.parametrize(
    "args",
    [[], [UK], ["--local", UK, "--env", "prod"], ["--local", "--env", "prod"]],
)
def test_run_usage_errors_exit_2(args: list[str]) -> None:
    got = invoke("run", *args)
    assert got.exit_code == 2
    assert "Usage" in got.output
