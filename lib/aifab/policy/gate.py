"""One design judged the way ``aifab check`` judges it: its stack's policy config, waivers and packs.

The CLI and every stack program share this, so ``pulumi up`` refuses exactly what ``aifab check``
would fail: a stack program calls :func:`check_stack` and registers nothing when a mandatory finding
stands (see :mod:`aifab.program`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from aifab.catalogue import Catalogue
from aifab.design.environments import PURPOSES, EnvironmentModel
from aifab.design.loader import LoadedDesign, environment_files
from aifab.errors import InputError

from .config import CONFIG_FILE, PolicyConfig, load_policy_config
from .engine import DesignCheck, check_design
from .packs import PackSet
from .rule import ResourceSubject
from .waivers import WAIVERS_FILE, load_waivers


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
    waivers = load_waivers(_beside(folder, WAIVERS_FILE, waivers_file), packs)
    return check_design(
        loaded,
        packs,
        config=config,
        waivers=waivers,
        catalogue=catalogue,
        today=today,
        only_packs=only_packs,
        resources=resources,
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


__all__ = ["check_stack"]
