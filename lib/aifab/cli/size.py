"""``aifab size``: capacity models from the command line.

    aifab size fabric --nodes 128 --gpus-per-node 8 --link-gbps 400 --radix 64 --format json

Exit codes: 0 on success; 2 on unusable input (click usage errors, and :class:`InputError` from the
model, printed as ``error: <message>`` on stderr).
"""

from __future__ import annotations

import json
from typing import get_args

import click
from rich.console import Console
from rich.table import Table

from aifab.errors import InputError
from aifab.models.fabric import FabricSizing, FabricSizingInput, LinkMedia, size_fat_tree

__all__ = ["size"]


@click.group(name="size")
def size() -> None:
    """Size infrastructure with the capacity models (fabric, ...)."""


# (label, field, unit) rows of the text table, in reading order.
_FABRIC_ROWS: tuple[tuple[str, str, str], ...] = (
    ("tiers", "tiers", ""),
    ("nodes", "nodes", "nodes"),
    ("rails (GPUs per node)", "rails", "rails"),
    ("endpoints", "endpoints", "ports"),
    ("link speed", "link_gbps", "Gb/s"),
    ("switch radix", "switch_radix", "ports"),
    ("scalable unit", "scalable_unit_nodes", "nodes"),
    ("scalable units", "scalable_units", "SUs"),
    ("leaf switches", "leaf", "switches"),
    ("spine switches", "spine", "switches"),
    ("core switches", "core", "switches"),
    ("switches total", "switches_total", "switches"),
    ("leaf ports down / up", "", "ports"),
    ("node-leaf cables", "node_leaf_cables", "cables"),
    ("leaf-spine cables", "leaf_spine_cables", "cables"),
    ("spine-core cables", "spine_core_cables", "cables"),
    ("cables total", "cables_total", "cables"),
    ("transceivers", "transceivers", "transceivers"),
    ("bisection bandwidth", "bisection_tbps", "Tb/s"),
    ("oversubscription achieved", "oversubscription_achieved", ":1"),
    ("max endpoints, two tiers", "max_endpoints_two_tier", "ports"),
    ("max endpoints, three tiers", "max_endpoints_three_tier", "ports"),
)


def _fabric_table(sizing: FabricSizing) -> Table:
    table = Table(title="Rail-optimised fat tree")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_column("unit")
    values = sizing.model_dump()
    for label, field, unit in _FABRIC_ROWS:
        if not field:
            value = f"{sizing.leaf_downlinks} / {sizing.leaf_uplinks}"
        elif isinstance(values[field], float):
            value = f"{values[field]:,.3f}".rstrip("0").rstrip(".")
        else:
            value = f"{values[field]:,}"
        table.add_row(label, value, unit)
    return table


@size.command(name="fabric")
@click.option("--nodes", type=int, required=True, help="Compute nodes to connect.")
@click.option("--gpus-per-node", type=int, required=True, help="GPUs per node, one rail (NIC) each.")
@click.option("--link-gbps", type=float, required=True, help="Link speed per port, Gb/s (NDR 400, XDR 800).")
@click.option("--radix", type=int, required=True, help="Switch radix: ports per switch at that speed.")
@click.option("--oversubscription", type=float, default=1.0, show_default=True, help="Leaf down:up ratio.")
@click.option("--scalable-unit-nodes", type=int, default=None, help="Nodes per scalable unit (default: a full leaf).")
@click.option(
    "--node-leaf-media",
    type=click.Choice(get_args(LinkMedia)),
    default="optical",
    show_default=True,
    help="Node-leaf cabling: optical needs a transceiver at each end; DAC and AOC need none.",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def fabric(
    ctx: click.Context,
    nodes: int,
    gpus_per_node: int,
    link_gbps: float,
    radix: int,
    oversubscription: float,
    scalable_unit_nodes: int | None,
    node_leaf_media: LinkMedia,
    output_format: str,
) -> None:
    """Size a rail-optimised fat-tree compute fabric: switches, cables, optics, bisection."""
    try:
        sizing = size_fat_tree(
            FabricSizingInput(
                nodes=nodes,
                gpus_per_node=gpus_per_node,
                link_gbps=link_gbps,
                switch_radix=radix,
                oversubscription=oversubscription,
                scalable_unit_nodes=scalable_unit_nodes,
                node_leaf_media=node_leaf_media,
            )
        )
    except InputError as exc:
        click.echo(f"error: {exc}", err=True)
        ctx.exit(InputError.exit_code)
    if output_format == "json":
        click.echo(json.dumps(sizing.model_dump(mode="json"), indent=2))
    else:
        Console(highlight=False).print(_fabric_table(sizing))
