"""``aifab preview PATH``: every resource a stack would register, offline, with no credentials.

Runs the stack's own Pulumi program under the Pulumi SDK's mock monitor for each environment (or the one
``--env`` names) and prints the summary a reviewer reads. ``--out DIR`` also writes, per environment,
``plan.json`` (deterministic, secrets masked), ``graph.json`` (networkx node-link) and ``summary.txt``
(into ``DIR/<env>/`` when several environments are previewed). ``--baseline OLD_PLAN`` shows what changes
against an approved plan. Exit 0: planned; 1: the program refused for an environment (a mandatory finding
stands, as ``aifab check --env`` would say); 2: unusable input.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from aifab.errors import InputError
from aifab.report import check_writable, write_all

if TYPE_CHECKING:
    from aifab.preview.stack import StackPreview

from ._common import EXIT_FINDINGS, EXIT_OK, env_option, err, handle_errors, progress
from .up import _echo, backend_option, fail, print_result


@click.command("preview")
@click.argument("path", metavar="PATH")
@env_option
@click.option("--out", "out_dir", metavar="DIR", help="Write plan.json, graph.json and summary.txt here.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Standard output.")
@click.option("--baseline", metavar="OLD_PLAN", help="An approved plan.json to diff against (needs --env).")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="Judge expiry dates as of DATE (default: today).",
)
@click.option("--engine", is_flag=True, help="Preview under the real Pulumi engine instead (needs the pulumi CLI).")
@backend_option
def preview_command(
    path: str,
    env: str | None,
    out_dir: str | None,
    fmt: str,
    baseline: str | None,
    today: dt.datetime | None,
    engine: bool,
    backend_url: str | None,
) -> None:
    """Preview the stack at PATH offline: every planned resource, its settings and what it waits for.

    No cloud credentials and no network: the stack's own program runs under the Pulumi SDK's mocks.
    With --engine, the real engine previews it instead (the pulumi CLI, the stack's backend and
    credentials, the policy packs attached).
    """
    if engine:
        _engine_preview(path, env, backend_url)
        return
    _preview(path, env, out_dir, fmt, baseline, today.date() if today is not None else None)


@handle_errors()
def _engine_preview(path: str, env: str | None, backend_url: str | None) -> None:
    from aifab import deploy

    if env is None:
        raise InputError("the real engine previews one Pulumi stack: give --env", field="--env")
    try:
        result = deploy.engine_preview(Path(path), env, backend_url, on_output=_echo)
    except (deploy.DeploymentRefused, deploy.EngineFailed) as exc:
        fail("refused" if isinstance(exc, deploy.DeploymentRefused) else "error", exc)
    print_result(result)


@handle_errors()
def _preview(
    path: str, env: str | None, out_dir: str | None, fmt: str, baseline: str | None, today: dt.date | None
) -> None:
    # the Pulumi SDKs load only when a preview runs, so every other command starts fast
    from aifab.preview.plan import Plan
    from aifab.preview.stack import environments, is_stack, plan_graph, preview_stack
    from aifab.preview.summary import summarise

    stack_dir = Path(path)
    if not is_stack(stack_dir):
        raise InputError("not a stack folder: preview needs a Pulumi project (a folder with Pulumi.yaml)", file=path)
    envs = [env] if env is not None else environments(stack_dir)
    if baseline is not None and len(envs) != 1:
        raise InputError("a baseline is one environment's plan: give --env", field="--baseline")
    old = Plan.load(baseline) if baseline is not None else None  # a bad baseline fails before any work
    targets = _targets(out_dir, envs)
    results = []
    with progress(f"previewing {stack_dir.name}", total=len(envs)) as step:  # on a terminal only
        for e in envs:
            results.append(preview_stack(stack_dir, e, today=today))
            step(e)
    files: dict[Path, str] = {}
    for result in results:
        if result.plan is not None and result.env in targets:
            folder = targets[result.env]
            files[folder / "plan.json"] = result.plan.to_json()
            files[folder / "graph.json"] = json.dumps(plan_graph(result.plan), indent=2, sort_keys=True) + "\n"
            files[folder / "summary.txt"] = summarise(result.plan)
    diff_text = None
    if old is not None and results[0].plan is not None:
        from aifab.preview.diff import diff_plans, render_text, to_json

        diff = diff_plans(old, results[0].plan)
        diff_text = render_text(diff)
        if results[0].env in targets:
            files[targets[results[0].env] / "diff.json"] = json.dumps(to_json(diff), indent=2, sort_keys=True) + "\n"
    write_all(files, inputs=[baseline] if baseline is not None else [])  # everything rendered first; all or none
    _print(results, fmt, diff_text)
    refused = [r for r in results if r.plan is None]
    for r in refused:
        err.print(f"stack {r.env}: the program registers nothing", highlight=False)
    sys.exit(EXIT_FINDINGS if refused else EXIT_OK)


def _targets(out_dir: str | None, envs: list[str]) -> dict[str, Path]:
    if out_dir is None:
        return {}
    root = Path(out_dir)
    targets = {e: root if len(envs) == 1 else root / e for e in envs}
    for folder in targets.values():
        for name in ("plan.json", "graph.json", "summary.txt", "diff.json"):
            check_writable(folder / name)  # before any work
    return targets


def _print(results: list[StackPreview], fmt: str, diff_text: str | None) -> None:
    from aifab.preview.summary import summarise

    if fmt == "json":
        payload = [
            {"env": r.env, "refused": r.refused, "plan": r.plan.model_dump(mode="json") if r.plan else None}
            for r in results
        ]
        click.echo(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2, sort_keys=True))
        return
    for r in results:
        if r.plan is not None:
            click.echo(summarise(r.plan), nl=False)
        else:
            click.echo(f"# stack {r.env}: refused, nothing would be registered\n{r.refused}")
    if diff_text is not None:
        click.echo(diff_text, nl=False)


__all__ = ["preview_command"]
