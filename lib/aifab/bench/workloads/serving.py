"""Serving workload: a load generator for an OpenAI-compatible or KServe HTTP endpoint.

At each concurrency in a sweep, that many client threads (one keep-alive connection each) send requests
back to back — a closed loop, as the concurrency mode of NVIDIA's GenAI-Perf (now AIPerf) does — until N requests
(or a duration) are done. With streaming (the default for the OpenAI API) the time to the first generated
token is measured at the first Server-Sent Event carrying text. Per concurrency it reports:

* ``serving.requests_per_s`` and ``serving.tokens_per_s`` (completion tokens, from ``usage`` when the
  server reports it, otherwise the count of streamed chunks with text) over the level's wall time;
* ``serving.ttft_ms``, ``serving.tpot_ms`` (time per output token after the first, (latency - TTFT) /
  (tokens - 1): GenAI-Perf's inter-token latency, https://docs.nvidia.com/rag/2.5.0/perf-benchmarks.html)
  and ``serving.latency_ms``, with p50/p95/p99 (value = p50; lower is better);
* ``serving.errors`` (failed requests; lower is better).

Without ``--url`` it starts :mod:`aifab.bench.workloads.model_server` (a small real PyTorch model) on a
free loopback port, measures it and stops it — also on an error, Ctrl-C or SIGTERM. KServe endpoints:
``--api kserve`` sends Open Inference Protocol v2 ``/v2/models/<name>/infer`` requests (or v1
``:predict`` with ``--kserve-protocol v1``); these do not stream, so no TTFT is reported for them, and
tokens/s only where the response has a ``completion_tokens`` output. KServe's LLM runtimes also serve the
OpenAI API (under ``/openai``): ``--api openai --url http://host/openai`` measures those with TTFT.
``OPENAI_API_KEY``, when set, is sent as a bearer token (as OpenAI's clients and vLLM's benchmark do).

Standard library only (``http.client`` and threads), so it runs anywhere Python does:
``python -m aifab.bench.workloads.serving --quick`` or
``python -m aifab.bench.workloads.serving --url http://10.0.0.5:8000 --concurrency 1,8,32``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from aifab.bench.workloads._result import Clock, environment, fail, metric, percentile, result

__all__ = ["LOADGEN_VERSION", "Outcome", "main", "summarize"]

LOADGEN_VERSION: Final = "1.0"
WORKLOAD: Final = "serving"
ENGINE: Final = ("aifab-loadgen", LOADGEN_VERSION)
SERVER_START_TIMEOUT_S: Final = 120.0
# A fixed, readable prompt, repeated to the requested length: every request costs the server the same.
_PROMPT_TEXT: Final = "The data hall holds racks of accelerators joined by a fast fabric. "


@dataclass(frozen=True)
class Outcome:
    """One request: start and end (perf_counter seconds), first-token time, completion tokens, error.

    ``tokens`` is None where the endpoint does not say how many it generated (KServe v1, or no usage).
    """

    start_s: float
    end_s: float
    first_token_s: float | None
    tokens: int | None
    error: str | None = None

    @property
    def latency_ms(self) -> float:
        return (self.end_s - self.start_s) * 1000


class RequestError(Exception):
    """A request that did not complete (HTTP status, malformed answer, connection trouble)."""


def prompt_of(length: int) -> str:
    """A prompt of ``length`` characters (bytes, hence tokens, for the aifab model server).

    >>> len(prompt_of(100)), prompt_of(8)
    (100, 'The data')
    """
    return (_PROMPT_TEXT * (length // len(_PROMPT_TEXT) + 1))[:length]


# --- one request per API ------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTP connection that sends requests of one API and times them."""

    def __init__(self, base: urllib.parse.SplitResult, *, timeout_s: float) -> None:
        self.base = base
        self.timeout_s = timeout_s
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self.base.scheme == "https" else http.client.HTTPConnection
            self._conn = cls(self.base.hostname or "localhost", self.base.port, timeout=self.timeout_s)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def path(self, suffix: str) -> str:
        return self.base.path.rstrip("/") + suffix

    def get_json(self, suffix: str) -> Any:
        conn = self._connection()
        try:
            conn.request("GET", self.path(suffix))
            response = conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.status != 200:
            raise RequestError(f"GET {self.path(suffix)}: HTTP {response.status} {_excerpt(body)}")
        return json.loads(body)

    def post(self, suffix: str, payload: dict[str, Any]) -> tuple[float, http.client.HTTPResponse]:
        """Send; the start time and the response, headers read. The caller reads the body."""
        conn = self._connection()
        data = json.dumps(payload).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        if os.environ.get("OPENAI_API_KEY"):  # endpoints behind a gateway often want a bearer token
            headers["Authorization"] = "Bearer " + os.environ["OPENAI_API_KEY"]
        start = time.perf_counter()
        try:
            conn.request("POST", self.path(suffix), body=data, headers=headers)
            response = conn.getresponse()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.status != 200:
            body = response.read()
            raise RequestError(f"POST {self.path(suffix)}: HTTP {response.status} {_excerpt(body)}")
        return start, response


def _excerpt(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    return text[:200] + ("..." if len(text) > 200 else "")


def _sse_events(response: http.client.HTTPResponse) -> Iterator[str]:
    """The ``data:`` payloads of a Server-Sent Events stream, up to ``[DONE]`` or the end."""
    while True:
        line = response.readline()
        if not line:
            return
        text = line.decode("utf-8", "replace").strip()
        if not text.startswith("data:"):
            continue  # blank separators, comments, event:/id: lines
        payload = text[5:].strip()
        if payload == "[DONE]":
            return
        yield payload


@dataclass(frozen=True)
class Workload:
    """What every request asks for."""

    api: str  # openai | kserve
    endpoint: str  # completions | chat (openai); v2 | v1 (kserve)
    model: str
    prompt: str
    max_tokens: int
    stream: bool

    def send(self, client: Client) -> Outcome:
        if self.api == "openai":
            return self._openai(client)
        return self._kserve(client)

    def _openai(self, client: Client) -> Outcome:
        chat = self.endpoint == "chat"
        payload: dict[str, Any] = {"model": self.model, "max_tokens": self.max_tokens, "temperature": 0}
        if chat:
            payload["messages"] = [{"role": "user", "content": self.prompt}]
        else:
            payload["prompt"] = self.prompt
        if self.stream:
            payload["stream"] = True
            payload["stream_options"] = {"include_usage": True}
        start, response = client.post("/v1/chat/completions" if chat else "/v1/completions", payload)
        if not self.stream:
            body = json.loads(response.read())
            end = time.perf_counter()
            return Outcome(start, end, None, _usage_tokens(body))
        first: float | None = None
        chunks = 0
        usage: int | None = None
        for payload_text in _sse_events(response):
            event = json.loads(payload_text)
            if not isinstance(event, dict):
                raise RequestError(f"stream event is not an object: {payload_text[:100]}")
            if "error" in event or event.get("object") == "error":  # OpenAI's shape, and vLLM's
                raise RequestError(f"error in stream: {json.dumps(event.get('error', event))[:200]}")
            usage = _usage_tokens(event) if event.get("usage") else usage
            for choice in event.get("choices") or ():
                piece = (choice.get("delta") or {}).get("content") if chat else choice.get("text")
                if piece:
                    chunks += 1
                    if first is None:
                        first = time.perf_counter()
        end = time.perf_counter()
        response.read()  # the chunked trailer, so the connection can be reused
        if first is None:
            raise RequestError("the stream carried no text")
        return Outcome(start, end, first, usage if usage is not None else chunks)

    def _kserve(self, client: Client) -> Outcome:
        if self.endpoint == "v1":
            payload: dict[str, Any] = {"instances": [{"prompt": self.prompt, "max_tokens": self.max_tokens}]}
            start, response = client.post(f"/v1/models/{self.model}:predict", payload)
            body = json.loads(response.read())
            end = time.perf_counter()
            predictions = body.get("predictions") if isinstance(body, dict) else None
            if not isinstance(predictions, list) or not predictions:
                raise RequestError("the :predict response has no predictions")
            return Outcome(start, end, None, None)  # v1 predictions carry no token count
        payload = {
            "inputs": [{"name": "text_input", "shape": [1], "datatype": "BYTES", "data": [self.prompt]}],
            "parameters": {"max_tokens": self.max_tokens},
        }
        start, response = client.post(f"/v2/models/{self.model}/infer", payload)
        body = json.loads(response.read())
        end = time.perf_counter()
        outputs = body.get("outputs") if isinstance(body, dict) else None
        if not isinstance(outputs, list) or not outputs:
            raise RequestError("the infer response has no outputs")
        tokens = None  # the protocol has no usage: count only what the server states
        for output in outputs:
            if isinstance(output, dict) and output.get("name") == "completion_tokens":
                tokens = int(sum(output.get("data") or [0]))
        return Outcome(start, end, None, tokens)


def _usage_tokens(body: Any) -> int | None:
    usage = body.get("usage") if isinstance(body, dict) else None
    value = usage.get("completion_tokens") if isinstance(usage, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# --- the sweep ------------------------------------------------------------------------------------------


def run_level(
    base: urllib.parse.SplitResult,
    workload: Workload,
    *,
    concurrency: int,
    requests: int,
    duration_s: float | None,
    timeout_s: float,
) -> tuple[list[Outcome], float]:
    """Closed loop at one concurrency: every outcome and the wall time from first send to last answer."""
    lock = threading.Lock()
    outcomes: list[Outcome] = []
    issued = 0
    start = time.perf_counter()
    deadline = start + duration_s if duration_s is not None else None

    def take() -> bool:
        nonlocal issued
        with lock:
            if deadline is not None:
                return time.perf_counter() < deadline
            if issued >= requests:
                return False
            issued += 1
            return True

    def worker() -> None:
        client = Client(base, timeout_s=timeout_s)
        try:
            while take():
                began = time.perf_counter()
                try:
                    outcome = workload.send(client)
                except Exception as exc:  # any failure (even an answer of the wrong shape) is a failed request
                    client.close()  # the connection's state is unknown: start afresh
                    outcome = Outcome(began, time.perf_counter(), None, None, error=_describe(exc))
                with lock:
                    outcomes.append(outcome)
        finally:
            client.close()

    threads = [threading.Thread(target=worker, name=f"loadgen-{i}", daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    end = max((o.end_s for o in outcomes), default=time.perf_counter())
    return outcomes, max(end - start, 1e-9)


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if not isinstance(exc, RequestError) else text


def summarize(outcomes: Sequence[Outcome], wall_s: float, *, concurrency: int) -> list[dict[str, Any]]:
    """The metrics of one concurrency level.

    >>> outs = [Outcome(0.0, 0.1, 0.05, 5), Outcome(0.1, 0.3, 0.15, 5), Outcome(0.3, 0.3, None, 0, "refused")]
    >>> figures = {m["name"]: round(m["value"], 3) for m in summarize(outs, 0.3, concurrency=1)}
    >>> figures["serving.requests_per_s"], figures["serving.tokens_per_s"], figures["serving.errors"]
    (6.667, 33.333, 1.0)
    >>> figures["serving.latency_ms"], figures["serving.ttft_ms"], figures["serving.tpot_ms"]
    (150.0, 50.0, 25.0)
    """
    labels = {"concurrency": concurrency}
    ok = [o for o in outcomes if o.error is None]
    metrics = [metric("serving.requests_per_s", len(ok) / wall_s, "req/s", labels=labels)]
    counts = [o.tokens for o in ok if o.tokens is not None]
    if ok and len(counts) == len(ok):  # tokens/s only when every answer said how many; never a guess
        metrics.append(metric("serving.tokens_per_s", sum(counts) / wall_s, "tokens/s", labels=labels))
    metrics.append(metric("serving.errors", len(outcomes) - len(ok), "requests", labels=labels, higher_is_better=False))
    if ok:
        latencies = [o.latency_ms for o in ok]
        metrics.append(_distribution("serving.latency_ms", latencies, labels))
    ttfts = [(o.first_token_s - o.start_s) * 1000 for o in ok if o.first_token_s is not None]
    if ttfts:
        metrics.append(_distribution("serving.ttft_ms", ttfts, labels))
    # Time per output token after the first (vLLM's TPOT, GenAI-Perf's ITL): decode speed as a client sees it.
    tpots = [
        (o.end_s - o.first_token_s) * 1000 / (o.tokens - 1)
        for o in ok
        if o.first_token_s is not None and o.tokens is not None and o.tokens > 1
    ]
    if tpots:
        metrics.append(_distribution("serving.tpot_ms", tpots, labels))
    return metrics


def _distribution(name: str, samples: list[float], labels: dict[str, int]) -> dict[str, Any]:
    return metric(name, percentile(samples, 50), "ms", labels=labels, samples=samples, higher_is_better=False)


# --- the self-started model server ----------------------------------------------------------------------


class LocalServer:
    """``model_server.py`` in a child process on a free loopback port; stopped by :meth:`stop`, always."""

    def __init__(self, *, size: str, device: str, max_batch: int) -> None:
        self.size = size
        self._log: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        script = Path(__file__).resolve().with_name("model_server.py")
        command = [sys.executable, str(script), "--port", "0", "--size", size, "--device", device]
        command += ["--max-batch", str(max_batch), "--parent-pid", str(os.getpid())]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self._log, text=True)
        self.url = ""

    def start(self) -> str:
        """Wait for the ``listening on`` line and a healthy ``/health``; the base URL."""
        stdout = self.process.stdout
        assert stdout is not None
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(SERVER_START_TIMEOUT_S)
        first = line[0].strip() if line else ""
        if not first.startswith("listening on "):
            raise RuntimeError(f"the model server did not start: {self.log_tail() or first or 'no output'}")
        self.url = first.removeprefix("listening on ")
        client = Client(urllib.parse.urlsplit(self.url), timeout_s=5)
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        try:
            while True:
                try:
                    client.get_json("/health")
                    return self.url
                except (OSError, http.client.HTTPException, RequestError, ValueError):
                    if time.monotonic() > deadline or self.process.poll() is not None:
                        raise RuntimeError(f"the model server is not healthy: {self.log_tail()}") from None
                    time.sleep(0.1)
        finally:
            client.close()

    def log_tail(self) -> str:
        self._log.flush()
        self._log.seek(0)
        return " ".join(self._log.read().strip().splitlines()[-1:])  # an error message or traceback ends there

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()


# --- entry point ----------------------------------------------------------------------------------------


def _concurrencies(text: str) -> list[int]:
    try:
        levels = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        levels = []
    if not levels or any(level < 1 for level in levels):
        raise argparse.ArgumentTypeError(f"expected positive integers separated by commas (got {text!r})")
    return levels


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="serving", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--url", help="base URL of the endpoint (default: start the local model server)")
    parser.add_argument("--api", choices=("openai", "kserve"), default="openai")
    parser.add_argument("--endpoint", choices=("completions", "chat"), default="completions", help="OpenAI API")
    parser.add_argument("--kserve-protocol", choices=("v2", "v1"), default="v2")
    parser.add_argument("--model", help="model name (default: the first of GET /v1/models)")
    parser.add_argument("--concurrency", type=_concurrencies, default=None, help="e.g. 1,2,4,8 (default 1,2,4,8)")
    parser.add_argument("--requests", type=int, default=None, help="requests per concurrency (default 32)")
    parser.add_argument("--duration", type=float, default=None, help="seconds per concurrency, instead of N")
    parser.add_argument("--max-tokens", type=int, default=None, help="completion tokens asked for (default 64)")
    parser.add_argument("--prompt-tokens", type=int, default=None, help="prompt length in bytes (default 128)")
    parser.add_argument("--no-stream", action="store_true", help="OpenAI without streaming (no TTFT)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument("--size", choices=("tiny", "small", "medium"), default=None, help="local model size")
    parser.add_argument("--device", default="auto", help="local model server's device (cpu, cuda, auto)")
    parser.add_argument("--max-batch", type=int, default=8, help="local model server's batch slots")
    parser.add_argument("--quick", action="store_true", help="tiny model, concurrency 1,2, few requests")
    return parser


def _resolve(args: argparse.Namespace) -> argparse.Namespace:
    """Defaults, smaller with ``--quick`` unless given explicitly."""
    quick = {"concurrency": [1, 2], "requests": 12, "max_tokens": 32, "prompt_tokens": 64, "size": "tiny"}
    full = {"concurrency": [1, 2, 4, 8], "requests": 32, "max_tokens": 64, "prompt_tokens": 128, "size": "small"}
    for key, value in (quick if args.quick else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def measure(args: argparse.Namespace, base_url: str, server: dict[str, Any], clock: Clock) -> dict[str, Any]:
    """Probe the endpoint, run the sweep and build the result document."""
    base = urllib.parse.urlsplit(base_url)
    if base.scheme not in ("http", "https") or not base.hostname:
        fail(WORKLOAD, f"--url must be an http(s) URL (got {base_url!r})", engine=ENGINE)
    probe = Client(base, timeout_s=min(args.timeout, 10.0))
    model_card: dict[str, Any] = {}
    try:
        if args.api == "openai" or args.model is None:
            with contextlib.suppress(RequestError, ValueError, http.client.HTTPException):
                listing = probe.get_json("/v1/models")
                cards = listing.get("data") if isinstance(listing, dict) else None
                if isinstance(cards, list) and cards and isinstance(cards[0], dict):
                    model_card = cards[0]  # OpenAI: {"data": [{"id": ...}]}
                names = listing.get("models") if isinstance(listing, dict) else None
                if isinstance(names, list) and names and isinstance(names[0], str):
                    model_card = {"id": names[0]}  # KServe v1: {"models": [name, ...]}
        model = args.model or str(model_card.get("id", "default"))
        endpoint = args.endpoint if args.api == "openai" else args.kserve_protocol
        stream = args.api == "openai" and not args.no_stream
        workload = Workload(args.api, endpoint, model, prompt_of(args.prompt_tokens), args.max_tokens, stream)
        # One request before measuring: proves the endpoint answers and warms the path.
        workload.send(probe)
    except (OSError, http.client.HTTPException, RequestError, ValueError) as exc:
        # The server answered but not to this model name: perhaps there was no listing to take it from.
        answered = isinstance(exc, RequestError) and args.model is None and not model_card
        hint = " (name the model with --model)" if answered else ""
        fail(WORKLOAD, f"cannot use the endpoint {base_url}: {_describe(exc)}{hint}", engine=ENGINE)
    finally:
        probe.close()
    aifab_card = model_card.get("aifab") if isinstance(model_card.get("aifab"), dict) else None
    parameters: dict[str, Any] = {
        **server,
        "api": args.api,
        "endpoint": endpoint,
        "model": model,
        "model_parameters": aifab_card.get("parameters") if aifab_card else None,
        "model_device": aifab_card.get("device_name") if aifab_card else None,
        "stream": stream,
        "concurrency": args.concurrency,
        "requests_per_level": None if args.duration is not None else args.requests,
        "duration_s_per_level": args.duration,
        "max_tokens": args.max_tokens,
        "prompt_tokens": args.prompt_tokens,
        "timeout_s": args.timeout,
    }
    metrics: list[dict[str, Any]] = []
    series: list[dict[str, Any]] = []
    first_error: str | None = None
    for level in args.concurrency:
        _progress(f"concurrency {level}: measuring")
        outcomes, wall_s = run_level(
            base, workload, concurrency=level, requests=args.requests, duration_s=args.duration, timeout_s=args.timeout
        )
        metrics.extend(summarize(outcomes, wall_s, concurrency=level))
        errors = [o.error for o in outcomes if o.error is not None]
        _progress(
            f"concurrency {level}: {len(outcomes)} requests in {wall_s:.2f} s, "
            f"{(len(outcomes) - len(errors)) / wall_s:.1f} req/s, {len(errors)} errors"
        )
        first_error = first_error or (errors[0] if errors else None)
        series.append(
            {"concurrency": level, "requests": len(outcomes), "errors": len(errors), "wall_s": round(wall_s, 6)}
        )
    if first_error is not None:
        parameters["first_error"] = first_error
    if aifab_card:  # the aifab model server says how large its decode batches got: batching seen, not assumed
        with contextlib.suppress(OSError, http.client.HTTPException, RequestError, ValueError, LookupError):
            parameters["server_largest_batch"] = probe.get_json("/v1/models")["data"][0]["aifab"]["largest_batch"]
        probe.close()
    total = sum(s["requests"] for s in series)
    failed = sum(s["errors"] for s in series)
    error = f"all {total} requests failed; first: {first_error}" if total and failed == total else None
    return result(
        WORKLOAD,
        engine=ENGINE,
        clock=clock,
        # A self-started server runs here: its device is this run's device. A remote one is only named.
        environment=environment(device=str(parameters["model_device"] or "cpu") if "server_pid" in server else "cpu"),
        parameters=parameters,
        metrics=metrics,
        series=series,
        error=error,
    )


def _progress(message: str) -> None:
    # Progress goes to stderr: stdout carries only the result document.
    print(f"{WORKLOAD}: {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = _resolve(_parser().parse_args(argv))
    if args.requests < 1 or args.max_tokens < 1 or args.prompt_tokens < 0 or args.timeout <= 0:
        _parser().error("--requests and --max-tokens must be >= 1, --prompt-tokens >= 0, --timeout > 0")
    if args.duration is not None and args.duration <= 0:
        _parser().error("--duration must be > 0")
    clock = Clock()
    local: LocalServer | None = None
    previous: Callable[[int, Any], Any] | int | None = None
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (a Job's end, a CI timeout) unwinds like Ctrl-C, so the finally below stops the server.
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        if args.url:
            base_url, server = args.url, {"server": args.url}
        else:
            if importlib.util.find_spec("torch") is None:
                fail(
                    WORKLOAD,
                    "PyTorch is not installed: pip install torch (the local model server needs it; "
                    "or measure a running endpoint with --url)",
                    engine=ENGINE,
                )
            local = LocalServer(size=args.size, device=args.device, max_batch=args.max_batch)
            try:
                base_url = local.start()
            except RuntimeError as exc:
                fail(WORKLOAD, str(exc), engine=ENGINE)
            _progress(f"model server ({args.size}) at {base_url}, pid {local.process.pid}")
            server = {
                "server": f"self-started aifab model server ({args.size})",
                "server_url": base_url,
                "server_pid": local.process.pid,
                "model_size": args.size,
                "max_batch": args.max_batch,
            }
        doc = measure(args, base_url, server, clock)
    finally:
        if local is not None:
            local.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print(json.dumps(doc, indent=2))
    if doc.get("error"):
        print(f"{WORKLOAD}: {doc['error']}", file=sys.stderr)
        return 1
    return 0


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        print(f"{WORKLOAD}: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
