"""The built-in data: every number sourced, references whole, key figures as published."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from aifab.catalogue import Catalogue, CatalogueEntry, InstanceType, NodeModel

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
        assert it.accelerator is None or it.accelerator in cat.accelerators
        assert set(it.prices) <= set(cat.regions)
    for node in cat.node_models.values():
        assert node.accelerator is None or node.accelerator in cat.accelerators
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
    assert cat.region("eu-west-2").grid_gco2e_per_kwh == 105.94  # its grid zone GB (Google 2024), issue 11
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
    # Regions on a catalogue grid zone carry the zone's Google 2024 value (one dataset for cloud and on-prem
    # sites on the same grid, issue 11); the others keep Cloud Carbon Footprint's factor.
    google = set(_reference()["carbon.gcp_regions_2024"]["value"].values())
    for code, factor in _reference()["carbon.ccf_aws_factors"]["value"].items():
        region = cat.region(code)
        if region.grid_zone is None:
            assert region.grid_gco2e_per_kwh == factor, code
        else:
            assert region.grid_gco2e_per_kwh == cat.grid_zone(region.grid_zone).grid_gco2e_per_kwh, code
            assert region.grid_gco2e_per_kwh in google, code


# CPU-only instance types: (vCPU, GiB, network Gb/s, EFA interfaces, us-east-1 USD/h), as in their sources:
# vCPU and GiB from the ROSA instance-type list (openshift-docs b31b597), network from Karpenter's bandwidth
# table (01a436f0, Mbps / 1000), EFA support from eksctl's generated table (0027506e), prices from Karpenter's
# pricing table generated 2026-01-19 (031e72b6).
CPU_TYPES = {
    "c7i.48xlarge": (192, 384, 50, 1, 8.568),
    "c7i.24xlarge": (96, 192, 37.5, 0, 4.284),
    "c7a.48xlarge": (192, 384, 50, 1, 9.85344),
    "m7i.48xlarge": (192, 768, 50, 1, 9.6768),
    "m7i.24xlarge": (96, 384, 37.5, 0, 4.8384),
    "m7i.12xlarge": (48, 192, 18.75, 0, 2.4192),
    "r7a.48xlarge": (192, 1536, 50, 1, 14.6064),
}


@pytest.mark.parametrize("name", sorted(CPU_TYPES))
def test_cpu_instance_types_match_their_sources(cat: Catalogue, name: str) -> None:
    vcpu, gib, gbps, efa, usd = CPU_TYPES[name]
    it = cat.instance_type(name)
    assert it.cpu_only and (it.accelerator, it.accelerators_per_node) == (None, 0)
    assert (it.vcpu, it.memory_gib, it.network_gbps, it.efa_interfaces) == (vcpu, gib, gbps, efa)
    # one EFA interface carries up to the instance's network bandwidth
    assert it.efa_gbps_total == (gbps if efa else 0)
    assert cat.price(name, "us-east-1")[:2] == (usd, date(2026, 1, 19))
    sources = {
        "vcpu": "openshift/openshift-docs/blob/b31b597ac53c520718b05853f08237b7514261ff",
        "memory_gib": "openshift/openshift-docs/blob/b31b597ac53c520718b05853f08237b7514261ff",
        "network_gbps": "karpenter-provider-aws/blob/01a436f0bbbc75a1252aba1a3a48ca115b7e6cc0",
        "efa_interfaces": "eksctl-io/eksctl/blob/0027506e8f395e6e9216270328aee228ba8eae07",
    }
    for field, commit in sources.items():
        url = it.source_for(field).url
        assert url and commit in url, (name, field)
    price_url = cat.price(name, "us-east-1")[2].url
    assert price_url and "031e72b6099630e960dacb88b48a7e9bb780945f" in price_url
    # any other region's price is Apache Libcloud's (2025-03-02), read or derived (see test_prices_regions.py)
    for region in set(it.prices) - {"us-east-1"}:
        _, seen, source = cat.price(name, region)
        assert seen == date(2025, 3, 2) and "apache/libcloud" in (source.url or ""), (name, region)


@pytest.mark.parametrize("name", sorted(CPU_TYPES))
def test_cpu_power_is_a_marked_assumption_from_one_rule(cat: Catalogue, name: str) -> None:
    it = cat.instance_type(name)
    assert it.vcpu is not None and it.memory_gib is not None and it.max_power_kw is not None
    # vCPUs x 3.5 W + GiB x 0.392 W (Cloud Carbon Footprint AWS averages), kept to 3 decimals of a kW
    assert it.max_power_kw == round((it.vcpu * 3.5 + it.memory_gib * 0.392) / 1000, 3)
    source = it.source_for("max_power_kw")
    assert (source.type, source.confidence) == ("assumption", "low")
    assert source.url and "cloud-carbon-footprint" in source.url
    assert "3.5 W" in source.note and "override" in source.note.lower()


def test_cpu_node_model_is_a_placeholder(cat: Catalogue) -> None:
    node = cat.node_model("cpu-2s-2u")
    assert node.cpu_only and (node.accelerator, node.accelerators_per_node) == (None, 0)
    assert (node.vcpu, node.memory_gib, node.max_power_kw, node.rack_units) == (192, 768, 1.0, 2)
    assert (node.source_for("max_power_kw").type, node.source_for("max_power_kw").confidence) == ("assumption", "low")


def test_accelerator_entries_stay_consistent(cat: Catalogue) -> None:
    # every entry either names an accelerator it carries, or is CPU-only with nothing to carry
    entries: list[InstanceType | NodeModel] = [*cat.instance_types.values(), *cat.node_models.values()]
    for entry in entries:
        assert (entry.accelerator is None) == (entry.accelerators_per_node == 0), entry.name
        assert (entry.accelerator is None) == entry.cpu_only, entry.name
    for it in cat.instance_types.values():
        assert not it.cpu_only or it.max_power_kw is not None, it.name
    # the GPU and accelerator entries are unchanged by the CPU additions
    assert [it.name for it in cat.instance_types.values() if it.cpu_only] == list(CPU_TYPES)
    assert cat.instance_type("p5.48xlarge").max_power_kw is None
