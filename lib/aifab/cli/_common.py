"""What every command shares: loading a design, turning errors into exit codes, consoles."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape

from aifab.catalogue import Catalogue, load_catalogue
from aifab.design.loader import LoadedDesign, load_design
from aifab.design.yamlsource import PATH_ERRNOS, os_problem
from aifab.errors import InputError

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

F = TypeVar("F", bound=Callable[..., Any])

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

PIPED_WIDTH = 100
"""Text width when standard output is not a terminal and ``COLUMNS`` is not set (a CI log, ``| less``)."""


def text_width() -> int:
    """Columns for text on standard output: the terminal's; when piped, ``COLUMNS``, else ``PIPED_WIDTH``."""
    if out.is_terminal:
        return max(out.width, 40)
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return PIPED_WIDTH
    return max(columns, 40) if columns > 0 else PIPED_WIDTH


@contextlib.contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Callable[[str], None]]:
    """A progress bar (a spinner when ``total`` is unknown) on stderr while long work runs, gone when it ends.

    Only on a terminal: piped or redirected stderr (CI logs, ``2>file``) gets nothing at all. Yields
    ``step(label)``, to call as each item is done.

    >>> with progress("previewing", total=3) as step:   # doctest: +SKIP
    ...     for env in envs: preview(env); step(env)
    """
    if not err.is_terminal or err.is_dumb_terminal:
        yield lambda label: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    with Progress(*columns, TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task(description, total=total)

        def step(label: str) -> None:
            bar.update(task, advance=1, description=f"{description} (done: {label})")

        yield step


path_argument = click.argument("path", metavar="PATH")
env_option = click.option(
    "--env", "env", metavar="ENV", default=None, help="Environment to apply: overlays Pulumi.<ENV>.yaml."
)

catalogue_option = click.option(
    "--catalogue",
    "catalogue_path",
    metavar="FILE",
    default=None,
    help="YAML file overriding or adding catalogue entries (same shape as the built-in catalogue); "
    "default: catalogue.yaml beside the design, if there is one.",
)


def catalogue(path: str | None, loaded: LoadedDesign | None = None) -> Catalogue:
    """The built-in catalogue with the user's overrides: ``--catalogue FILE``, else the stack's catalogue.yaml."""
    if path is None and loaded is not None and loaded.catalogue_file is not None:
        return load_catalogue(loaded.catalogue_file)
    return load_catalogue(path)


def load(path: str, env: str | None) -> LoadedDesign:
    return load_design(path, env=env)


def handle_errors(json_errors: bool = False) -> Callable[[F], F]:
    """Turn InputError into exit 2 with a clear message, and any bug into a short report, never a traceback.

    With ``json_errors`` and ``--format json``, input errors are also printed as one JSON object on stdout
    so machine consumers always get JSON.
    """

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                try:
                    return fn(*args, **kwargs)
                except OSError as exc:  # a path too long, a folder that cannot be entered: the user's input
                    if exc.errno not in PATH_ERRNOS:
                        raise
                    raise InputError(os_problem(exc), file=exc.filename and str(exc.filename)) from None
            except InputError as exc:
                if json_errors and kwargs.get("fmt") == "json":
                    click.echo(json.dumps(input_error_json(exc, kwargs.get("path")), indent=2))
                err.print(f"[bold red]error:[/] {escape(exc.render())}", markup=True, highlight=False)
                sys.exit(EXIT_INPUT)
            except (click.exceptions.Exit, click.ClickException):
                raise  # click reports these itself, with its usage exit code
            except BrokenPipeError:
                # the reader went away (e.g. `| head`): not an error of ours; 141 is what a shell reports
                sys.stderr.close()
                sys.exit(141)
            except KeyboardInterrupt:
                sys.exit(130)
            except Exception as exc:
                if os.environ.get("AIFAB_DEBUG"):
                    raise
                err.print(
                    f"[bold red]internal error:[/] {type(exc).__name__}: {escape(str(exc))}\n"
                    "This is a bug in aifab; rerun with AIFAB_DEBUG=1 for the traceback and report it.",
                    markup=True,
                )
                sys.exit(EXIT_INTERNAL)

        return wrapper  # type: ignore[return-value]

    return decorate


def input_error_json(exc: InputError, path: str | None) -> dict[str, Any]:
    return {
        "design": None,
        "path": path,
        "valid": False,
        "input_error": True,
        "errors": [
            {
                "code": "input",
                "message": p.message,
                "component": None,
                "field": p.field,
                "location": {"file": p.file, "line": p.line},
            }
            for p in exc.problems
        ],
    }
