"""Export a design in its expanded document form: every component with every setting, defaults included.

The export loads back into an equal design (``load_document(export) == design``), so it is the
canonical, reviewable form of a Python design and is golden-tested.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import yaml

from aifab.design.design import Design

ExportFormat = Literal["yaml", "json"]


class _Dumper(yaml.SafeDumper):
    """Block style, keys in model order, multi-line strings as literal blocks."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def design_document(design: Design) -> dict[str, Any]:
    """The design as plain JSON-compatible data, in model field order."""
    return design.model_dump(mode="json")


def export_design(design: Design, fmt: ExportFormat = "yaml") -> str:
    data = design_document(design)
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    header = f"# Expanded design '{design.name}', exported by aifab. Loads back into the same design.\n"
    return header + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
