"""``aifab size fabric``: JSON and text output, usage errors and model input errors (exit 2)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from aifab.cli.size import size

BASE = ["fabric", "--nodes", "128", "--gpus-per-node", "8", "--link-gbps", "400", "--radix", "64"]


def test_json_output_has_the_counts() -> None:
    result = CliRunner().invoke(size, [*BASE, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # 4 SU of DGX H100/B200 on QM9700: 32 leaves, 16 spines (NVIDIA DGX SuperPOD RA)
    assert {k: data[k] for k in ("tiers", "leaf", "spine", "core")} == {
        "tiers": 2,
        "leaf": 32,
        "spine": 16,
        "core": 0,
    }
    assert (data["node_leaf_cables"], data["leaf_spine_cables"], data["spine_core_cables"]) == (1024, 1024, 0)
    assert data["bisection_tbps"] == 204.8
    assert data["max_endpoints_two_tier"] == 2048


def test_json_output_three_tiers_and_options() -> None:
    args = ["fabric", "--nodes", "512", "--gpus-per-node", "8", "--link-gbps", "400", "--radix", "64"]
    result = CliRunner().invoke(
        size, [*args, "--scalable-unit-nodes", "32", "--node-leaf-media", "dac", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["tiers"], data["leaf"], data["spine"], data["core"]) == (3, 128, 128, 64)
    assert data["transceivers"] == 2 * (4096 + 4096)  # DAC node-leaf links need none


def test_text_output_is_a_table_with_units() -> None:
    result = CliRunner().invoke(size, BASE)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in ("leaf switches", "spine switches", "Tb/s", "cables", "204.8", "32 / 32"):
        assert text in out, text


def test_oversubscription_option() -> None:
    result = CliRunner().invoke(size, [*BASE, "--oversubscription", "2", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["leaf_downlinks"], data["leaf_uplinks"]) == (42, 22)


def test_model_input_error_exits_2_with_message_on_stderr() -> None:
    result = CliRunner().invoke(
        size, ["fabric", "--nodes", "0", "--gpus-per-node", "8", "--link-gbps", "400", "--radix", "64"]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: nodes: expected an integer >= 1, got 0")
    assert result.stdout == ""


def test_radix_too_small_exits_2() -> None:
    result = CliRunner().invoke(
        size, ["fabric", "--nodes", "4", "--gpus-per-node", "8", "--link-gbps", "400", "--radix", "2"]
    )
    assert result.exit_code == 2
    assert "error: switch_radix:" in result.stderr


def test_usage_errors_exit_2() -> None:
    missing = CliRunner().invoke(size, ["fabric", "--nodes", "4"])
    assert missing.exit_code == 2
    assert "Missing option" in missing.stderr
    not_a_number = CliRunner().invoke(size, [*BASE[:2], "many", *BASE[3:]])
    assert not_a_number.exit_code == 2
    bad_format = CliRunner().invoke(size, [*BASE, "--format", "yaml"])
    assert bad_format.exit_code == 2
