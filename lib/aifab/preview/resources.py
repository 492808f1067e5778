"""What a stack would register, as subjects of the resource-level rules, for ``aifab check`` and ``aifab up``.

Light on purpose: the Pulumi SDKs load only when a stack is actually previewed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from pathlib import Path

from aifab.design.loader import LoadedDesign
from aifab.policy.rule import ResourceSubject


def stack_resources(loaded: LoadedDesign, env: str | None, today: dt.date) -> list[ResourceSubject] | None:
    """What the stack would register (offline preview) for ``env`` or every environment, as rule subjects;
    None when the design is not a stack (the resource rules then report "not evaluated")."""
    stack_dir = loaded.stack_dir
    if stack_dir is None or not (stack_dir / "Pulumi.yaml").is_file():
        return None
    from aifab.preview.stack import environments

    envs = [env] if env is not None else environments(stack_dir)
    found: list[ResourceSubject] = []
    planned = False
    for e in envs:
        subjects = _preview(stack_dir.resolve(), e, today, _fingerprint(stack_dir))
        if subjects is not None:
            planned = True
            found.extend(subjects)
    return found if planned else None


@functools.lru_cache(maxsize=32)
def _preview(stack_dir: Path, env: str, today: dt.date, fingerprint: str) -> tuple[ResourceSubject, ...] | None:
    from aifab.preview.plan import subjects
    from aifab.preview.stack import preview_stack

    result = preview_stack(stack_dir, env, today=today, gate=False)  # check has judged the design itself
    return tuple(subjects(result.plan)) if result.plan is not None else None


def _fingerprint(folder: Path) -> str:
    """The stack's files, so a cached preview is reused only while nothing in the folder changed."""
    digest = hashlib.sha256()
    for file in sorted(folder.rglob("*")):
        if file.is_file() and "__pycache__" not in file.parts and file.suffix in (".py", ".yaml", ".yml", ".json"):
            digest.update(str(file.relative_to(folder)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


__all__ = ["stack_resources"]
