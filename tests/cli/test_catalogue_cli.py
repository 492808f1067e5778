"""``aifab catalogue list|show|search``: tables that fit 80 columns, JSON that is plain data, exit 2 on unknowns."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aifab.catalogue import load_catalogue
from aifab.catalogue.catalogue import SECTIONS
from aifab.cli.main import cli

WIDTH = 80


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["catalogue", *args], env={"COLUMNS": str(WIDTH)})


def assert_fits(output: str, figures: list[str]) -> None:
    lines = output.splitlines()
    assert all(len(line) <= WIDTH for line in lines), max(lines, key=len)
    for figure in figures:  # a number is never split across lines: it appears whole on one line
        assert any(re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d.])", line) for line in lines), figure


@pytest.mark.parametrize("kind", [section.replace("_", "-") for section in SECTIONS])
def test_list_every_kind_fits_80_columns(kind: str) -> None:
    result = run("list", kind)
    assert result.exit_code == 0, result.output
    entries = getattr(load_catalogue(), kind.replace("-", "_"))
    for name in entries:
        assert name in result.output  # names fold only when longer than their column; none is
    assert_fits(result.output, [])


def test_list_instance_types_shows_regions_and_price_dates() -> None:
    result = run("list", "instance-types")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("p5.48xlarge "))
    p5 = lines[at]
    assert "eu-west-2" in p5 and "2026-07-20" in p5 and "3200" in p5
    assert "us-east-1" in lines[at + 1]  # its regions wrap within their column at 80 columns
    assert_fits(result.output, ["3200", "2026-07-20", "16.667"])


def test_list_without_kind_counts_every_kind() -> None:
    result = run("list", "--format", "json")
    data = json.loads(result.output)
    assert set(data["kinds"]) == {s.replace("_", "-") for s in SECTIONS}
    assert data["kinds"]["instance-types"] == len(load_catalogue().instance_types)


def test_show_prints_every_field_with_its_source() -> None:
    result = run("show", "instance-type", "p5.48xlarge")
    assert result.exit_code == 0, result.output
    for field in ("accelerator", "network_gbps", "prices.us-east-1", "price_as_of"):
        assert re.search(rf"^{re.escape(field)}\s.*\[\d+\]\s*$", result.output, re.M), field
    assert "as of 2026-07-20" in result.output  # the price's source carries its date
    assert_fits(result.output, ["55.04", "3200", "2026-07-20"])


def test_show_json_is_plain_data_with_a_source_per_field() -> None:
    data = json.loads(run("show", "region", "EU-WEST-2", "--format", "json").output)
    assert data["kind"] == "regions" and data["name"] == "eu-west-2" and data["jurisdiction"] == "UK"
    assert data["sources"]["pue"]["type"] == "primary"
    assert set(data["sources"]) >= {"code", "pue", "grid_gco2e_per_kwh"}


def test_jurisdictions_list_their_allowed_regions() -> None:
    data = json.loads(run("list", "jurisdictions", "--format", "json").output)
    uk = next(j for j in data if j["name"] == "UK")
    assert "eu-west-2" in uk["allowed_regions"]


def test_search_finds_names_and_fields_across_kinds() -> None:
    result = run("search", "h100", "--format", "json")
    hits = {(h["kind"], h["name"]) for h in json.loads(result.output)}
    assert {("accelerators", "h100-sxm"), ("instance_types", "p5.48xlarge"), ("node_models", "dgx-h100")} <= hits
    text = run("search", "london")
    assert text.exit_code == 0 and "eu-west-2" in text.output
    assert_fits(text.output, [])


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        (("list", "instance-typo"), "instance-types"),
        (("show", "accelerator", "h100"), "h100-sxm"),
        (("show", "regoin", "eu-west-2"), "regions"),
    ],
)
def test_unknown_kind_or_name_is_exit_2_with_suggestions(args: tuple[str, ...], suggestion: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert "did you mean" in result.output and suggestion in result.output


def test_overrides_file_applies(tmp_path: Path) -> None:
    overrides = tmp_path / "catalogue.yaml"
    overrides.write_text(
        "instance_types:\n  p5.48xlarge:\n    prices:\n      eu-west-2: 70.5\n    price_as_of: 2026-11-01\n"
        "    source: {type: user-override, confidence: medium, note: our negotiated rate}\n",
        encoding="utf-8",
    )
    result = run("show", "instance-type", "p5.48xlarge", "--catalogue", str(overrides), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["prices"]["eu-west-2"] == 70.5
