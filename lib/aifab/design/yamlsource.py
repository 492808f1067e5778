"""Read YAML (or JSON, which is YAML) into plain data while remembering the line of every value.

The document is parsed by libyaml's C parser when PyYAML has it (``yaml.CSafeLoader``), else by the
pure-Python one; both give nodes that carry their line. PyYAML's safe constructor builds the scalars;
mappings and sequences are walked here, once, so that each value's path (``("components", 3,
"node_count")``) maps to its 1-based line, and each mapping key's path to the key's line. Duplicate keys,
recursive aliases and alias bombs (aliases that expand to more than ``MAX_ALIAS_VALUES`` values) are errors
rather than silently accepted. Reading is linear in the document's size.

>>> data, lines = read_yaml("name: x\\ncomponents:\\n  - kind: site\\n    id: a\\n", "d.yaml")
>>> lines.line_of(("components", 0, "id"))
4
"""

from __future__ import annotations

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

_STR = "tag:yaml.org,2002:str"
_Parser: type[yaml.SafeLoader] = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader  # type: ignore[assignment]


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
                return self.loader.construct_object(node, deep=True)
            except yaml.YAMLError as exc:
                raise self.error(f"cannot read value: {getattr(exc, 'problem', exc)}", node) from None
            except (ValueError, OverflowError) as exc:  # e.g. a timestamp like 2026-13-45
                raise self.error(f"cannot read value {node.value!r}: {exc}", node) from None
        if node_id in self.active:
            raise self.error("recursive alias: a value contains itself", node)
        self.active.add(node_id)
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.walk(item, (*path, i)) for i, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            raise self.error(f"unsupported YAML node {type(node).__name__}", node)
        finally:
            self.active.discard(node_id)

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        written = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
        try:
            self.loader.flatten_mapping(node)  # resolves '<<' merge keys; merged pairs come first
        except yaml.YAMLError as exc:
            raise self.error(f"invalid merge key: {getattr(exc, 'problem', exc)}", node) from None
        result: dict[Any, Any] = {}
        origin: dict[Any, bool] = {}  # key -> written here (True) or merged in (False)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error("mapping keys must be plain scalars, not lists or mappings", key_node)
            key = self.walk(key_node, (*path, "<key>"))
            if not isinstance(key, str | int | float | bool) and key is not None:
                key = str(key)
            if not self.repeating and key_node.tag != "tag:yaml.org,2002:merge":
                self.map.keys.setdefault((*path, key), key_node.start_mark.line + 1)
            here = id(key_node) in written
            if key in result and origin[key] and here:
                raise self.error(f"duplicate key {key!r} in the same mapping", key_node)
            # A key written here overrides the same key merged in with '<<', as YAML specifies.
            result[key] = self.walk(value_node, (*path, key))
            origin[key] = here
        return result


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
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "malformed YAML"
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
    """Read a YAML/JSON file. Missing, unreadable or non-UTF-8 files are :class:`InputError`."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=file) from None
    except IsADirectoryError:
        raise InputError("expected a file, found a directory", file=file) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=file) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=file) from None
    return read_yaml(text, file)
