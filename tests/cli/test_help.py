"""Every command's --help ends with examples: walk the whole CLI, so a new command cannot ship without them."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from aifab.cli.main import cli


def _commands(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(cli))


def test_the_walk_finds_the_new_commands() -> None:
    assert {("catalogue", "show"), ("init",), ("policy", "test"), ("check",)} <= set(COMMANDS)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "aifab")
def test_help_ends_with_examples(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    examples = result.output.rsplit("Examples:", 1)
    assert len(examples) == 2, f"aifab {' '.join(path)} --help has no Examples:"
    lines = [line.strip() for line in examples[1].splitlines() if line.strip()]
    assert lines and all(line.startswith("aifab ") for line in lines), lines
    if path:  # a command's examples run that command
        assert any(line.startswith(f"aifab {' '.join(path)}") for line in lines), lines
