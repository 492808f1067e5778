"""A small real model server with an OpenAI-compatible HTTP API: what the serving benchmark measures locally.

The model is a real PyTorch network — a GPT-style decoder (token and position embeddings, pre-norm
attention + MLP blocks, output head) over a byte vocabulary — run token by token with a KV cache,
greedy, on the CPU or a CUDA device. Its weights are random but seeded, so the text it writes is
gibberish (output is restricted to printable ASCII, one character per token) and always exactly
``max_tokens`` long: the server measures the *serving path* (HTTP, batching, prefill, decode), not model
quality. The load generator is :mod:`aifab.bench.workloads.serving`.

Concurrent requests are batched dynamically (iteration-level, "continuous" batching as in Orca and vLLM):
one scheduler thread owns the model; each step it admits waiting requests into free KV-cache slots
(prefill, one request at a time, which yields the first token), then runs one decode step for every active
request together, so a request joins or leaves the batch between any two tokens. Requests beyond
``--max-batch`` wait in arrival order; a client that leaves mid-stream is dropped from the batch.

API (JSON over HTTP/1.1; ``stream: true`` answers Server-Sent Events ``data: {...}`` ending ``data: [DONE]``):

* ``POST /v1/completions`` ``{"prompt": str, "max_tokens": int, "stream": bool,
  "stream_options": {"include_usage": bool}}`` and ``POST /v1/chat/completions`` (``messages`` instead
  of ``prompt``); ``usage`` carries prompt_tokens / completion_tokens. ``temperature``, ``top_p``,
  ``stop`` and the like are accepted and ignored (decoding is greedy, no stop sequences).
* ``GET /v1/models``, ``GET /health``.
* KServe: ``POST /v2/models/<name>/infer`` (Open Inference Protocol: a BYTES input ``text_input``,
  ``parameters.max_tokens``; outputs ``text_output`` and ``completion_tokens``),
  ``POST /v1/models/<name>:predict`` (``{"instances": [str | {"prompt", "max_tokens"}]}`` ->
  ``{"predictions": [str]}``), ``GET /v2/health/ready``.

Run it: ``python -m aifab.bench.workloads.model_server --port 0`` prints ``listening on
http://127.0.0.1:PORT`` as its first stdout line, so a parent can start it and read the port. It imports
only the standard library and torch, so the file runs where aifab is not installed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import queue
import signal
import socket
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError:  # pragma: no cover - the load generator checks this before starting the server
    raise SystemExit("model_server: PyTorch is not installed (pip install torch)") from None

__all__ = ["SIZES", "Engine", "ModelConfig", "TinyGPT", "main", "parameter_count"]

MAX_BODY_BYTES: Final = 1 << 20
# Output restricted to printable ASCII: every generated token is exactly one character of text.
_FIRST_PRINTABLE, _LAST_PRINTABLE = 32, 126
_BOS: Final = 10  # "\n": stands in for an empty prompt (a sequence needs one token to start from)


@dataclass(frozen=True)
class ModelConfig:
    """The decoder's shape. ``vocab`` is bytes; ``context`` bounds prompt + completion tokens."""

    d_model: int
    n_layer: int
    n_head: int
    context: int
    vocab: int = 256
    seed: int = 0


# tiny: for --quick and tests; small: the default local run; medium: worth a GPU.
SIZES: Final[dict[str, ModelConfig]] = {
    "tiny": ModelConfig(d_model=64, n_layer=2, n_head=2, context=256),
    "small": ModelConfig(d_model=256, n_layer=4, n_head=4, context=512),
    "medium": ModelConfig(d_model=512, n_layer=8, n_head=8, context=1024),
}


class _Block(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.n_head = cfg.n_head
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.fc = nn.Linear(cfg.d_model, 4 * cfg.d_model)
        self.out = nn.Linear(4 * cfg.d_model, cfg.d_model)

    def heads(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """q, k, v as [batch, heads, time, head_dim] from x [batch, time, d_model]."""
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        shape = (b, t, self.n_head, d // self.n_head)
        return q.view(shape).transpose(1, 2), k.view(shape).transpose(1, 2), v.view(shape).transpose(1, 2)

    def finish(self, x: torch.Tensor, attended: torch.Tensor) -> torch.Tensor:
        b, _, t, _ = attended.shape
        x = x + self.proj(attended.transpose(1, 2).reshape(b, t, -1))
        out: torch.Tensor = x + self.out(F.gelu(self.fc(self.ln2(x))))
        return out


class TinyGPT(nn.Module):
    """The decoder, with a KV cache of ``slots`` sequences (one slot per request being served).

    >>> model = TinyGPT(SIZES["tiny"], slots=2)
    >>> first = model.prefill(torch.tensor([72, 105]), slot=0)  # "Hi"
    >>> tuple(first.shape)
    (256,)
    """

    def __init__(self, cfg: ModelConfig, *, slots: int = 1, device: str = "cpu") -> None:
        super().__init__()
        torch.manual_seed(cfg.seed)  # random but reproducible weights: same text for the same prompt
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab, cfg.d_model)
        self.wpe = nn.Embedding(cfg.context, cfg.d_model)
        # A typed list for the forward passes; the ModuleList registers the same blocks' weights.
        self.layers = [_Block(cfg) for _ in range(cfg.n_layer)]
        self.blocks = nn.ModuleList(self.layers)
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.vocab, bias=False)
        for module in self.modules():
            # GPT-2's initialisation (normal, std 0.02): no one input dominates the residual stream, so the
            # output depends on the whole context through attention rather than echoing the last byte.
            if isinstance(module, nn.Linear | nn.Embedding):
                nn.init.normal_(module.weight, std=0.02)
        self.to(device)
        self.eval()
        self.requires_grad_(False)  # inference only: no autograd graph through the cache writes
        head_dim = cfg.d_model // cfg.n_head
        cache_shape = (cfg.n_layer, slots, cfg.n_head, cfg.context, head_dim)
        self.cache_k = torch.zeros(cache_shape, device=device)
        self.cache_v = torch.zeros(cache_shape, device=device)
        allowed = torch.full((cfg.vocab,), -math.inf, device=device)
        allowed[_FIRST_PRINTABLE : _LAST_PRINTABLE + 1] = 0.0
        self.allowed = allowed

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        logits: torch.Tensor = self.head(self.ln_f(x)) + self.allowed
        return logits

    def prefill(self, tokens: torch.Tensor, *, slot: int) -> torch.Tensor:
        """Run a whole prompt (1-D tokens) into cache slot ``slot``; the logits for the next token."""
        length = tokens.shape[0]
        x = self.wte(tokens) + self.wpe(torch.arange(length, device=tokens.device))
        x = x.unsqueeze(0)
        for layer, block in enumerate(self.layers):
            q, k, v = block.heads(x)
            self.cache_k[layer, slot, :, :length] = k[0]
            self.cache_v[layer, slot, :, :length] = v[0]
            x = block.finish(x, F.scaled_dot_product_attention(q, k, v, is_causal=True))
        return self._logits(x[0, -1])

    def decode(self, tokens: torch.Tensor, *, slots: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        """One step for a batch: token i goes to ``positions[i]`` of slot ``slots[i]``; logits [batch, vocab].

        Each sequence attends to its own cache up to its own position (a boolean mask), so sequences of
        different lengths share one batched step.
        """
        x = (self.wte(tokens) + self.wpe(positions)).unsqueeze(1)
        span = int(positions.max()) + 1
        mask = (torch.arange(span, device=tokens.device)[None, :] <= positions[:, None])[:, None, None, :]
        for layer, block in enumerate(self.layers):
            q, k, v = block.heads(x)
            # slots and positions are index tensors around a slice: the indexed shape is [batch, heads, dim].
            self.cache_k[layer][slots, :, positions] = k[:, :, 0]
            self.cache_v[layer][slots, :, positions] = v[:, :, 0]
            keys = self.cache_k[layer][slots, :, :span]
            values = self.cache_v[layer][slots, :, :span]
            x = block.finish(x, F.scaled_dot_product_attention(q, keys, values, attn_mask=mask))
        return self._logits(x[:, 0])

    def generate_reference(self, prompt: list[int], max_tokens: int) -> list[int]:
        """Greedy generation by full recomputation, no cache: what the cached, batched path must equal."""
        tokens = list(prompt)
        for _ in range(max_tokens):
            t = torch.tensor(tokens, device=self.allowed.device)
            x = (self.wte(t) + self.wpe(torch.arange(len(tokens), device=t.device))).unsqueeze(0)
            for block in self.layers:
                q, k, v = block.heads(x)
                x = block.finish(x, F.scaled_dot_product_attention(q, k, v, is_causal=True))
            tokens.append(int(self._logits(x[0, -1]).argmax()))
        return tokens[len(prompt) :]


def parameter_count(model: nn.Module) -> int:
    """Number of weights."""
    return sum(p.numel() for p in model.parameters())


def encode(text: str) -> list[int]:
    """Bytes are tokens; an empty prompt becomes one newline token."""
    return list(text.encode("utf-8")) or [_BOS]


@dataclass(eq=False)
class _Request:
    """One generation in flight. The scheduler puts ``("token", str)``, ``("done", "")`` or ``("error", msg)``."""

    prompt: list[int]
    max_tokens: int
    events: queue.Queue[tuple[str, str]] = field(default_factory=queue.Queue)
    cancelled: threading.Event = field(default_factory=threading.Event)
    slot: int = -1
    position: int = 0  # where the next token goes in the cache (= tokens already cached)
    last_token: int = 0
    generated: int = 0


class EngineError(Exception):
    """A request the engine cannot serve (too long for the context, engine stopped)."""


class Engine:
    """Owns the model; serves requests with iteration-level batching from one scheduler thread."""

    def __init__(self, cfg: ModelConfig, *, device: str = "cpu", max_batch: int = 8) -> None:
        self.cfg = cfg
        self.device = device
        self.max_batch = max_batch
        self.model = TinyGPT(cfg, slots=max_batch, device=device)
        self.device_name = torch.cuda.get_device_name(device) if device.startswith("cuda") else "cpu"
        self.parameters = parameter_count(self.model)
        self._cond = threading.Condition()
        self._pending: deque[_Request] = deque()
        self._free_slots = list(range(max_batch))
        self._active: list[_Request] = []
        self._stopping = False
        # Observed batching, for /v1/models and tests: decode steps run and the largest batch seen.
        self.decode_steps = 0
        self.largest_batch = 0
        self.cancelled_requests = 0
        self._thread = threading.Thread(target=self._loop, name="aifab-batcher", daemon=True)
        self._thread.start()

    def submit(self, prompt: list[int], max_tokens: int) -> _Request:
        if max_tokens < 1:
            raise EngineError("max_tokens must be at least 1")
        if len(prompt) + max_tokens > self.cfg.context:
            raise EngineError(
                f"prompt ({len(prompt)} tokens) + max_tokens ({max_tokens}) exceeds the context of "
                f"{self.cfg.context} tokens"
            )
        request = _Request(prompt=prompt, max_tokens=max_tokens)
        with self._cond:
            if self._stopping:
                raise EngineError("the server is stopping")
            self._pending.append(request)
            self._cond.notify()
        return request

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        with torch.inference_mode():
            while True:
                with self._cond:
                    while not (self._pending or self._active or self._stopping):
                        self._cond.wait()
                    if self._stopping:
                        for request in [*self._pending, *self._active]:
                            request.events.put(("error", "the server is stopping"))
                        return
                    admitted = []
                    while self._pending and self._free_slots:
                        request = self._pending.popleft()
                        request.slot = self._free_slots.pop()
                        admitted.append(request)
                try:
                    for request in admitted:
                        self._prefill(request)
                    # Clients that went away leave the batch (a copy: releasing edits self._active).
                    left = [r for r in self._active if r.cancelled.is_set()]
                    self.cancelled_requests += len(left)
                    self._release(left)
                    if self._active:
                        self._decode()
                except Exception as exc:  # a failed step fails its requests, never the server
                    for request in [*admitted, *self._active]:
                        request.events.put(("error", f"generation failed: {exc}"))
                    self._release([*admitted, *self._active])

    def _release(self, requests: list[_Request]) -> None:
        with self._cond:
            for request in requests:
                if request in self._active:
                    self._active.remove(request)
                if request.slot >= 0:
                    self._free_slots.append(request.slot)
                    request.slot = -1

    def _emit(self, request: _Request, token: int) -> None:
        request.last_token = token
        request.generated += 1
        request.events.put(("token", chr(token)))
        if request.generated >= request.max_tokens:
            self._release([request])  # first, so whoever sees "done" finds the slot free again
            request.events.put(("done", ""))

    def _prefill(self, request: _Request) -> None:
        tokens = torch.tensor(request.prompt, device=self.device)
        logits = self.model.prefill(tokens, slot=request.slot)
        request.position = len(request.prompt)
        self._active.append(request)
        self._emit(request, int(logits.argmax()))

    def _decode(self) -> None:
        batch = list(self._active)
        self.decode_steps += 1
        self.largest_batch = max(self.largest_batch, len(batch))
        logits = self.model.decode(
            torch.tensor([r.last_token for r in batch], device=self.device),
            slots=torch.tensor([r.slot for r in batch], device=self.device),
            positions=torch.tensor([r.position for r in batch], device=self.device),
        )
        for request, token in zip(batch, logits.argmax(dim=-1).tolist(), strict=True):
            request.position += 1
            self._emit(request, int(token))

    def tokens(self, request: _Request, *, timeout_s: float = 600.0) -> Iterator[str]:
        """The request's tokens as they come; raises :class:`EngineError` if generation fails."""
        while True:
            try:
                kind, text = request.events.get(timeout=timeout_s)
            except queue.Empty:
                request.cancelled.set()
                raise EngineError(f"no token for {timeout_s:g} s") from None
            if kind == "token":
                yield text
            elif kind == "done":
                return
            else:
                raise EngineError(text)


class _BadRequest(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    engine: Engine
    model_name: str
    size: str
    created: int


def _int_field(body: dict[str, Any], name: str, default: int) -> int:
    value = body.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise _BadRequest(f"'{name}' must be an integer (got {value!r})")
    return value


def _chat_prompt(messages: object) -> str:
    if not isinstance(messages, list) or not messages:
        raise _BadRequest("'messages' must be a non-empty list of {role, content}")
    lines = []
    for message in messages:
        if not isinstance(message, dict) or not isinstance(message.get("content"), str):
            raise _BadRequest("each message needs a string 'content'")
        lines.append(f"{message.get('role', 'user')}: {message['content']}")
    return "\n".join(lines) + "\nassistant:"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a load generator's connection serves many requests
    server: _Server
    server_version = "aifab-model-server/1"
    _chunked = True

    def setup(self) -> None:
        super().setup()
        # Each streamed token is a small write; without TCP_NODELAY, Nagle's algorithm holds it until the
        # client's delayed ACK (~40 ms on Linux), which would be measured as time to first token.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        if os.environ.get("AIFAB_MODEL_SERVER_LOG"):
            super().log_message(format, *args)

    # --- plumbing -------------------------------------------------------------------------------
    def _send_json(self, status: int, payload: object) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if self.request_version == "HTTP/1.0" and not self.close_connection:
            # An HTTP/1.0 client asked for keep-alive (ApacheBench -k): it waits for this to reuse the connection.
            self.send_header("Connection", "keep-alive")
        self.end_headers()
        self.wfile.write(data)

    def _send_error(self, status: int, message: str) -> None:
        kind = "invalid_request_error" if status < 500 else "server_error"
        self._send_json(status, {"error": {"message": message, "type": kind, "param": None, "code": None}})

    def _read_json(self) -> dict[str, Any]:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise _BadRequest("a JSON body with Content-Length is required", 411)
        if int(length) > MAX_BODY_BYTES:
            raise _BadRequest(f"body over {MAX_BODY_BYTES} bytes", 413)
        raw = self.rfile.read(int(length))
        try:
            body = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _BadRequest(f"body is not JSON: {exc}") from exc
        if not isinstance(body, dict):
            raise _BadRequest("body must be a JSON object")
        return body

    def _generate(self, prompt: str, max_tokens: int) -> tuple[_Request, list[int]]:
        ids = encode(prompt)
        try:
            return self.server.engine.submit(ids, max_tokens), ids
        except EngineError as exc:
            raise _BadRequest(str(exc)) from exc

    # --- routes ---------------------------------------------------------------------------------
    def do_GET(self) -> None:
        name = self.server.model_name
        if self.path in ("/health", "/v2/health/ready", "/v2/health/live"):
            self._send_json(200, {"status": "ok", "ready": True, "live": True})
        elif self.path == "/v1/models":
            engine = self.server.engine
            card = {
                "id": name,
                "object": "model",
                "created": self.server.created,
                "owned_by": "aifab",
                # Not OpenAI fields: what the load generator records about the model it measured.
                "aifab": {
                    "size": self.server.size,
                    "parameters": engine.parameters,
                    "context": engine.cfg.context,
                    "device": engine.device,
                    "device_name": engine.device_name,
                    "max_batch": engine.max_batch,
                    "decode_steps": engine.decode_steps,
                    "largest_batch": engine.largest_batch,
                    "active_requests": len(engine._active),
                    "cancelled_requests": engine.cancelled_requests,
                },
            }
            self._send_json(200, {"object": "list", "data": [card]})
        elif self.path in (f"/v2/models/{name}", f"/v1/models/{name}"):
            self._send_json(
                200,
                {
                    "name": name,
                    "ready": True,
                    "versions": ["1"],
                    "platform": "pytorch",
                    "inputs": [{"name": "text_input", "datatype": "BYTES", "shape": [-1]}],
                    "outputs": [
                        {"name": "text_output", "datatype": "BYTES", "shape": [-1]},
                        {"name": "completion_tokens", "datatype": "INT64", "shape": [-1]},
                    ],
                },
            )
        else:
            self._send_error(404, f"no route {self.path}")

    def do_POST(self) -> None:
        name = self.server.model_name
        try:
            body = self._read_json()
            if self.path == "/v1/completions":
                self._openai(body, chat=False)
            elif self.path == "/v1/chat/completions":
                self._openai(body, chat=True)
            elif self.path == f"/v2/models/{name}/infer":
                self._kserve_v2(body)
            elif self.path == f"/v1/models/{name}:predict":
                self._kserve_v1(body)
            else:
                self._send_error(404, f"no route {self.path}")
        except _BadRequest as exc:
            if exc.status in (411, 413):
                self.close_connection = True  # the body was not read: the connection cannot be reused
            self._send_error(exc.status, str(exc))
        except EngineError as exc:
            self._send_error(500, str(exc))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _openai(self, body: dict[str, Any], *, chat: bool) -> None:
        if chat:
            prompt = _chat_prompt(body.get("messages"))
        else:
            raw = body.get("prompt", "")
            if isinstance(raw, list) and len(raw) == 1:
                raw = raw[0]  # a one-prompt batch; several prompts per request are not served
            if not isinstance(raw, str):
                raise _BadRequest("'prompt' must be a string")
            prompt = raw
        # Chat clients may send the newer max_completion_tokens instead of max_tokens.
        limit = "max_completion_tokens" if chat and body.get("max_completion_tokens") is not None else "max_tokens"
        max_tokens = _int_field(body, limit, 16)
        request, ids = self._generate(prompt, max_tokens)
        ident = ("chatcmpl-" if chat else "cmpl-") + uuid.uuid4().hex[:24]
        created = int(time.time())
        model = self.server.model_name
        usage = {"prompt_tokens": len(ids), "completion_tokens": max_tokens, "total_tokens": len(ids) + max_tokens}
        if not body.get("stream"):
            text = "".join(self.server.engine.tokens(request))
            if chat:
                choice: dict[str, Any] = {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "length",
                }
            else:
                choice = {"index": 0, "text": text, "logprobs": None, "finish_reason": "length"}
            kind = "chat.completion" if chat else "text_completion"
            self._send_json(
                200,
                {"id": ident, "object": kind, "created": created, "model": model, "choices": [choice], "usage": usage},
            )
            return
        options = body.get("stream_options") or {}
        include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
        kind = "chat.completion.chunk" if chat else "text_completion"

        def chunk(choices: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
            return {"id": ident, "object": kind, "created": created, "model": model, "choices": choices, **extra}

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        # HTTP/1.1: chunked, so the connection stays open for the next request; HTTP/1.0 has no chunking,
        # so the stream ends with the connection.
        self._chunked = self.request_version != "HTTP/1.0"
        self.send_header(*(("Transfer-Encoding", "chunked") if self._chunked else ("Connection", "close")))
        self.end_headers()
        try:
            if chat:  # OpenAI opens a chat stream with the role
                self._sse(chunk([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]))
            for text in self.server.engine.tokens(request):
                if chat:
                    self._sse(chunk([{"index": 0, "delta": {"content": text}, "finish_reason": None}]))
                else:
                    self._sse(chunk([{"index": 0, "text": text, "logprobs": None, "finish_reason": None}]))
            last = {"index": 0, "finish_reason": "length"}
            self._sse(chunk([{**last, "delta": {}} if chat else {**last, "text": "", "logprobs": None}]))
            if include_usage:
                self._sse(chunk([], usage=usage))
        except EngineError as exc:  # headers are gone: report in the stream, as OpenAI does
            self._sse({"error": {"message": str(exc), "type": "server_error"}})
        except (BrokenPipeError, ConnectionResetError):
            request.cancelled.set()  # the client left: free its slot
            self.close_connection = True
            return
        self._write_chunk(b"data: [DONE]\n\n")
        if self._chunked:
            self.wfile.write(b"0\r\n\r\n")

    def _sse(self, payload: dict[str, Any]) -> None:
        self._write_chunk(b"data: " + json.dumps(payload).encode("utf-8") + b"\n\n")

    def _write_chunk(self, data: bytes) -> None:
        # HTTP/1.1 chunked framing in one write, so each event leaves at once.
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if self._chunked else data)

    def _kserve_v2(self, body: dict[str, Any]) -> None:
        inputs = body.get("inputs")
        if not isinstance(inputs, list) or not inputs or not isinstance(inputs[0], dict):
            raise _BadRequest("'inputs' must be a non-empty list of tensors")
        tensor = next((t for t in inputs if isinstance(t, dict) and t.get("name") == "text_input"), inputs[0])
        data = tensor.get("data")
        if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], str):
            raise _BadRequest("the text input must be a BYTES tensor of shape [1] holding one string")
        parameters = body.get("parameters") or {}
        max_tokens = _int_field(parameters if isinstance(parameters, dict) else {}, "max_tokens", 16)
        request, _ = self._generate(data[0], max_tokens)
        text = "".join(self.server.engine.tokens(request))
        response: dict[str, Any] = {
            "model_name": self.server.model_name,
            "model_version": "1",
            "outputs": [
                {"name": "text_output", "datatype": "BYTES", "shape": [1], "data": [text]},
                {"name": "completion_tokens", "datatype": "INT64", "shape": [1], "data": [max_tokens]},
            ],
        }
        if "id" in body:
            response["id"] = body["id"]
        self._send_json(200, response)

    def _kserve_v1(self, body: dict[str, Any]) -> None:
        instances = body.get("instances")
        if not isinstance(instances, list) or not instances:
            raise _BadRequest("'instances' must be a non-empty list")
        requests = []
        for instance in instances:
            if isinstance(instance, str):
                prompt, max_tokens = instance, 16
            elif isinstance(instance, dict) and isinstance(instance.get("prompt"), str):
                prompt, max_tokens = instance["prompt"], _int_field(instance, "max_tokens", 16)
            else:
                raise _BadRequest("each instance is a string or {prompt, max_tokens}")
            requests.append(self._generate(prompt, max_tokens)[0])
        predictions = ["".join(self.server.engine.tokens(r)) for r in requests]
        self._send_json(200, {"predictions": predictions})


def _watch_parent(parent: int) -> None:
    # Started by the load generator: if it dies without stopping us (SIGKILL), stop rather than linger. The
    # parent's pid comes on the command line, so a parent gone before this thread started is noticed too.
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM unwinds like Ctrl-C: the finally below closes the socket


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="model_server", description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port (printed on stdout)")
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--device", default="auto", help="cpu, cuda, cuda:N or auto (CUDA when present)")
    parser.add_argument("--max-batch", type=int, default=8, help="requests decoded together (KV-cache slots)")
    parser.add_argument("--model-name", default=None, help="the name clients use (default aifab-<size>)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--parent-pid", type=int, default=None, help="stop when this parent process exits")
    args = parser.parse_args(argv)
    if args.max_batch < 1:
        parser.error("--max-batch must be at least 1")
    signal.signal(signal.SIGTERM, _terminate)
    if args.parent_pid is not None:
        threading.Thread(target=_watch_parent, args=(args.parent_pid,), daemon=True).start()
    device = ("cuda" if torch.cuda.is_available() else "cpu") if args.device == "auto" else args.device
    if device.startswith("cuda") and not torch.cuda.is_available():
        parser.error(f"--device {device}: this PyTorch sees no CUDA device (torch {torch.__version__})")
    cfg = SIZES[args.size]
    engine: Engine | None = None
    server: _Server | None = None
    try:
        engine = Engine(ModelConfig(**{**cfg.__dict__, "seed": args.seed}), device=device, max_batch=args.max_batch)
        # Warm up (first calls allocate and pick kernels) so the first measured request is not an outlier.
        for _ in engine.tokens(engine.submit(encode("warm up"), 2)):
            pass
        server = _Server((args.host, args.port), _Handler)
        server.engine = engine
        server.model_name = args.model_name or f"aifab-{args.size}"
        server.size = args.size
        server.created = int(time.time())
        print(f"listening on http://{args.host}:{server.server_port}", flush=True)
        print(
            f"model {server.model_name}: {engine.parameters} parameters, context {cfg.context}, device {device}, "
            f"max batch {args.max_batch}",
            file=sys.stderr,
            flush=True,
        )
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.server_close()
        if engine is not None:
            engine.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
