"""The versioned, typed hardware / cloud / energy catalogue.

>>> from aifactory.catalogue import load_catalogue
>>> cat = load_catalogue()
>>> cat.instance_type("p5.48xlarge").accelerator
'h100-sxm'

See :func:`load_catalogue` for overrides and :class:`Catalogue` for lookups.
"""

from aifactory.catalogue.catalogue import Catalogue, Problem
from aifactory.catalogue.load import load_catalogue
from aifactory.catalogue.models import (
    Accelerator,
    CatalogueEntry,
    Cooling,
    GridZone,
    InstanceType,
    Jurisdiction,
    LinkSpeed,
    Nic,
    NodeModel,
    Region,
    Source,
    StorageTier,
    Switch,
)

__all__ = [
    "Accelerator",
    "Catalogue",
    "CatalogueEntry",
    "Cooling",
    "GridZone",
    "InstanceType",
    "Jurisdiction",
    "LinkSpeed",
    "Nic",
    "NodeModel",
    "Problem",
    "Region",
    "Source",
    "StorageTier",
    "Switch",
    "load_catalogue",
]
