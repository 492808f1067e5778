"""The local runner: every workload leaves a result in the run folder, failing, missing or timed-out ones
with an error, and the others still run."""

from __future__ import annotations

import importlib.util
import shutil
import socket
from pathlib import Path

import pytest

from aifab.bench import local
from aifab.bench.local import WorkloadSpec, run_local, run_workloads
from aifab.bench.result import read_results
from aifab.bench.workloads.network import free_port
from aifab.errors import InputError


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_a_missing_workload_is_recorded_and_the_others_still_run(tmp_path: Path) -> None:
    specs = [
        WorkloadSpec("does_not_exist", "serving"),
        WorkloadSpec("memory", "memory", args=("--engine", "numpy", "--size-mb", "2", "--repeats", "1")),
    ]
    missing, memory = run_workloads(specs, quick=True, out_dir=tmp_path, progress=True)
    assert missing.error is not None and "does_not_exist" in missing.error
    assert "No module named" in missing.error  # the stderr tail travels in the message
    assert missing.workload == "serving" and not missing.metrics
    assert memory.ok and {m.name for m in memory.metrics} == {"memory.copy_gbs", "memory.triad_gbs"}
    # Both are on disk and read back the way `aifab bench verify RUN` reads them.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["does_not_exist.json", "memory.json"]
    assert [r.ok for r in read_results([tmp_path / "does_not_exist.json", tmp_path / "memory.json"])] == [False, True]


@pytest.mark.skipif(shutil.which("fio") is None, reason="fio is not installed")
def test_a_failing_workload_keeps_its_own_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # fio (and everything else) off PATH
    (result,) = run_workloads([local.WORKLOADS["storage"]], quick=True, out_dir=tmp_path / "run", progress=False)
    assert result.workload == "storage" and result.error is not None
    assert "fio not found" in result.error and "apt-get install fio" in result.error


@pytest.mark.skipif(shutil.which("iperf3") is None, reason="iperf3 is not installed")
def test_a_workload_past_its_time_limit_is_stopped_with_its_children(tmp_path: Path) -> None:
    port = free_port()
    spec = WorkloadSpec("network", "network", quick_timeout_s=2, args=("--time-s", "30", "--port", str(port)))
    (result,) = run_workloads([spec], quick=True, out_dir=tmp_path, progress=False)
    assert result.error is not None and "timed out after 2 s" in result.error
    assert not _listening(port)  # the iperf3 server the workload started went with it
    assert read_results([tmp_path / "network.json"])[0].error == result.error


def test_unknown_suite_lists_the_suites(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="expected one of all, compute, collectives, storage, network, serving"):
        run_local("gpus", quick=True, out_dir=tmp_path)
    assert not tmp_path.joinpath("gpus").exists()


def test_suites_name_real_workload_modules() -> None:
    assert set(local.SUITES["all"]) == set(local.WORKLOADS)
    assert {w for suite, ws in local.SUITES.items() if suite != "all" for w in ws} == set(local.WORKLOADS)
    for module in local.WORKLOADS:
        assert importlib.util.find_spec(f"aifab.bench.workloads.{module}") is not None, module
    # Per-process ceilings for --quick: a hung workload cannot hold a CI run for long.
    assert all(spec.quick_timeout_s <= 90 for spec in local.WORKLOADS.values())


def test_quick_flag_is_passed() -> None:
    assert local.WORKLOADS["gemm"].command(quick=True)[-1] == "--quick"
    assert "--quick" not in local.WORKLOADS["gemm"].command(quick=False)
