"""A click group that imports a command's module only when that command runs (or its help is shown).

>>> group = LazyGroup(name="aifab", lazy={"check": LazyCommand("aifab.cli.check", "check_command", "Check.")})
>>> group.list_commands(click.Context(group))          # nothing imported yet
['check']

Start-up is part of every pull-request check and pre-commit run: ``aifab --version`` and ``aifab --help``
import no command module; ``aifab check`` imports the check's, not the preview's or the deploy's. The short
help of each command is kept beside its module path, so ``--help`` lists every command without importing
any; ``tests/cli/test_lazy.py`` checks that each entry's text is the command's own.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass

import click

__all__ = ["LazyCommand", "LazyGroup"]


@dataclass(frozen=True)
class LazyCommand:
    """Where a command lives (``module``, attribute ``attr``) and its short help, for ``--help`` without an import."""

    module: str
    attr: str
    short_help: str

    def load(self) -> click.Command:
        command = getattr(importlib.import_module(self.module), self.attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.module}:{self.attr} is not a click command")
        return command


class _Commands(MutableMapping[str, click.Command]):
    """The group's commands: those added, and the lazy ones, each imported on first access by name."""

    def __init__(self, lazy: Mapping[str, LazyCommand], loaded: Callable[[str, click.Command], None]) -> None:
        self.lazy = dict(lazy)
        self.loaded: dict[str, click.Command] = {}
        self.on_load = loaded

    def __getitem__(self, name: str) -> click.Command:
        if name not in self.loaded:
            if name not in self.lazy:
                raise KeyError(name)
            command = self.lazy[name].load()
            self.on_load(name, command)
            self.loaded[name] = command
        return self.loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self.lazy.pop(name, None)
        del self.loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self.lazy, *self.loaded]))

    def __len__(self) -> int:
        return len({*self.lazy, *self.loaded})

    def __contains__(self, name: object) -> bool:
        return name in self.lazy or name in self.loaded


class LazyGroup(click.Group):
    """A :class:`click.Group` whose ``lazy`` commands are imported when first used; ``on_load(name, command)``
    runs once for each as it is imported (e.g. to add its examples)."""

    def __init__(
        self,
        *args: object,
        lazy: Mapping[str, LazyCommand],
        on_load: Callable[[str, click.Command], None] = lambda name, command: None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = dict(lazy)
        self.commands = _Commands(lazy, on_load)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Every command with its short help, from the table for those not imported yet."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        imported = self.commands.loaded if isinstance(self.commands, _Commands) else self.commands
        for name in names:
            loaded = imported.get(name)
            if loaded is not None:
                if not loaded.hidden:
                    rows.append((name, loaded.get_short_help_str(limit)))
            else:
                stand_in = click.Command(name, help=self.lazy[name].short_help)  # click shortens it as its own
                rows.append((name, stand_in.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)
