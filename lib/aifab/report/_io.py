"""Write output files whole or not at all: a temporary file beside the target, then an atomic rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from aifab.errors import InputError


def check_writable(path: Path | str) -> None:
    """Fail before any work when ``path`` cannot be written (a folder, or a parent that is not one)."""
    target = Path(path)
    if target.is_dir():
        raise InputError("is a folder; expected a file to write", file=str(target))
    parent = target.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"cannot write here ({parent} is not a writable folder)", file=str(target))


def write_atomic(path: Path | str, text: str) -> None:
    target = Path(path)
    check_writable(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", file=str(target)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates the file private (0600); a report is for others to read, so honour the umask.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise InputError(f"cannot write: {exc.strerror}", file=str(target)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
