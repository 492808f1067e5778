"""The versioned, typed hardware / cloud / energy catalogue.

>>> from aifab.catalogue import load_catalogue
>>> cat = load_catalogue()
>>> cat.instance_type("p5.48xlarge").accelerator
'h100-sxm'

See :func:`load_catalogue` for overrides and :class:`Catalogue` for lookups.
"""

from aifab.catalogue.catalogue import Catalogue, Problem
from aifab.catalogue.load import load_catalogue
from aifab.catalogue.models import (
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
