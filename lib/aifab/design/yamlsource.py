"""Read YAML (or JSON, which is YAML) into plain data while remembering the line of every value.

The document is parsed by libyaml's C parser when PyYAML has it (``yaml.CSafeLoader``), else by the
pure-Python one; both give nodes that carry their line. PyYAML's safe constructor builds the scalars;
mappings and sequences are walked here, once, so that each value's path (``("components", 3,
"node_count")``) maps to its 1-based line, and each mapping key's path to the key's line. Duplicate keys,
recursive aliases and alias bombs (aliases that expand to more than ``MAX_ALIAS_VALUES`` values) are errors
rather than silently accepted. Reading is linear in the document's size.

Reading is bounded: only regular files are read (a FIFO, a device or a socket, or a symlink to one, is
refused before it is opened, since opening a FIFO blocks), a file larger than ``MAX_INPUT_BYTES`` (64 MiB;
the ``AIFAB_MAX_INPUT_BYTES`` environment variable overrides it) is refused, and a document nested deeper
than ``MAX_DEPTH`` (200) levels is an error located at the first value too deep. Sexagesimal numbers
(YAML 1.1's ``1:30`` = 90) are not numbers here: they stay strings, so a typo is reported, not converted.
Numbers in exponent form are numbers as in JSON and YAML 1.2 (``1e3``, ``2.5e-3``; YAML 1.1 read them as
text, and the message then said that ``1e3`` is not a valid number); a non-zero number too small for a float
(``1e-400``) is an error where it is written, not a silent 0.

>>> data, lines = read_yaml("name: x\\ncomponents:\\n  - kind: site\\n    id: a\\n", "d.yaml")
>>> lines.line_of(("components", 0, "id"))
4
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aifab._gc import paused
from aifab.errors import InputError

Path_ = tuple[str | int, ...]

MAX_ALIAS_VALUES = 1_000_000
"""How many values aliases may add by repeating what an anchor holds: an alias bomb passes this long before it
exhausts memory, while a legitimate document (anchors reused for shared settings) stays far below. Values
written out in the document do not count, so a large exported design is never refused."""

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""The largest input file read (64 MiB), unless ``AIFAB_MAX_INPUT_BYTES`` says otherwise: a design of 25,000
components is about 5 MiB."""

MAX_DEPTH = 200
"""How deeply mappings and lists may nest: real documents stay below 10; deeper is refused with a located
error long before Python's recursion limit."""

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_Base: type[yaml.SafeLoader] = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader  # type: ignore[assignment]


class _Parser(_Base):  # type: ignore[valid-type,misc]
    """The safe loader without YAML 1.1's sexagesimal numbers: ``1:30`` is the string ``'1:30'``, not 90."""


_Parser.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT, _FLOAT)]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
_Parser.add_implicit_resolver(
    _INT,
    re.compile(
        r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0[0-7_]+
        |[-+]?(?:0|[1-9][0-9_]*)
        |[-+]?0x[0-9a-fA-F_]+)$""",
        re.X,
    ),
    list("-+0123456789"),
)
_Parser.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
        |[-+]?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


def max_input_bytes() -> int:
    """``MAX_INPUT_BYTES``, or the ``AIFAB_MAX_INPUT_BYTES`` environment variable when set to a number."""
    raw = os.environ.get("AIFAB_MAX_INPUT_BYTES", "").strip()
    if raw.isdigit():
        return int(raw)
    return MAX_INPUT_BYTES


@dataclass
class LineMap:
    """Lines of the values in a document, by path. Unknown paths fall back to the nearest known parent."""

    file: str
    lines: dict[Path_, int] = field(default_factory=dict)
    keys: dict[Path_, int] = field(default_factory=dict)
    """The line of each mapping key as written (not repeated by an alias), by the path of its value."""

    def line_of(self, path: Path_) -> int | None:
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return None


class _Walker:
    def __init__(self, loader: yaml.SafeLoader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.map = LineMap(file)
        self.added = 0  # values that aliases add (a node walked again)
        self.repeating = 0  # > 0 while walking a node a second time
        self.seen: set[int] = set()
        self.active: set[int] = set()
        self.depth = 0  # mappings and lists entered, aliases followed included

    def error(self, message: str, node: yaml.Node) -> InputError:
        return InputError(message, file=self.file, line=node.start_mark.line + 1)

    def walk(self, node: yaml.Node, path: Path_) -> Any:
        node_id = id(node)
        if node_id not in self.seen:
            self.seen.add(node_id)
            return self._value(node, node_id, path)
        self.repeating += 1  # an alias: what it adds is counted, what is written out is not
        try:
            return self._value(node, node_id, path)
        finally:
            self.repeating -= 1

    def _value(self, node: yaml.Node, node_id: int, path: Path_) -> Any:
        if self.repeating:
            self.added += 1
            if self.added > MAX_ALIAS_VALUES:
                raise self.error(
                    f"aliases expand the document by more than {MAX_ALIAS_VALUES:,} values (alias bomb?)", node
                )
        self.map.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR:
                return node.value  # what the safe constructor returns for a string, without its overhead
            try:
                value = self.loader.construct_object(node, deep=True)
                if node.tag == _FLOAT and value == 0 and re.search(r"[1-9]", re.split(r"[eE]", node.value)[0]):
                    raise self.error(f"{node.value} is too small for a number: it would be read as 0", node)
                return value
            except yaml.YAMLError as exc:
                raise self.error(f"cannot read value: {getattr(exc, 'problem', exc)}", node) from None
            except (ValueError, OverflowError) as exc:  # e.g. a timestamp like 2026-13-45
                raise self.error(f"cannot read value {node.value!r}: {exc}", node) from None
        if node_id in self.active:
            raise self.error("recursive alias: a value contains itself", node)
        if self.depth >= MAX_DEPTH:
            raise self.error(f"nested too deeply: more than {MAX_DEPTH} levels", node)
        self.active.add(node_id)
        self.depth += 1
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.walk(item, (*path, i)) for i, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            raise self.error(f"unsupported YAML node {type(node).__name__}", node)
        finally:
            self.depth -= 1
            self.active.discard(node_id)

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        written = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
        try:
            self.loader.flatten_mapping(node)  # resolves '<<' merge keys; merged pairs come first
        except yaml.YAMLError as exc:
            raise self.error(f"invalid merge key: {getattr(exc, 'problem', exc)}", node) from None
        result: dict[Any, Any] = {}
        origin: dict[Any, yaml.ScalarNode | None] = {}  # key -> its node when written here, None if merged in
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error("mapping keys must be plain scalars, not lists or mappings", key_node)
            key = self.walk(key_node, (*path, "<key>"))
            if not isinstance(key, str | int | float | bool) and key is not None:
                key = str(key)
            if not self.repeating and key_node.tag != "tag:yaml.org,2002:merge":
                self.map.keys.setdefault((*path, key), key_node.start_mark.line + 1)
            here = id(key_node) in written
            first = origin.get(key)
            if key in result and first is not None and here:
                raise self.error(_duplicate(key_node, first), key_node)
            # A key written here overrides the same key merged in with '<<', as YAML specifies.
            result[key] = self.walk(value_node, (*path, key))
            origin[key] = key_node if here else None
        return result


def _duplicate(again: yaml.ScalarNode, first: yaml.ScalarNode) -> str:
    """A duplicate key as the user wrote it: the same spelling twice, or two spellings read as one key.

    YAML 1.1 reads ``yes``, ``on`` and ``true`` all as true, and a mapping takes true and ``1`` (or ``1`` and
    ``1.0``) for the same key, so keys that look different can collide; the message names both as written.

    >>> try:
    ...     read_yaml("a: 1\\ntrue: 2\\nyes: 3\\n", "f.yaml")
    ... except InputError as exc:
    ...     print(exc.message)
    key 'yes' is the same as 'true' at line 2 once read (both mean true); quote keys to keep them as text
    """
    line = first.start_mark.line + 1
    if again.value == first.value:
        return f"duplicate key {again.value!r} (first at line {line})"
    meanings = {_meaning(again), _meaning(first)}
    same = f"both mean {meanings.pop()}" if len(meanings) == 1 else f"{' and '.join(sorted(meanings))} count as one key"
    return (
        f"key {again.value!r} is the same as {first.value!r} at line {line} once read ({same}); "
        "quote keys to keep them as text"
    )


def _meaning(node: yaml.ScalarNode) -> str:
    """What YAML made of a key: ``true``, ``null``, ``1``, or a string in quotes."""
    value = yaml.SafeLoader("").construct_object(node)
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    return str(value) if isinstance(value, int | float) else repr(value)


def deep_merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``update`` laid over it; nested mappings merge, everything else is replaced."""
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_yaml(text: str, file: str) -> tuple[Any, LineMap]:
    """Parse one YAML/JSON document; returns the data and the line map. Raises :class:`InputError`."""
    with paused():  # millions of small objects, no cycles: see aifab._gc
        return _read_yaml(text, file)


def _read_yaml(text: str, file: str) -> tuple[Any, LineMap]:
    try:
        loader = _Parser(text)
    except yaml.YAMLError as exc:  # the reader rejects control characters before parsing starts
        raise InputError(f"not a YAML document: {exc}", file=file) from None
    try:
        node = loader.get_single_node()
    except RecursionError:  # the pure-Python composer recurses; libyaml's does not
        raise InputError(f"nested too deeply: more than {MAX_DEPTH} levels", file=file) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "malformed YAML"
        if "nesting depth" in problem:  # libyaml's own limit (1,000 levels), reached before ours
            raise InputError(f"nested too deeply: more than {MAX_DEPTH} levels", file=file, line=line) from None
        raise InputError(f"malformed YAML: {problem}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", file=file) from None
    finally:
        loader.dispose()
    if node is None:
        return None, LineMap(file)
    walker = _Walker(yaml.SafeLoader(""), file)
    try:
        data = walker.walk(node, ())
    except RecursionError:
        raise InputError("document is nested too deeply", file=file) from None
    return data, walker.map


def read_yaml_file(path: Path) -> tuple[Any, LineMap]:
    """Read a YAML/JSON file. Missing, unreadable, special, oversized or non-UTF-8 files are :class:`InputError`."""
    return read_yaml(read_input_text(path), str(path))


PATH_ERRNOS = frozenset({errno.ENAMETOOLONG, errno.EACCES, errno.EPERM, errno.ELOOP, errno.ENOTDIR})
"""Errors of the path a user gave rather than of aifab: input errors (exit 2) wherever they surface."""


def os_problem(exc: OSError) -> str:
    """What an :class:`OSError` about an input path means, in words."""
    if exc.errno == errno.ENAMETOOLONG:
        return "path too long for the file system"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (the file or a folder above it cannot be read)"
    if exc.errno == errno.ELOOP:
        return "too many levels of symbolic links"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is not a folder"
    return f"cannot read file: {exc.strerror or exc}"


_SPECIAL = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind_of(mode: int) -> str:
    return next((what for test, what in _SPECIAL if test(mode)), "not a regular file")


def read_input_text(path: Path) -> str:
    """The UTF-8 text of an input file, read within bounds; the one way every input file is read.

    The path is checked before it is opened: only a regular file (or a symlink to one) is read, so a FIFO
    cannot block and a device cannot stream forever; at most :func:`max_input_bytes` bytes are read.
    """
    file = str(path)
    try:
        info = os.stat(path)  # follows symlinks: a symlink to a FIFO is a FIFO
    except FileNotFoundError:
        raise InputError("file not found", file=file) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        problem = os_problem(exc) if isinstance(exc, OSError) else f"invalid path: {exc}"
        raise InputError(problem, file=file) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("expected a file, found a directory", file=file)
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"not a regular file: {_kind_of(info.st_mode)} is never read", file=file)
    limit = max_input_bytes()
    if info.st_size > limit:
        raise InputError(_too_large(info.st_size, limit), file=file)
    try:
        # O_NONBLOCK: should the path be swapped for a FIFO after the check, opening it does not block.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError("file not found", file=file) from None
    except OSError as exc:
        raise InputError(os_problem(exc), file=file) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError("not a regular file: it changed while being opened", file=file)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InputError(os_problem(exc), file=file) from None
    finally:
        os.close(fd)
    if size > limit:
        raise InputError(_too_large(size, limit), file=file)
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=file) from None


def _too_large(size: int, limit: int) -> str:
    return f"file too large: more than {limit:,} bytes (found {size:,}); set AIFAB_MAX_INPUT_BYTES to read larger files"
