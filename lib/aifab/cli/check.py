"""``aifab check PATH...``: validation, capacity findings and policy packs, for pull requests and CI.

Exit 0 when no mandatory finding stands, 1 when one does, 2 when the input is unusable (a design,
policy config or waivers file that cannot be read, an unknown pack, a bad option). An unusable design is
reported in every requested output at its file and line, beside the stacks that could be checked.

``--changed FILE...`` (what a pre-commit hook passes) checks the stacks and designs those files belong to.

Several outputs at once: ``--format`` (repeatable) picks formats for standard output, ``--output
FORMAT=FILE`` (repeatable) writes a format to a file (``--output FILE`` alone takes the one ``--format``
given; ``FORMAT=-`` is standard output). Standard output gets every ``--format`` not sent to a file, or
the text report when none is left. Files are written as a set, all or none, through symlinks to their
targets; a device, a FIFO, a hard-linked file, one of the run's inputs, or one file named for two formats
is refused (exit 2).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
from rich.markup import escape

from aifab.capacity.results import DesignEstimate
from aifab.design.loader import CATALOGUE_FILE, DESIGN_FILES, LoadedDesign, environment_files
from aifab.errors import InputError
from aifab.policy.config import CONFIG_FILE
from aifab.policy.engine import DesignCheck
from aifab.policy.gate import check_stack
from aifab.policy.packs import PackSet, builtin_policies_dir, load_packs
from aifab.policy.waivers import WAIVERS_FILE
from aifab.preview.resources import stack_resources
from aifab.report import FORMATS, STDOUT, CheckReport, InputProblem, check_outputs, render, write_all
from aifab.report.baseline import BaselineTree, DesignDelta, compare, materialise
from aifab.report.text import render as text_report

from ._common import (
    EXIT_OK,
    catalogue,
    catalogue_option,
    env_option,
    err,
    handle_errors,
    load,
    progress,
    text_width,
)


def parse_outputs(formats: tuple[str, ...], outputs: tuple[str, ...]) -> tuple[list[str], dict[str, str]]:
    """Formats for standard output and ``{format: file}`` from the options."""
    files: dict[str, str] = {}
    piped: list[str] = []  # formats sent to standard output with FORMAT=-
    for spec in outputs:
        fmt, sep, file = spec.partition("=")
        if sep and fmt in FORMATS:
            chosen, target = fmt, file
        elif sep and fmt and "/" not in fmt and "." not in fmt:
            raise click.BadParameter(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}", param_hint="--output")
        elif len(formats) == 1:
            chosen, target = formats[0], spec
        else:
            raise click.BadParameter(
                "write --output FORMAT=FILE (e.g. sarif=results.sarif) unless exactly one --format is given",
                param_hint="--output",
            )
        if not target:
            raise click.BadParameter(f"no file given for {chosen}", param_hint="--output")
        if chosen in files or chosen in piped:
            raise click.BadParameter(f"{chosen} is written to two files", param_hint="--output")
        if target == STDOUT:
            piped.append(chosen)
            continue
        if target in files.values():
            raise click.BadParameter(
                f"{target} is named for two formats; give each its own file", param_hint="--output"
            )
        files[chosen] = target
    if len(piped) > 1:
        raise click.BadParameter(
            f"{' and '.join(piped)} both go to standard output ('-'); send all but one to files", param_hint="--output"
        )
    stdout = [f for f in dict.fromkeys(formats) if f not in files and f not in piped] + piped or ["text"]
    return stdout, files


def run_inputs(
    paths: tuple[str, ...], policy_config: str | None, waivers_file: str | None, catalogue_path: str | None
) -> list[Path]:
    """The files a check reads (designs, their policy, waivers, catalogue and environment files): never outputs."""
    found = [Path(p) for p in (policy_config, waivers_file, catalogue_path) if p is not None]
    for path in expand_paths(paths):
        given = Path(path)
        folder = given if given.is_dir() else given.parent
        if not given.is_dir():
            found.append(given)
        names = (*DESIGN_FILES, CONFIG_FILE, WAIVERS_FILE, CATALOGUE_FILE)
        found.extend(folder / name for name in names if (folder / name).exists())
        found.extend(environment_files(folder).values())
    return found


def expand_paths(paths: tuple[str, ...]) -> list[str]:
    """Each PATH, with a folder of stacks (``stacks``) replaced by the stack folders in it."""
    out: list[str] = []
    for path in paths:
        folder = Path(path)
        has_design = folder.is_dir() and any((folder / name).is_file() for name in DESIGN_FILES)
        if folder.is_dir() and not has_design:
            stacks = sorted(
                str(sub) for sub in folder.iterdir() if sub.is_dir() and any((sub / n).is_file() for n in DESIGN_FILES)
            )
            out.extend(stacks or [path])
        else:
            out.append(path)
    return out


def _help_base() -> str | None:
    server, repo, sha = (os.environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    return f"{server}/{repo}/blob/{sha}" if server and repo and sha else None


def run_check(
    paths: tuple[str, ...],
    env: str | None,
    packs: PackSet,
    only_packs: tuple[str, ...],
    policy_config: str | None,
    waivers_file: str | None,
    today: dt.date,
    catalogue_path: str | None = None,
    preview: bool = True,
    checked: dict[str, tuple[LoadedDesign, DesignCheck]] | None = None,
    step: Callable[[str], None] | None = None,
) -> tuple[list[DesignCheck], list[tuple[str, InputError]]]:
    """Check each stack or design under ``paths``; one that cannot be used is an error, the rest are still checked.

    ``step(path)`` is called as each is done (a progress bar).
    """
    for name in only_packs:
        packs.pack(name)  # unknown pack names are input errors, with suggestions
    results: list[DesignCheck] = []
    unusable: list[tuple[str, InputError]] = []
    for path in _stepped(expand_paths(paths), step):
        try:
            loaded = load(path, env)
            cat = catalogue(catalogue_path, loaded)
            resources = stack_resources(loaded, env, today) if preview else None
            result = check_stack(
                loaded,
                packs,
                catalogue=cat,
                today=today,
                policy_config=policy_config,
                waivers_file=waivers_file,
                only_packs=only_packs,
                resources=resources,
            )
        except InputError as exc:
            unusable.append((path, exc))
            continue
        if result.input_errors:  # it parsed but names things that do not exist: its findings would mislead
            problems = [
                InputError(
                    d.message,
                    file=d.location.file if d.location else None,
                    line=d.location.line if d.location else None,
                    field=d.component,
                )
                for d in result.input_errors
            ]
            unusable.append((path, InputError.combine(problems, "the design names things that do not exist")))
            continue
        results.append(result)
        if checked is not None:
            checked[path] = (loaded, result)
    return results, unusable


def _stepped(items: list[str], step: Callable[[str], None] | None) -> Iterator[str]:
    """``items``, calling ``step(item)`` once the loop is done with each (``continue`` included)."""
    for item in items:
        yield item
        if step is not None:
            step(item)


@click.command("check")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@env_option
@click.option("--pack", "only_packs", multiple=True, metavar="NAME", help="Run only these packs (repeatable).")
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS), help="Output format (repeatable).")
@click.option(
    "--output", "outputs", multiple=True, metavar="[FORMAT=]FILE", help="Write a format to a file (repeatable)."
)
@click.option("--policy-config", metavar="FILE", help=f"Policy config (default: {CONFIG_FILE} beside the design).")
@click.option("--waivers", "waivers_file", metavar="FILE", help=f"Waivers (default: {WAIVERS_FILE} beside the design).")
@click.option("--policies", "policy_dirs", multiple=True, metavar="DIR", help="Extra policy packs (repeatable).")
@catalogue_option
@click.option(
    "--preview/--no-preview",
    "with_preview",
    default=True,
    help="Preview each stack offline and judge its resources too (default); --no-preview judges the design only.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="Judge expiry dates as of DATE, e.g. 2026-12-31 (default: today).",
)
@click.option(
    "--baseline",
    "baseline_ref",
    metavar="REF",
    help="A git ref (the base branch, e.g. origin/main): the Markdown adds what changed against it.",
)
@click.option(
    "--changed",
    is_flag=True,
    help="PATH... are changed files (as a pre-commit hook passes them): check the stacks and designs they belong to.",
)
def check_command(
    paths: tuple[str, ...],
    env: str | None,
    only_packs: tuple[str, ...],
    formats: tuple[str, ...],
    outputs: tuple[str, ...],
    policy_config: str | None,
    waivers_file: str | None,
    policy_dirs: tuple[str, ...],
    catalogue_path: str | None,
    with_preview: bool,
    today: dt.datetime | None,
    baseline_ref: str | None,
    changed: bool,
) -> None:
    """Check the designs at PATH...: structural validation, capacity findings and the selected policy packs.

    PATH is a stack folder, a design file, or a folder of stacks (e.g. stacks: every stack in it).

    A stack folder is also previewed offline (its own Pulumi program under the SDK mocks, for --env or
    every environment) and the resource-level rules judge what it would register; --no-preview skips that.

    Packs, their enforcement per environment and their parameters come from policy.yaml beside each
    design; waivers from waivers.yaml. Exit 0: no mandatory finding stands; 1: one does; 2: unusable input.

    With --baseline REF each design is also checked as it was at the git ref REF, and the Markdown summary
    adds components added, removed and changed, findings introduced and fixed, and the change in GPUs, kW,
    tCO2e per year and cost per month.
    """
    stdout_formats, files = parse_outputs(formats, outputs)  # usage errors: exit 2 from click itself
    if changed:
        from aifab.hooks import changed_designs

        paths = tuple(changed_designs(paths))
        if not paths:
            err.print("no stack or design among the changed files; nothing to check", highlight=False)
            sys.exit(EXIT_OK)
    day = today.date() if today is not None else dt.date.today()
    _check(
        paths,
        env,
        only_packs,
        stdout_formats,
        files,
        policy_config,
        waivers_file,
        policy_dirs,
        day,
        catalogue_path,
        with_preview,
        baseline_ref,
    )


@handle_errors()
def _check(
    paths: tuple[str, ...],
    env: str | None,
    only_packs: tuple[str, ...],
    stdout_formats: list[str],
    files: dict[str, str],
    policy_config: str | None,
    waivers_file: str | None,
    policy_dirs: tuple[str, ...],
    day: dt.date,
    catalogue_path: str | None,
    with_preview: bool = True,
    baseline_ref: str | None = None,
) -> None:
    # Before any work, so a typo in --output costs nothing and writes nothing: each output resolved (through
    # symlinks), never a device, a FIFO or a hard-linked file, never an input, never two formats in one file.
    inputs = run_inputs(paths, policy_config, waivers_file, catalogue_path)
    check_outputs(files.values(), inputs)
    # An input that cannot be used is reported like a finding, in every output, so it reaches the pull
    # request; the stacks that can be used are still checked beside it.
    results: list[DesignCheck] = []
    unusable: list[tuple[str, InputError]] = []
    packs: PackSet | None = None
    checked: dict[str, tuple[LoadedDesign, DesignCheck]] = {}
    baselines: list[DesignDelta] = []
    try:
        packs = load_packs(builtin_policies_dir(), *(Path(d) for d in policy_dirs))
        what = "checking and previewing" if with_preview else "checking"
        with progress(what, total=len(expand_paths(paths))) as step:  # on a terminal only; nothing when piped
            given = (policy_config, waivers_file, day, catalogue_path, with_preview, checked)
            results, unusable = run_check(paths, env, packs, only_packs, *given, step=step)
        if baseline_ref is not None:
            settings = (only_packs, policy_config, waivers_file, day, catalogue_path, with_preview)
            baselines = [_against(baseline_ref, path, env, packs, new, settings) for path, new in checked.items()]
    except InputError as exc:  # the policy packs or --pack: nothing can be checked
        where = "--pack" if packs is not None else "--policies " + " ".join(policy_dirs) if policy_dirs else "policies"
        unusable.append((where, exc))
    report = CheckReport(
        designs=tuple(results),
        rules=packs.rules if packs is not None else {},
        today=day,
        help_base_uri=_help_base(),
        input_errors=tuple(p for path, error in unusable for p in InputProblem.from_error(path, error)),
        baselines=tuple(baselines),
    )
    rendered = {file: render(report, fmt) for fmt, file in files.items()}  # render all before writing any
    write_all(rendered, inputs)  # all or none
    for fmt in stdout_formats:  # the text report fits the terminal (or COLUMNS when piped); files are not wrapped
        click.echo(text_report(report, width=text_width()) if fmt == "text" else render(report, fmt), nl=False)
    for _, error in unusable:
        err.print(f"[bold red]error:[/] {escape(error.render())}", markup=True, highlight=False)
    if report.standing:
        err.print(f"{len(report.standing)} mandatory finding(s) stand", highlight=False)
    sys.exit(report.exit_code)


def _against(
    ref: str,
    path: str,
    env: str | None,
    packs: PackSet,
    new: tuple[LoadedDesign, DesignCheck],
    settings: tuple[tuple[str, ...], str | None, str | None, dt.date, str | None, bool],
) -> DesignDelta:
    """``path`` checked as it is and as it was at ``ref`` (same packs, environment, day and preview)."""
    only_packs, policy_config, waivers_file, day, catalogue_path, preview = settings
    loaded, check = new
    with BaselineTree() as tree:
        old_path = materialise(ref, Path(path), tree.path)
        old: tuple[LoadedDesign, DesignCheck] | None = None
        note = ""
        if old_path is None:
            note = f"not in {ref}: everything in it is new"
        else:
            found: dict[str, tuple[LoadedDesign, DesignCheck]] = {}
            _, unusable = run_check(
                (str(old_path),),
                env,
                packs,
                only_packs,
                policy_config,
                waivers_file,
                day,
                catalogue_path,
                preview,
                found,
            )
            old = next(iter(found.values()), None)
            if old is None:
                note = f"could not be checked as it was in {ref}: " + "; ".join(e.render() for _, e in unusable)
        return compare(
            ref,
            loaded.design,
            check,
            _estimate(loaded, env, catalogue_path),
            old[0].design if old else None,
            old[1] if old else None,
            _estimate(old[0], env, catalogue_path) if old else None,
            note,
        )


def _estimate(loaded: LoadedDesign, env: str | None, catalogue_path: str | None) -> DesignEstimate | None:
    from aifab.capacity import assess_design
    from aifab.design.environments import stack_view

    return assess_design(stack_view(loaded.design, env), catalogue(catalogue_path, loaded)).complete


__all__ = ["check_command", "expand_paths", "parse_outputs", "run_inputs"]
