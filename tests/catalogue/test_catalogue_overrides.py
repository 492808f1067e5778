"""Overrides files: change or add entries, keep provenance, and fail with file:line:field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from aifab.catalogue import load_catalogue
from aifab.errors import InputError, UnknownNameError

Write = Callable[..., Path]


def test_override_changes_a_value_and_marks_its_source(write_overrides: Write) -> None:
    path = write_overrides("accelerators:\n  h100-sxm:\n    tdp_w: 650\n")
    cat = load_catalogue(path)
    h100 = cat.accelerator("h100-sxm")
    assert h100.tdp_w == 650
    assert h100.source.type == "user-override"
    assert h100.source.url is None
    assert h100.source.note == str(path)
    assert h100.source_for("tdp_w").type == "user-override"
    # untouched fields keep the built-in provenance
    assert h100.memory_gb == 80
    assert h100.base_source is not None and h100.base_source.url
    assert h100.source_for("memory_gb") == h100.base_source
    assert h100.overridden_fields == ("tdp_w",)
    assert cat.overrides == (str(path),)
    # the shared built-in catalogue is untouched
    assert load_catalogue().accelerator("h100-sxm").tdp_w == 700
    assert load_catalogue().accelerator("h100-sxm").source.type == "secondary"


def test_override_merges_mappings_key_by_key(write_overrides: Write) -> None:
    path = write_overrides(
        "instance_types:\n"
        "  p5.48xlarge:\n"
        "    prices: {eu-west-2: 61.2}\n"
        "    price_as_of: 2026-10-01\n"
        "accelerators:\n"
        "  h100-sxm:\n"
        "    peak_dense_tflops: {fp16: 989.4}\n"
    )
    cat = load_catalogue(path)
    usd, as_of, source = cat.price("p5.48xlarge", "eu-west-2")
    assert (usd, as_of, source.type) == (61.2, date(2026, 10, 1), "user-override")
    usd, _, source = cat.price("p5.48xlarge", "us-east-1")
    assert (usd, source.type) == (55.04, "primary")
    peaks = cat.accelerator("h100-sxm").peak_dense_tflops
    assert peaks == {"fp64": 66.9, "bf16": 989.4, "fp8": 1978.9, "fp16": 989.4}


def test_override_price_without_a_date_has_no_date(write_overrides: Write) -> None:
    cat = load_catalogue(write_overrides("instance_types:\n  p5.48xlarge:\n    prices: {eu-west-2: 61.2}\n"))
    assert cat.price("p5.48xlarge", "eu-west-2")[1] is None
    assert cat.price("p5.48xlarge", "us-east-1")[1] == date(2026, 7, 20)


def test_override_may_give_its_own_source(write_overrides: Write) -> None:
    path = write_overrides(
        "regions:\n"
        "  eu-west-2:\n"
        "    grid_gco2e_per_kwh: 124\n"
        "    source: {url: 'https://example.org/ncs', type: primary, confidence: high, note: NESO 2025}\n"
    )
    region = load_catalogue(path).region("eu-west-2")
    assert region.grid_gco2e_per_kwh == 124
    assert region.source_for("grid_gco2e_per_kwh").url == "https://example.org/ncs"
    assert region.source_for("pue").type == "primary"  # the built-in per-field source still applies


def test_override_adds_new_entries_that_reference_each_other(write_overrides: Write) -> None:
    path = write_overrides(
        "accelerators:\n"
        "  mi300x:\n"
        "    vendor: amd\n"
        "    family: gpu\n"
        "    memory_gb: 192\n"
        "    memory_bandwidth_tbs: 5.3\n"
        "    tdp_w: 750\n"
        "node_models:\n"
        "  my-mi300x-box:\n"
        "    vendor: acme\n"
        "    accelerator: mi300x\n"
        "    accelerators_per_node: 8\n"
        "    max_power_kw: 11\n"
        "    rack_units: 8\n"
        "    compute_nics: 8\n"
        "    compute_nic_gbps: 400\n"
    )
    cat = load_catalogue(path)
    assert cat.accelerator("MI300X").source.type == "user-override"
    assert cat.accelerator("mi300x").base_source is None
    assert cat.node_model("my-mi300x-box").accelerator == "mi300x"
    assert "mi300x" not in load_catalogue().accelerators


def test_empty_overrides_file_changes_nothing(write_overrides: Write) -> None:
    cat = load_catalogue(write_overrides(""))
    assert cat.accelerator("h100-sxm") == load_catalogue().accelerator("h100-sxm")


def bad(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_catalogue(path)
    error = info.value
    assert error.file == str(path)
    rendered = str(error)
    assert "pydantic" not in rendered and "validation error" not in rendered.lower()
    assert "Traceback" not in rendered
    return error


def test_missing_file(tmp_path: Path) -> None:
    error = bad(tmp_path / "nope.yaml")
    assert "not found" in error.message


def test_malformed_yaml(write_overrides: Write) -> None:
    error = bad(write_overrides("accelerators:\n  h100-sxm:\n    tdp_w: [650\n"))
    assert error.line is not None and error.line >= 3
    assert "malformed YAML" in error.message


def test_unknown_section(write_overrides: Write) -> None:
    error = bad(write_overrides("accelerators: {}\naccelerator:\n  h100-sxm: {tdp_w: 1}\n"))
    assert isinstance(error, UnknownNameError)
    assert error.line == 2
    assert "accelerators" in error.suggestions


def test_unknown_field(write_overrides: Write) -> None:
    error = bad(write_overrides("accelerators:\n  h100-sxm:\n    memory_gb: 80\n    tdp_watts: 650\n"))
    assert (error.line, error.field) == (4, "accelerators.h100-sxm.tdp_watts")
    assert "unknown field 'tdp_watts'" in error.message
    assert "tdp_w" in error.message


def test_unknown_field_in_a_source(write_overrides: Write) -> None:
    error = bad(
        write_overrides(
            "accelerators:\n  h100-sxm:\n    tdp_w: 650\n    source:\n      type: assumption\n"
            "      confidence: low\n      link: x\n"
        )
    )
    assert (error.line, error.field) == (7, "accelerators.h100-sxm.source.link")
    assert "url" in error.message


def test_wrong_type(write_overrides: Write) -> None:
    error = bad(write_overrides("accelerators:\n  h100-sxm:\n    tdp_w: lots\n"))
    assert (error.line, error.field) == (3, "accelerators.h100-sxm.tdp_w")
    assert "valid number" in error.message and "'lots'" in error.message


def test_numbers_must_not_be_text_or_booleans(write_overrides: Write) -> None:
    error = bad(write_overrides("accelerators:\n  h100-sxm:\n    tdp_w: '650'\n"))
    assert error.field == "accelerators.h100-sxm.tdp_w"
    assert bad(write_overrides("accelerators:\n  h100-sxm:\n    tdp_w: true\n")).line == 3


def test_negative_number(write_overrides: Write) -> None:
    error = bad(write_overrides("instance_types:\n  p5.48xlarge:\n    prices:\n      us-east-1: -3\n"))
    assert (error.line, error.field) == (4, "instance_types.p5.48xlarge.prices.us-east-1")
    assert "greater than 0" in error.message


def test_ratio_out_of_bounds(write_overrides: Write) -> None:
    error = bad(write_overrides("regions:\n  eu-west-2:\n    pue: 0.9\n"))
    assert (error.line, error.field) == (3, "regions.eu-west-2.pue")
    assert "greater than or equal to 1" in error.message


def test_cross_field_rule(write_overrides: Write) -> None:
    error = bad(write_overrides("instance_types:\n  p5.48xlarge:\n    efa_gbps_total: 0\n"))
    assert error.field == "instance_types.p5.48xlarge"
    assert error.line == 2
    assert "efa_interfaces and efa_gbps_total" in error.message


def test_reference_to_unknown_entry(write_overrides: Write) -> None:
    error = bad(write_overrides("instance_types:\n  p5.48xlarge:\n    accelerator: h100\n"))
    assert (error.line, error.field) == (3, "instance_types.p5.48xlarge.accelerator")
    assert "unknown accelerator 'h100'" in error.message


def test_price_in_unknown_region(write_overrides: Write) -> None:
    error = bad(write_overrides("instance_types:\n  p5.48xlarge:\n    prices: {eu-west-9: 1.0}\n"))
    assert error.field == "instance_types.p5.48xlarge.prices.eu-west-9"
    assert error.line == 3


def test_misspelt_entry_is_read_as_new_and_says_so(write_overrides: Write) -> None:
    error = bad(write_overrides("accelerators:\n  h100-sx:\n    tdp_w: 650\n"))
    assert error.field is not None and error.field.startswith("accelerators.h100-sx")
    assert error.line == 2
    assert error.field == "accelerators.h100-sx"
    assert "missing required fields 'vendor', 'family'" in error.message
    assert "did you mean 'h100-sxm'" in error.message


def test_entry_that_is_not_a_mapping(write_overrides: Write) -> None:
    error = bad(write_overrides("accelerators:\n  h100-sxm: 650\n"))
    assert (error.line, error.field) == (2, "accelerators.h100-sxm")


def test_loader_bookkeeping_cannot_be_overridden(write_overrides: Write) -> None:
    error = bad(write_overrides("accelerators:\n  h100-sxm:\n    overridden_fields: []\n"))
    assert error.field == "accelerators.h100-sxm.overridden_fields"


def test_cannot_rename_an_entry(write_overrides: Write) -> None:
    error = bad(write_overrides("accelerators:\n  h100-sxm:\n    name: h100\n"))
    assert (error.line, error.field) == (3, "accelerators.h100-sxm.name")


def test_top_level_must_be_a_mapping(write_overrides: Write) -> None:
    assert bad(write_overrides("- accelerators\n")).line == 1


def test_cpu_only_instance_type_can_be_added(write_overrides: Write) -> None:
    path = write_overrides(
        "instance_types:\n"
        "  m7i.8xlarge:\n"
        "    provider: aws\n"
        "    vcpu: 32\n"
        "    memory_gib: 128\n"
        "    max_power_kw: 0.162\n"
        "    network_gbps: 12.5\n"
        "    efa_interfaces: 0\n"
        "    efa_gbps_total: 0\n"
    )
    it = load_catalogue(path).instance_type("m7i.8xlarge")
    assert it.cpu_only and it.accelerators_per_node == 0 and it.source.type == "user-override"


@pytest.mark.parametrize(
    ("entry", "change", "message"),
    [
        # a GPU type cannot lose its GPUs' count without losing the accelerator
        ("instance_types:\n  p5.48xlarge:", "accelerators_per_node: 0", "is named but accelerators_per_node is 0"),
        # nor carry GPUs of no kind
        ("node_models:\n  dgx-h100:", "accelerator: null", "accelerators_per_node is 8 but no accelerator"),
        # a CPU-only type has no TDP to estimate its power from
        ("instance_types:\n  c7i.48xlarge:", "max_power_kw: null", "a CPU-only instance type needs max_power_kw"),
        ("instance_types:\n  c7i.48xlarge:", "accelerators_per_node: 2", "no accelerator is named"),
    ],
)
def test_accelerator_consistency(write_overrides: Write, entry: str, change: str, message: str) -> None:
    error = bad(write_overrides(f"{entry}\n    {change}\n"))
    assert error.line == 2 and message in error.message
