"""Point a finding at the line that sets the field at fault, so annotations land on the changed line.

* a YAML/JSON design: the field's line inside its component;
* a Python design: the line of the keyword argument in the component's constructor call (found by
  its ``id=`` keyword), else the call's line;
* a field set by the environment overlay (``Pulumi.<env>.yaml`` ``aifab:overrides``): that line.

Falls back to the component's own location whenever the field cannot be found.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aifab.design.component import Component
from aifab.design.loader import OVERRIDES_KEY, LoadedDesign, display, environment_files
from aifab.design.yamlsource import LineMap, read_yaml_file
from aifab.errors import InputError, Location


@dataclass
class Locator:
    """Locates findings in one loaded design; files are read once per locator."""

    loaded: LoadedDesign
    _cache: dict[tuple[str, Path], Any] = field(default_factory=dict)

    def _cached(self, what: str, path: Path, read: Any) -> Any:
        key = (what, path)
        if key not in self._cache:
            self._cache[key] = read(path)
        return self._cache[key]

    def locate(self, component: Component | None, field: str | None) -> Location:
        if component is None:
            return Location(file=display(self.loaded.file), line=self.loaded.design.location.line)
        if field:
            found = self._overlay_line(component.id, field) or self._design_line(component.id, field)
            if found is not None:
                return found
        return component.location

    def _overlay_line(self, component_id: str, field: str) -> Location | None:
        if self.loaded.env is None:
            return None
        folder = self.loaded.stack_dir or self.loaded.file.parent
        path = self._cached("stack-files", folder, environment_files).get(self.loaded.env)
        if path is None:
            return None
        lines = self._cached("yaml", path, _yaml_lines)
        line = lines.lines.get(("config", OVERRIDES_KEY, component_id, *field.split("."))) if lines else None
        return Location(file=display(path), line=line) if line else None

    def _design_line(self, component_id: str, field: str) -> Location | None:
        path = self.loaded.file
        if path.suffix == ".py":
            line = self._cached("python", path, _python_keywords).get((component_id, field.split(".")[0]))
        else:
            line = _yaml_field_line(self._cached("yaml-data", path, _yaml_entries), component_id, field)
        return Location(file=display(path), line=line) if line else None


def _yaml_lines(path: Path) -> LineMap | None:
    read = _yaml_data(path)
    return read[1] if read else None


def _yaml_data(path: Path) -> tuple[Any, LineMap] | None:
    try:
        return read_yaml_file(path)
    except InputError:
        return None


def _yaml_entries(path: Path) -> tuple[dict[str, int], LineMap] | None:
    """``component id -> index of its entry`` (the first entry with that id) and the document's line map."""
    read = _yaml_data(path)
    if read is None:
        return None
    data, lines = read
    components: Any = data.get("components") if isinstance(data, dict) else None
    entries: dict[str, int] = {}
    for index, raw in enumerate(components if isinstance(components, list) else []):
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            entries.setdefault(raw["id"], index)
    return entries, lines


def _yaml_field_line(read: tuple[dict[str, int], LineMap] | None, component_id: str, field: str) -> int | None:
    if read is None:
        return None
    entries, lines = read
    index = entries.get(component_id)
    return None if index is None else lines.lines.get(("components", index, *field.split(".")))


def _python_keywords(path: Path) -> dict[tuple[str, str], int]:
    """``(component id, keyword) -> line`` for every call with a literal ``id=`` keyword."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return {}
    found: dict[tuple[str, str], int] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        ids = [k.value.value for k in node.keywords if k.arg == "id" and isinstance(k.value, ast.Constant)]
        if len(ids) != 1 or not isinstance(ids[0], str):
            continue
        for keyword in node.keywords:
            if keyword.arg is not None:
                found.setdefault((ids[0], keyword.arg), keyword.lineno)
    return found
