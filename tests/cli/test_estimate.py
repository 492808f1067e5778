"""`aifab estimate`: JSON keys, the golden estimate of the reference stack, text output, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from aifab.cli.main import cli

from ..capacity.conftest import FIXTURES as CAPACITY
from ..conftest import FIXTURES, reference_stacks, unaccepted_findings
from ..golden import assert_golden


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def estimate_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run("estimate", *args, "--format", "json")
    return code, json.loads(out)


@pytest.mark.parametrize("stack", reference_stacks(), ids=lambda p: p.name)
@pytest.mark.parametrize("env", [None, "dev", "prod"])
def test_every_reference_architecture_estimates(stack: Path, env: str | None) -> None:
    code, data = estimate_json(str(stack), *(["--env", env] if env else []))
    assert code == 0
    assert unaccepted_findings(stack, [(f["code"], f["component"]) for f in data["findings"]]) == []
    assert data["env"] == env
    assert data["gpus"] > 0 and data["facility_power_kw"] > data["it_power_kw"] > 0


def test_json_has_the_documented_keys() -> None:
    code, data = estimate_json("stacks/uk-sovereign-training")
    assert code == 0
    for key in (
        "gpus", "nodes", "fabric", "fabrics", "it_power_kw", "facility_power_kw", "racks", "annual_energy_mwh",
        "annual_co2e_t", "cost_per_hour_usd", "cost_per_year_usd", "cost_breakdown", "unpriced", "pools", "sites",
        "file_systems", "options", "assumptions", "findings", "explain", "notes",
    ):  # fmt: skip
        assert key in data, key
    assert set(data["fabric"]) >= {"leaf", "spine", "core", "cables", "bisection_tbps"}
    for pool in data["pools"]:
        assert set(pool["expected"]) >= {
            "gemm_tflops_per_gpu", "allreduce_busbw_gbs_1gib", "storage_read_gbs", "storage_write_gbs",
        }  # fmt: skip


def test_reference_stack_figures() -> None:
    _, data = estimate_json("stacks/uk-sovereign-training", "--env", "prod")
    # stack prod only (explore belongs to dev): 32 x 8 (train) + 8 x 8 (infer) = 320 GPUs;
    # one 2-tier NDR SU: 8 leaves + 4 spines
    # nodes: 32 + 8 GPU nodes + 4 CPU-only data-prep nodes (4 x 192 vCPU = 768) = 44
    assert data["gpus"] == 320 and data["nodes"] == 44
    assert (data["cpu_nodes"], data["cpu_vcpus"]) == (4, 768)
    assert (data["fabric"]["leaf"], data["fabric"]["spine"], data["fabric"]["core"]) == (8, 4, 0)
    # colo: 326.4 + 20.64 + 12 + 9.792 = 368.832 kW IT, x 1.3 = 479.48 kW; 7 + 1 racks
    colo = next(s for s in data["sites"] if s["id"] == "slough-colo")
    assert colo["it_power_kw"] == pytest.approx(368.832)
    assert colo["facility_power_kw"] == pytest.approx(479.4816)
    assert data["racks"] == 8
    # London (estimate): 8 x 8 x 72 W (L4) x 1.8 + 4 x 0.823 kW (c7i.48xlarge) = 11.5864 kW
    london = next(s for s in data["sites"] if s["id"] == "aws-london")
    assert london["it_power_kw"] == pytest.approx(11.5864)
    assert london["cpu_nodes"] == 4
    prep = next(p for p in data["pools"] if p["id"] == "data-prep")
    assert (prep["gpus"], prep["vcpus"], prep["power_basis"]) == (0, 768, "instance-max")
    assert prep["expected"]["gemm_tflops_per_gpu"] is None and prep["allreduce"] == []
    # every London pool is priced from Apache Libcloud's table of 2025-03-02, each with a stale-price warning:
    # 8 x 16.94678 (g6.48xlarge) + 4 x 10.1808 (c7i.48xlarge) = 176.29744 USD/h in London
    assert data["unpriced"] == [] and data["cost_complete"] is True
    infer = next(p for p in data["pools"] if p["id"] == "infer")
    assert infer["price"]["usd_per_hour_per_node"] == pytest.approx(16.94678)
    stale = {f["component"] for f in data["findings"] if f["code"] == "capacity-price-stale"}
    assert stale == {"infer", "data-prep"}


def test_golden_reference_estimate() -> None:
    code, out, _ = run("estimate", "stacks/uk-sovereign-training", "--env", "prod", "--format", "json")
    assert code == 0
    assert_golden("estimate-uk-sovereign-training.json", out)


def test_each_stack_estimates_only_what_it_deploys() -> None:
    _, dev = estimate_json("stacks/uk-sovereign-training", "--env", "dev")
    _, prod = estimate_json("stacks/uk-sovereign-training", "--env", "prod")
    _, both = estimate_json("stacks/uk-sovereign-training")
    # Pulumi.dev.yaml: one p5 node, and the CPU node the exp cluster's services run on
    assert [p["id"] for p in dev["pools"]] == ["explore", "system-exp"] and dev["gpus"] == 8
    assert "explore" not in [p["id"] for p in prod["pools"]]
    assert both["gpus"] == dev["gpus"] + prod["gpus"]  # no --env: every stack, each with its own overrides


def test_text_output_explains_the_numbers() -> None:
    code, out, _ = run("estimate", "stacks/uk-sovereign-training")
    assert code == 0
    out = " ".join(out.split())  # explanations wrap to the width (100 when piped without COLUMNS)
    assert "Totals" in out and "Pools" in out and "Fabrics" in out and "Sites" in out
    assert (
        "IT load = 32 nodes x 10.2 kW (train, dgx-h100) + 12 switches x 1.72 kW (ib-ndr) + storage 12 kW "
        "(400 GB/s x 0.03 kW per GB/s) + management 9.79 kW (3 % of compute) = 368.8 kW"
    ) in out
    assert "368.8 kW IT x PUE 1.3 (site) = 479.5 kW" in out
    assert "price unknown" not in out
    # the London prices from Apache Libcloud's table (2025-03-02) are older than the freshness window
    assert "0 capacity errors, 4 warnings" in out


def test_text_output_shows_cpu_pools() -> None:
    code, out, _ = run("estimate", "stacks/uk-sovereign-training", "--env", "prod")
    assert code == 0
    # prod runs four data-prep nodes: 4 x 192 vCPU, 0.823 kW each (catalogue assumption), no price in eu-west-2
    assert "of which CPU-only / their vCPUs" in out and "4 / 768" in out
    assert "c7i.48xlarge (CPU-only)" in out
    assert "data-prep power_kw: estimate: 4 nodes x 0.823 kW (c7i.48xlarge max_power_kw, catalogue assumption)" in out
    assert "data-prep: CPU-only pool: no GPUs, GEMM, collective, training or serving figures" in out


def test_findings_exit_1_with_the_estimate() -> None:
    code, data = estimate_json(str(CAPACITY / "over_budget.py"))
    assert code == 1
    assert [f["code"] for f in data["findings"]] == ["capacity-power-budget"]
    assert data["findings"][0]["location"] == {"file": "tests/capacity/fixtures/over_budget.py", "line": 6}
    assert data["sites"][0]["fits_power_budget"] is False
    code, out, _ = run("estimate", str(CAPACITY / "over_budget.py"))
    assert code == 1 and "[capacity-power-budget] hall: facility power 245.4 kW" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((str(FIXTURES / "broken_catalogue.yaml"),), "unknown region 'eu-west-9'"),
        ((str(FIXTURES / "broken_catalogue.yaml"),), "unknown instance type 'p5.48xl'; did you mean 'p5.48xlarge'"),
        ((str(FIXTURES / "broken_types.yaml"),), "node_count"),
        ((str(CAPACITY / "tiny_radix.yaml"),), "unknown switch 'toy-2-port'"),
        (
            (str(CAPACITY / "tiny_radix.yaml"), "--catalogue", str(CAPACITY / "tiny_switch_catalogue.yaml")),
            "no fat tree can be built below radix 4",
        ),
        (("stacks/uk-sovereign-training", "--set", "utilisation=1.5"), "utilisation"),
        (("stacks/uk-sovereign-training", "--set", "no-equals-sign"), "expected NAME=VALUE"),
        (("stacks/uk-sovereign-training", "--set", "colour=blue"), "unknown option"),
    ],
)
def test_unusable_input_exits_2(args: tuple[str, ...], message: str) -> None:
    code, out, err = run("estimate", *args)
    assert code == 2
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    code, out, _ = run("estimate", *args, "--format", "json")
    assert code == 2 and json.loads(out)["input_error"] is True


def test_zero_nodes_exit_2_pointing_at_the_line(tmp_path: Path) -> None:
    design = (CAPACITY / "small.yaml").read_text().replace("node_count: 4", "node_count: 0")
    path = tmp_path / "zero.yaml"
    path.write_text(design)
    code, _, err = run("estimate", str(path))
    assert code == 2 and f"{path.name}:77: components[11].node_count" in err


def test_set_and_catalogue_overrides(tmp_path: Path) -> None:
    _, base = estimate_json("stacks/uk-sovereign-training")
    _, half = estimate_json("stacks/uk-sovereign-training", "--set", "utilisation=0.4")
    assert half["annual_energy_mwh"] == pytest.approx(base["annual_energy_mwh"] / 2)
    assert half["options"]["utilisation"] == 0.4
    prices = tmp_path / "prices.yaml"
    prices.write_text(
        "instance_types:\n"
        "  p5.48xlarge: {prices: {eu-west-2: 61.2}, price_as_of: 2026-10-01}\n"
        "  g6.48xlarge: {prices: {eu-west-2: 18.0}, price_as_of: 2026-10-01}\n"
        "  c7i.48xlarge: {prices: {eu-west-2: 9.5}, price_as_of: 2026-10-01}\n"
        "  m7i.24xlarge: {prices: {eu-west-2: 5.4}, price_as_of: 2026-10-01}\n"
    )
    code, priced = estimate_json("stacks/uk-sovereign-training", "--catalogue", str(prices))
    assert code == 0 and priced["cost_complete"] is True and priced["unpriced"] == []
    # the file's 1 x 61.2 (explore: one node in dev) + 8 x 18.0 + 4 x 9.5 + 1 x 5.4 (system-exp) = 248.6 USD/h
    # replace the built-in London prices (Apache Libcloud, 2025-03-02): 127.816 + 8 x 16.94678 + 4 x 10.1808 +
    # 5.5944; the colo's energy is unchanged
    built_in = 127.816 + 8 * 16.94678 + 4 * 10.1808 + 5.5944
    assert priced["cost_per_hour_usd"] == pytest.approx(base["cost_per_hour_usd"] - built_in + 248.6)
    explore = next(p for p in priced["pools"] if p["id"] == "explore")
    assert explore["price"]["as_of"] == "2026-10-01"


def test_cloud_only_fabrics_do_not_print_zero_switches() -> None:
    from click.testing import CliRunner

    from aifab.cli.main import cli

    out = CliRunner().invoke(cli, ["estimate", "stacks/eu-sovereign-inference", "--env", "prod"]).stdout
    assert "cloud-managed fabrics only" in out and "fabric bisection" not in out


def test_a_design_with_errors_is_not_estimated() -> None:
    import json

    from click.testing import CliRunner

    from aifab.cli.main import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["estimate", "tests/fixtures/designs/broken_links.yaml"])
    assert result.exit_code == 1 and result.stdout == ""
    assert "[wrong-link-kind] tune" in result.stderr and "not estimated" in result.stderr
    as_json = runner.invoke(cli, ["estimate", "tests/fixtures/designs/broken_hardware_kind.yaml", "--format", "json"])
    data = json.loads(as_json.stdout)
    assert as_json.exit_code == 1 and data["valid"] is False
    assert {e["code"] for e in data["errors"]} == {"hardware-kind-mismatch"}
    assert runner.invoke(cli, ["estimate", "tests/fixtures/designs/broken_catalogue.yaml"]).exit_code == 2
