"""Run a function in a child process: a time limit, its output captured, its result sent back as text.

>>> outcome = run_contained(str.upper, ("abc",), timeout=30)
>>> outcome.result, outcome.problem
('ABC', None)

Python designs are user code: they may print, change directory, call ``sys.exit`` or ``os._exit``, register
``atexit`` hooks, kill themselves or never finish. In the child none of that reaches the caller: standard
output and error go to a file (returned as :attr:`Outcome.output`), the working directory is the child's
own, and the function's return value comes back only if it ran to the end and every ``atexit`` hook it
registered ran cleanly. ``fork`` is used where the platform has it (the child inherits the imports, so a
run costs milliseconds), ``spawn`` elsewhere. The function must return a ``str``; it travels as bytes, so
nothing the child sends is unpickled in the parent.

Forking is safe in a process with threads (a Pulumi program's SDK runs some): the child runs only this
module's code and the design; it writes to fresh streams on the captured file, never to the parent's (whose
locks another thread may have held at the fork), CPython resets the import lock and logging its own locks
in a forked child, and a child that hangs anyway is ended at the time limit like an endless design.

A spawned child is a fresh interpreter that imports ``func`` by name, so ``func`` must live in an
importable module. Unlike multiprocessing's own spawn, it does not run the caller's ``__main__`` again:
for a Pulumi program that would be the whole program, which fails outside the engine's run and takes the
design with it.
"""

from __future__ import annotations

import atexit
import io
import multiprocessing
import multiprocessing.connection
import multiprocessing.spawn
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

OUTPUT_LIMIT = 4000
"""The most characters of a child's output kept for a message (its end, where the failure usually is)."""


@dataclass(frozen=True)
class Outcome:
    """How a contained run ended: its ``result`` when it finished cleanly, else ``problem`` says why not."""

    result: str | None
    problem: str | None
    output: str


_PROCESS_NAME = "aifab-contained"
"""The child's name: a spawned child with this name does not import the caller's ``__main__``."""


def _start_method() -> str:
    """``fork`` where the platform has it (the child inherits the imports: milliseconds), else ``spawn``."""
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def _context() -> Any:
    method = _start_method()
    if method == "spawn":
        _install_main_guard()
    return multiprocessing.get_context(method)


_guard_lock = threading.Lock()


def _install_main_guard() -> None:
    """Make multiprocessing's spawn leave ``__main__`` alone for our children (and only for them).

    A spawned child is told how to import the parent's ``__main__`` (by module name or by path) so that
    functions defined there can be unpickled; it runs that module again as ``__mp_main__``. Ours never need it
    (the function comes from an importable module), and the caller's main may be a Pulumi program or a
    script without a ``__name__`` guard, so the instruction is dropped for processes named ``_PROCESS_NAME``.
    """
    with _guard_lock:
        current = multiprocessing.spawn.get_preparation_data
        if getattr(current, "_aifab_guard", False):
            return

        def preparation_data(name: str) -> dict[str, Any]:
            data: dict[str, Any] = current(name)
            if name == _PROCESS_NAME:
                data.pop("init_main_from_name", None)
                data.pop("init_main_from_path", None)
            return data

        preparation_data._aifab_guard = True  # type: ignore[attr-defined]
        multiprocessing.spawn.get_preparation_data = preparation_data


def _child(
    func: Callable[..., str], args: tuple[Any, ...], conn: multiprocessing.connection.Connection, output: str
) -> None:
    fd = os.open(output, os.O_WRONLY | os.O_APPEND)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    for name, number in (("stdout", 1), ("stderr", 2)):
        stream = io.TextIOWrapper(
            io.FileIO(number, "w", closefd=False), encoding="utf-8", errors="backslashreplace", write_through=True
        )
        setattr(sys, name, stream)
    hooks: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []

    def register(hook: Callable[..., Any], *hook_args: Any, **hook_kwargs: Any) -> Callable[..., Any]:
        hooks.append((hook, hook_args, hook_kwargs))
        return hook

    atexit._clear()  # the parent's hooks are the parent's; this process never runs them
    atexit.register = register  # type: ignore[assignment]  # the design's hooks run below, and are checked
    try:
        result = func(*args)
        payload = b"=" + str(result).encode("utf-8", "surrogatepass")
        for hook, hook_args, hook_kwargs in reversed(hooks):
            try:
                hook(*hook_args, **hook_kwargs)
            except BaseException as exc:  # any way a hook fails is reported
                conn.send_bytes(b"!" + f"an atexit hook raised {_describe(exc)}".encode())
                return
    except BaseException as exc:  # reported to the parent, whatever it is
        conn.send_bytes(b"!" + f"raised {_describe(exc)}".encode())
        return
    conn.send_bytes(payload)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"SystemExit (sys.exit({exc.code!r}))"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _ended(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"was ended by {name}"
    return f"ended its process (exit status {exitcode})"


def run_contained(func: Callable[..., str], args: tuple[Any, ...], timeout: float) -> Outcome:
    """Run ``func(*args)`` in a child process for at most ``timeout`` seconds."""
    handle, output = tempfile.mkstemp(prefix="aifab-", suffix=".out")
    os.close(handle)
    try:
        ctx = _context()
        reader, writer = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_child, args=(func, args, writer, output), daemon=True, name=_PROCESS_NAME)
        process.start()
        writer.close()
        try:
            ready = multiprocessing.connection.wait([reader, process.sentinel], timeout)
            message: bytes | None = None
            if reader in ready or (ready and reader.poll(0)):
                try:
                    message = reader.recv_bytes()
                except (EOFError, OSError):
                    message = None
            process.join(5 if ready else 0)
        finally:
            if process.is_alive():
                process.kill()
                process.join()
            reader.close()
        with open(output, encoding="utf-8", errors="replace") as f:
            text = f.read()
    finally:
        os.unlink(output)
    text = text if len(text) <= OUTPUT_LIMIT else "..." + text[-OUTPUT_LIMIT:]
    if message is None:
        problem = (
            f"did not finish within {timeout:g} s (the limit is AIFAB_DESIGN_TIMEOUT seconds)"
            if not ready
            else _ended(process.exitcode)
        )
        return Outcome(result=None, problem=problem, output=text)
    body = message[1:].decode("utf-8", "surrogatepass")
    if message[:1] == b"!":
        return Outcome(result=None, problem=body, output=text)
    return Outcome(result=body, problem=None, output=text)
