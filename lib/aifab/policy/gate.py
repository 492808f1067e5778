"""One design judged the way ``aifab check`` judges it: its stack's policy config, waivers and packs.

The CLI and every stack program share this, so ``pulumi up`` refuses exactly what ``aifab check``
would fail: a stack program calls :func:`check_stack` and registers nothing when a mandatory finding
stands (see :mod:`aifab.program`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from aifab.catalogue import Catalogue
from aifab.design.environments import PURPOSES, EnvironmentModel
from aifab.design.loader import LoadedDesign, environment_files
from aifab.errors import InputError, Location

from .config import CONFIG_FILE, GovernanceException, PolicyConfig, load_policy_config
from .engine import DesignCheck, check_design
from .findings import AppliedWaiver, Finding
from .packs import PackSet
from .rule import ResourceSubject
from .waivers import WAIVERS_FILE, load_waivers

GOVERNANCE = "governance"
"""The pack name of governance exceptions in reports (``governance:rule-disabled`` and the like)."""


def check_stack(
    loaded: LoadedDesign,
    packs: PackSet,
    *,
    catalogue: Catalogue,
    today: dt.date,
    policy_config: str | None = None,
    waivers_file: str | None = None,
    only_packs: tuple[str, ...] = (),
    resources: Sequence[ResourceSubject] | None = None,
) -> DesignCheck:
    """Check ``loaded`` with the ``policy.yaml`` and ``waivers.yaml`` beside it (or the files given).

    ``resources`` are what the stack's offline preview would register (the resource-level rules judge them;
    without them those rules report "not evaluated"). Raises :class:`InputError` for a policy config or
    waivers file that cannot be used.
    """
    folder = loaded.stack_dir or loaded.file.parent
    config = load_policy_config(_beside(folder, CONFIG_FILE, policy_config), packs)
    _check_environment_names(config, loaded)
    model = EnvironmentModel.of(loaded.design)
    exceptions = [e for e in config.exceptions(packs, model, loaded.env) if not (only_packs and e.kind == "no-packs")]
    _check_exceptions(exceptions, config, today)
    waivers = load_waivers(_beside(folder, WAIVERS_FILE, waivers_file), packs, today, config.max_waiver_days)
    result = check_design(
        loaded,
        packs,
        config=config.as_of(today, packs, model, loaded.env),
        waivers=waivers,
        catalogue=catalogue,
        today=today,
        only_packs=only_packs,
        resources=resources,
    )
    found = tuple(exception_finding(e, loaded.design.name, today) for e in exceptions)
    return replace(result, findings=(*result.findings, *found))


def _check_exceptions(exceptions: list[GovernanceException], config: PolicyConfig, today: dt.date) -> None:
    """Governance off in production needs a full record, expiring within the horizon, like a waiver."""
    problems: list[InputError] = []
    latest = today + dt.timedelta(days=config.max_waiver_days)
    for e in exceptions:
        field = (
            "no_packs" if e.kind == "no-packs" else f"{'packs' if e.kind == 'pack-disabled' else 'rules'}.{e.subject}"
        )
        if not e.record.recorded:
            problems.append(
                InputError(
                    f"{e.what}: that needs the record a waiver has (reason, owner, expires), so it shows in "
                    "every report",
                    file=e.file,
                    line=e.line,
                    field=field,
                )
            )
        elif e.record.expires is not None and e.record.expires > latest:
            problems.append(
                InputError(
                    f"{e.what} until {e.record.expires.isoformat()}, more than {config.max_waiver_days} days after "
                    f"{today.isoformat()}; renew it when it is due",
                    file=e.file,
                    line=e.line,
                    field=f"{field}.expires",
                )
            )
    if problems:
        raise InputError.combine(problems, "the policy config switches governance off without a record")


def exception_finding(e: GovernanceException, design: str, today: dt.date) -> Finding:
    """A governance exception as a finding every report shows: waived while its record holds, else failing."""
    record = e.record
    expired = e.expired(today)
    why = f"the exception expired on {record.expires}; the {e.kind.split('-')[0]} runs again" if expired else None
    applied = AppliedWaiver(
        rule=f"governance:{e.kind}",
        target=e.subject,
        reason=record.reason or "",
        owner=record.owner or "",
        expires=record.expires or today,
        file=e.file,
        line=e.line,
        active=not expired,
        why_inactive=why,
    )
    return Finding(
        design=design,
        rule_id=f"governance:{e.kind}",
        title=f"governance exception: {e.what}",
        severity="high",
        pack=GOVERNANCE,
        enforcement="advisory" if expired else "mandatory",
        status="fail" if expired else "waived",
        component=None,
        kind=None,
        message=e.what,
        location=Location(file=e.file, line=e.line),
        waiver=applied,
        notes=(why,) if why else (),
    )


def _check_environment_names(config: PolicyConfig, loaded: LoadedDesign) -> None:
    """An enforcement setting for an environment the stack does not have is a typo that would do nothing."""
    model = EnvironmentModel.of(loaded.design)
    folder = loaded.stack_dir or loaded.file.parent
    known = set(model.environments) if model.has_environments else set(environment_files(folder))
    problems = [
        InputError(
            f"no environment {key!r} in this stack; known: {', '.join(sorted(known)) or 'none'} "
            f"(or a purpose: {', '.join(PURPOSES)}; or non-production, default)",
            file=config.file,
            field=f"{where}.{key}",
        )
        for where, key in config.environment_keys()
        if key not in known
    ]
    if problems:
        raise InputError.combine(problems, "the policy config names environments this stack does not have")


def _beside(folder: Path, name: str, explicit: str | None) -> Path | None:
    if explicit is not None:
        return Path(explicit)
    candidate = folder / name
    if candidate.exists() and not candidate.is_file():
        raise InputError(
            f"expected a file, found {'a folder' if candidate.is_dir() else 'something else'}", file=str(candidate)
        )
    return candidate if candidate.exists() else None


__all__ = ["GOVERNANCE", "check_stack", "exception_finding"]
