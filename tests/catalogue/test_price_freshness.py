"""The catalogue states how old a price may be (``price_freshness_days``) and the price changes it knows of
(``price_changes``); an overrides file sets its own window and adds changes, and the estimate uses them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from aifab.blueprints import GpuPool, Site
from aifab.capacity import estimate_design
from aifab.catalogue import Catalogue, load_catalogue
from aifab.catalogue import price_age as price_age_module
from aifab.cli.main import cli
from aifab.design.design import Design
from aifab.errors import InputError, UnknownNameError

Write = Callable[..., Path]

# 100 days before the built-in catalogue's as_of (2026-11-28): inside a year, outside a quarter.
HUNDRED_DAYS_OLD = "2026-08-20"
CHANGE = (
    "price_changes:\n"
    "  - effective: 2026-10-01\n"
    "    instance_types: [P5.48xlarge]\n"  # spelt as a user might: filed under the catalogue's own name
    "    what: our reseller's list price for P5 went up\n"
    "    source_url: https://wiki.example.com/pricing/2026-10\n"
)


def stale_findings(cat: Catalogue) -> list[str]:
    """The ``capacity-price-stale`` messages an estimate of one p5.48xlarge node in us-east-1 gives."""
    site = Site(id="va", provider="aws", region="us-east-1")
    pool = GpuPool(id="train", role="training", instance_type="p5.48xlarge", node_count=1, site=site)
    est = estimate_design(Design(name="p", components=[site, pool]), catalogue=cat)
    return [f.message for f in est.findings if f.code == "capacity-price-stale"]


def test_the_built_in_catalogue_states_its_window_and_changes(cat: Catalogue) -> None:
    assert cat.price_freshness_days == 365
    assert [(c.effective, "p5.48xlarge" in c.instance_types) for c in cat.price_changes] == [
        (dt.date(2025, 6, 1), True)
    ]
    # one source of truth: the module applies the catalogue's values and holds none of its own
    assert not {"PRICE_FRESHNESS_DAYS", "KNOWN_PRICE_CHANGES"} & set(vars(price_age_module))


def test_an_overrides_window_of_90_days_makes_a_100_day_old_price_stale(write_overrides: Write) -> None:
    redated = f"instance_types:\n  p5.48xlarge:\n    price_as_of: {HUNDRED_DAYS_OLD}\n"
    within_a_year = load_catalogue(write_overrides(redated, "year.yaml"))
    assert within_a_year.price_freshness_days == 365
    assert stale_findings(within_a_year) == []
    quarterly = load_catalogue(write_overrides(f"price_freshness_days: 90\n{redated}", "quarter.yaml"))
    assert quarterly.price_freshness_days == 90
    assert quarterly.price_changes == within_a_year.price_changes  # the window alone changed
    (message,) = stale_findings(quarterly)
    assert "seen on 2026-08-20, 100 days before the catalogue's 2026-11-28 (freshness window 90 days)" in message


def test_a_price_change_added_in_an_overrides_file_flags_a_price_seen_before_it(
    cat: Catalogue, write_overrides: Write
) -> None:
    assert stale_findings(cat) == []  # the built-in p5.48xlarge price was seen on 2026-07-20
    changed = load_catalogue(write_overrides(CHANGE))
    built_in, added = changed.price_changes
    assert built_in == cat.price_changes[0]  # added to the built-in changes, not instead of them
    assert added.instance_types == ("p5.48xlarge",)
    (message,) = stale_findings(changed)
    assert "the price of p5.48xlarge (seen 2026-07-20) predates a price change on 2026-10-01" in message
    assert "https://wiki.example.com/pricing/2026-10" in message


def test_a_price_change_may_name_an_instance_type_the_same_file_adds(write_overrides: Write) -> None:
    text = (
        "instance_types:\n  m7i.custom:\n    provider: aws\n    vcpu: 4\n    max_power_kw: 0.1\n"
        "    network_gbps: 12.5\n    efa_interfaces: 0\n    efa_gbps_total: 0\n"
        "    source: {type: assumption, confidence: low}\n" + CHANGE.replace("P5.48xlarge", "m7i.custom")
    )
    assert load_catalogue(write_overrides(text)).price_changes[-1].instance_types == ("m7i.custom",)


def test_a_p5_price_from_before_the_june_2025_cut_is_still_flagged(write_overrides: Write) -> None:
    # Karpenter's AWS price table of 2025-04-29 had p5.48xlarge at 98.32 USD/h in us-east-1, 55.04 after the cut
    # (https://github.com/aws/karpenter-provider-aws/commits/main/pkg/providers/pricing/zz_generated.pricing_aws.go,
    # read 2026-12-01). A 365-day window alone would pass a price seen 2025-05-20 against a 2025-12-01 catalogue;
    # here the price is older than the window too, and both reasons are given.
    text = "instance_types:\n  p5.48xlarge:\n    prices: {us-east-1: 98.32}\n    price_as_of: 2025-04-29\n"
    (message,) = stale_findings(load_catalogue(write_overrides(text)))
    assert "578 days before" in message and "predates a price change on 2025-06-01" in message


def bad(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_catalogue(path)
    error = info.value
    assert error.file == str(path)
    assert "pydantic" not in str(error) and "validation error" not in str(error).lower()
    return error


@pytest.mark.parametrize(
    ("value", "got"),
    [("0", "0"), ("-3", "-3"), ("year", "'year'"), ("true", "True"), ("1.5", "1.5"), ("'90'", "'90'")],
)
def test_a_window_that_is_not_a_whole_number_of_days_is_refused(write_overrides: Write, value: str, got: str) -> None:
    error = bad(write_overrides(f"as_of: 2026-11-01\nprice_freshness_days: {value}\n"))
    assert (error.line, error.field) == (2, "price_freshness_days")
    assert error.message == f"expected a whole number of days, at least 1 (got {got})"


VALID_CHANGE = {
    "effective": "2026-10-01",
    "instance_types": "[p5.48xlarge]",
    "what": "a change",
    "source_url": "https://example.com/a",
}


def change_text(**fields: str) -> str:
    merged = {**VALID_CHANGE, **fields}
    body = "".join(f"    {key}: {value}\n" for key, value in merged.items() if value != "-")
    return (
        "price_changes:\n  - effective: 2025-06-01\n    instance_types: [p5.48xlarge]\n    what: fine\n"
        "    source_url: https://example.com/fine\n  - " + body.removeprefix("    ")
    )


@pytest.mark.parametrize(
    ("fields", "line", "field", "expected"),
    [
        ({"effective": "2026-10-01 10:00:00"}, 6, "price_changes[1].effective", "not a date and time"),
        ({"effective": "2026-10-01 10:00"}, 6, "price_changes[1].effective", "expected a date like 2025-06-01"),
        ({"effective": "October 2026"}, 6, "price_changes[1].effective", "(got 'October 2026')"),
        ({"effective": "'2026-02-30'"}, 6, "price_changes[1].effective", "Input should be a valid date"),
        ({"source": "https://example.com/a"}, 10, "price_changes[1].source", "did you mean 'source_url'?"),
        ({"what": "-"}, 6, "price_changes[1]", "missing required field 'what'"),
        ({"instance_types": "[]"}, 7, "price_changes[1].instance_types", "at least 1 item"),
        ({"source_url": "wiki page 12"}, 9, "price_changes[1].source_url", "should match pattern"),
    ],
)
def test_a_malformed_price_change_is_refused_where_it_is(
    write_overrides: Write, fields: dict[str, str], line: int, field: str, expected: str
) -> None:
    error = bad(write_overrides(change_text(**fields)))
    assert (error.line, error.field) == (line, field)
    assert expected in error.message


def test_a_price_change_of_an_unknown_instance_type_is_refused(write_overrides: Write) -> None:
    error = bad(write_overrides(change_text(instance_types="[p5.48xlarge, p5.48xlarg]")))
    assert isinstance(error, UnknownNameError)
    assert (error.line, error.field) == (7, "price_changes[1].instance_types[1]")
    assert "unknown instance type 'p5.48xlarg'" in error.message and "p5.48xlarge" in error.suggestions


def test_price_changes_must_be_a_list(write_overrides: Write) -> None:
    error = bad(write_overrides("price_changes:\n  effective: 2026-10-01\n"))
    assert (error.line, error.field) == (1, "price_changes")
    assert "expected a list of price changes" in error.message and "(got dict)" in error.message


def test_a_misspelt_top_level_key_suggests_the_right_one(write_overrides: Write) -> None:
    error = bad(write_overrides("price_freshnes_days: 90\n"))
    assert isinstance(error, UnknownNameError) and error.suggestions[0] == "price_freshness_days"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["catalogue", *args], env={"COLUMNS": "80"})
    return result.exit_code, result.output


def test_catalogue_list_shows_the_window_and_changes(write_overrides: Write) -> None:
    path = write_overrides(f"price_freshness_days: 90\n{CHANGE}")
    code, output = run("list", "--catalogue", str(path), "--format", "json")
    assert code == 0, output
    data = json.loads(output)
    assert data["price_freshness_days"] == 90
    assert [c["effective"] for c in data["price_changes"]] == ["2025-06-01", "2026-10-01"]
    assert data["price_changes"][1]["instance_types"] == ["p5.48xlarge"]
    code, output = run("list", "--catalogue", str(path))
    assert code == 0, output
    assert "more than 90 days before 2026-11-28" in output and "(2 known)" in output
    assert "2026-10-01" in output and all(len(line) <= 80 for line in output.splitlines())


def test_a_bad_window_is_exit_2_with_its_location_not_a_traceback(write_overrides: Write) -> None:
    path = write_overrides("price_freshness_days: year\n")
    code, output = run("list", "--catalogue", str(path))
    assert code == 2
    assert f"{path}:1: price_freshness_days: expected a whole number of days, at least 1 (got 'year')" in output
    assert "Traceback" not in output
