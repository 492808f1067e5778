"""The network workload against real iperf3: the parser reads iperf3's own JSON, produced here by a brief
loopback test; the local server is always stopped; iperf3 missing is exit 1 naming the package."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from aifab.bench.result import BenchResult
from aifab.bench.workloads import network

IPERF3 = shutil.which("iperf3")
needs_iperf3 = pytest.mark.skipif(IPERF3 is None, reason="iperf3 is not installed (apt-get install iperf3)")


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@needs_iperf3
def test_parser_reads_real_iperf3_output() -> None:
    assert IPERF3 is not None
    port = network.free_port()
    with network.local_server(IPERF3, "127.0.0.1", port):
        doc = network.run_client(IPERF3, "127.0.0.1", port, 1, 1)
    metrics = {m["name"]: m for m in network.parse_iperf3(doc)}
    assert metrics["network.throughput_gbps"]["value"] == doc["end"]["sum_received"]["bits_per_second"] / 1e9
    assert metrics["network.throughput_gbps"]["value"] > 0.1  # loopback moves far more than 100 Mbit/s
    assert metrics["network.throughput_gbps"]["samples"] == len(doc["intervals"]) > 1
    assert metrics["network.retransmits"]["value"] == doc["end"]["sum_sent"]["retransmits"]
    if sys.platform == "linux":  # iperf3 reports the kernel's TCP RTT on Linux only
        rtt = metrics["network.rtt_us"]
        assert rtt["value"] == doc["end"]["streams"][0]["sender"]["mean_rtt"] > 0
        assert rtt["higher_is_better"] is False
    assert not _listening(port)


@needs_iperf3
def test_local_server_is_stopped_on_error() -> None:
    assert IPERF3 is not None
    port = network.free_port()
    with pytest.raises(RuntimeError, match="inside"), network.local_server(IPERF3, "127.0.0.1", port):
        assert _listening(port)
        raise RuntimeError("inside")
    assert not _listening(port)


def test_fractional_seconds_are_refused_before_iperf3_runs() -> None:
    # iperf3 -t 0.5 would read 0: an unlimited test that never ends.
    with pytest.raises(ValueError, match="whole number"):
        network.run_client("iperf3", "127.0.0.1", 1, 0, 1)


def test_parser_raises_iperf3_error() -> None:
    with pytest.raises(ValueError, match="unable to connect"):
        network.parse_iperf3({"error": "unable to connect to server: Connection refused"})


@needs_iperf3
def test_workload_result_validates() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "aifab.bench.workloads.network", "--time-s", "1"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result = BenchResult.model_validate_json(proc.stdout)
    assert result.ok and result.engine.name == "iperf3" and result.parameters["local_server"] is True
    assert {m.name for m in result.metrics} >= {"network.throughput_gbps", "network.retransmits"}
    assert not _listening(result.parameters["port"])


@needs_iperf3
def test_unreachable_server_is_a_failed_result() -> None:
    port = network.free_port()  # nothing listens there
    proc = subprocess.run(
        [sys.executable, "-m", "aifab.bench.workloads.network", "--server", "127.0.0.1", "--port", str(port),
         "--time-s", "1"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1
    result = BenchResult.model_validate_json(proc.stdout)
    assert result.error is not None and "iperf3" in result.error


def test_iperf3_missing_names_the_package(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "aifab.bench.workloads.network", "--quick"],
        capture_output=True, text=True, timeout=60, env=dict(os.environ, PATH=str(tmp_path)),
    )  # fmt: skip
    assert proc.returncode == 1
    result = BenchResult.model_validate_json(proc.stdout)
    assert result.error is not None and "apt-get install iperf3" in result.error
