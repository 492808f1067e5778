"""aifab: design AI infrastructure as code.

>>> import aifab
>>> loaded = aifab.load_design("stacks/uk-sovereign-training", env="prod")
>>> aifab.validate(loaded.design).valid
True
"""

from aifab.catalogue import Catalogue, load_catalogue
from aifab.design.design import Design
from aifab.design.export import export_design
from aifab.design.loader import LoadedDesign, load_design
from aifab.errors import Diagnostic, InputError, Location
from aifab.graph.build import DesignGraph, build_graph
from aifab.validate import ValidationResult, validate

__version__ = "0.1.0"

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
