"""Start-up imports only what a command needs: ``--version`` and ``--help`` import no command module, and the
table ``--help`` reads (:data:`aifab.cli.main.COMMANDS`) says what each command itself says."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from aifab.cli.main import COMMANDS, cli

ENGINE = ("aifab.policy.engine", "aifab.validate", "aifab.catalogue", "networkx", "pydantic", "rich", "yaml")


def _imported_after(args: list[str]) -> list[str]:
    """The modules a fresh interpreter has imported after running ``aifab ARGS``."""
    code = (
        "import json, sys\nfrom aifab.cli.main import cli\n"
        f"try:\n    cli({args!r})\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return modules


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_start_up_imports_no_command_and_no_engine(args: list[str]) -> None:
    loaded = _imported_after(args)
    heavy = [m for m in loaded if m.startswith(ENGINE) or (m.startswith("aifab.cli.") and m != "aifab.cli.main")]
    assert heavy == [m for m in heavy if m in ("aifab.cli.examples", "aifab.cli.lazy")], heavy


def test_a_command_imports_its_own_module_only() -> None:
    loaded = _imported_after(["size", "fabric", "--help"])
    assert "aifab.cli.size" in loaded
    assert not {"aifab.cli.check", "aifab.cli.up", "aifab.cli.preview", "aifab.policy.engine"} & set(loaded)


def test_help_lists_every_command_with_its_short_help() -> None:
    result = CliRunner().invoke(cli, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    listed = result.output.split("Commands:", 1)[1].split("Examples:", 1)[0]
    for name, entry in COMMANDS.items():
        assert f"  {name}  " in listed or f"  {name} " in listed, name
        assert entry.short_help[:30] in " ".join(listed.split()), name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_table_says_what_the_command_says(name: str) -> None:
    entry = COMMANDS[name]
    command = entry.load()
    assert command.name == name
    assert entry.short_help == command.get_short_help_str(limit=10_000)


def test_commands_resolve_by_name_and_walk_like_a_group() -> None:
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(COMMANDS)
    check = cli.get_command(ctx, "check")
    assert check is not None and check.name == "check"
    assert cli.get_command(ctx, "no-such-command") is None
    assert set(cli.commands) == set(COMMANDS)
    result = CliRunner().invoke(cli, ["check", "--help"])
    assert result.exit_code == 0 and "Examples:" in result.output  # examples are added as a command loads


def test_the_package_imports_its_public_names_on_first_use() -> None:
    code = (
        "import sys, types\nimport aifab\nassert 'aifab.validate' not in sys.modules\n"
        "import aifab.validate\nassert not isinstance(aifab.validate, types.ModuleType)\n"
        "assert aifab.validate.__name__ == 'validate' and aifab.load_design.__name__ == 'load_design'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
