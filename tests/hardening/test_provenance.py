"""Catalogue provenance (issue 15): overriding one value re-dates and re-sources that value only.

The realistic case: a team negotiated a London (eu-west-2) price for p5.48xlarge and writes it, with the date
they saw it, in an overrides file. Before the fix the override's ``price_as_of`` re-dated every p5.48xlarge
price (the built-in us-east-1 price, seen 2026-07-20, was reported as of the override's date) and the file's
``as_of`` re-dated the whole catalogue.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from aifab.catalogue import load_catalogue
from aifab.catalogue.models import entry_fields
from aifab.cli.main import cli
from aifab.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "docs/examples/minimal.yaml"  # two p5.48xlarge nodes in eu-west-2

LONDON = "instance_types:\n  p5.48xlarge:\n    prices: {eu-west-2: 61.2}\n    price_as_of: 2026-10-01\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def every_path(entry: Any) -> list[str]:
    paths: list[str] = []
    for field in entry_fields(type(entry)):
        value = getattr(entry, field)
        paths.extend([f"{field}.{key}" for key in value] if isinstance(value, dict) and value else [field])
    return paths


def test_a_london_price_is_re_dated_and_re_sourced_alone(tmp_path: Path) -> None:
    path = write(tmp_path, LONDON)
    base, cat = load_catalogue(), load_catalogue(path)
    before, after = base.instance_type("p5.48xlarge"), cat.instance_type("p5.48xlarge")
    usd, as_of, source = cat.price("p5.48xlarge", "eu-west-2")
    assert (usd, as_of, source.type, source.note) == (61.2, date(2026, 10, 1), "user-override", str(path))
    assert after.overridden_fields == ("prices.eu-west-2",)
    # every other built-in price keeps its own value, date and source (it was re-dated to 2026-10-01 before);
    # the built-in London price (Apache Libcloud, 2025-03-02) is the one the file replaces
    assert base.price("p5.48xlarge", "eu-west-2")[:2] == (127.816, date(2025, 3, 2))
    for region in set(before.prices) - {"eu-west-2"}:
        assert cat.price("p5.48xlarge", region) == base.price("p5.48xlarge", region), region
    assert base.price("p5.48xlarge", "us-east-1")[1] == date(2026, 7, 20)
    # and every other value of the entry keeps its source
    for field in set(every_path(before)) - {"prices.eu-west-2"}:
        assert after.source_for(field) == before.source_for(field), field
    assert after.price_as_of == before.price_as_of
    assert cat.as_of == base.as_of
    # other entries are the very same objects
    assert cat.instance_type("p5.4xlarge") is base.instance_type("p5.4xlarge")


def test_price_as_of_alone_re_dates_the_entrys_prices(tmp_path: Path) -> None:
    """Without ``prices`` beside it, ``price_as_of`` says "we checked these prices": it is the override."""
    cat = load_catalogue(write(tmp_path, "instance_types:\n  p5.48xlarge:\n    price_as_of: 2026-11-20\n"))
    entry = cat.instance_type("p5.48xlarge")
    assert entry.price_as_of == date(2026, 11, 20) and entry.overridden_fields == ("price_as_of",)
    assert entry.source_for("price_as_of").type == "user-override"
    assert cat.price("p5.48xlarge", "us-east-1")[1] == date(2026, 11, 20)


def test_replacing_every_price_moves_the_entry_date_too(tmp_path: Path) -> None:
    text = (
        "instance_types:\n  p5.48xlarge:\n    prices: {us-east-1: 50.0, us-gov-west-1: 60.0, eu-west-2: 70.0}\n"
        "    price_as_of: 2026-11-02\n"
    )
    cat = load_catalogue(write(tmp_path, text))
    assert cat.instance_type("p5.48xlarge").price_as_of == date(2026, 11, 2)
    regions = ("us-east-1", "us-gov-west-1", "eu-west-2")
    assert {cat.price("p5.48xlarge", r)[1] for r in regions} == {date(2026, 11, 2)}


def test_the_files_as_of_dates_its_own_values_not_the_catalogue(tmp_path: Path) -> None:
    text = "as_of: 2026-11-30\ninstance_types:\n  p5.48xlarge:\n    prices: {eu-west-2: 61.2}\n"
    base, cat = load_catalogue(), load_catalogue(write(tmp_path, text))
    assert cat.price("p5.48xlarge", "eu-west-2")[1] == date(2026, 11, 30)
    assert cat.price("p5.48xlarge", "us-east-1") == base.price("p5.48xlarge", "us-east-1")
    assert cat.as_of == base.as_of == date(2026, 11, 28)


def test_an_overrides_own_source_is_that_values_source_only(tmp_path: Path) -> None:
    text = LONDON + (
        "    source: {type: secondary, url: 'https://example.org/rate-card', confidence: medium, note: rate card}\n"
    )
    base, cat = load_catalogue(), load_catalogue(write(tmp_path, text))
    _, as_of, source = cat.price("p5.48xlarge", "eu-west-2")
    assert (as_of, source.url) == (date(2026, 10, 1), "https://example.org/rate-card")
    before, after = base.instance_type("p5.48xlarge"), cat.instance_type("p5.48xlarge")
    for field in set(every_path(before)) - {"prices.eu-west-2"}:  # the value the file replaces
        assert after.source_for(field) == before.source_for(field), field


def test_a_per_value_source_in_the_file_wins(tmp_path: Path) -> None:
    text = (
        "as_of: 2026-11-30\naccelerators:\n  h100-sxm:\n    tdp_w: 650\n    memory_gb: 80\n"
        "    field_sources:\n      tdp_w: {type: assumption, confidence: low, note: measured at the wall}\n"
    )
    base, cat = load_catalogue(), load_catalogue(write(tmp_path, text))
    after = cat.accelerator("h100-sxm")
    assert after.source_for("tdp_w").note == "measured at the wall"
    assert after.source_for("memory_gb").type == "user-override"
    assert after.source_for("memory_gb").as_of == date(2026, 11, 30)
    assert after.source_for("memory_bandwidth_tbs") == base.accelerator("h100-sxm").source_for("memory_bandwidth_tbs")


def show_json(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["catalogue", "show", "instance-type", "p5.48xlarge", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_catalogue_show_gives_each_value_its_own_source(tmp_path: Path) -> None:
    base, after = show_json(), show_json("--catalogue", str(write(tmp_path, LONDON)))
    london = after["sources"].pop("prices.eu-west-2")
    assert (london["type"], london["as_of"]) == ("user-override", "2026-10-01")
    assert london["note"] == str(tmp_path / "catalogue.yaml")
    assert base["sources"].pop("prices.eu-west-2")["as_of"] == "2025-03-02"  # the built-in one it replaces
    assert after["sources"] == base["sources"]
    assert after["sources"]["prices.us-east-1"]["as_of"] == "2026-07-20"
    assert after["overridden_fields"] == ["prices.eu-west-2"] and after["price_as_of"] == "2026-07-20"


def estimate_price(design: Path, *args: str) -> tuple[dict[str, Any], str]:
    result = CliRunner().invoke(cli, ["estimate", str(design), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return data["pools"][0]["price"], data["catalogue_as_of"]


def test_estimate_prices_carry_their_own_date(tmp_path: Path) -> None:
    overrides = str(write(tmp_path, "as_of: 2026-11-30\n" + LONDON))
    london, catalogue_as_of = estimate_price(MINIMAL, "--catalogue", overrides)
    assert (london["usd_per_hour_per_node"], london["as_of"]) == (61.2, "2026-10-01")
    assert catalogue_as_of == "2026-11-28"
    virginia = tmp_path / "virginia.yaml"
    virginia.write_text(MINIMAL.read_text().replace("eu-west-2", "us-east-1"))
    assert estimate_price(virginia, "--catalogue", overrides) == estimate_price(virginia)
    assert estimate_price(virginia)[0]["as_of"] == "2026-07-20"


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        # YAML reads a date with a time as a datetime: it dates nothing (it was exit 3 for the file's as_of)
        ("as_of: 2026-11-30 10:00:00\n" + LONDON, 1, "as_of: expected a date like 2026-11-01 (got 2026-11-30 10:00:00"),
        (LONDON.replace("2026-10-01", "2026-10-01 10:00:00"), 4, "price_as_of: Datetimes provided to dates"),
        ("as_of: soon\n" + LONDON, 1, "as_of: expected a date like 2026-11-01 (got 'soon')"),
    ],
)
def test_a_date_that_is_not_a_date_is_located(tmp_path: Path, text: str, line: int, says: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_catalogue(path)
    assert caught.value.line == line and says in str(caught.value), str(caught.value)


def test_midnight_is_the_date_itself(tmp_path: Path) -> None:
    cat = load_catalogue(write(tmp_path, LONDON.replace("2026-10-01", "2026-10-01 00:00:00")))
    assert cat.price("p5.48xlarge", "eu-west-2")[1] == date(2026, 10, 1)
    assert type(cat.price("p5.48xlarge", "eu-west-2")[1]) is date
    assert cat.price("p5.48xlarge", "us-east-1")[1] == date(2026, 7, 20)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        # found by the fuzz run of the fresh-clone CI (2026-12-01): an unquoted 0 was exit 3
        ("regions:\n  eu-west-2:\n    0: null\n", "regions.eu-west-2: expected a field name, got 0 (read as int)"),
        ("instance_types:\n  p5.48xlarge:\n    true: 1\n", "got True (read as bool); quote it if it is meant as text"),
        ("instance_types:\n  p5.48xlarge:\n    prices: {eu-west-2: 61.2}\n    1.5: x\n", "got 1.5 (read as float)"),
    ],
)
def test_a_field_name_that_yaml_reads_as_a_number_is_located(tmp_path: Path, text: str, says: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_catalogue(path)
    assert caught.value.line == 3 + text.count("prices") and says in str(caught.value), str(caught.value)
    # and through the CLI: exit 2 with the file and line, never an internal error
    result = CliRunner().invoke(cli, ["estimate", str(MINIMAL), "--catalogue", str(path)])
    assert result.exit_code == 2 and f"{path}:" in result.output and "internal error" not in result.output
