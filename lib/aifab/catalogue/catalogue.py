"""The :class:`Catalogue`: every entry kind keyed by name, with lookups that explain what is missing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
    PositiveInt,
    PriceChange,
    Region,
    Source,
    StorageTier,
    Switch,
)
from aifab.errors import InputError, UnknownNameError

__all__ = ["SECTIONS", "Catalogue", "Problem", "Section"]

E = TypeVar("E", bound=CatalogueEntry)


class Section(NamedTuple):
    """One kind of entry: its model, what to call one in messages, and the field its key fills."""

    model: type[CatalogueEntry]
    what: str
    key_field: str


SECTIONS: dict[str, Section] = {
    "accelerators": Section(Accelerator, "accelerator", "name"),
    "instance_types": Section(InstanceType, "instance type", "name"),
    "node_models": Section(NodeModel, "node model", "name"),
    "switches": Section(Switch, "switch", "name"),
    "nics": Section(Nic, "NIC", "name"),
    "link_speeds": Section(LinkSpeed, "link speed", "name"),
    "storage_tiers": Section(StorageTier, "storage tier", "name"),
    "regions": Section(Region, "region", "code"),
    "jurisdictions": Section(Jurisdiction, "jurisdiction", "name"),
    "grid_zones": Section(GridZone, "grid zone", "name"),
    "cooling_types": Section(Cooling, "cooling type", "name"),
}


class Problem(NamedTuple):
    """A reference from one entry to another that does not resolve."""

    section: str
    name: str
    field: str
    message: str

    @property
    def path(self) -> str:
        return f"{self.section}.{self.name}.{self.field}"


def _lookup(entries: Mapping[str, E], what: str, name: str) -> E:
    if name in entries:
        return entries[name]
    folded = name.casefold()
    for key, entry in entries.items():
        if key.casefold() == folded:
            return entry
    raise UnknownNameError(what, name, list(entries))


class Catalogue(BaseModel):
    """Hardware, cloud and energy facts, each with its source; read-only.

    Entries are frozen models filed by name in one dict per kind; look them up with the methods below
    (case-insensitive, :class:`UnknownNameError` with close matches when missing). The built-in catalogue
    is shared by every caller in the process: never mutate its dicts, load an overrides file instead.

    >>> from aifab.catalogue import load_catalogue
    >>> cat = load_catalogue()
    >>> cat.accelerator("H100-SXM").peak_dense_tflops["bf16"]
    989.4
    >>> usd, as_of, source = cat.price("p5.48xlarge", "us-east-1")
    >>> usd, as_of.isoformat(), source.type
    (55.04, '2026-07-20', 'primary')
    >>> "eu-west-2" in cat.jurisdiction("EU").allowed_regions
    False
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    as_of: date
    price_freshness_days: PositiveInt
    """A price seen more than this many days before ``as_of`` is stale (a ``capacity-price-stale`` warning).
    The built-in data says a year: CPU list prices rarely move within one, and the GPU re-pricings that do
    are listed in ``price_changes``, which flag an older price however young. A team that checks its prices
    every quarter sets 90 in its overrides file."""
    price_changes: tuple[PriceChange, ...] = ()
    """Known changes of on-demand prices: a price seen before one of its instance type is stale. An overrides
    file's changes are added to the built-in ones."""
    accelerators: dict[str, Accelerator] = Field(default_factory=dict)
    instance_types: dict[str, InstanceType] = Field(default_factory=dict)
    node_models: dict[str, NodeModel] = Field(default_factory=dict)
    switches: dict[str, Switch] = Field(default_factory=dict)
    nics: dict[str, Nic] = Field(default_factory=dict)
    link_speeds: dict[str, LinkSpeed] = Field(default_factory=dict)
    storage_tiers: dict[str, StorageTier] = Field(default_factory=dict)
    regions: dict[str, Region] = Field(default_factory=dict)
    jurisdictions: dict[str, Jurisdiction] = Field(default_factory=dict)
    grid_zones: dict[str, GridZone] = Field(default_factory=dict)
    cooling_types: dict[str, Cooling] = Field(default_factory=dict)
    overrides: tuple[str, ...] = ()
    """Overrides files applied on top of the built-in data, in order."""

    @model_validator(mode="after")
    def _keys_are_names(self) -> Catalogue:
        for section in SECTIONS:
            entries: dict[str, CatalogueEntry] = getattr(self, section)
            folded: dict[str, str] = {}
            for key, entry in entries.items():
                if entry.key != key:
                    raise ValueError(f"{section}: entry filed as {key!r} is named {entry.key!r}")
                clash = folded.setdefault(key.casefold(), key)
                if clash != key:
                    raise ValueError(f"{section}: {clash!r} and {key!r} differ only in case")
        return self

    def accelerator(self, name: str) -> Accelerator:
        return _lookup(self.accelerators, "accelerator", name)

    def instance_type(self, name: str) -> InstanceType:
        return _lookup(self.instance_types, "instance type", name)

    def node_model(self, name: str) -> NodeModel:
        return _lookup(self.node_models, "node model", name)

    def switch(self, name: str) -> Switch:
        return _lookup(self.switches, "switch", name)

    def nic(self, name: str) -> Nic:
        return _lookup(self.nics, "NIC", name)

    def link_speed(self, name: str) -> LinkSpeed:
        return _lookup(self.link_speeds, "link speed", name)

    def storage_tier(self, name: str) -> StorageTier:
        return _lookup(self.storage_tiers, "storage tier", name)

    def region(self, code: str) -> Region:
        return _lookup(self.regions, "region", code)

    def jurisdiction(self, name: str) -> Jurisdiction:
        return _lookup(self.jurisdictions, "jurisdiction", name)

    def grid_zone(self, name: str) -> GridZone:
        return _lookup(self.grid_zones, "grid zone", name)

    def cooling(self, name: str) -> Cooling:
        return _lookup(self.cooling_types, "cooling type", name)

    def price(self, instance_type: str, region: str) -> tuple[float, date | None, Source]:
        """On-demand USD per hour of ``instance_type`` in ``region``, the date it was seen, and its source.

        The date is ``None`` only for a price set in an overrides file that gave no ``price_as_of``.
        Raises :class:`InputError` when no price is known there, naming the regions that have one.
        """
        itype = self.instance_type(instance_type)
        code = self.region(region).code
        if code not in itype.prices:
            priced = ", ".join(sorted(itype.prices)) or "none"
            raise InputError(
                f"no on-demand price known for {itype.name} in {code} (priced in: {priced}); "
                f"add one under instance_types.{itype.name}.prices.{code} in an overrides file",
                field=f"instance_types.{itype.name}.prices.{code}",
            )
        specific = itype.field_sources.get(f"prices.{code}")
        if specific is not None:
            return itype.prices[code], specific.as_of, specific
        source = itype.price_source or itype.source_for("prices")
        return itype.prices[code], itype.price_as_of, source

    def problems(self) -> list[Problem]:
        """References between entries that do not resolve (an empty list when the catalogue is whole)."""
        found: list[Problem] = []

        def need(section: str, name: str, field: str, target: str, value: str | None) -> None:
            entries: dict[str, CatalogueEntry] = getattr(self, target)
            if value is not None and value not in entries:
                what = SECTIONS[target].what
                found.append(Problem(section, name, field, f"unknown {what} {value!r}"))

        for it in self.instance_types.values():
            need("instance_types", it.name, "accelerator", "accelerators", it.accelerator)
            need("instance_types", it.name, "nic", "nics", it.nic)
            for code in it.prices:
                need("instance_types", it.name, f"prices.{code}", "regions", code)
        for node in self.node_models.values():
            need("node_models", node.name, "accelerator", "accelerators", node.accelerator)
            need("node_models", node.name, "nic", "nics", node.nic)
            need("node_models", node.name, "cooling", "cooling_types", node.cooling)
        for sw in self.switches.values():
            need("switches", sw.name, "link_speed", "link_speeds", sw.link_speed)
        for jur in self.jurisdictions.values():
            for code in jur.allowed_regions:
                need("jurisdictions", jur.name, "allowed_regions", "regions", code)
        for reg in self.regions.values():
            need("regions", reg.code, "jurisdiction", "jurisdictions", reg.jurisdiction)
        for index, change in enumerate(self.price_changes):
            for name in change.instance_types:
                need("price_changes", str(index), "instance_types", "instance_types", name)
        return found
