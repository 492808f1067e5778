"""``aifab up PATH --env ENV`` and ``aifab destroy PATH --env ENV``: the real Pulumi engine (Automation API).

``up`` first judges the design for the environment as ``aifab check --env`` does and refuses (exit 1,
with the findings) before the pulumi CLI is even looked for when a mandatory finding stands. Then it
needs the ``pulumi`` CLI (PATH, else ~/.pulumi/bin): without one it exits 2 with a message that says so and
points to ``aifab preview`` (offline, no credentials). Without ``--yes`` it shows the engine's preview and
asks before changing anything; without ``--yes`` and without a terminal to ask on, it exits 2.

``destroy`` has no gate (a design that no longer passes must still be removable).

Exit codes: 0 done (or declined at the prompt), 1 refused for findings or the engine reported failure,
2 unusable input (no pulumi CLI, no such stack, a design that cannot be read, no ``--yes`` without a
terminal).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from rich.markup import escape

from aifab.errors import InputError

from ._common import EXIT_FINDINGS, EXIT_OK, err, handle_errors, out, path_argument

if TYPE_CHECKING:
    from aifab.deploy import EngineResult

env_required = click.option(
    "--env", "env", metavar="ENV", required=True, help="Environment, i.e. the Pulumi stack (Pulumi.<ENV>.yaml)."
)
yes_option = click.option("--yes", "-y", is_flag=True, help="Do not ask: change the resources without a prompt.")
backend_option = click.option(
    "--backend",
    "backend_url",
    metavar="URL",
    default=None,
    help="State backend, e.g. file://~/.pulumi-state or s3://bucket (default: the pulumi CLI's login).",
)


def _echo(line: str) -> None:
    out.print(line.rstrip("\n"), markup=False, highlight=False)


def print_result(result: EngineResult) -> None:
    """The change summary, the policy packs attached and (after ``up``) the outputs, secrets masked."""
    out.print(escape(result.summary()), highlight=False)
    if result.policy_packs:
        names = ", ".join(Path(p).name for p in result.policy_packs)
        out.print(escape(f"policy packs: {names}"), highlight=False)
    for name, value in sorted(result.outputs.items()):
        out.print(escape(f"  {name}: {value}"), highlight=False)


def _need_terminal(yes: bool, verb: str) -> None:
    if not yes and not sys.stdin.isatty():
        raise InputError(f"not a terminal to confirm on: pass --yes to {verb} without a prompt")


def fail(label: str, exc: Exception) -> NoReturn:
    err.print(f"[bold red]{label}:[/] {escape(str(exc))}", markup=True, highlight=False)
    sys.exit(EXIT_FINDINGS)


def _confirm(question: str) -> bool:
    try:
        return click.confirm(question, default=False)
    except click.exceptions.Abort:  # end of input or Ctrl-C at the prompt: a no
        return False


@click.command("up")
@path_argument
@env_required
@yes_option
@backend_option
@handle_errors()
def up_command(path: str, env: str, yes: bool, backend_url: str | None) -> None:
    """Deploy the stack at PATH for environment ENV under the real Pulumi engine, policy packs attached.

    Refuses (exit 1) before any resource when `aifab check PATH --env ENV` would fail. Needs the pulumi
    CLI; without it, exit 2 (`aifab preview` works offline instead).
    """
    from aifab import deploy

    stack_dir = Path(path)
    try:
        deploy.gate(stack_dir, env)  # before the CLI is looked for: a refused design costs nothing
    except deploy.DeploymentRefused as exc:
        fail("refused", exc)
    cli = deploy.require_cli("aifab up", stack_dir, env)
    _need_terminal(yes, "deploy")
    try:
        engine = deploy.engine_stack(stack_dir, env, backend_url, cli=cli)
        if not yes:
            print_result(deploy.preview_stack(engine, on_output=_echo))
            if not _confirm(f"Deploy these changes to stack {env!r}?"):
                err.print("nothing changed", highlight=False)
                sys.exit(EXIT_OK)
        result = deploy.up_stack(engine, on_output=_echo)
    except deploy.EngineFailed as exc:
        fail("error", exc)
    print_result(result)


@click.command("destroy")
@path_argument
@env_required
@yes_option
@backend_option
@handle_errors()
def destroy_command(path: str, env: str, yes: bool, backend_url: str | None) -> None:
    """Delete every resource of stack ENV of the project at PATH under the real Pulumi engine.

    Needs the pulumi CLI (exit 2 without it) and an existing stack on the backend.
    """
    from aifab import deploy

    stack_dir = Path(path)
    cli = deploy.require_cli("aifab destroy", stack_dir, env)
    _need_terminal(yes, "destroy")
    try:
        engine = deploy.engine_stack(stack_dir, env, backend_url, cli=cli, policy_packs=(), create=False)
        if not yes:
            print_result(deploy.destroy_stack(engine, preview_only=True, on_output=_echo))
            if not _confirm(f"Delete every resource of stack {env!r}?"):
                err.print("nothing changed", highlight=False)
                sys.exit(EXIT_OK)
        result = deploy.destroy_stack(engine, on_output=_echo)
    except deploy.EngineFailed as exc:
        fail("error", exc)
    print_result(result)


__all__ = ["destroy_command", "print_result", "up_command"]
