"""``aifab catalogue``: browse the hardware, cloud and energy catalogue without reading its YAML.

    aifab catalogue list                         # every kind and how many entries it has
    aifab catalogue list instance-types          # one row per entry
    aifab catalogue show instance-type p5.48xlarge
    aifab catalogue search h100 --format json

Kinds are the catalogue's sections (``accelerators``, ``instance_types`` ...), written with ``-`` or ``_``,
singular or plural. An unknown kind or name is exit 2 with the closest matches. ``--catalogue FILE``
applies an overrides file, as every other command does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from aifab.catalogue import Catalogue, CatalogueEntry, InstanceType, Source
from aifab.catalogue.catalogue import SECTIONS
from aifab.catalogue.models import entry_fields
from aifab.errors import UnknownNameError

from ._common import catalogue, catalogue_option, handle_errors, text_width

__all__ = ["catalogue_group"]

format_option = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format."
)


def _aliases() -> dict[str, str]:
    """Every spelling of a kind a user may type (``instance-type``, ``instance_types`` ...) -> section."""
    found: dict[str, str] = {}
    for section, info in SECTIONS.items():
        for spelling in (section, section.removesuffix("s"), info.what.replace(" ", "_"), info.what.casefold()):
            found[spelling.casefold().replace("-", "_").replace(" ", "_")] = section
    found["cooling"] = "cooling_types"
    return found


def resolve_kind(kind: str) -> str:
    """The catalogue section ``kind`` names; :class:`UnknownNameError` with suggestions when none.

    >>> resolve_kind("instance-type"), resolve_kind("Regions"), resolve_kind("cooling")
    ('instance_types', 'regions', 'cooling_types')
    """
    aliases = _aliases()
    key = kind.casefold().replace("-", "_")
    if key in aliases:
        return aliases[key]
    raise UnknownNameError("catalogue kind", kind, [s.replace("_", "-") for s in SECTIONS])


def _entries(cat: Catalogue, section: str) -> dict[str, CatalogueEntry]:
    entries: dict[str, CatalogueEntry] = getattr(cat, section)
    return entries


def _lookup(cat: Catalogue, section: str, name: str) -> CatalogueEntry:
    entries = _entries(cat, section)
    for key, entry in entries.items():
        if key.casefold() == name.casefold():
            return entry
    raise UnknownNameError(SECTIONS[section].what, name, list(entries))


def _num(value: float | int | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _times(name: str | None, count: int) -> str:
    return f"{count} x {name}" if name else "-"


def _regions(entry: Any) -> str:
    return ", ".join(sorted(entry.prices)) or "-"


# One list table per kind: (header, cell, numeric). Numeric columns never wrap, so a number is never split.
Column = tuple[str, Callable[[Any], str], bool]
_COLUMNS: dict[str, tuple[Column, ...]] = {
    "accelerators": (
        ("name", lambda e: e.name, False),
        ("vendor", lambda e: e.vendor, False),
        ("memory GB", lambda e: _num(e.memory_gb), True),
        ("TB/s", lambda e: _num(e.memory_bandwidth_tbs), True),
        ("bf16 TFLOPS", lambda e: _num(e.peak_dense_tflops.get("bf16")), True),
        ("TDP W", lambda e: _num(e.tdp_w), True),
    ),
    "instance_types": (
        ("name", lambda e: e.name, False),
        ("accelerators", lambda e: _times(e.accelerator, e.accelerators_per_node), False),
        ("net Gb/s", lambda e: _num(e.network_gbps), True),
        ("priced in", _regions, False),
        ("price date", lambda e: e.price_as_of.isoformat() if e.price_as_of else "-", True),
    ),
    "node_models": (
        ("name", lambda e: e.name, False),
        ("vendor", lambda e: e.vendor, False),
        ("accelerators", lambda e: _times(e.accelerator, e.accelerators_per_node), False),
        ("max kW", lambda e: _num(e.max_power_kw), True),
        ("U", lambda e: _num(e.rack_units), True),
        ("cooling", lambda e: e.cooling or "-", False),
    ),
    "switches": (
        ("name", lambda e: e.name, False),
        ("vendor", lambda e: e.vendor, False),
        ("technology", lambda e: e.technology, False),
        ("ports", lambda e: f"{e.radix} x {_num(e.port_gbps)}G", True),
        ("max W", lambda e: _num(e.max_power_w), True),
    ),
    "nics": (
        ("name", lambda e: e.name, False),
        ("vendor", lambda e: e.vendor, False),
        ("Gb/s", lambda e: _num(e.gbps), True),
        ("technologies", lambda e: ", ".join(e.technologies), False),
    ),
    "link_speeds": (
        ("name", lambda e: e.name, False),
        ("technology", lambda e: e.technology, False),
        ("Gb/s per port", lambda e: _num(e.gbps_per_port), True),
        ("lanes", lambda e: _num(e.lanes), True),
        ("roadmap", lambda e: "yes" if e.roadmap else "no", False),
    ),
    "storage_tiers": (
        ("name", lambda e: e.name, False),
        ("service", lambda e: e.service, False),
        ("class", lambda e: e.storage_class, False),
        ("MB/s per TiB", lambda e: ", ".join(str(t) for t in e.per_unit_throughput_mbps_per_tib) or "-", False),
        ("min TiB", lambda e: _num(e.min_capacity_tib), True),
    ),
    "regions": (
        ("code", lambda e: e.code, False),
        ("location", lambda e: e.location, False),
        ("country", lambda e: e.country, False),
        ("jurisdiction", lambda e: e.jurisdiction, False),
        ("gCO2e/kWh", lambda e: _num(e.grid_gco2e_per_kwh), True),
        ("PUE", lambda e: _num(e.pue), True),
    ),
    "jurisdictions": (
        ("name", lambda e: e.name, False),
        ("allowed regions", lambda e: ", ".join(e.allowed_regions), False),
    ),
    "grid_zones": (
        ("name", lambda e: e.name, False),
        ("country", lambda e: e.country, False),
        ("description", lambda e: e.description, False),
        ("gCO2e/kWh", lambda e: _num(e.grid_gco2e_per_kwh), True),
        ("year", lambda e: _num(e.year), True),
    ),
    "cooling_types": (
        ("name", lambda e: e.name, False),
        ("max kW/rack", lambda e: _num(e.max_kw_per_rack), True),
        ("typical PUE", lambda e: _num(e.typical_pue), True),
    ),
}


def _console() -> Console:
    return Console(highlight=False, width=text_width())  # the terminal's width, or COLUMNS when piped


def _table() -> Table:
    return Table(expand=False, pad_edge=False, show_edge=False)


def _print(console: Console, title: str, table: Table) -> None:
    """The title on its own line (rich's table title would wrap at the table's width), then the table."""
    console.print(title, markup=False, overflow="fold")
    console.print(table)


def _text_column(table: Table, header: str, numeric: bool = False, name: bool = False) -> None:
    if name:  # names are never split either
        table.add_column(header, no_wrap=True)
    elif numeric:
        table.add_column(header, justify="right", no_wrap=True)
    else:
        table.add_column(header, overflow="fold")


def _source_text(source: Source) -> str:
    parts = [f"{source.type}, {source.confidence} confidence"]
    if source.as_of is not None:
        parts.append(f"as of {source.as_of.isoformat()}")
    text = "; ".join(parts)
    if source.url:
        text += f": {source.url}"
    if source.note:
        text += f" ({source.note})"
    return text


def _field_rows(entry: CatalogueEntry) -> Iterator[tuple[str, Any, Source]]:
    """(path, value, source) for every data field, a mapping field one row per key."""
    for field in entry_fields(type(entry)):
        value = getattr(entry, field)
        if isinstance(value, dict) and value:
            for key, item in value.items():
                path = f"{field}.{key}"
                if isinstance(entry, InstanceType) and field == "prices":
                    specific = entry.field_sources.get(path)
                    source = specific or entry.price_source or entry.source_for(path)
                else:
                    source = entry.source_for(path)
                yield path, item, source
        elif field == "price_source":
            continue  # shown as the source of each price
        else:
            yield field, value, entry.source_for(field)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _value_text(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "-"
    if isinstance(value, float):
        return _num(value)
    return str(value)


def _entry_json(section: str, entry: CatalogueEntry) -> dict[str, Any]:
    data = entry.model_dump(mode="json", include=set(entry_fields(type(entry))))
    return {"kind": section, "name": entry.key, **data}


@click.group(name="catalogue")
def catalogue_group() -> None:
    """Browse the catalogue: accelerators, instance types (with prices), node models, switches, NICs,
    storage tiers, regions and jurisdictions, grid zones and cooling, each figure with its source."""


@catalogue_group.command(name="list")
@click.argument("kind", required=False, metavar="[KIND]")
@catalogue_option
@format_option
@handle_errors()
def list_command(kind: str | None, catalogue_path: str | None, fmt: str) -> None:
    """List the kinds of entry, or every entry of KIND (e.g. instance-types, regions, grid-zones)."""
    cat = catalogue(catalogue_path)
    if kind is None:
        counts = {section.replace("_", "-"): len(_entries(cat, section)) for section in SECTIONS}
        changes = [change.model_dump(mode="json") for change in cat.price_changes]
        if fmt == "json":
            head = {"version": cat.version, "as_of": cat.as_of.isoformat()}
            price_age = {"price_freshness_days": cat.price_freshness_days, "price_changes": changes}
            click.echo(json.dumps({**head, **price_age, "kinds": counts}, indent=2))
            return
        title, table = f"catalogue {cat.version} (as of {cat.as_of.isoformat()})", _table()
        _text_column(table, "kind")
        _text_column(table, "entries", numeric=True)
        for name, count in counts.items():
            table.add_row(name, str(count))
        console = _console()
        _print(console, title, table)
        console.print()
        # The catalogue's own rule for stale prices (capacity-price-stale), which an overrides file may change.
        title = (
            f"prices are stale when seen more than {cat.price_freshness_days} days before {cat.as_of.isoformat()}"
            f", or before a price change of their instance type ({len(cat.price_changes)} known)"
        )
        table = _table()
        _text_column(table, "effective", numeric=True)
        _text_column(table, "instance types")
        _text_column(table, "what (source)")
        for change in cat.price_changes:
            what = f"{change.what} ({change.source_url})"
            table.add_row(change.effective.isoformat(), ", ".join(change.instance_types), what)
        _print(console, title, table)
        return
    section = resolve_kind(kind)
    entries = _entries(cat, section)
    if fmt == "json":
        click.echo(json.dumps([_entry_json(section, e) for e in entries.values()], indent=2))
        return
    title, table = f"{section.replace('_', ' ')} ({len(entries)})", _table()
    for index, (header, _, numeric) in enumerate(_COLUMNS[section]):
        _text_column(table, header, numeric, name=index == 0)
    for entry in entries.values():
        table.add_row(*(cell(entry) for _, cell, _ in _COLUMNS[section]))
    _print(_console(), title, table)


@catalogue_group.command(name="show")
@click.argument("kind")
@click.argument("name")
@catalogue_option
@format_option
@handle_errors()
def show_command(kind: str, name: str, catalogue_path: str | None, fmt: str) -> None:
    """Show every field of one entry with where its figure comes from."""
    cat = catalogue(catalogue_path)
    section = resolve_kind(kind)
    entry = _lookup(cat, section, name)
    rows = list(_field_rows(entry))
    numbered: dict[Source, int] = {}
    for _, _, source in rows:
        numbered.setdefault(source, len(numbered) + 1)
    if fmt == "json":
        data = _entry_json(section, entry)
        data["sources"] = {path: source.model_dump(mode="json") for path, _, source in rows}
        data["overridden_fields"] = list(entry.overridden_fields)
        click.echo(json.dumps(data, indent=2))
        return
    title, table = f"{SECTIONS[section].what} {entry.key}", _table()
    _text_column(table, "field", name=True)
    _text_column(table, "value")
    _text_column(table, "source", numeric=True)
    for path, value, source in rows:
        overridden = " (override)" if path in entry.overridden_fields else ""
        table.add_row(path, _value_text(value) + overridden, f"[{numbered[source]}]")
    console = _console()
    _print(console, title, table)
    console.print()
    sources = _table()
    _text_column(sources, "", numeric=True)
    _text_column(sources, "")
    sources.show_header = False
    for source, number in numbered.items():
        sources.add_row(f"[{number}]", _source_text(source))
    _print(console, "sources", sources)


@catalogue_group.command(name="search")
@click.argument("text")
@catalogue_option
@format_option
@handle_errors()
def search_command(text: str, catalogue_path: str | None, fmt: str) -> None:
    """Find entries whose name or any text field contains TEXT (case-insensitive), across every kind."""
    cat = catalogue(catalogue_path)
    needle = text.casefold()
    hits: list[dict[str, Any]] = []
    for section in SECTIONS:
        for entry in _entries(cat, section).values():
            for path, value, _ in _field_rows(entry):
                key = path.split(".", 1)[1] if "." in path else ""  # a mapping's key: a priced region
                if needle in _value_text(value).casefold() or needle in key.casefold():
                    hits.append({"kind": section, "name": entry.key, "field": path, "value": _plain(value)})
                    break
    if fmt == "json":
        click.echo(json.dumps(hits, indent=2))
        return
    if not hits:
        click.echo(f"nothing in the catalogue matches {text!r}")
        return
    title, table = f"{len(hits)} entries match {text!r}", _table()
    _text_column(table, "kind", name=True)
    _text_column(table, "name", name=True)
    _text_column(table, "matched")
    for hit in hits:
        table.add_row(hit["kind"].replace("_", "-"), hit["name"], f"{hit['field']}: {_value_text(hit['value'])}")
    _print(_console(), title, table)
