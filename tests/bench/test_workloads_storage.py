"""The storage workload against real fio: the parser reads fio's own JSON, produced here by running fio
briefly (tiny files, a fraction of a second per job); the workload's result validates; fio missing is exit 1."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from aifab.bench.result import BenchResult
from aifab.bench.workloads import storage

FIO = shutil.which("fio")
needs_fio = pytest.mark.skipif(FIO is None, reason="fio is not installed (apt-get install fio)")


def _fio_json(tmp_path: Path, patterns: tuple[str, ...]) -> dict[str, Any]:
    assert FIO is not None
    job = storage.job_file(
        str(tmp_path),
        direct=storage.direct_io_refusal(str(tmp_path)) is None,
        size="2M",
        runtime_s=0.25,
        ioengine="psync",
        iodepth=1,
        patterns=patterns,
    )
    (tmp_path / "job.fio").write_text(job)
    out = tmp_path / "out.json"
    subprocess.run([FIO, "--output-format=json", f"--output={out}", str(tmp_path / "job.fio")], check=True, timeout=60)
    doc: dict[str, Any] = json.loads(out.read_text())
    return doc


@needs_fio
def test_parser_reads_real_fio_output(tmp_path: Path) -> None:
    doc = _fio_json(tmp_path, ("seq_write", "rand_read"))
    metrics = {(m["name"], m["labels"]["pattern"]): m for m in storage.parse_fio(doc)}
    assert set(metrics) == {
        (name, pattern)
        for name in ("storage.bw_mbs", "storage.iops", "storage.lat_us")
        for pattern in ("seq_write", "rand_read")
    }
    jobs = {j["jobname"]: j for j in doc["jobs"]}
    # Numbers are fio's, converted: bytes/s -> MB/s, ns -> us, and taken from the side the pattern uses.
    assert metrics["storage.bw_mbs", "seq_write"]["value"] == jobs["seq_write"]["write"]["bw_bytes"] / 1e6
    assert metrics["storage.iops", "rand_read"]["value"] == jobs["rand_read"]["read"]["iops"]
    lat = metrics["storage.lat_us", "rand_read"]
    clat = jobs["rand_read"]["read"]["clat_ns"]
    assert lat["p99"] == clat["percentile"]["99.000000"] / 1e3
    assert lat["value"] == lat["p50"] <= lat["p95"] <= lat["p99"]
    assert lat["samples"] == clat["N"] > 0 and lat["higher_is_better"] is False
    assert metrics["storage.bw_mbs", "seq_write"]["value"] > 0


def test_parser_refuses_a_failed_job() -> None:
    with pytest.raises(ValueError, match="seq_read failed"):
        storage.parse_fio({"jobs": [{"jobname": "seq_read", "error": 5}]})


def test_parser_skips_latency_without_completions() -> None:
    job = {"jobname": "seq_read", "error": 0, "read": {"bw_bytes": 0, "iops": 0.0, "clat_ns": {"N": 0}}}
    assert [m["name"] for m in storage.parse_fio({"jobs": [job]})] == ["storage.bw_mbs", "storage.iops"]


@needs_fio
def test_workload_result_validates_and_leaves_nothing_behind(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "aifab.bench.workloads.storage", "--directory", str(tmp_path), "--size", "2M",
         "--runtime-s", "0.2"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result = BenchResult.model_validate_json(proc.stdout)
    assert result.ok and result.engine.name == "fio" and result.engine.version[0].isdigit()
    assert {m.labels["pattern"] for m in result.metrics} == set(storage.PATTERNS)
    # Direct I/O where the filesystem takes O_DIRECT (ext4, xfs); on tmpfs the fallback is recorded.
    direct = storage.direct_io_refusal(str(tmp_path)) is None
    assert result.parameters["direct"] is direct
    assert ("direct_io_fallback" in result.parameters) is not direct
    assert "direct=1" in result.parameters["job_file"] or not direct
    assert list(tmp_path.iterdir()) == []


def test_fio_missing_names_the_package(tmp_path: Path) -> None:
    env = dict(os.environ, PATH=str(tmp_path))  # a PATH with no fio on it
    proc = subprocess.run(
        [sys.executable, "-m", "aifab.bench.workloads.storage", "--quick"],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert proc.returncode == 1
    result = BenchResult.model_validate_json(proc.stdout)
    assert result.error is not None and "fio not found" in result.error and "apt-get install fio" in result.error


def test_direct_io_probe_reports_refusal(tmp_path: Path) -> None:
    assert storage.direct_io_refusal(str(tmp_path)) is None
    assert "refused" in (storage.direct_io_refusal(str(tmp_path / "missing")) or "")
