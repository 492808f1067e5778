"""``aifab estimate PATH``: capacity, power, energy, carbon and cost of a design, with the working shown.

    aifab estimate stacks/uk-sovereign-training --env prod
    aifab estimate design.yaml --format json --set utilisation=0.6 --catalogue prices.yaml

Exit codes: 0 estimated with no capacity errors; 1 estimated, but a capacity finding is an error (over the
power budget, unbuildable fabric, storage too slow ...); 2 unusable input (unknown hardware, a switch too
small for any fabric, a bad option), printed as ``error: <message>`` (and as JSON with ``--format json``).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from aifab.capacity import EstimateOptions, estimate_design
from aifab.design.environments import stack_view
from aifab.design.yamlsource import read_yaml
from aifab.errors import InputError
from aifab.report.estimate_text import render_estimate
from aifab.validate import ValidationResult, validate

from ._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    catalogue,
    catalogue_option,
    env_option,
    err,
    handle_errors,
    load,
    path_argument,
    text_width,
)

__all__ = ["estimate_command"]


def _parse_settings(items: tuple[str, ...]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"expected NAME=VALUE, got {item!r}", field="--set")
        try:  # the reader every input goes through: bounded nesting, and 1:30 stays text (not 90)
            settings[name.strip()] = read_yaml(raw, "--set")[0]
        except InputError as exc:  # e.g. a date such as 2026-13-45 (month must be in 1..12)
            reason = exc.message.removeprefix("cannot read value ")
            raise InputError(f"cannot read the value of {name.strip()!r}: {raw!r} ({reason})", field="--set") from None
    return settings


def _refuse_invalid(result: ValidationResult, fmt: str, env: str | None) -> None:
    """Numbers for a design that is not well-formed would mislead: report its errors instead (exit 1 or 2).

    Capacity errors are the estimate's own business: it prints them beside the numbers.
    """
    errors = [d for d in result.errors if not d.code.startswith("capacity-")]
    if not errors:
        return
    if result.input_unusable:  # names that do not exist: the same exit-2 report as any unusable input
        raise InputError.combine(
            [
                InputError(
                    d.message,
                    file=d.location.file if d.location else None,
                    line=d.location.line if d.location else None,
                    field=d.component,
                )
                for d in errors
                if d.category == "input"
            ],
            "the design names things that do not exist",
        )
    if fmt == "json":
        data = result.to_json()
        data["errors"] = [e for e in data["errors"] if not e["code"].startswith("capacity-")]
        click.echo(json.dumps({**data, "env": env}, indent=2))
    for d in errors:
        err.print(f"[red]error[/] {escape(str(d))}", markup=True)
    err.print(f"[red]not estimated:[/] the design has {len(errors)} error(s); fix them (aifab validate)", markup=True)
    sys.exit(EXIT_FINDINGS)


@click.command("estimate")
@path_argument
@env_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@catalogue_option
@click.option(
    "--set",
    "settings",
    metavar="NAME=VALUE",
    multiple=True,
    help="Override an estimate option (repeatable), e.g. --set utilisation=0.6. "
    "Options: " + ", ".join(EstimateOptions.model_fields) + ".",
)
@handle_errors(json_errors=True)
def estimate_command(
    path: str, env: str | None, fmt: str, catalogue_path: str | None, settings: tuple[str, ...]
) -> None:
    """Estimate GPUs, CPU nodes, fabric, power, racks, energy, carbon, cost and expected benchmark numbers for PATH."""
    options = EstimateOptions.from_settings(_parse_settings(settings))
    loaded = load(path, env)
    cat = catalogue(catalogue_path, loaded)
    _refuse_invalid(validate(loaded.design, cat, capacity=False), fmt, env)  # the estimate has its own
    est = estimate_design(stack_view(loaded.design, env), cat, options)  # only what this stack deploys
    if fmt == "json":
        click.echo(json.dumps({**est.to_json(), "env": env}, indent=2))
    else:
        render_estimate(Console(highlight=False, width=text_width()), est, env)  # COLUMNS (or 100) when piped
    sys.exit(EXIT_FINDINGS if est.errors else EXIT_OK)
