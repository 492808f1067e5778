"""Hostile numbers: no value a user can write ends in OverflowError, and nothing is silently coerced.

Each value goes into a design field, a catalogue override or ``aifab estimate --set`` and through
validate, estimate and check: the answer is exit 2 (unusable input) with a located message, never exit 3
or a traceback. ``true`` is not a count, ``'8'`` is not 8, ``1:30`` is not 90.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from aifab.cli.main import cli
from aifab.design.yamlsource import read_yaml

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "docs/examples/minimal.yaml"
TODAY = ("--today", "2026-12-01")

HOSTILE = [
    "5e-324",
    "5.0e-324",
    "1e308",
    "1.0e+308",
    "-1.0e+308",
    ".inf",
    "-.inf",
    ".nan",
    "true",
    "'8'",
    "1:30",
    "2.5",
]
"""As written in YAML: numbers at the edges of the float range, non-finite numbers and YAML 1.1 surprises."""
NOT_FLOATS = [value for value in HOSTILE if value != "2.5"]
"""The same, less the one value a float field takes."""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def assert_refused(code: int, output: str) -> None:
    assert code in (1, 2), output
    assert "Traceback" not in output and "internal error" not in output and "OverflowError" not in output, output


def design_with(tmp_path: Path, old: str, new: str) -> Path:
    text = MINIMAL.read_text()
    assert old in text
    design = tmp_path / "design.yaml"
    design.write_text(text.replace(old, new))
    return design


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("command", ["validate", "estimate", "check"])
def test_hostile_node_count(tmp_path: Path, value: str, command: str) -> None:
    design = design_with(tmp_path, "node_count: 2", f"node_count: {value}")
    code, output = run(command, str(design), *(TODAY if command == "check" else ()))
    assert_refused(code, output)
    assert code == 2, output
    if command != "check":
        assert "node_count" in output, output


@pytest.mark.parametrize("value", NOT_FLOATS)
@pytest.mark.parametrize("command", ["validate", "estimate", "check"])
def test_hostile_float_field(tmp_path: Path, value: str, command: str) -> None:
    design = design_with(
        tmp_path, "    node_count: 2\n", f"    node_count: 2\n    workload:\n      parameters_billion: {value}\n"
    )
    code, output = run(command, str(design), *(TODAY if command == "check" else ()))
    assert_refused(code, output)
    assert code == 2, output


def test_an_int_is_accepted_where_a_float_is_expected(tmp_path: Path) -> None:
    design = design_with(
        tmp_path, "    node_count: 2\n", "    node_count: 2\n    workload:\n      parameters_billion: 70\n"
    )
    code, output = run("validate", str(design))
    assert code == 0, output


@pytest.mark.parametrize("value", NOT_FLOATS)
@pytest.mark.parametrize("command", ["validate", "estimate", "check"])
def test_hostile_catalogue_override(tmp_path: Path, value: str, command: str) -> None:
    overrides = tmp_path / "catalogue.yaml"
    overrides.write_text(f"instance_types:\n  p5.48xlarge:\n    prices: {{eu-west-2: {value}}}\n")
    args = [command, str(MINIMAL), "--catalogue", str(overrides), *(TODAY if command == "check" else ())]
    code, output = run(*args)
    assert_refused(code, output)
    assert code == 2, output


@pytest.mark.parametrize(
    "value",
    [
        "5e-324",
        "5.0e-324",
        "1.0e+308",
        ".inf",
        ".nan",
        "true",
        "'0.5'",
        "1e308",
        "1:30",
    ],
)
def test_hostile_estimate_setting(value: str) -> None:
    code, output = run("estimate", str(MINIMAL), "--set", f"checkpoint_bytes_per_parameter={value}")
    assert_refused(code, output)
    assert code == 2, output


def test_sexagesimal_values_stay_text() -> None:
    data, _ = read_yaml("a: 1:30\nb: 190:20:30.15\nc: 0x10\nd: 1_000\ne: 1.5\n", "x.yaml")
    assert data == {"a": "1:30", "b": "190:20:30.15", "c": 16, "d": 1000, "e": 1.5}


@pytest.mark.parametrize("stack", sorted(p.name for p in (ROOT / "stacks").iterdir() if p.is_dir()))
def test_the_reference_stacks_still_validate(stack: str) -> None:
    code, output = run("validate", str(ROOT / "stacks" / stack))
    assert code == 0, output
