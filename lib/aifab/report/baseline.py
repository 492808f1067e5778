"""What a pull request changes against its base branch: components, findings, and the capacity deltas.

``aifab check PATH --format markdown --baseline REF`` checks each design twice, as it is and as it was at
the git ref ``REF`` (the base branch), and the Markdown summary adds what a reviewer acts on: components
added, removed and changed; findings introduced and fixed; the change in GPUs, facility kW, tCO2e per year
and cost per month.

>>> old = Path(materialise("origin/main", "stacks/uk-sovereign-training"))   # doctest: +SKIP
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from aifab.capacity.results import DesignEstimate
from aifab.design.design import Design
from aifab.errors import InputError
from aifab.policy.engine import DesignCheck

HOURS_PER_MONTH = 730.0
"""The average month (8,760 h / 12) that cloud price sheets use."""


@dataclass(frozen=True)
class Delta:
    """One quantity before and after."""

    old: float | None
    new: float | None

    @property
    def change(self) -> float | None:
        return None if self.old is None or self.new is None else self.new - self.old


@dataclass(frozen=True)
class FindingKey:
    rule_id: str
    component: str | None
    environment: str | None
    message: str


@dataclass(frozen=True)
class DesignDelta:
    """One design against its base-branch version."""

    design: str
    ref: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    introduced: tuple[FindingKey, ...]
    fixed: tuple[FindingKey, ...]
    gpus: Delta
    facility_kw: Delta
    co2e_t_per_year: Delta
    cost_usd_per_month: Delta
    note: str = ""
    """Why the comparison is partial (the design did not exist at the ref, or could not be loaded there)."""

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.introduced or self.fixed)


def _failing(check: DesignCheck | None) -> dict[tuple[str, str | None, str | None], FindingKey]:
    if check is None:
        return {}
    found = {}
    for f in check.findings:
        if f.status in ("fail", "error"):
            key = FindingKey(f.rule_id, f.component, f.environment, f.message)
            found[(f.rule_id, f.component, f.environment)] = key
    return found


def _estimate_deltas(old: DesignEstimate | None, new: DesignEstimate | None) -> tuple[Delta, Delta, Delta, Delta]:
    def get(e: DesignEstimate | None, attr: str) -> float | None:
        return None if e is None else float(getattr(e, attr))

    def month(e: DesignEstimate | None) -> float | None:
        return None if e is None else e.cost_per_hour_usd * HOURS_PER_MONTH

    return (
        Delta(get(old, "gpus"), get(new, "gpus")),
        Delta(get(old, "facility_power_kw"), get(new, "facility_power_kw")),
        Delta(get(old, "annual_co2e_t"), get(new, "annual_co2e_t")),
        Delta(month(old), month(new)),
    )


def compare(
    ref: str,
    new_design: Design,
    new_check: DesignCheck,
    new_estimate: DesignEstimate | None,
    old_design: Design | None,
    old_check: DesignCheck | None,
    old_estimate: DesignEstimate | None,
    note: str = "",
) -> DesignDelta:
    """The delta of one design against its version at ``ref`` (``old_*`` None: it did not exist there)."""
    old_components = {c.id: c for c in old_design.components} if old_design is not None else {}
    new_components = {c.id: c for c in new_design.components}
    changed = sorted(
        i
        for i in new_components.keys() & old_components.keys()
        if new_components[i].model_dump(mode="json") != old_components[i].model_dump(mode="json")
    )
    before, after = _failing(old_check), _failing(new_check)
    gpus, kw, co2e, cost = _estimate_deltas(old_estimate, new_estimate)
    return DesignDelta(
        design=new_design.name,
        ref=ref,
        added=tuple(sorted(new_components.keys() - old_components.keys())),
        removed=tuple(sorted(old_components.keys() - new_components.keys())),
        changed=tuple(changed),
        introduced=tuple(after[k] for k in sorted(after.keys() - before.keys(), key=str)),
        fixed=tuple(before[k] for k in sorted(before.keys() - after.keys(), key=str)),
        gpus=gpus,
        facility_kw=kw,
        co2e_t_per_year=co2e,
        cost_usd_per_month=cost,
        note=note,
    )


def repository_root(path: Path) -> Path:
    """The git work tree ``path`` is in; an :class:`InputError` when it is in none."""
    try:
        out = subprocess.run(
            ["git", "-C", str(path if path.is_dir() else path.parent), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        raise InputError(
            "--baseline compares with a git ref, but this is not in a git repository", file=str(path)
        ) from None
    return Path(out.stdout.strip())


def materialise(ref: str, path: Path, into: Path) -> Path | None:
    """Extract ``path`` (a stack folder or design file) as it was at git ``ref`` under ``into``; None when it
    did not exist there. An unknown ref is an :class:`InputError`."""
    root = repository_root(path)
    relative = path.resolve().relative_to(root)
    verify = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], capture_output=True
    )
    if verify.returncode != 0:
        raise InputError(f"no such git ref {ref!r} in {root.name}", field="--baseline")
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", ref, "--", relative.as_posix()], capture_output=True
    )
    if archive.returncode != 0:
        return None  # the path did not exist at the ref: everything in it is new
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into / relative


class BaselineTree:
    """A temporary folder holding base-ref copies of designs, removed on exit."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="aifab-baseline-"))

    def __enter__(self) -> BaselineTree:
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


__all__ = ["BaselineTree", "Delta", "DesignDelta", "FindingKey", "compare", "materialise", "repository_root"]
