"""Typed catalogue entries: frozen, closed pydantic models with units in their field names.

Every entry carries a :class:`Source`. Where one field of an entry comes from somewhere else than the
entry as a whole (a price from the pricing API, a power figure that is only an assumption), the entry's
``field_sources`` names that field, or one key of a mapping field as ``"prices.us-east-1"``.
:meth:`CatalogueEntry.source_for` answers "where does this number come from?" for any field.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from aifab.design.component import StrictNumbers
from aifab.errors import InputError

__all__ = [
    "Accelerator",
    "CatalogueEntry",
    "Cooling",
    "GridZone",
    "InstanceType",
    "Jurisdiction",
    "LinkSpeed",
    "Nic",
    "NodeModel",
    "Precision",
    "PriceChange",
    "RackScale",
    "Region",
    "Source",
    "SourceType",
    "StorageTier",
    "Switch",
]

SourceType = Literal["primary", "secondary", "derived", "assumption", "user-override"]
Confidence = Literal["high", "medium", "low", "none"]
Precision = Literal["fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "fp4", "int8"]

# Numbers are strict: ``true`` or ``"700"`` in a YAML file is a mistake, not 1.0 or 700.0.
PositiveFloat = Annotated[float, Field(gt=0, strict=True)]
NonNegativeFloat = Annotated[float, Field(ge=0, strict=True)]
PositiveInt = Annotated[int, Field(gt=0, strict=True)]
NonNegativeInt = Annotated[int, Field(ge=0, strict=True)]
Pue = Annotated[float, Field(ge=1.0, le=3.0, strict=True)]
Name = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]

_META_FIELDS = frozenset({"source", "field_sources", "base_source", "overridden_fields"})


class _Frozen(StrictNumbers):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Source(_Frozen):
    """Where a number comes from: a URL, what kind of source it is and how far to trust it."""

    url: str | None = None
    type: SourceType
    confidence: Confidence
    note: str = ""
    as_of: date | None = None
    dataset: str | None = None
    """A published dataset's name, e.g. a grid-carbon dataset (its year in ``dataset_year``)."""
    dataset_year: int | None = None
    basis: Literal["location", "market"] | None = None
    """For grid-carbon figures: GHG Protocol Scope 2 location-based (grid average) or market-based."""

    @model_validator(mode="after")
    def _needs_url(self) -> Source:
        if self.type in ("primary", "secondary") and not self.url:
            raise ValueError(f"a {self.type} source needs a url (use type 'assumption' when there is none)")
        return self


class CatalogueEntry(_Frozen):
    """Fields shared by every entry: its source, per-field sources and override bookkeeping."""

    source: Source
    field_sources: dict[str, Source] = Field(default_factory=dict)
    base_source: Source | None = None
    """The built-in source this entry had before an overrides file changed it."""
    overridden_fields: tuple[str, ...] = ()
    """Paths (``"tdp_w"``, ``"prices.eu-west-2"``) an overrides file changed."""

    @model_validator(mode="after")
    def _field_sources_name_fields(self) -> CatalogueEntry:
        fields = set(type(self).model_fields) - _META_FIELDS
        for path in (*self.field_sources, *self.overridden_fields):
            if path.split(".", 1)[0] not in fields:
                model = type(self).__name__
                raise ValueError(f"{path!r} is not a field of {model}; fields: {', '.join(sorted(fields))}")
        return self

    @property
    def key(self) -> str:
        """The name this entry is filed under in the catalogue."""
        return str(getattr(self, "name", None) or getattr(self, "code", ""))

    def source_for(self, path: str) -> Source:
        """The source of one field (``"tdp_w"``) or one key of a mapping field (``"prices.us-east-1"``)."""
        field = path.split(".", 1)[0]
        if field not in type(self).model_fields or field in _META_FIELDS:
            raise InputError(f"{type(self).__name__} has no field {field!r}", field=f"{self.key}.{path}")
        for candidate in (path, field):
            if candidate in self.field_sources:
                return self.field_sources[candidate]
        if self.base_source is not None and not ({path, field} & set(self.overridden_fields)):
            return self.base_source
        return self.source

    def sources(self) -> list[Source]:
        """Every source this entry carries (entry, base, per-field and any nested ones)."""
        found = [self.source, *self.field_sources.values()]
        if self.base_source is not None:
            found.append(self.base_source)
        price_source = getattr(self, "price_source", None)
        if isinstance(price_source, Source):
            found.append(price_source)
        return found


class PriceChange(_Frozen):
    """A published change of on-demand prices for some instance types, effective on a date: a price of one
    of them seen before ``effective`` is out of date however young it is (``capacity-price-stale``).

    >>> change = PriceChange(
    ...     effective=date(2025, 6, 1), instance_types=("p5.48xlarge",), what="AWS cut P5 prices",
    ...     source_url="https://aws.amazon.com/blogs/aws/")
    >>> from pydantic import ValidationError
    >>> try:
    ...     PriceChange.model_validate({**change.model_dump(), "effective": datetime(2025, 6, 1, 10, 0)})
    ... except ValidationError as exc:
    ...     print(exc.errors()[0]["msg"])
    Value error, expected a date like 2025-06-01, not a date and time (got 2025-06-01 10:00:00)
    """

    effective: date
    instance_types: tuple[Name, ...] = Field(min_length=1)
    """Catalogue instance types whose prices changed (each must be in ``instance_types``)."""
    what: str = Field(min_length=1)
    source_url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    """Where the change is published (a provider's announcement, or price tables before and after)."""

    @field_validator("effective", mode="before")
    @classmethod
    def _a_day(cls, value: Any) -> Any:
        # A price change takes effect on a day. YAML reads 2025-06-01 10:00:00 as a datetime and 2025-06-01 10:00
        # or "June 2025" as text; say what is expected rather than pydantic's words about datetimes.
        if isinstance(value, datetime):
            if value.time() == datetime.min.time() and value.tzinfo is None:
                return value.date()
            raise ValueError(f"expected a date like 2025-06-01, not a date and time (got {value.isoformat(sep=' ')})")
        if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(f"expected a date like 2025-06-01 (got {value!r})")
        return value


class Accelerator(CatalogueEntry):
    """One accelerator device (GPU, Trainium/Inferentia chip, TPU chip)."""

    name: Name
    vendor: str
    family: Literal["gpu", "accelerator", "cpu"]
    memory_gb: PositiveFloat
    memory_bandwidth_tbs: PositiveFloat
    peak_dense_tflops: dict[Precision, PositiveFloat] = Field(default_factory=dict)
    """Dense (no structured sparsity) tensor throughput; ``int8`` is in TOPS."""
    tdp_w: PositiveFloat
    intra_node_gbs: PositiveFloat | None = None
    """Scale-up bandwidth per device, GB/s bidirectional (NVLink-class); None when PCIe-only or unknown."""
    intra_node_link: str | None = None
    """Name of the scale-up link (``nvlink4``, ``neuronlink-v2``, ``ici``); None for PCIe only."""

    def dense_tflops(self, precision: Precision) -> float:
        """Peak dense throughput at ``precision``; :class:`InputError` when the catalogue has no figure."""
        if precision not in self.peak_dense_tflops:
            known = ", ".join(sorted(self.peak_dense_tflops)) or "none"
            raise InputError(
                f"no {precision} throughput known for {self.name} (known: {known}); set it in an overrides file",
                field=f"accelerators.{self.name}.peak_dense_tflops.{precision}",
            )
        return self.peak_dense_tflops[precision]


def _check_accelerators(accelerator: str | None, per_node: int) -> None:
    """An entry names an accelerator and carries at least one, or names none and carries none (CPU-only)."""
    if accelerator is None and per_node > 0:
        raise ValueError(
            f"accelerators_per_node is {per_node} but no accelerator is named; name the accelerator, "
            "or set accelerators_per_node to 0 for a CPU-only entry"
        )
    if accelerator is not None and per_node == 0:
        raise ValueError(
            f"accelerator {accelerator!r} is named but accelerators_per_node is 0; set how many each node "
            "carries, or leave accelerator out for a CPU-only entry"
        )


class InstanceType(CatalogueEntry):
    """A cloud instance type with its accelerators (none for a CPU-only type), network and on-demand prices.

    A CPU-only type names no ``accelerator`` and has ``accelerators_per_node`` 0; its power cannot be derived
    from an accelerator's TDP, so it must state ``max_power_kw``.
    """

    name: Name
    provider: Literal["aws"]
    accelerator: str | None = None
    """The :class:`Accelerator` each node carries; None for a CPU-only instance type."""
    accelerators_per_node: NonNegativeInt = 0
    vcpu: PositiveInt | None = None
    memory_gib: PositiveFloat | None = None
    max_power_kw: PositiveFloat | None = None
    """Peak power of one instance (its share of the host). Required for CPU-only types; when set on an
    accelerator type the estimate uses it instead of accelerators x TDP x ``host_overhead_factor``."""
    network_gbps: PositiveFloat
    """Baseline instance network bandwidth (EC2's figure; small sizes can burst above it)."""
    efa_interfaces: NonNegativeInt
    efa_gbps_total: NonNegativeFloat
    nic: str | None = None
    """The EFA generation (a :class:`Nic` name) when the instance has EFA."""
    prices: dict[str, PositiveFloat] = Field(default_factory=dict)
    """On-demand Linux USD per hour, by region code."""
    price_as_of: date | None = None
    price_source: Source | None = None
    availability: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    """Partition -> every region of it that offers the type (empty: none does). A partition listed here is
    complete, so a pool in another of its regions is an error; partitions not listed are not checked."""

    def offered_in(self) -> tuple[str, ...]:
        """Regions known to offer the type: those with a price and those in ``availability``."""
        return tuple(sorted({*self.prices, *(r for regions in self.availability.values() for r in regions)}))

    @property
    def cpu_only(self) -> bool:
        """True when the instance type carries no accelerator."""
        return self.accelerator is None

    @model_validator(mode="after")
    def _consistent(self) -> InstanceType:
        _check_accelerators(self.accelerator, self.accelerators_per_node)
        if self.accelerator is None and self.max_power_kw is None:
            raise ValueError(
                "a CPU-only instance type needs max_power_kw: its power cannot be derived from an accelerator's TDP"
            )
        if (self.efa_interfaces == 0) != (self.efa_gbps_total == 0):
            raise ValueError("efa_interfaces and efa_gbps_total must both be 0 or both be > 0")
        if self.efa_gbps_total > self.network_gbps:
            raise ValueError(f"efa_gbps_total ({self.efa_gbps_total}) exceeds network_gbps ({self.network_gbps})")
        if self.prices and self.price_as_of is None:
            raise ValueError("prices need a price_as_of date")
        return self


class RackScale(_Frozen):
    """A rack-scale system (NVL72-class): the node model is one compute tray of a rack that is bought,
    powered and cooled whole — ``trays_per_rack`` compute trays plus NVLink switch trays, one NVLink domain."""

    trays_per_rack: PositiveInt
    switch_trays_per_rack: NonNegativeInt
    switch_tray_max_kw: NonNegativeFloat
    """Peak draw of one NVLink switch tray; the rack's power is its trays' plus its switch trays'."""
    switch_tray_idle_kw: NonNegativeFloat | None = None
    nvlink_domain_gpus: PositiveInt
    """GPUs behind one NVLink domain (72 for an NVL72 rack)."""


class NodeModel(CatalogueEntry):
    """An on-premises server (or rack-scale tray) you buy, rack and power yourself.

    A CPU-only server names no ``accelerator`` and has ``accelerators_per_node`` 0.
    """

    name: Name
    vendor: str
    accelerator: str | None = None
    """The :class:`Accelerator` each node carries; None for a CPU-only server."""
    accelerators_per_node: NonNegativeInt = 0
    vcpu: PositiveInt | None = None
    """Hardware threads (what Kubernetes counts as CPUs) per node, when known."""
    memory_gib: PositiveFloat | None = None
    max_power_kw: PositiveFloat
    typical_power_kw: PositiveFloat | None = None
    idle_power_kw: PositiveFloat | None = None
    rack_units: PositiveInt
    compute_nics: NonNegativeInt
    compute_nic_gbps: PositiveFloat
    nic: str | None = None
    cooling: str | None = None
    """The :class:`Cooling` the platform requires, when it requires one."""
    rack_scale: RackScale | None = None
    """Set for a compute tray of a rack-scale system: racks are whole units, never split or shared."""

    @property
    def cpu_only(self) -> bool:
        """True when the server carries no accelerator."""
        return self.accelerator is None

    @model_validator(mode="after")
    def _power_order(self) -> NodeModel:
        _check_accelerators(self.accelerator, self.accelerators_per_node)
        for name in ("typical_power_kw", "idle_power_kw"):
            value = getattr(self, name)
            if value is not None and value > self.max_power_kw:
                raise ValueError(f"{name} ({value}) exceeds max_power_kw ({self.max_power_kw})")
        return self


class Switch(CatalogueEntry):
    """A fabric switch: ``radix`` ports at ``port_gbps``."""

    name: Name
    vendor: str
    technology: Literal["infiniband", "ethernet"]
    radix: PositiveInt
    port_gbps: PositiveFloat
    breakout_radix: PositiveInt | None = None
    breakout_port_gbps: PositiveFloat | None = None
    link_speed: str | None = None
    rack_units: PositiveInt
    max_power_w: PositiveFloat

    @property
    def capacity_tbps(self) -> float:
        """Aggregate one-direction switching capacity (radix x port speed), Tb/s."""
        return self.radix * self.port_gbps / 1000


class Nic(CatalogueEntry):
    """A network adapter (or an EFA generation): line rate per adapter."""

    name: Name
    vendor: str
    gbps: PositiveFloat
    technologies: tuple[Literal["infiniband", "ethernet", "efa"], ...] = Field(min_length=1)


class LinkSpeed(CatalogueEntry):
    """A link generation (InfiniBand EDR/HDR/NDR/XDR ...) and its rate per 4x port."""

    name: Name
    technology: Literal["infiniband", "ethernet"]
    gbps_per_port: PositiveFloat
    lanes: PositiveInt = 4
    roadmap: bool = False

    @property
    def gbps_per_lane(self) -> float:
        return self.gbps_per_port / self.lanes


class StorageTier(CatalogueEntry):
    """A storage service tier; FSx for Lustre throughput per TiB comes in discrete steps."""

    name: Name
    provider: Literal["aws"]
    service: Literal["fsx-lustre", "s3"]
    deployment_type: str | None = None
    storage_class: Literal["ssd", "hdd", "object"]
    per_unit_throughput_mbps_per_tib: tuple[PositiveInt, ...] = ()
    min_capacity_tib: PositiveFloat | None = None
    capacity_increment_tib: PositiveFloat | None = None
    capacity_increment_tib_by_throughput: dict[PositiveInt, PositiveFloat] = Field(default_factory=dict)
    """Where the capacity step depends on the throughput tier (PERSISTENT_1 HDD)."""
    put_requests_per_s_per_prefix: PositiveInt | None = None
    get_requests_per_s_per_prefix: PositiveInt | None = None

    @model_validator(mode="after")
    def _steps_known(self) -> StorageTier:
        if list(self.per_unit_throughput_mbps_per_tib) != sorted(set(self.per_unit_throughput_mbps_per_tib)):
            raise ValueError("per_unit_throughput_mbps_per_tib must be increasing and without repeats")
        unknown = set(self.capacity_increment_tib_by_throughput) - set(self.per_unit_throughput_mbps_per_tib)
        if unknown:
            raise ValueError(f"capacity_increment_tib_by_throughput has tiers not offered: {sorted(unknown)}")
        return self

    def increment_tib(self, per_unit_mbps_per_tib: int | None = None) -> float | None:
        """Capacity step for a throughput tier (the tier-specific step when there is one)."""
        by_tier = self.capacity_increment_tib_by_throughput
        if per_unit_mbps_per_tib is not None and per_unit_mbps_per_tib in by_tier:
            return by_tier[per_unit_mbps_per_tib]
        return self.capacity_increment_tib


class Region(CatalogueEntry):
    """A cloud region: where it is, whose law applies, its grid carbon intensity and PUE."""

    code: Name
    provider: Literal["aws"]
    partition: str
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    location: str
    jurisdiction: str
    grid_gco2e_per_kwh: NonNegativeFloat | None = None
    grid_zone: str | None = None
    """The grid zone the region draws from, when the catalogue has one: its intensity is the zone's, so a
    cloud site and an on-prem site on the same grid get the same figure."""
    pue: Pue


class Jurisdiction(CatalogueEntry):
    """A data-residency boundary and the regions allowed inside it."""

    name: Name
    allowed_regions: tuple[str, ...] = Field(min_length=1)
    note: str = ""


class GridZone(CatalogueEntry):
    """Grid carbon intensity for an on-premises site's location."""

    name: Name
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    description: str
    grid_gco2e_per_kwh: NonNegativeFloat
    year: PositiveInt | None = None


class Cooling(CatalogueEntry):
    """A cooling approach: how much heat a rack can shed and the facility PUE it typically runs at."""

    name: Name
    max_kw_per_rack: PositiveFloat
    typical_pue: Pue


def entry_fields(model: type[CatalogueEntry]) -> list[str]:
    """The data fields of an entry model (without the source bookkeeping)."""
    return [name for name in model.model_fields if name not in _META_FIELDS]


def meta_fields() -> frozenset[str]:
    return _META_FIELDS


def dump_entry(entry: CatalogueEntry) -> dict[str, Any]:
    """An entry's data fields as plain Python values, ready to merge and validate again."""
    return entry.model_dump(include=set(entry_fields(type(entry))))
