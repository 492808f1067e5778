"""Read YAML (or JSON, which is YAML) into plain data while remembering the line of every value.

PyYAML's safe loader is used for scalars; mappings and sequences are walked here so that each value's
path (``("components", 3, "node_count")``) maps to its 1-based line. Duplicate keys, recursive aliases
and alias bombs are errors rather than silently accepted.

>>> data, lines = read_yaml("name: x\\ncomponents:\\n  - kind: site\\n    id: a\\n", "d.yaml")
>>> lines.line_of(("components", 0, "id"))
4
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aifab.errors import InputError

Path_ = tuple[str | int, ...]

_MAX_NODES = 1_000_000  # an alias bomb expands past this long before it exhausts memory


@dataclass
class LineMap:
    """Lines of the values in a document, by path. Unknown paths fall back to the nearest known parent."""

    file: str
    lines: dict[Path_, int] = field(default_factory=dict)

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
        self.count = 0
        self.active: set[int] = set()

    def error(self, message: str, node: yaml.Node) -> InputError:
        return InputError(message, file=self.file, line=node.start_mark.line + 1)

    def walk(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > _MAX_NODES:
            raise self.error(f"document expands to more than {_MAX_NODES:,} values (alias bomb?)", node)
        self.map.lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in self.active:
            raise self.error("recursive alias: a value contains itself", node)
        if isinstance(node, yaml.ScalarNode):
            try:
                return self.loader.construct_object(node, deep=True)
            except yaml.YAMLError as exc:
                raise self.error(f"cannot read value: {getattr(exc, 'problem', exc)}", node) from None
            except (ValueError, OverflowError) as exc:  # e.g. a timestamp like 2026-13-45
                raise self.error(f"cannot read value {node.value!r}: {exc}", node) from None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.walk(item, (*path, i)) for i, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            raise self.error(f"unsupported YAML node {type(node).__name__}", node)
        finally:
            self.active.discard(id(node))

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
    try:
        loader = yaml.SafeLoader(text)
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
