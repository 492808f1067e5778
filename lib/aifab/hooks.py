"""What the pre-commit hooks (``.pre-commit-hooks.yaml``) run in any repository, not only this one.

>>> changed_designs(["stacks/uk-sovereign-training/policy.yaml", "README.md", "docs/examples/minimal.yaml"])
['stacks/uk-sovereign-training', 'docs/examples/minimal.yaml']

* ``aifab check --changed FILE...`` checks the stacks and designs the changed files belong to
  (:func:`changed_designs`): a file inside a stack folder (one holding ``design.py`` or ``design.yaml``)
  means that stack, a standalone design document (``api_version: aifab/...``) means itself, anything
  else nothing.
* ``python -m aifab.hooks policy-index [--policies DIR] [--output FILE]`` checks that the policy index is
  current, only where the repository ships its own policy packs in DIR (default ``policies``): their
  examples pass and FILE (default ``docs/policies.md``) is what ``--write`` would generate. Without packs
  it passes.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import click

from aifab.design.loader import DESIGN_FILES, DOCUMENT_SUFFIXES

API_PREFIX = "api_version: aifab/"


def _stack_folder(folder: Path) -> bool:
    return any((folder / name).is_file() for name in DESIGN_FILES)


def _is_design_document(file: Path) -> bool:
    """A YAML or JSON document that declares the aifab design API (read only its first lines)."""
    if file.suffix not in DOCUMENT_SUFFIXES or not file.is_file():
        return False
    try:
        with file.open(encoding="utf-8") as handle:
            head = [next(handle, "") for _ in range(20)]
    except (OSError, UnicodeDecodeError):
        return False
    return any(line.lstrip().startswith(API_PREFIX) or '"api_version": "aifab/' in line for line in head)


def changed_designs(files: Iterable[str]) -> list[str]:
    """The stack folders and design files that ``files`` (paths relative to the repository) belong to, once each."""
    found: dict[str, None] = {}
    for name in files:
        file = Path(name)
        stack = _enclosing_stack(file)
        if stack is not None:
            found[str(stack)] = None
        elif _is_design_document(file):
            found[str(file)] = None
    return list(found)


def _enclosing_stack(file: Path) -> Path | None:
    """The nearest folder above ``file`` holding a design, up to the repository's root."""
    for folder in file.parents:
        if _stack_folder(folder):
            return folder
        if str(folder) == "." or (folder / ".git").exists():
            return None
    return None


def _run(args: Sequence[str]) -> int:
    """Run an ``aifab`` command in this process and return its exit code."""
    from aifab.cli.main import cli

    try:
        cli.main(list(args), prog_name="aifab", standalone_mode=False)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return 0


@click.group()
def hooks() -> None:
    """pre-commit hooks for aifab in any repository."""


@hooks.command("policy-index")
@click.option("--policies", "folder", default="policies", show_default=True, help="Where the repository's packs live.")
@click.option("--output", default="docs/policies.md", show_default=True, help="The generated policy index.")
@click.option("--write", is_flag=True, help="Regenerate the index instead of checking it.")
def policy_index(folder: str, output: str, write: bool) -> None:
    """Check the repository's own policy packs: their examples pass and their index is current."""
    from aifab.policy.packs import builtin_policies_dir, load_packs, pack_folders
    from aifab.report import write_atomic
    from aifab.report.policy_index import render_index

    root = Path(folder)
    packs_here = pack_folders(root) if root.is_dir() else []
    if not packs_here:
        click.echo(f"no policy packs in {folder}/; nothing to check")
        return
    if root.resolve() == builtin_policies_dir().resolve():  # aifab's own repository: its built-in packs
        code = _run(["policy", "test"]) or _run(["policy", "docs", "--output", output, *([] if write else ["--check"])])
        sys.exit(code)
    code = _run(["policy", "test", folder])
    if code:
        sys.exit(code)
    names = tuple(p.name for p in packs_here)
    text = render_index(load_packs(builtin_policies_dir(), root), names)
    if write:
        write_atomic(output, text)
        return
    target = Path(output)
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        click.echo(f"{output} is stale; regenerate it with: python -m aifab.hooks policy-index --write", err=True)
        sys.exit(1)
    click.echo(f"{output} is up to date")


if __name__ == "__main__":
    hooks(prog_name="python -m aifab.hooks")


__all__ = ["changed_designs"]
