"""Messages a user understands (issue 15), part two: keys YAML 1.1 reads alike, and policy-config values of the
wrong shape. Each case starts from the hostile file a user could write and runs it through the CLI.

Before: ``1`` and ``true`` as keys said "duplicate key True in the same mapping" (neither spelling the user
wrote); ``enforcement: ''`` gave two lines naming pydantic's union members
(``enforcement.literal['advisory',...]`` and ``enforcement.dict[str,literal[...]]``); ``allowed_regions: .nan``
said "expected a finite number (got nan)" for a parameter that takes a list of regions; ``tdp_w: 65e1`` said
"Input should be a valid number (got '65e1')" (YAML 1.1 reads an exponent without a dot as text, and so did
a JSON file's ``1e-05``, as ``json.dumps`` writes 0.00001); ``1.0e-400`` became 0 without a word.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from aifab.cli.main import cli
from aifab.design.yamlsource import read_yaml

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "docs/examples/minimal.yaml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        # the same spelling twice: named as written, with where it first was
        ("note: a\nnote: b\n", "{f}:5: duplicate key 'note' (first at line 4)"),
        # two spellings YAML 1.1 reads as one boolean
        ("true: a\nyes: b\n", "{f}:5: key 'yes' is the same as 'true' at line 4 once read (both mean true)"),
        ("on: a\nTrue: b\n", "{f}:5: key 'True' is the same as 'on' at line 4 once read (both mean true)"),
        # a number and a boolean a mapping takes for one key
        ("1: a\ntrue: b\n", "{f}:5: key 'true' is the same as '1' at line 4 once read (1 and true count as one key)"),
        ("1: a\n1.0: b\n", "{f}:5: key '1.0' is the same as '1' at line 4 once read (1 and 1.0 count as one key)"),
        ("~: a\nnull: b\n", "{f}:5: key 'null' is the same as '~' at line 4 once read (both mean null)"),
        # quoting does not make a second key
        ("a: 1\n'a': 2\n", "{f}:5: duplicate key 'a' (first at line 4)"),
    ],
)
def test_keys_that_collide_are_named_as_written(tmp_path: Path, keys: str, expected: str) -> None:
    design = tmp_path / "design.yaml"
    design.write_text("api_version: aifab/v1\nname: keys\nlabels:\n" + "".join(f"  {k}\n" for k in keys.splitlines()))
    code, out = run("validate", str(design))
    assert code == 2
    assert expected.format(f=design) in out, out
    assert "True" not in out.replace("'True'", "") and "in the same mapping" not in out
    if "once read" in expected:
        assert "quote keys to keep them as text" in out


def test_a_collision_in_a_flow_mapping_and_in_a_policy_file(tmp_path: Path) -> None:
    waivers = tmp_path / "policy.yaml"
    waivers.write_text("packs:\n  energy: {params: {}, yes: 1, true: 2}\n")
    code, out = run("check", str(MINIMAL), "--no-preview", "--policy-config", str(waivers))
    assert code == 2
    assert f"{waivers}:2: key 'true' is the same as 'yes' at line 2 once read (both mean true)" in out, out


ENFORCEMENT = "expected a level (advisory, mandatory, disabled or by-severity) or a mapping of environments to levels"


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        ('enforcement: ""', f"packs.sovereign-uk.enforcement: {ENFORCEMENT}, e.g. {{production: mandatory, "),
        ("enforcement: ''", "(got '')"),
        ("enforcement: 12", f"{ENFORCEMENT}, e.g. {{production: mandatory, default: advisory}} (got 12)"),
        ("enforcement: [advisory]", "(got ['advisory'])"),
        ("enforcement: .nan", "(got .nan)"),
        ("enforcement: Mandatory", "(got 'Mandatory'); did you mean 'mandatory'?"),
        (
            "enforcement: {production: }",
            "packs.sovereign-uk.enforcement: level for 'production': expected one of advisory, mandatory, disabled "
            "or by-severity (got nothing)",
        ),
        ("enforcement: {dev: strict}", "level for 'dev': expected one of advisory, mandatory, disabled"),
        ("enforcement: {1: mandatory}", "1 is not an environment id, a purpose, 'non-production' or 'default'"),
        (
            "params: {allowed_regions: .nan}",
            "packs.sovereign-uk.params.allowed_regions: expected a list of strings, e.g. [eu-west-2] (got .nan)",
        ),
        ("params: {allowed_regions: [.nan]}", "expected a list of strings, e.g. [eu-west-2] (got [.nan])"),
    ],
)
def test_policy_config_values_of_the_wrong_shape_say_what_was_expected(tmp_path: Path, setting: str, says: str) -> None:
    config = tmp_path / "policy.yaml"
    config.write_text(f"packs:\n  sovereign-uk:\n    {setting}\n")
    code, out = run("check", str(MINIMAL), "--no-preview", "--policy-config", str(config))
    assert code == 2, out
    assert f"{config}:3: " in out and says in out, out
    # one problem, one line: no try per member of a union, no type names
    assert "literal[" not in out and "dict[" not in out and "Input should be" not in out
    assert "problems in the policy config" not in out


def test_a_bad_enforcement_for_a_rule_is_located_too(tmp_path: Path) -> None:
    config = tmp_path / "policy.yaml"
    config.write_text("rules:\n  NRG-REG-001:\n    enforcement: ''\n")
    code, out = run("check", str(MINIMAL), "--no-preview", "--policy-config", str(config))
    assert code == 2 and f"{config}:3: rules.NRG-REG-001.enforcement: {ENFORCEMENT}" in out, out


@pytest.mark.parametrize(
    "setting", ["enforcement: mandatory", "enforcement: {production: mandatory, non-production: advisory}"]
)
def test_good_enforcement_settings_still_pass(tmp_path: Path, setting: str) -> None:
    config = tmp_path / "policy.yaml"
    config.write_text(f"packs:\n  baseline-security:\n    {setting}\n")
    code, out = run("check", str(MINIMAL), "--no-preview", "--policy-config", str(config), "--format", "json")
    assert code in (0, 1), out


@pytest.mark.parametrize(
    ("written", "value"), [("65e1", 650.0), ("6.5e2", 650.0), ("6.5E+2", 650.0), ("+.65e3", 650.0)]
)
def test_a_number_in_exponent_form_is_a_number(tmp_path: Path, written: str, value: float) -> None:
    """YAML 1.1 read ``65e1`` as text, and the message then said it was not a valid number (got '65e1')."""
    overrides = tmp_path / "catalogue.yaml"
    overrides.write_text(f"accelerators:\n  h100-sxm:\n    tdp_w: {written}\n")
    code, out = run("catalogue", "show", "accelerator", "h100-sxm", "--catalogue", str(overrides), "--format", "json")
    assert code == 0 and json.loads(out)["tdp_w"] == value, out


def test_json_numbers_are_read_as_json_writes_them() -> None:
    """``json.dumps`` writes 0.00001 as ``1e-05``: a JSON design or overrides file must read it back as a number."""
    numbers = {"small": 0.00001, "large": 1e22, "negative": -1.5e-7}
    assert read_yaml(json.dumps(numbers), "numbers.json")[0] == numbers


@pytest.mark.parametrize("written", ["'65e1'", "1e", "e3", "1.2.3"])
def test_text_that_looks_like_an_exponent_stays_text(tmp_path: Path, written: str) -> None:
    overrides = tmp_path / "catalogue.yaml"
    overrides.write_text(f"accelerators:\n  h100-sxm:\n    tdp_w: {written}\n")
    code, out = run("catalogue", "show", "accelerator", "h100-sxm", "--catalogue", str(overrides))
    assert code == 2 and f"{overrides}:3: accelerators.h100-sxm.tdp_w: Input should be a valid number" in out, out


@pytest.mark.parametrize("written", ["1e-400", "1.0e-400", "-2.5e-999"])
def test_a_number_too_small_to_hold_is_not_read_as_zero(tmp_path: Path, written: str) -> None:
    """A float that underflows would silently be 0 (a utilisation of 0, a free price): refused where written."""
    code, out = run("estimate", str(MINIMAL), "--set", f"utilisation={written}")
    assert code == 2 and f"{written} is too small for a number: it would be read as 0" in out, out
    overrides = tmp_path / "catalogue.yaml"
    overrides.write_text(f"accelerators:\n  h100-sxm:\n    tdp_w: {written}\n")
    code, out = run("catalogue", "show", "accelerator", "h100-sxm", "--catalogue", str(overrides))
    assert code == 2 and f"{overrides}:3: {written} is too small" in out, out
    assert read_yaml("a: 0.0\nb: 0e3\nc: -0.0\n", "zeros.yaml")[0] == {"a": 0.0, "b": 0.0, "c": 0.0}
