"""aifab: design AI infrastructure as code.

>>> import aifab
>>> loaded = aifab.load_design("stacks/uk-sovereign-training", env="prod")
>>> aifab.validate(loaded.design).valid
True

The names below are imported when first used, so ``import aifab`` (and ``aifab --version``) stays cheap.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aifab.catalogue import Catalogue, load_catalogue
    from aifab.design.design import Design
    from aifab.design.export import export_design
    from aifab.design.loader import LoadedDesign, load_design
    from aifab.errors import Diagnostic, InputError, Location
    from aifab.graph.build import DesignGraph, build_graph
    from aifab.validate import ValidationResult, validate

__version__ = "0.1.0"

_LAZY = {
    "Catalogue": "aifab.catalogue",
    "load_catalogue": "aifab.catalogue",
    "Design": "aifab.design.design",
    "export_design": "aifab.design.export",
    "LoadedDesign": "aifab.design.loader",
    "load_design": "aifab.design.loader",
    "Diagnostic": "aifab.errors",
    "InputError": "aifab.errors",
    "Location": "aifab.errors",
    "DesignGraph": "aifab.graph.build",
    "build_graph": "aifab.graph.build",
    "ValidationResult": "aifab.validate",
    "validate": "aifab.validate",
}

__all__ = [
    "Catalogue",
    "Design",
    "DesignGraph",
    "Diagnostic",
    "InputError",
    "LoadedDesign",
    "Location",
    "ValidationResult",
    "__version__",
    "build_graph",
    "export_design",
    "load_catalogue",
    "load_design",
    "validate",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'aifab' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """Keeps ``aifab.validate`` the function: importing the submodule of that name sets the package attribute
    to the module (as an eager ``from aifab.validate import validate`` here used to undo)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and name in _LAZY and hasattr(value, name):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
