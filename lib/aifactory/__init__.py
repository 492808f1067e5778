"""aifactory: design AI infrastructure as code."""

from aifactory.design.design import Design

__version__ = "0.1.0"

__all__ = ["Design", "__version__"]
