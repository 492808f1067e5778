"""``aifab policy``: list the rules, test every rule's examples, and generate the policy index.

* ``aifab policy list [--format text|json|markdown]``: the index of packs and rules;
* ``aifab policy test [PATH...]``: run the passing and failing examples of the built-in rules, or
  of the rules under PATH (a policies folder, a pack folder or a rule file); exit 1 when an example
  gives the wrong verdict, 2 when a rule cannot be loaded;
* ``aifab policy docs [--output FILE] [--check]``: write (or check) ``docs/policies.md``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from aifab.policy.harness import ExampleResult, run_examples
from aifab.policy.packs import PackSet, builtin_policies_dir, load_packs, load_rule_file, pack_folders
from aifab.policy.rule import Rule
from aifab.report import write_atomic
from aifab.report.policy_index import render_index, render_json, render_text

from ._common import EXIT_FINDINGS, EXIT_OK, err, handle_errors, out


@click.group("policy")
def policy_group() -> None:
    """Work with policy packs: list rules, test them, generate their documentation."""


def _load(extra: tuple[str, ...] = ()) -> PackSet:
    return load_packs(builtin_policies_dir(), *(Path(p) for p in extra))


@policy_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--pack", "only", multiple=True, metavar="NAME", help="Only these packs (repeatable).")
@click.option("--policies", "extra", multiple=True, metavar="DIR", help="Extra policy packs (repeatable).")
@handle_errors()
def list_command(fmt: str, only: tuple[str, ...], extra: tuple[str, ...]) -> None:
    """Print the packs and their rules."""
    packs = _load(extra)
    for name in only:
        packs.pack(name)
    render = {"text": render_text, "json": render_json, "markdown": render_index}[fmt]
    click.echo(render(packs, only), nl=False)


def _rules_under(path: Path, builtin: PackSet) -> tuple[list[Rule], dict[str, dict[str, object]]]:
    """The rules under PATH and their packs' parameter defaults."""
    if path.is_file():
        return [load_rule_file(path)], {}
    folders = pack_folders(path)
    if not folders:
        raise click.BadParameter(f"{path} holds no pack (a folder with pack.yaml)", param_hint="PATH")
    # loaded together with the built-in packs, so a rule id that clashes with a built-in one is an error
    loaded = load_packs(builtin_policies_dir(), path)
    names = {folder.name for folder in folders}
    return [r for r in loaded.rules.values() if r.pack in names], {p.name: p.defaults() for p in loaded}


def _report(results: list[ExampleResult], fmt: str) -> None:
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "example": r.name,
                        "rule_id": r.rule_id,
                        "expected": r.expected,
                        "actual": r.actual,
                        "ok": r.ok,
                        "messages": list(r.messages),
                        "location": {"file": r.location.file, "line": r.location.line},
                    }
                    for r in results
                ],
                indent=2,
            )
        )
        return
    for r in results:
        if r.ok:
            out.print(f"ok     {r.name}: {r.actual}", highlight=False, markup=False)
        else:
            out.print(
                f"FAILED {r.name} ({r.location}): expected {r.expected}, got {r.actual}", markup=False, style="red"
            )
            for message in r.messages:
                out.print(f"         {message}", highlight=False, markup=False)
    failed = sum(not r.ok for r in results)
    rules = len({r.rule_id for r in results})
    out.print(
        f"{len(results) - failed} passed, {failed} failed ({len(results)} examples of {rules} rules)", highlight=False
    )


@policy_group.command("test")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handle_errors()
def test_command(paths: tuple[str, ...], fmt: str) -> None:
    """Run every rule's passing and failing examples through the engine (the built-in packs, or PATH)."""
    builtin = _load()
    params: dict[str, dict[str, object]] = {p.name: p.defaults() for p in builtin}
    rules: list[Rule] = [] if paths else list(builtin.rules.values())
    for path in paths:
        found, defaults = _rules_under(Path(path), builtin)
        rules.extend(found)
        params.update(defaults)
    results = run_examples(sorted(rules, key=lambda r: r.id), params=params)
    _report(results, fmt)
    sys.exit(EXIT_OK if all(r.ok for r in results) else EXIT_FINDINGS)


@policy_group.command("docs")
@click.option("--output", metavar="FILE", help="Write the index here (default: standard output).")
@click.option("--check", "check", is_flag=True, help="Exit 1 if FILE differs from what would be generated.")
@handle_errors()
def docs_command(output: str | None, check: bool) -> None:
    """Generate the policy index (docs/policies.md) from the rule metadata."""
    text = render_index(_load())
    if check:
        if output is None:
            raise click.UsageError("--check needs --output FILE")
        current = Path(output).read_text(encoding="utf-8") if Path(output).is_file() else None
        if current != text:
            err.print(f"{output} is stale; regenerate it with: aifab policy docs --output {output}")
            sys.exit(EXIT_FINDINGS)
        out.print(f"{output} is up to date", highlight=False)
        return
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
