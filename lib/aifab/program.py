"""What every reference architecture's Pulumi program does, in one place.

A stack's ``__main__.py`` is two lines::

    from pathlib import Path
    from aifab.program import run_stack

    stack = run_stack(Path(__file__).parent)

``run_stack`` loads the design beside it for the selected Pulumi stack (the environment), validates it
with the stack's catalogue overrides, logs warnings, and refuses with :class:`pulumi.RunError` when the
design has errors — so an invalid design never reaches the cloud. It exports a summary of the design.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi

from aifab.catalogue import load_catalogue
from aifab.design.loader import LoadedDesign, load_design
from aifab.errors import InputError
from aifab.validate import ValidationResult, validate


@dataclass(frozen=True)
class StackRun:
    loaded: LoadedDesign
    result: ValidationResult


def run_stack(stack_dir: Path) -> StackRun:
    """Validate the stack's design for ``pulumi.get_stack()`` and export its summary, or raise RunError."""
    try:
        loaded = load_design(stack_dir, env=pulumi.get_stack())
        result = validate(loaded.design, load_catalogue(loaded.catalogue_file))
    except InputError as exc:
        raise pulumi.RunError(f"design cannot be used:\n{exc.render()}") from None
    for diagnostic in result.warnings:
        pulumi.log.warn(str(diagnostic))
    if not result.valid:
        raise pulumi.RunError("design is invalid:\n" + "\n".join(str(d) for d in result.errors))
    pulumi.export("design", loaded.design.name)
    pulumi.export("components", len(loaded.design.components))
    pulumi.export("deployment_order", result.graph.deployment_order())
    return StackRun(loaded=loaded, result=result)
