"""aifactory: design AI infrastructure as code.

>>> import aifactory
>>> loaded = aifactory.load_design("stacks/uk-sovereign-training", env="prod")   # doctest: +SKIP
>>> aifactory.validate(loaded.design).valid                                      # doctest: +SKIP
True
"""

from aifactory.catalogue import Catalogue, load_catalogue
from aifactory.design.design import Design
from aifactory.design.export import export_design
from aifactory.design.loader import LoadedDesign, load_design
from aifactory.errors import Diagnostic, InputError, Location
from aifactory.graph.build import DesignGraph, build_graph
from aifactory.validate import ValidationResult, validate

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
