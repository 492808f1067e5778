"""The serving load generator: its arithmetic on a fake server with known delays, its result document, its
failures, and the model server it starts and always stops.

The fake endpoint is a stdlib HTTP server in the test that answers like an OpenAI-compatible one (the
streaming shape of https://platform.openai.com/docs/api-reference/completions, read 2026-12-01) after fixed
sleeps, so the latencies, time to first token and throughput the load generator computes have known bounds.
"""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from aifab.bench.result import BenchResult, Metric
from aifab.bench.workloads import serving

FIRST_TOKEN_S = 0.05  # the fake sleeps this long before its first token ...
REST_S = 0.05  # ... and this long before the other TOKENS - 1
TOKENS = 5


@dataclass
class FakeBehaviour:
    usage: bool = True  # report usage (else the load generator counts chunks)
    fail_every: int = 0  # answer HTTP 500 to every n-th request (1-based, the probe is the first)
    stream_error: bool = False  # after the probe, streams break off with an error event (as vLLM sends)
    received: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Fake(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _FakeServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._reply(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        behaviour = self.server.behaviour
        with behaviour.lock:
            behaviour.received += 1
            number = behaviour.received
        if behaviour.fail_every and number % behaviour.fail_every == 0:
            self._reply(500, {"error": {"message": "overloaded"}})
            return
        usage = {"prompt_tokens": 3, "completion_tokens": TOKENS, "total_tokens": 3 + TOKENS}
        if not body.get("stream"):
            time.sleep(FIRST_TOKEN_S + REST_S)
            self._reply(200, {"object": "text_completion", "choices": [{"text": "x" * TOKENS}], "usage": usage})
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")  # no length, no chunking: the body ends with the connection
        self.end_headers()
        time.sleep(FIRST_TOKEN_S)
        self._event({"choices": [{"index": 0, "text": "a"}]})
        if behaviour.stream_error and number > 1:
            self._event({"object": "error", "message": "KV cache exhausted", "type": "InternalServerError"})
            self.wfile.write(b"data: [DONE]\n\n")
            self.close_connection = True
            return
        time.sleep(REST_S)
        for _ in range(TOKENS - 1):
            self._event({"choices": [{"index": 0, "text": "b"}]})
        if behaviour.usage:
            self._event({"choices": [], "usage": usage})
        self.wfile.write(b"data: [DONE]\n\n")
        self.close_connection = True

    def _event(self, payload: object) -> None:
        self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
        self.wfile.flush()


class _FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    behaviour: FakeBehaviour


@pytest.fixture
def fake() -> Iterator[tuple[str, FakeBehaviour]]:
    server = _FakeServer(("127.0.0.1", 0), _Fake)
    server.behaviour = FakeBehaviour()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", server.behaviour
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, BenchResult]:
    try:
        code = serving.main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, BenchResult.model_validate_json(capsys.readouterr().out)


def _metrics(result: BenchResult) -> dict[str, Metric]:
    return {m.key(): m for m in result.metrics}


def test_known_delays_give_known_figures(fake: tuple[str, FakeBehaviour], capsys: pytest.CaptureFixture[str]) -> None:
    url, behaviour = fake
    code, result = _run(capsys, ["--url", url, "--concurrency", "1,2", "--requests", "8"])
    assert code == 0 and result.ok
    assert behaviour.received == 1 + 8 + 8  # one probe, then N per concurrency
    m = _metrics(result)
    floor_ms = (FIRST_TOKEN_S + REST_S) * 1000
    for c in (1, 2):
        latency, ttft = m[f"serving.latency_ms{{concurrency={c}}}"], m[f"serving.ttft_ms{{concurrency={c}}}"]
        assert latency.samples == ttft.samples == 8
        # Upper bounds leave room for a busy machine's scheduling, not for a wrong formula.
        assert latency.p50 is not None and latency.p95 is not None and latency.p99 is not None
        assert floor_ms <= latency.p50 <= floor_ms + 100
        assert latency.p50 <= latency.p95 <= latency.p99 <= floor_ms + 300
        assert FIRST_TOKEN_S * 1000 <= ttft.value <= FIRST_TOKEN_S * 1000 + 100
        assert latency.higher_is_better is False and ttft.higher_is_better is False
        rps = m[f"serving.requests_per_s{{concurrency={c}}}"].value
        # A closed loop of c clients, each request at least 100 ms: at most c * 10 req/s.
        assert c * 1000 / (floor_ms + 200) <= rps <= c * 1000 / floor_ms
        assert m[f"serving.tokens_per_s{{concurrency={c}}}"].value == pytest.approx(rps * TOKENS)
        # TPOT: the REST_S pause spread over the TOKENS - 1 tokens after the first.
        assert m[f"serving.tpot_ms{{concurrency={c}}}"].value >= REST_S * 1000 / (TOKENS - 1)
        assert m[f"serving.errors{{concurrency={c}}}"].value == 0
    assert result.parameters["model"] == "fake" and result.parameters["server"] == url
    assert [s["requests"] for s in result.series] == [8, 8]


def test_tokens_counted_from_chunks_without_usage(
    fake: tuple[str, FakeBehaviour], capsys: pytest.CaptureFixture[str]
) -> None:
    url, behaviour = fake
    behaviour.usage = False
    code, result = _run(capsys, ["--url", url, "--concurrency", "1", "--requests", "3"])
    m = _metrics(result)
    rps = m["serving.requests_per_s{concurrency=1}"].value
    assert code == 0 and m["serving.tokens_per_s{concurrency=1}"].value == pytest.approx(rps * TOKENS)


def test_errors_inside_streams_fail_the_run(
    fake: tuple[str, FakeBehaviour], capsys: pytest.CaptureFixture[str]
) -> None:
    url, behaviour = fake
    behaviour.stream_error = True
    code, result = _run(capsys, ["--url", url, "--concurrency", "1,2", "--requests", "3"])
    m = _metrics(result)
    assert code == 1 and result.error is not None
    assert result.error.startswith("all 6 requests failed") and "KV cache exhausted" in result.error
    assert m["serving.errors{concurrency=2}"].value == 3 and m["serving.requests_per_s{concurrency=2}"].value == 0
    assert "serving.latency_ms{concurrency=1}" not in m  # no successful request, no latency


def test_no_stream_has_no_ttft(fake: tuple[str, FakeBehaviour], capsys: pytest.CaptureFixture[str]) -> None:
    url, _ = fake
    code, result = _run(capsys, ["--url", url, "--concurrency", "1", "--requests", "3", "--no-stream"])
    names = {m.name for m in result.metrics}
    assert code == 0 and "serving.ttft_ms" not in names and "serving.latency_ms" in names


def test_failed_requests_are_counted(fake: tuple[str, FakeBehaviour], capsys: pytest.CaptureFixture[str]) -> None:
    url, behaviour = fake
    behaviour.fail_every = 4  # requests 4 and 8 of 1 probe + 8 measured (one client: a fixed order)
    code, result = _run(capsys, ["--url", url, "--concurrency", "1", "--requests", "8"])
    m = _metrics(result)
    assert code == 0 and result.ok  # some errors: measured and reported, verification judges them
    assert m["serving.errors{concurrency=1}"].value == 2
    assert m["serving.latency_ms{concurrency=1}"].samples == 6
    assert "HTTP 500" in result.parameters["first_error"]


def test_duration_mode(fake: tuple[str, FakeBehaviour], capsys: pytest.CaptureFixture[str]) -> None:
    url, behaviour = fake
    code, result = _run(capsys, ["--url", url, "--concurrency", "2", "--duration", "0.6"])
    (level,) = result.series
    # Two clients, each request at least 100 ms, none started after 0.6 s: 2 x 6 at most, and a few at least.
    assert code == 0 and 4 <= level["requests"] <= 12 and behaviour.received == 1 + level["requests"]
    assert result.parameters["requests_per_level"] is None and result.parameters["duration_s_per_level"] == 0.6


@pytest.mark.parametrize("argv", [["--concurrency", "0,2"], ["--concurrency", "two"], ["--requests", "0"]])
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        serving.main(["--url", "http://127.0.0.1:9", *argv])
    assert exc.value.code == 2 and "serving: error:" in capsys.readouterr().err


def test_percentiles_match_numpy() -> None:
    # 100 requests with latencies 1..100 ms: the p50/p95/p99 numpy computes (linear interpolation).
    outcomes = [serving.Outcome(0.0, ms / 1000, ms / 2000, 2) for ms in range(1, 101)]
    by_name = {m["name"]: m for m in serving.summarize(outcomes, 10.0, concurrency=4)}
    latency = by_name["serving.latency_ms"]
    expected = np.percentile(np.arange(1, 101, dtype=float), [50, 95, 99])
    assert [latency["p50"], latency["p95"], latency["p99"]] == pytest.approx(expected.tolist())
    assert latency["value"] == latency["p50"] and latency["samples"] == 100
    assert by_name["serving.requests_per_s"]["value"] == pytest.approx(10.0)  # 100 requests in 10 s
    assert by_name["serving.tokens_per_s"]["value"] == pytest.approx(20.0)
    assert by_name["serving.ttft_ms"]["p50"] == pytest.approx(25.25)
    assert by_name["serving.requests_per_s"]["labels"] == {"concurrency": "4"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_url_is_a_failed_result(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    code, result = _run(capsys, ["--url", url, "--concurrency", "1", "--requests", "1"])
    assert code == 1 and not result.ok
    assert result.error is not None and f"cannot use the endpoint {url}" in result.error
    assert "ConnectionRefusedError" in result.error
    assert result.engine.name == "aifab-loadgen"


def test_missing_torch_names_the_package(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    code, result = _run(capsys, ["--quick"])
    assert code == 1 and result.error is not None and "pip install torch" in result.error


# --- with the real model server (needs torch) -------------------------------------------------------------


def _gone(pid: int) -> bool:
    """No such process, or only a zombie left for init to reap."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def test_quick_run_end_to_end() -> None:
    pytest.importorskip("torch")
    proc = subprocess.run(
        [sys.executable, "-m", "aifab.bench.workloads.serving", "--quick"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    result = BenchResult.model_validate_json(proc.stdout)
    assert result.ok and result.workload == "serving" and result.engine.name == "aifab-loadgen"
    assert result.duration_s < 20
    p = result.parameters
    assert p["server"].startswith("self-started") and p["model_parameters"] == 149_248
    assert (p["max_tokens"], p["prompt_tokens"], p["concurrency"]) == (32, 64, [1, 2])
    assert 1 <= p["server_largest_batch"] <= 2  # at most the concurrency: one batch slot per client
    m = _metrics(result)
    for c in (1, 2):
        assert m[f"serving.errors{{concurrency={c}}}"].value == 0
        rps = m[f"serving.requests_per_s{{concurrency={c}}}"].value
        # Every request gets exactly max_tokens from the model server (no stop token), per usage.
        assert m[f"serving.tokens_per_s{{concurrency={c}}}"].value == pytest.approx(rps * 32)
        ttft, latency = m[f"serving.ttft_ms{{concurrency={c}}}"], m[f"serving.latency_ms{{concurrency={c}}}"]
        assert 0 < ttft.value < latency.value and latency.samples == 12
    assert _gone(p["server_pid"])  # stopped and reaped


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc for the child process")
@pytest.mark.parametrize(
    ("how", "when"),
    [
        (signal.SIGTERM, "sweep"),  # the load generator unwinds and stops the server itself
        (signal.SIGKILL, "start"),  # no cleanup runs: the server, still starting, notices its parent is gone
    ],
)
def test_no_server_left_when_the_load_generator_is_stopped(how: signal.Signals, when: str) -> None:
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "aifab.bench.workloads.serving", "--quick", "--duration", "60"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    lines: queue.Queue[str] = queue.Queue()
    stderr = proc.stderr

    def read() -> None:
        for line in stderr:
            lines.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if when == "sweep":  # the server is up and requests are in flight when the signal comes
            while "concurrency 1: measuring" not in lines.get(timeout=30):
                pass
            time.sleep(0.3)
        deadline = time.monotonic() + 30
        while not (children := _children(proc.pid)) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(children) == 1
        os.kill(proc.pid, how)
        proc.wait(timeout=20)
        deadline = time.monotonic() + 20
        while not _gone(children[0]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(children[0])
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
        stderr.close()


def test_a_model_server_that_cannot_start_is_a_failed_result(capsys: pytest.CaptureFixture[str]) -> None:
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("needs a machine without CUDA")
    code, result = _run(capsys, ["--quick", "--device", "cuda"])
    assert code == 1 and result.error is not None
    assert result.error.startswith("the model server did not start") and "sees no CUDA device" in result.error
