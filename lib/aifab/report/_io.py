"""Write output files whole or not at all: a temporary file beside the target, then an atomic rename.

>>> write_all({"out/a.sarif": sarif, "out/a.md": markdown}, inputs=["stacks/x/waivers.yaml"])  # doctest: +SKIP

An output path is first resolved: a symlink is followed to its target (the file written is the target,
the link stays). What is there must be a regular file with one link, or nothing: a device, a FIFO, a
socket, a folder or a hard-linked file is refused (an :class:`InputError`, exit 2), never replaced. An
output that is one of the run's own inputs, or two outputs that are the same file, are refused too.
Several files are written as a set: each to a temporary file first, then renamed into place one after
another; if a rename fails, the files already replaced are put back.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TypeVar

from aifab.errors import InputError

PathT = TypeVar("PathT", Path, str)

STDOUT = "-"
"""The output name that means standard output."""

_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def resolve_output(path: Path | str) -> Path:
    """The file a write to ``path`` lands in (a symlink followed), refusing anything but a regular file."""
    given = Path(path)
    try:
        target = Path(os.path.realpath(given))
        info = os.stat(target) if os.path.lexists(target) else None
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot write here: {getattr(exc, 'strerror', None) or exc}", file=str(given)) from None
    if target.is_symlink():  # a loop of links, or one that realpath could not follow
        raise InputError("is a symbolic link that cannot be followed; refusing to write", file=str(given))
    if info is None:
        return target
    shown = str(given) if target == given.absolute() else f"{given} (-> {target})"
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a folder; expected a file to write", file=shown)
    for test, kind in _KINDS:
        if test(info.st_mode):
            raise InputError(f"is {kind}; refusing to replace it with a file", file=shown)
    if not stat.S_ISREG(info.st_mode):
        raise InputError("is not a regular file; refusing to replace it", file=shown)
    if info.st_nlink > 1:
        raise InputError(
            f"has {info.st_nlink} hard links; replacing it would silently split them (remove the other links "
            "or write elsewhere)",
            file=shown,
        )
    return target


def check_writable(path: Path | str) -> Path:
    """Fail before any work when ``path`` cannot be written; the resolved file to write."""
    target = resolve_output(path)
    parent = target.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"cannot write here ({parent} is not a writable folder)", file=str(path))
    return target


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino)


def check_outputs(paths: Iterable[Path | str], inputs: Iterable[Path | str] = ()) -> dict[Path, Path]:
    """Each output resolved (``{given: file to write}``), refusing one named twice or one that is an input.

    Paths are compared after following symlinks, and by device and inode where the file exists, so two
    spellings of one file (``out.json``, ``./x/../out.json``, a link to it) are the same file.
    """
    read: dict[Path, str] = {}
    read_ids: dict[tuple[int, int], str] = {}
    for given in inputs:
        real = Path(os.path.realpath(given))
        read[real] = str(given)
        ident = _identity(real)
        if ident is not None:
            read_ids[ident] = str(given)
    resolved: dict[Path, Path] = {}
    seen: dict[Path, Path] = {}
    for given in paths:
        target = check_writable(given)
        source = read.get(target) or read_ids.get(_identity(target) or (-1, -1))
        if source is not None:
            raise InputError(f"is one of this run's inputs ({source}); refusing to write over it", file=str(given))
        if target in seen:
            raise InputError(f"names the same file as {seen[target]}; give each output its own file", file=str(given))
        seen[target] = Path(given)
        resolved[Path(given)] = target
    return resolved


def _temp_beside(target: Path, text: str) -> str:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", file=str(target)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates the file private (0600); a report is for others to read, so honour the umask.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise InputError(f"cannot write: {exc.strerror}", file=str(target)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return temp


def write_atomic(path: Path | str, text: str) -> None:
    """Write one file whole or not at all (through a symlink to its target)."""
    write_all({Path(path): text})


def write_all(files: Mapping[PathT, str], inputs: Iterable[Path | str] = ()) -> None:
    """Write every file or none: all to temporary files, then renamed in a row; a failed rename undoes the rest."""
    targets = check_outputs(files, inputs)
    temps: list[tuple[str, Path]] = []
    try:
        for given, text in files.items():
            temps.append((_temp_beside(targets[Path(given)], text), targets[Path(given)]))
    except BaseException:
        for temp, _ in temps:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise
    replaced: list[tuple[Path, str | None]] = []  # (target, backup of what was there)
    try:
        for temp, target in temps:
            backup = None
            if target.exists():
                backup = f"{temp}.old"
                try:
                    os.link(target, backup)
                except OSError:  # a file system without hard links
                    shutil.copy2(target, backup)
            replaced.append((target, backup))
            os.replace(temp, target)
    except BaseException as exc:
        for temp, _ in temps:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        for target, backup in reversed(replaced):
            with contextlib.suppress(OSError):
                if backup is None:
                    target.unlink(missing_ok=True)
                else:
                    os.replace(backup, target)
                    os.unlink(backup)  # still there when the rename was a no-op (the backup was a link to it)
        if isinstance(exc, OSError):
            failed = replaced[-1][0] if replaced else next(iter(targets.values()))
            raise InputError(f"cannot write: {exc.strerror}; no output was changed", file=str(failed)) from None
        raise
    for _, backup in replaced:
        if backup is not None:
            with contextlib.suppress(OSError):
                os.unlink(backup)
