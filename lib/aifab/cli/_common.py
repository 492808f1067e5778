"""What every command shares: loading a design, turning errors into exit codes, consoles."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape

from aifab.catalogue import Catalogue, load_catalogue
from aifab.design.loader import LoadedDesign, load_design
from aifab.errors import InputError

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

F = TypeVar("F", bound=Callable[..., Any])

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

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
                return fn(*args, **kwargs)
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
