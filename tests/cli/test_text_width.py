"""Text output fits the terminal: `aifab estimate` and `aifab check` at 80 and 120 columns (``COLUMNS``, as
when piped) have no line over the width (but a link longer than the width, alone on its line) and split no
number or name; without ``COLUMNS`` piped text is 100 columns wide."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from aifab.cli._common import PIPED_WIDTH
from aifab.cli.main import cli

from ..conftest import reference_stacks

NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
NAME = re.compile(r"\w[\w./:-]*[-./:][\w./:-]*\w")  # hyphenated ids, rule ids, paths with their line


def _stack_envs() -> list[tuple[Path, str]]:
    return [(stack, f.name.split(".")[1]) for stack in reference_stacks() for f in sorted(stack.glob("Pulumi.*.yaml"))]


STACK_ENVS = _stack_envs()
IDS = [f"{stack.name}-{env}" for stack, env in STACK_ENVS]


def _run(args: list[str], columns: int | None) -> tuple[int, str]:
    env = {"COLUMNS": str(columns) if columns else None, "AIFAB_DEBUG": None}
    result = CliRunner().invoke(cli, args, env=env)
    return result.exit_code, result.stdout


def _command(kind: str, stack: Path, env: str) -> list[str]:
    if kind == "estimate":
        return ["estimate", str(stack), "--env", env]
    return ["check", str(stack), "--env", env, "--no-preview", "--today", "2026-12-01"]


def _lone_url(line: str) -> bool:
    words = line.split()
    return len(words) == 1 and "://" in words[0] and len(line) - len(words[0]) < 10


def _json_numbers(data: Any) -> Iterator[float | int]:
    if isinstance(data, bool):
        return
    if isinstance(data, int | float):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _json_numbers(value)
    elif isinstance(data, list):
        for value in data:
            yield from _json_numbers(value)


def _spellings(x: float | int) -> set[str]:
    """How the text may write a JSON number: grouped thousands, at most 2 decimals, trailing zeros dropped."""
    if isinstance(x, int):
        return {f"{x:,}", str(x)}
    out = set()
    for digits in (0, 1, 2):
        text = f"{x:,.{digits}f}"
        out.add(text.rstrip("0").rstrip(".") if "." in text else text)
    return out


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("kind", ["estimate", "check"])
@pytest.mark.parametrize(("stack", "env"), STACK_ENVS, ids=IDS)
def test_text_fits_the_width_and_splits_nothing(kind: str, stack: Path, env: str, columns: int) -> None:
    args = _command(kind, stack, env)
    code, narrow = _run(args, columns)
    assert code in (0, 1), narrow
    # the one exception: a link longer than the width, alone on its line (split, it could not be followed)
    long = [line for line in narrow.splitlines() if len(line) > columns and not _lone_url(line)]
    assert not long, f"{len(long)} line(s) over {columns} columns:\n" + "\n".join(long)

    # Every number and name written on one line when there is room for everything is whole at this width.
    _, wide = _run(args, 1000)
    narrow_numbers = set(NUMBER.findall(narrow))
    assert set(NUMBER.findall(wide)) <= narrow_numbers, set(NUMBER.findall(wide)) - narrow_numbers
    narrow_names = set(NAME.findall(narrow))
    assert set(NAME.findall(wide)) <= narrow_names, set(NAME.findall(wide)) - narrow_names

    # ... and so is every number of the JSON output that the text shows.
    code, raw = _run([*args, "--format", "json"], None)
    shown = [s for x in _json_numbers(json.loads(raw)) for s in _spellings(x) if s in set(NUMBER.findall(wide))]
    assert shown, "the text shows none of the JSON's numbers"
    assert set(shown) <= narrow_numbers


def test_piped_text_without_columns_is_100_wide() -> None:
    assert PIPED_WIDTH == 100
    code, out = _run(["estimate", "stacks/uk-sovereign-training", "--env", "prod"], None)
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= PIPED_WIDTH
    assert any(len(line) > 90 for line in lines)  # it uses the room it has


def test_narrow_check_keeps_each_finding_readable() -> None:
    code, out = _run(_command("check", Path("stacks/uk-sovereign-training"), "prod"), 80)
    assert code in (0, 1)
    # the location moves under the aligned fields; the waiver's reason wraps with a deeper indent
    assert "\n      stacks/uk-sovereign-training/design.py:" in out
    waiver = out.index("      waiver: ")
    assert out[waiver:].split("\n")[1].startswith("        ")
