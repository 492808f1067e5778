"""The real Pulumi engine, driven through the Automation API: engine preview, ``up`` and ``destroy``.

Everything here needs the ``pulumi`` CLI (the Automation API shells out to it). Without one,
:func:`require_cli` raises :class:`PulumiCLIMissing`, whose message says so, how to install it, and that
``aifab preview`` (offline, under the SDK's mocks, no credentials) is the alternative. Nothing pretends.

Order of work for :func:`up` and :func:`preview`:

1. **The gate.** The design is judged for the Pulumi stack's environment exactly as ``aifab check --env``
   and the stack program judge it (:func:`aifab.policy.gate.check_stack`, with the stack's policy.yaml,
   waivers.yaml and catalogue). A mandatory finding raises :class:`DeploymentRefused` with the findings,
   before the CLI is even looked for and before any resource; the stack program would refuse again by
   itself (:func:`aifab.program.run_stack`), so a deploy started any other way is refused too.
2. **The CLI.** :func:`find_cli` looks on ``PATH``, then in ``~/.pulumi`` (where the installer puts it).
3. **The engine.** :func:`engine_stack` opens a :class:`~pulumi.automation.LocalWorkspace` over the stack
   folder (its Pulumi.yaml and Pulumi.<env>.yaml), selects or creates stack ``env`` on the configured
   backend (or ``backend_url``), and attaches the policy packs the stack's policy.yaml selects
   (``policies/<pack>``) as ``--policy-pack`` arguments.

:func:`destroy` has no gate: a stack whose design no longer passes must still be removable, and
``pulumi destroy`` does not run the program.

Results are :class:`EngineResult`: the change summary by operation and the stack outputs, with every
secret output replaced by ``[secret]``.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from aifab.errors import AifabError, InputError

if TYPE_CHECKING:
    from pulumi import automation as auto

    from aifab.report.model import CheckReport

SECRET_MASK = "[secret]"
INSTALL_URL = "https://www.pulumi.com/docs/install/"
INSTALL_HINT = (
    f"install it from {INSTALL_URL} (e.g. `curl -fsSL https://get.pulumi.com | sh`, which puts it in ~/.pulumi/bin)"
)

Operation = Literal["preview", "up", "destroy"]
OnOutput = Callable[[str], Any]


class PulumiCLIMissing(InputError):
    """No usable ``pulumi`` CLI: absent, too old, or broken. Exit 2 in the CLI, like any unusable input."""

    def __init__(
        self,
        problems: Sequence[str] = (),
        *,
        command: str = "aifab up",
        stack_dir: Path | str | None = None,
        env: str | None = None,
    ) -> None:
        self.tried = tuple(problems)
        found = "; ".join(self.tried)
        head = (
            f"the pulumi CLI is not usable ({found})"
            if self.tried
            else "the pulumi CLI is not installed (looked on PATH and in ~/.pulumi/bin)"
        )
        super().__init__(
            f"{head}. `{command}` drives the real Pulumi engine, which needs it: "
            f"{INSTALL_HINT.replace('install it', 'install a current one') if self.tried else INSTALL_HINT}. "
            f"Without it, `aifab preview {stack_dir or 'PATH'} --env {env or 'ENV'}` previews the stack offline, "
            "with no CLI and no credentials."
        )


class DeploymentRefused(AifabError):
    """A mandatory finding stands for this stack's environment: nothing was sent to the engine."""

    def __init__(self, message: str, report: CheckReport) -> None:
        super().__init__(message)
        self.message = message
        self.report = report


class EngineFailed(AifabError):
    """The Pulumi engine ran and reported failure (the program refused, a provider failed, a backend error)."""

    def __init__(self, operation: str, message: str) -> None:
        super().__init__(f"pulumi {operation} failed: {message}")
        self.operation = operation
        self.message = message


@dataclass(frozen=True)
class EngineResult:
    """What the engine reported: changes by operation (``create``, ``update``, ``same``...) and outputs."""

    operation: Operation
    stack: str
    changes: Mapping[str, int]
    outputs: Mapping[str, Any] = field(default_factory=dict)
    """Stack outputs after ``up``, each secret one replaced by ``[secret]`` (empty for preview and destroy)."""
    result: str | None = None
    """The update's result as the backend recorded it (``succeeded``...); ``None`` for a preview."""
    policy_packs: tuple[str, ...] = ()
    """The policy pack folders attached to the run."""

    def summary(self) -> str:
        """One line a person reads: ``stack dev: 12 to create, 3 unchanged`` (``created`` after ``up``)."""
        done = self.operation != "preview"
        words = {
            "create": "created" if done else "to create",
            "update": "updated" if done else "to update",
            "replace": "replaced" if done else "to replace",
            "delete": "deleted" if done else "to delete",
            "same": "unchanged",
        }
        parts = [f"{count} {words.get(op, op)}" for op, count in sorted(self.changes.items()) if count]
        return f"stack {self.stack}: {', '.join(parts) or 'no changes'}"


@dataclass(frozen=True)
class EngineStack:
    """A Pulumi stack opened through the Automation API, with the policy packs to attach to every run."""

    stack: auto.Stack
    policy_packs: tuple[str, ...]


# -- the CLI ---------------------------------------------------------------------------------------------


def _candidates() -> list[str | None]:
    return [None, str(Path("~/.pulumi").expanduser())]


def _locate_cli() -> tuple[auto.PulumiCommand | None, list[str]]:
    from pulumi import automation as auto

    problems: list[str] = []
    for root in _candidates():
        where = "pulumi on PATH" if root is None else f"{root}/bin/pulumi"
        try:
            return auto.PulumiCommand(root=root), problems
        except FileNotFoundError:
            continue  # not there: not a problem worth reporting unless nothing is found
        except auto.errors.InvalidVersionError as exc:
            problems.append(f"{where}: {exc}")
        except subprocess.CalledProcessError as exc:
            problems.append(f"{where}: `pulumi version` exited {exc.returncode}")
        except OSError as exc:  # e.g. not executable
            problems.append(f"{where}: {exc.strerror or exc}")
    return None, problems


def find_cli() -> auto.PulumiCommand | None:
    """A usable ``pulumi`` CLI: on ``PATH``, else in ``~/.pulumi``; ``None`` when there is none (or too old)."""
    return _locate_cli()[0]


def require_cli(
    command: str = "aifab up", stack_dir: Path | str | None = None, env: str | None = None
) -> auto.PulumiCommand:
    """:func:`find_cli`, or :class:`PulumiCLIMissing` saying what was found and what to do instead.

    ``command``, ``stack_dir`` and ``env`` only shape the message (what needed the CLI, what to run instead).
    """
    cli, problems = _locate_cli()
    if cli is None:
        raise PulumiCLIMissing(problems, command=command, stack_dir=stack_dir, env=env)
    return cli


# -- the gate --------------------------------------------------------------------------------------------


def gate_day() -> dt.date:
    """The day findings are judged as of: ``AIFAB_TODAY`` as the stack program reads it, else today."""
    value = os.environ.get("AIFAB_TODAY")
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"AIFAB_TODAY must be a date such as 2026-12-31 (got {value!r})") from None


def gate(stack_dir: Path, env: str, *, today: dt.date | None = None) -> CheckReport:
    """Judge the stack for ``env`` as ``aifab check --env`` does, its offline preview included (so a
    resource-level violation refuses too); raise :class:`DeploymentRefused` if a mandatory finding stands.

    Raises :class:`InputError` for a design, policy config or waivers file that cannot be used.
    """
    from aifab.catalogue import load_catalogue
    from aifab.design.loader import load_design
    from aifab.policy.gate import check_stack
    from aifab.policy.packs import builtin_policies_dir, load_packs
    from aifab.preview.resources import stack_resources
    from aifab.report.model import CheckReport, sort_key

    day = today or gate_day()
    loaded = load_design(stack_dir, env=env)
    packs = load_packs(builtin_policies_dir())
    resources = stack_resources(loaded, env, day)  # the resource-level rules judge what would be registered
    check = check_stack(loaded, packs, catalogue=load_catalogue(loaded.catalogue_file), today=day, resources=resources)
    if check.input_errors:
        raise InputError.combine(
            [
                InputError(
                    d.message,
                    file=d.location.file if d.location else None,
                    line=d.location.line if d.location else None,
                    field=d.component,
                )
                for d in check.input_errors
            ],
            "the design names things that do not exist",
        )
    report = CheckReport(designs=(check,), rules=packs.rules, today=day)
    if report.exit_code:
        standing = "\n".join(
            f"  {f.rule_id} [{f.severity}] {f.component or 'design'}: {f.message}"
            for f in sorted(report.standing, key=sort_key)
        )
        raise DeploymentRefused(
            f"aifab check fails for stack {env!r}: {len(report.standing)} mandatory finding(s) stand; "
            f"nothing was sent to the Pulumi engine.\n{standing}\n"
            f"See `aifab check {stack_dir} --env {env}` for the full report.",
            report,
        )
    return report


def selected_policy_packs(stack_dir: Path, env: str) -> tuple[str, ...]:
    """The pack folders (``policies/<pack>``) that the stack's policy.yaml selects for its design."""
    from aifab.design.loader import load_design
    from aifab.policy.config import CONFIG_FILE, load_policy_config
    from aifab.policy.packs import builtin_policies_dir, load_packs

    loaded = load_design(stack_dir, env=env)
    packs = load_packs(builtin_policies_dir())
    config_file = stack_dir / CONFIG_FILE
    config = load_policy_config(config_file if config_file.is_file() else None, packs)
    return tuple(str(pack.path) for pack in config.selected_packs(packs, loaded.design))


# -- the engine ------------------------------------------------------------------------------------------


def engine_stack(
    stack_dir: Path,
    env: str,
    backend_url: str | None = None,
    *,
    cli: auto.PulumiCommand | None = None,
    policy_packs: Sequence[str] | None = None,
    env_vars: Mapping[str, str] | None = None,
    create: bool = True,
) -> EngineStack:
    """Open Pulumi stack ``env`` of the project in ``stack_dir`` (created when missing, unless ``create``).

    ``backend_url`` (``file://...``, ``s3://...``, ``https://api.pulumi.com``) is passed as
    ``PULUMI_BACKEND_URL``; without it the CLI's own login decides. ``policy_packs`` defaults to the packs
    the stack's policy.yaml selects. Raises :class:`PulumiCLIMissing` without a CLI.
    """
    from pulumi import automation as auto

    stack_dir = Path(stack_dir).resolve()
    if not (stack_dir / "Pulumi.yaml").is_file():
        raise InputError("not a Pulumi project folder (no Pulumi.yaml)", file=str(stack_dir))
    command = cli or require_cli()
    packs = tuple(policy_packs) if policy_packs is not None else selected_policy_packs(stack_dir, env)
    variables = dict(env_vars or {})
    if backend_url:
        variables["PULUMI_BACKEND_URL"] = backend_url
    options = auto.LocalWorkspaceOptions(work_dir=str(stack_dir), env_vars=variables, pulumi_command=command)
    try:
        if create:
            stack = auto.create_or_select_stack(stack_name=env, work_dir=str(stack_dir), opts=options)
        else:
            stack = auto.select_stack(stack_name=env, work_dir=str(stack_dir), opts=options)
    except auto.errors.StackNotFoundError:
        raise InputError(f"no Pulumi stack {env!r} on this backend: nothing to destroy", file=str(stack_dir)) from None
    except auto.errors.CommandError as exc:
        raise EngineFailed("stack select", _tail(exc)) from None
    return EngineStack(stack=stack, policy_packs=packs)


def preview_stack(engine: EngineStack, *, on_output: OnOutput | None = None) -> EngineResult:
    """``pulumi preview --policy-pack ...`` on an opened stack (no gate: see :func:`preview`)."""
    from pulumi import automation as auto

    try:
        result = engine.stack.preview(policy_packs=list(engine.policy_packs) or None, on_output=on_output)
    except auto.errors.CommandError as exc:
        raise EngineFailed("preview", _tail(exc)) from None
    return EngineResult(
        operation="preview",
        stack=engine.stack.name,
        changes=_changes(result.change_summary),
        policy_packs=engine.policy_packs,
    )


def up_stack(engine: EngineStack, *, on_output: OnOutput | None = None) -> EngineResult:
    """``pulumi up --yes --policy-pack ...`` on an opened stack (no gate: see :func:`up`)."""
    from pulumi import automation as auto

    try:
        result = engine.stack.up(
            policy_packs=list(engine.policy_packs) or None, on_output=on_output, show_secrets=False
        )
    except auto.errors.CommandError as exc:
        raise EngineFailed("up", _tail(exc)) from None
    return EngineResult(
        operation="up",
        stack=engine.stack.name,
        changes=_changes(result.summary.resource_changes or {}),
        outputs=masked_outputs(result.outputs),
        result=result.summary.result,
        policy_packs=engine.policy_packs,
    )


def destroy_stack(
    engine: EngineStack, *, preview_only: bool = False, on_output: OnOutput | None = None
) -> EngineResult:
    """``pulumi destroy --yes`` on an opened stack (``--preview-only`` with ``preview_only``)."""
    from pulumi import automation as auto

    try:
        result = engine.stack.destroy(on_output=on_output, show_secrets=False, preview_only=preview_only or None)
    except auto.errors.CommandError as exc:
        raise EngineFailed("destroy", _tail(exc)) from None
    return EngineResult(
        operation="preview" if preview_only else "destroy",
        stack=engine.stack.name,
        changes=_changes(result.summary.resource_changes or {}),
        result=None if preview_only else result.summary.result,
    )


def preview(
    stack_dir: Path,
    env: str,
    backend_url: str | None = None,
    *,
    on_output: OnOutput | None = None,
    command: str = "aifab preview --engine",
) -> EngineResult:
    """Gate, then ``pulumi preview`` under the real engine with the stack's policy packs attached."""
    gate(Path(stack_dir), env)
    cli = require_cli(command, stack_dir, env)
    return preview_stack(engine_stack(Path(stack_dir), env, backend_url, cli=cli), on_output=on_output)


engine_preview = preview
"""What ``aifab preview --engine`` runs: the gate, then the real engine's preview."""


def up(
    stack_dir: Path,
    env: str,
    backend_url: str | None = None,
    *,
    on_output: OnOutput | None = None,
) -> EngineResult:
    """Gate (refuse before any resource), then ``pulumi up`` with the stack's policy packs attached."""
    gate(Path(stack_dir), env)
    cli = require_cli("aifab up", stack_dir, env)
    return up_stack(engine_stack(Path(stack_dir), env, backend_url, cli=cli), on_output=on_output)


def destroy(
    stack_dir: Path,
    env: str,
    backend_url: str | None = None,
    *,
    on_output: OnOutput | None = None,
) -> EngineResult:
    """``pulumi destroy`` of an existing stack (no gate: a failing design must still be removable)."""
    cli = require_cli("aifab destroy", stack_dir, env)
    engine = engine_stack(Path(stack_dir), env, backend_url, cli=cli, policy_packs=(), create=False)
    return destroy_stack(engine, on_output=on_output)


# -- helpers ---------------------------------------------------------------------------------------------


def masked_outputs(outputs: Mapping[str, Any]) -> dict[str, Any]:
    """Stack outputs as plain values, every secret one (``OutputValue.secret``) replaced by ``[secret]``."""
    plain: dict[str, Any] = {}
    for name, output in outputs.items():
        secret = bool(getattr(output, "secret", False))
        plain[name] = SECRET_MASK if secret else getattr(output, "value", output)
    return plain


def _changes(summary: Mapping[Any, int]) -> dict[str, int]:
    return {str(getattr(op, "value", op)): int(count) for op, count in summary.items()}


def _tail(exc: Exception, lines: int = 40) -> str:
    """The engine's own words: the end of its stderr (else stdout), not the Python wrapper's framing.

    A :class:`~pulumi.automation.errors.CommandError` carries only ``str(CommandResult)``:
    ``"\n code: N\n stdout: ...\n stderr: ..."``.
    """
    text = str(exc)
    before, sep, stderr = text.partition("\n stderr: ")
    stdout = before.partition("\n stdout: ")[2] if sep else ""
    chosen = (stderr.strip() or stdout.strip()) if sep else text.strip()
    return "\n".join(chosen.splitlines()[-lines:])


__all__ = [
    "SECRET_MASK",
    "DeploymentRefused",
    "EngineFailed",
    "EngineResult",
    "EngineStack",
    "PulumiCLIMissing",
    "destroy",
    "destroy_stack",
    "engine_preview",
    "engine_stack",
    "find_cli",
    "gate",
    "masked_outputs",
    "preview",
    "preview_stack",
    "require_cli",
    "selected_policy_packs",
    "up",
    "up_stack",
]
