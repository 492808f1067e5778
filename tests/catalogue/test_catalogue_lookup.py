"""Lookups: case-insensitive, cached, frozen, and helpful when a name is wrong."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from aifab.catalogue import Catalogue, load_catalogue
from aifab.errors import InputError, UnknownNameError


def test_builtin_catalogue_is_read_once_and_shared() -> None:
    assert load_catalogue() is load_catalogue()


def test_entries_are_frozen(cat: Catalogue) -> None:
    with pytest.raises(ValidationError):
        cat.accelerator("h100-sxm").tdp_w = 1  # type: ignore[misc]
    with pytest.raises(ValidationError):
        cat.version = "x"  # type: ignore[misc]


def test_names_are_case_insensitive(cat: Catalogue) -> None:
    assert cat.accelerator("H100-SXM").name == "h100-sxm"
    assert cat.instance_type("P5.48XLARGE").name == "p5.48xlarge"
    assert cat.region("EU-WEST-2").code == "eu-west-2"
    assert cat.jurisdiction("us-gov").name == "US-GOV"
    assert cat.grid_zone("gb").name == "GB"
    assert cat.cooling("Direct-Liquid").name == "direct-liquid"


def test_unknown_name_suggests_close_matches(cat: Catalogue) -> None:
    with pytest.raises(UnknownNameError) as info:
        cat.accelerator("h100")
    assert info.value.what == "accelerator"
    assert "h100-sxm" in info.value.suggestions
    assert "did you mean 'h100-sxm'" in str(info.value)
    with pytest.raises(UnknownNameError) as info:
        cat.instance_type("p5.48xl")
    assert "p5.48xlarge" in info.value.suggestions


@pytest.mark.parametrize(
    ("method", "what"),
    [
        ("accelerator", "accelerator"),
        ("instance_type", "instance type"),
        ("node_model", "node model"),
        ("switch", "switch"),
        ("nic", "NIC"),
        ("link_speed", "link speed"),
        ("storage_tier", "storage tier"),
        ("region", "region"),
        ("jurisdiction", "jurisdiction"),
        ("grid_zone", "grid zone"),
        ("cooling", "cooling type"),
    ],
)
def test_every_lookup_raises_unknown_name(cat: Catalogue, method: str, what: str) -> None:
    with pytest.raises(UnknownNameError) as info:
        getattr(cat, method)("no-such-thing")
    assert info.value.what == what
    assert isinstance(info.value, InputError)


def test_price_where_none_is_known_says_where_there_is_one(cat: Catalogue) -> None:
    with pytest.raises(InputError) as info:
        cat.price("p5.48xlarge", "eu-central-1")
    assert not isinstance(info.value, UnknownNameError)
    assert info.value.field == "instance_types.p5.48xlarge.prices.eu-central-1"
    assert "us-east-1" in info.value.message and "us-gov-west-1" in info.value.message
    with pytest.raises(UnknownNameError):
        cat.price("p5.48xlarge", "mars-north-1")
    with pytest.raises(UnknownNameError):
        cat.price("p9.huge", "us-east-1")


def test_price_lookup_is_case_insensitive(cat: Catalogue) -> None:
    assert cat.price("P5.48xlarge", "US-EAST-1")[:2] == (55.04, date(2026, 7, 20))


def test_missing_throughput_figure_is_an_input_error(cat: Catalogue) -> None:
    assert cat.accelerator("h100-sxm").dense_tflops("bf16") == 989.4
    with pytest.raises(InputError) as info:
        cat.accelerator("a10g").dense_tflops("bf16")
    assert info.value.field == "accelerators.a10g.peak_dense_tflops.bf16"


def test_source_for_field_and_mapping_key(cat: Catalogue) -> None:
    p4d = cat.instance_type("p4d.24xlarge")
    assert p4d.source_for("vcpu") is p4d.source
    assert p4d.source_for("network_gbps").type == "primary"
    assert p4d.source_for("prices.us-gov-west-1").url is not None
    with pytest.raises(InputError):
        p4d.source_for("colour")
