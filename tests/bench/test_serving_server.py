"""The local model server: a real PyTorch decoder behind an OpenAI-compatible (and KServe) HTTP API.

The engine is checked against the model itself (cached, batched generation equals greedy generation by
full recomputation), the HTTP API against the response shapes of the OpenAI API reference
(https://platform.openai.com/docs/api-reference/completions, read 2026-12-01) and the KServe / Open
Inference Protocol v1 and v2 REST shapes (https://kserve.github.io/website/docs/concepts/architecture/
data-plane/v2-protocol, read 2026-12-01).
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from aifab.bench.result import BenchResult  # noqa: E402 - after the skip when torch is absent
from aifab.bench.workloads import model_server as ms  # noqa: E402
from aifab.bench.workloads import serving  # noqa: E402

TINY = ms.SIZES["tiny"]


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    """The server as the load generator starts it: a child process on a free port, stopped afterwards."""
    command = [sys.executable, "-m", "aifab.bench.workloads.model_server", "--port", "0", "--size", "tiny"]
    proc = subprocess.Popen(
        [*command, "--max-batch", "4"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:"), line
        yield "127.0.0.1", int(line.rsplit(":", 1)[1])
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0  # SIGTERM is a clean stop
        proc.stdout.close()


def _call(addr: tuple[str, int], method: str, path: str, body: object = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(*addr, timeout=30)
    try:
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _json(addr: tuple[str, int], method: str, path: str, body: object = None) -> Any:
    status, raw = _call(addr, method, path, body)
    assert status == 200, raw
    return json.loads(raw)


def _events(raw: bytes) -> list[str]:
    """The ``data:`` payloads of an SSE body, in order (``[DONE]`` included)."""
    return [line[len("data: ") :] for line in raw.decode().split("\n\n") if line.startswith("data: ")]


def expected_parameters(d: int, layers: int, context: int, vocab: int = 256) -> int:
    # Per block: q/k/v/proj 4d^2 + 4d, MLP 8d^2 + 5d, two LayerNorms 4d; plus embeddings, final norm and head.
    return vocab * d + context * d + layers * (12 * d * d + 13 * d) + 2 * d + vocab * d


def test_health_and_models(server: tuple[str, int]) -> None:
    assert _json(server, "GET", "/health")["status"] == "ok"
    listing = _json(server, "GET", "/v1/models")
    assert listing["object"] == "list"
    card = listing["data"][0]
    assert (card["id"], card["object"]) == ("aifab-tiny", "model")
    assert card["aifab"]["parameters"] == expected_parameters(TINY.d_model, TINY.n_layer, TINY.context) == 149_248
    assert _call(server, "GET", "/nowhere")[0] == 404


def test_completion_shape(server: tuple[str, int]) -> None:
    body = _json(server, "POST", "/v1/completions", {"prompt": "Hello, racks", "max_tokens": 12})
    assert body["object"] == "text_completion"
    choice = body["choices"][0]
    assert len(choice["text"]) == 12 and choice["text"].isprintable()
    assert choice["finish_reason"] == "length"
    assert body["usage"] == {"prompt_tokens": len(b"Hello, racks"), "completion_tokens": 12, "total_tokens": 24}


def test_streamed_completion_equals_the_whole_one(server: tuple[str, int]) -> None:
    request = {"prompt": "Hello, racks", "max_tokens": 12}
    whole = _json(server, "POST", "/v1/completions", request)["choices"][0]["text"]
    status, raw = _call(
        server, "POST", "/v1/completions", {**request, "stream": True, "stream_options": {"include_usage": True}}
    )
    assert status == 200
    events = _events(raw)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert {c["object"] for c in chunks} == {"text_completion"}
    text = "".join(c["choices"][0]["text"] for c in chunks if c["choices"])
    assert text == whole  # greedy and seeded: the same text streamed or not
    assert sum(1 for c in chunks if c["choices"] and c["choices"][0]["text"]) == 12  # one chunk per token
    assert chunks[-2]["choices"][0]["finish_reason"] == "length"
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] == 12


def test_chat_shapes(server: tuple[str, int]) -> None:
    messages = [{"role": "user", "content": "How many GPUs?"}]
    body = _json(server, "POST", "/v1/chat/completions", {"messages": messages, "max_tokens": 8})
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"]["role"] == "assistant"
    assert len(body["choices"][0]["message"]["content"]) == 8
    assert body["usage"]["completion_tokens"] == 8
    status, raw = _call(server, "POST", "/v1/chat/completions", {"messages": messages, "max_tokens": 8, "stream": True})
    events = _events(raw)
    assert status == 200 and events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text == body["choices"][0]["message"]["content"]
    assert "usage" not in chunks[-1]  # only with stream_options.include_usage


def test_a_client_that_leaves_mid_stream_frees_its_slot(server: tuple[str, int]) -> None:
    before = _json(server, "GET", "/v1/models")["data"][0]["aifab"]["cancelled_requests"]
    body = json.dumps({"prompt": "stay", "max_tokens": 250, "stream": True}).encode()
    head = f"POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    with socket.create_connection(server, timeout=30) as sock:
        sock.sendall(head + body)
        received = b""
        while b"data: {" not in received:  # streaming has begun
            received += sock.recv(4096)
    deadline = time.monotonic() + 10
    while (card := _json(server, "GET", "/v1/models")["data"][0]["aifab"])["active_requests"] and (
        time.monotonic() < deadline
    ):
        time.sleep(0.05)
    assert card["active_requests"] == 0
    assert card["cancelled_requests"] == before + 1  # stopped on the failed write, not run to its 250 tokens


def _raw_http10(addr: tuple[str, int], body: dict[str, Any], connection: str) -> bytes:
    data = json.dumps(body).encode()
    head = f"POST /v1/completions HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n"
    with socket.create_connection(addr, timeout=30) as sock:
        sock.sendall(head.encode() + f"Connection: {connection}\r\n\r\n".encode() + data)
        if connection == "keep-alive":  # the server keeps it open: read just the announced length
            reader = sock.makefile("rb")
            raw = b""
            while not raw.endswith(b"\r\n\r\n"):
                raw += reader.readline()
            length = int(next(h for h in raw.split(b"\r\n") if h.lower().startswith(b"content-length")).split(b":")[1])
            raw += reader.read(length)
            reader.close()
            return raw
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def test_http10_clients(server: tuple[str, int]) -> None:
    # ApacheBench speaks HTTP/1.0 with keep-alive: it needs the Connection header back to reuse the socket.
    raw = _raw_http10(server, {"prompt": "hi", "max_tokens": 4}, "keep-alive")
    assert (
        b"Connection: keep-alive" in raw and json.loads(raw.split(b"\r\n\r\n", 1)[1])["usage"]["completion_tokens"] == 4
    )
    # HTTP/1.0 has no chunked encoding: the event stream is sent as is and ends with the connection.
    raw = _raw_http10(server, {"prompt": "hi", "max_tokens": 4, "stream": True}, "close")
    head, stream = raw.split(b"\r\n\r\n", 1)
    assert b"Transfer-Encoding" not in head and stream.startswith(b"data: {")
    assert _events(stream)[-1] == "[DONE]" and len(_events(stream)) == 4 + 2  # tokens, the finish, [DONE]


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"prompt": "x", "max_tokens": 0}, 400, "max_tokens must be at least 1"),
        ({"prompt": "x", "max_tokens": "many"}, 400, "'max_tokens' must be an integer"),
        ({"prompt": "x" * 250, "max_tokens": 10}, 400, "exceeds the context of 256 tokens"),
        ({"prompt": 7}, 400, "'prompt' must be a string"),
        (b"{not json", 400, "body is not JSON"),
    ],
)
def test_bad_requests_are_openai_errors(server: tuple[str, int], body: object, status: int, fragment: str) -> None:
    got, raw = _call(server, "POST", "/v1/completions", body)
    assert got == status
    error = json.loads(raw)["error"]
    assert fragment in error["message"] and error["type"] == "invalid_request_error"


def test_kserve_v2_and_v1(server: tuple[str, int]) -> None:
    prompt = "Hello, racks"
    openai = _json(server, "POST", "/v1/completions", {"prompt": prompt, "max_tokens": 6})["choices"][0]["text"]
    request = {
        "id": "r1",
        "inputs": [{"name": "text_input", "shape": [1], "datatype": "BYTES", "data": [prompt]}],
        "parameters": {"max_tokens": 6},
    }
    v2 = _json(server, "POST", "/v2/models/aifab-tiny/infer", request)
    assert (v2["model_name"], v2["id"]) == ("aifab-tiny", "r1")
    outputs = {o["name"]: o for o in v2["outputs"]}
    assert outputs["text_output"]["datatype"] == "BYTES" and outputs["text_output"]["data"] == [openai]
    assert outputs["completion_tokens"]["data"] == [6]
    v1 = _json(server, "POST", "/v1/models/aifab-tiny:predict", {"instances": [{"prompt": prompt, "max_tokens": 6}]})
    assert v1 == {"predictions": [openai]}
    assert _json(server, "GET", "/v2/health/ready")["ready"] is True
    assert _json(server, "GET", "/v2/models/aifab-tiny")["inputs"][0]["name"] == "text_input"


def test_concurrent_requests_get_their_own_text(server: tuple[str, int]) -> None:
    prompts = ["alpha", "bravo charlie", "delta echo foxtrot golf", "h"]
    alone = {p: _json(server, "POST", "/v1/completions", {"prompt": p, "max_tokens": 40}) for p in prompts}
    together: dict[str, Any] = {}

    def ask(prompt: str) -> None:
        together[prompt] = _json(server, "POST", "/v1/completions", {"prompt": prompt, "max_tokens": 40})

    threads = [threading.Thread(target=ask, args=(p,)) for p in prompts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for prompt in prompts:
        assert together[prompt]["choices"][0]["text"] == alone[prompt]["choices"][0]["text"]
    assert len({r["choices"][0]["text"] for r in alone.values()}) > 1  # the text depends on the prompt


# --- the engine in-process ---------------------------------------------------------------------------------


def test_batched_cached_decoding_equals_full_recompute() -> None:
    engine = ms.Engine(TINY, max_batch=4)
    try:
        prompts = [ms.encode(p) for p in ("The fabric", "a", "rack " * 20, "GPU pool")]
        with torch.inference_mode():
            reference = [engine.model.generate_reference(p, 24) for p in prompts]
        # Submitted under the scheduler's lock, so all four enter one batch: the masks and per-slot
        # positions of the batched decode step are what is tested here.
        with engine._cond:
            requests = [engine.submit(p, 24) for p in prompts]
        texts = ["".join(engine.tokens(r, timeout_s=30)) for r in requests]
        assert texts == ["".join(map(chr, ref)) for ref in reference]
        assert engine.largest_batch == 4
    finally:
        engine.stop()


@pytest.mark.parametrize("size", sorted(ms.SIZES))
def test_decoder_size_matches_the_scaling_law_count(size: str) -> None:
    # Kaplan et al., "Scaling Laws for Neural Language Models" (https://arxiv.org/abs/2001.08361, Table 1,
    # read 2026-12-01): a GPT decoder has N = 12 n_layer d_model^2 non-embedding parameters (d_ff = 4 d_model),
    # biases and norms left out. Not used to build the model: its modules are counted here.
    cfg = ms.SIZES[size]
    model = ms.TinyGPT(cfg)
    non_embedding = sum(p.numel() for p in model.blocks.parameters())
    assert non_embedding == pytest.approx(12 * cfg.n_layer * cfg.d_model**2, rel=0.02)
    assert ms.parameter_count(model) == expected_parameters(cfg.d_model, cfg.n_layer, cfg.context)


def test_load_generator_offers_the_model_sizes() -> None:
    # serving.py cannot import the model server (it would need torch): its --size list is kept by hand.
    (size,) = [a for a in serving._parser()._actions if a.dest == "size"]
    assert sorted(size.choices or ()) == sorted(ms.SIZES)


def test_cancelled_requests_free_their_slots() -> None:
    engine = ms.Engine(TINY, max_batch=2)
    try:
        with engine._cond:  # both in the batch together
            gone = [engine.submit(ms.encode("long"), 200), engine.submit(ms.encode("longer"), 200)]
        for request in gone:
            next(engine.tokens(request, timeout_s=30))
        for request in gone:
            request.cancelled.set()  # what the HTTP handler does when a client goes away
        after = [engine.submit(ms.encode("next"), 3), engine.submit(ms.encode("then"), 3)]
        # Both need a slot of their own: a leaked slot would leave one waiting until the timeout.
        assert ["".join(engine.tokens(r, timeout_s=30)) != "" for r in after] == [True, True]
        assert sorted(engine._free_slots) == [0, 1]
    finally:
        engine.stop()


def test_engine_refuses_what_does_not_fit() -> None:
    engine = ms.Engine(TINY, max_batch=1)
    try:
        with pytest.raises(ms.EngineError, match="exceeds the context"):
            engine.submit([65] * 200, 57)
        engine.submit([65] * 200, 56)  # exactly the context: accepted
    finally:
        engine.stop()


# --- the load generator against it, per API -------------------------------------------------------------


@pytest.mark.parametrize(
    ("api", "expected"),
    [
        (["--endpoint", "chat"], {"serving.ttft_ms", "serving.tpot_ms", "serving.tokens_per_s"}),
        (["--api", "kserve"], {"serving.tokens_per_s"}),  # v2: the completion_tokens output
        (["--api", "kserve", "--kserve-protocol", "v1"], set()),  # no token count, no streaming
    ],
)
def test_load_generator_per_api(
    server: tuple[str, int], capsys: pytest.CaptureFixture[str], api: list[str], expected: set[str]
) -> None:
    url = f"http://{server[0]}:{server[1]}"
    code = serving.main(["--url", url, *api, "--concurrency", "1,2", "--requests", "4", "--max-tokens", "8"])
    result = BenchResult.model_validate_json(capsys.readouterr().out)
    assert code == 0 and result.ok and result.parameters["model"] == "aifab-tiny"
    optional = {"serving.ttft_ms", "serving.tpot_ms", "serving.tokens_per_s"}
    always = {"serving.requests_per_s", "serving.latency_ms", "serving.errors"}
    for c in ("1", "2"):
        names = {m.name for m in result.metrics if m.labels == {"concurrency": c}}
        assert names == always | expected and not (optional - expected) & names
    by_key = {m.key(): m.value for m in result.metrics}
    if "serving.tokens_per_s" in expected:  # every request generates exactly max_tokens
        assert by_key["serving.tokens_per_s{concurrency=2}"] == pytest.approx(
            8 * by_key["serving.requests_per_s{concurrency=2}"]
        )


# --- on a CUDA device (skipped elsewhere) -----------------------------------------------------------------


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_batched_decoding_on_a_gpu_equals_full_recompute() -> None:
    engine = ms.Engine(ms.SIZES["medium"], device="cuda", max_batch=4)
    try:
        prompts = [ms.encode(p) for p in ("The fabric", "a", "rack " * 20, "GPU pool")]
        with torch.inference_mode():
            reference = [engine.model.generate_reference(p, 24) for p in prompts]
        with engine._cond:
            requests = [engine.submit(p, 24) for p in prompts]
        assert ["".join(engine.tokens(r, timeout_s=60)) for r in requests] == [
            "".join(map(chr, ref)) for ref in reference
        ]
    finally:
        engine.stop()


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_load_generator_on_a_gpu_model_server() -> None:
    command = [sys.executable, "-m", "aifab.bench.workloads.serving", "--quick", "--device", "cuda", "--size", "medium"]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = BenchResult.model_validate_json(proc.stdout)
    assert result.ok and result.environment.device != "cpu"  # the CUDA device's name
    assert result.parameters["model_parameters"] == expected_parameters(512, 8, 1024)
    assert all(m.value == 0 for m in result.metrics if m.name == "serving.errors")
