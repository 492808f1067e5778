"""The built-in data: every number sourced, references whole, key figures as published."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from aifactory.catalogue import Catalogue, CatalogueEntry

SECTIONS = (
    "accelerators",
    "instance_types",
    "node_models",
    "switches",
    "nics",
    "link_speeds",
    "storage_tiers",
    "regions",
    "jurisdictions",
    "grid_zones",
    "cooling_types",
)
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "reference-numbers.yaml"


def all_entries(cat: Catalogue) -> list[tuple[str, CatalogueEntry]]:
    return [(f"{section}.{key}", entry) for section in SECTIONS for key, entry in getattr(cat, section).items()]


def test_every_section_is_populated(cat: Catalogue) -> None:
    assert cat.version == "2026.11"
    assert isinstance(cat.as_of, date)
    for section in SECTIONS:
        assert getattr(cat, section), section


def test_every_source_has_a_url_or_says_it_is_an_assumption(cat: Catalogue) -> None:
    for where, entry in all_entries(cat):
        for source in entry.sources():
            assert source.url or source.type in ("assumption", "user-override"), where
            if source.type == "assumption":
                assert source.confidence in ("low", "medium", "none"), where
                assert source.note, f"{where}: an assumption must say why"


def test_field_sources_name_real_fields(cat: Catalogue) -> None:
    for where, entry in all_entries(cat):
        for path in entry.field_sources:
            field, _, key = path.partition(".")
            value = getattr(entry, field)
            if key:
                assert key in value, f"{where}: field source for missing key {path}"


def test_references_resolve(cat: Catalogue) -> None:
    assert cat.problems() == []
    for it in cat.instance_types.values():
        assert it.accelerator in cat.accelerators
        assert set(it.prices) <= set(cat.regions)
    for node in cat.node_models.values():
        assert node.accelerator in cat.accelerators
    for jur in cat.jurisdictions.values():
        assert set(jur.allowed_regions) <= set(cat.regions), jur.name


def test_every_region_is_in_its_own_jurisdiction(cat: Catalogue) -> None:
    for region in cat.regions.values():
        assert region.code in cat.jurisdiction(region.jurisdiction).allowed_regions, region.code


def test_eu_prefix_is_not_the_eu(cat: Catalogue) -> None:
    eu = cat.jurisdiction("EU").allowed_regions
    assert cat.region("eu-west-2").jurisdiction == "UK"
    assert cat.region("eu-west-2").country == "GB"
    assert "eu-west-2" not in eu
    assert cat.region("eu-central-2").jurisdiction == "CH"
    assert "eu-central-2" not in eu
    assert {"eu-central-1", "eu-west-1", "eu-west-3", "eu-north-1", "eu-south-1", "eu-south-2"} <= set(eu)
    assert cat.jurisdiction("UK").allowed_regions[0] == "eu-west-2"
    assert set(cat.jurisdiction("US-GOV").allowed_regions) == {"us-gov-west-1", "us-gov-east-1"}
    assert cat.region("us-gov-west-1").partition == "aws-us-gov"
    assert cat.region("eusc-de-east-1").partition == "aws-eusc"


def test_published_accelerator_figures(cat: Catalogue) -> None:
    h100 = cat.accelerator("h100-sxm")
    assert h100.peak_dense_tflops["bf16"] == 989.4
    assert h100.peak_dense_tflops["fp8"] == 1978.9
    assert (h100.memory_gb, h100.memory_bandwidth_tbs) == (80, 3.35)
    assert (h100.tdp_w, h100.intra_node_gbs) == (700, 900)
    assert cat.accelerator("h200-sxm").memory_gb == 141
    assert cat.accelerator("h200-sxm").source_for("peak_dense_tflops").type == "derived"
    assert cat.accelerator("b200").tdp_w == 1000
    assert cat.accelerator("gb200").tdp_w == 1200
    assert cat.accelerator("gb200").peak_dense_tflops["fp4"] == 10000
    assert cat.accelerator("a100-sxm-80gb").memory_bandwidth_tbs == 2.039
    assert cat.accelerator("l40s").intra_node_gbs is None
    assert cat.accelerator("trainium2").peak_dense_tflops["fp8"] == 1299
    assert cat.accelerator("tpu-v5p").peak_dense_tflops["bf16"] == 459
    # No public power figure: kept, but flagged as an assumption on that one field.
    assert cat.accelerator("trainium1").source_for("tdp_w").type == "assumption"
    assert cat.accelerator("trainium1").source_for("memory_gb").type == "primary"


def test_published_prices_and_dates(cat: Catalogue) -> None:
    usd, as_of, source = cat.price("p5.48xlarge", "us-east-1")
    assert (usd, as_of) == (55.04, date(2026, 7, 20))
    assert source.type == "primary" and source.url and "karpenter" in source.url
    usd, as_of, source = cat.price("p5.48xlarge", "us-gov-west-1")
    assert (usd, as_of) == (66.048, date(2026, 7, 20))
    assert source.url and source.url.endswith("pricing_aws_us_gov.go")
    assert cat.price("p6-b200.48xlarge", "us-gov-east-1")[0] == 136.71936
    usd, as_of, source = cat.price("p5en.48xlarge", "eu-north-1")
    assert (usd, source.type, source.confidence) == (67.7267, "secondary", "medium")
    assert cat.instance_type("p5e.48xlarge").prices == {}


def test_instance_shapes(cat: Catalogue) -> None:
    p5 = cat.instance_type("p5.48xlarge")
    assert (p5.accelerator, p5.accelerators_per_node, p5.vcpu, p5.memory_gib) == ("h100-sxm", 8, 192, 2048)
    assert (p5.network_gbps, p5.efa_interfaces, p5.efa_gbps_total) == (3200, 32, 3200)
    assert cat.instance_type("p5en.48xlarge").efa_interfaces == 16
    assert cat.instance_type("p6-b300.48xlarge").network_gbps == 6400
    assert cat.instance_type("p4d.24xlarge").efa_gbps_total == 400
    assert cat.instance_type("trn1n.32xlarge").network_gbps == 1600
    assert cat.instance_type("inf2.24xlarge").accelerators_per_node == 6


def test_nodes_fabric_and_facility(cat: Catalogue) -> None:
    assert cat.node_model("dgx-h100").max_power_kw == 10.2
    assert (cat.node_model("dgx-b200").max_power_kw, cat.node_model("dgx-b200").rack_units) == (14.3, 10)
    tray = cat.node_model("gb200-nvl72-tray")
    assert (tray.max_power_kw, tray.accelerators_per_node, tray.cooling) == (6.667, 4, "direct-liquid")
    qm = cat.switch("quantum-2-qm9700")
    assert (qm.radix, qm.port_gbps, qm.capacity_tbps) == (64, 400, 25.6)
    assert qm.source_for("max_power_w").type == "assumption"
    assert cat.switch("quantum-x800-q3400").radix == 144
    assert [cat.link_speed(n).gbps_per_port for n in ("edr", "hdr", "ndr", "xdr")] == [100, 200, 400, 800]
    assert cat.nic("connectx-7").gbps == 400
    assert cat.region("eu-west-2").grid_gco2e_per_kwh == 225
    assert cat.region("eu-west-2").pue == 1.15
    assert cat.grid_zone("GB").grid_gco2e_per_kwh == 105.94
    assert cat.cooling("air").max_kw_per_rack < cat.cooling("direct-liquid").max_kw_per_rack
    for cooling in cat.cooling_types.values():
        assert cooling.source_for("typical_pue").type == "assumption"
        assert "NOT VERIFIED" in cooling.source_for("typical_pue").note


def test_fsx_lustre_tiers_are_discrete(cat: Catalogue) -> None:
    assert cat.storage_tier("fsx-lustre-persistent-1-ssd").per_unit_throughput_mbps_per_tib == (50, 100, 200)
    assert cat.storage_tier("fsx-lustre-persistent-1-hdd").per_unit_throughput_mbps_per_tib == (12, 40)
    p2 = cat.storage_tier("fsx-lustre-persistent-2-ssd")
    assert p2.per_unit_throughput_mbps_per_tib == (125, 250, 500, 1000)
    assert p2.min_capacity_tib is not None and p2.min_capacity_tib * 1024 == 1200
    assert p2.increment_tib() == 2400 / 1024
    hdd = cat.storage_tier("fsx-lustre-persistent-1-hdd")
    assert hdd.increment_tib(12) == 6000 / 1024
    assert hdd.increment_tib(40) == 1800 / 1024
    assert cat.storage_tier("s3-standard").get_requests_per_s_per_prefix == 5500


def _reference() -> dict[str, Any]:
    if not REFERENCE.exists():
        pytest.skip(f"reference file not present at {REFERENCE}")
    facts = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))["facts"]
    return {fact["id"]: fact for fact in facts}


def test_prices_match_the_reference_file(cat: Catalogue) -> None:
    ref = _reference()
    us_east = ref["aws.price.us_east_1"]
    assert cat.instance_type("p5.48xlarge").price_as_of == us_east["as_of"]
    for name, usd in us_east["value"].items():
        assert cat.price(name, "us-east-1")[0] == usd, name
    for region, prices in ref["aws.price.govcloud"]["value"].items():
        for name, usd in prices.items():
            assert cat.price(name, region)[0] == usd, (name, region)


def test_network_bandwidth_matches_the_reference_file(cat: Catalogue) -> None:
    for name, mbps in _reference()["aws.network_bandwidth_mbps"]["value"].items():
        if name in cat.instance_types:
            assert cat.instance_type(name).network_gbps == mbps / 1000, name


def test_grid_factors_match_the_reference_file(cat: Catalogue) -> None:
    for code, factor in _reference()["carbon.ccf_aws_factors"]["value"].items():
        assert cat.region(code).grid_gco2e_per_kwh == factor, code
