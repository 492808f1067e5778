"""What every reference architecture's Pulumi program does, in one place.

A stack's ``__main__.py`` is two lines::

    from pathlib import Path
    from aifab.program import run_stack

    stack = run_stack(Path(__file__).parent)

``run_stack`` loads the design beside it for the selected Pulumi stack, which is one of the design's
environments (see :mod:`aifab.design.environments`), validates the whole design with the stack's
catalogue overrides, logs warnings, and refuses with :class:`pulumi.RunError` when the design has errors —
so an invalid design never reaches the cloud. It selects the components this stack deploys (its
environment's own, and the shared ones when it hosts them), in deployment order, and exports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi

from aifab.catalogue import load_catalogue
from aifab.design.component import Component
from aifab.design.environments import EnvironmentModel
from aifab.design.loader import LoadedDesign, load_design
from aifab.errors import InputError
from aifab.validate import ValidationResult, validate


@dataclass(frozen=True)
class StackRun:
    loaded: LoadedDesign
    result: ValidationResult
    components: tuple[Component, ...]
    """What this stack deploys, in deployment order; nothing of another environment."""


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
    model = EnvironmentModel.of(loaded.design)
    mine = {c.id for c in model.deployed_by(loaded.env)}
    order = [i for generation in result.graph.deployment_order() for i in generation if i in mine]
    components = tuple(result.graph.component(i) for i in order)
    pulumi.export("design", loaded.design.name)
    pulumi.export("environment", loaded.env)
    pulumi.export("components", [c.id for c in components])
    return StackRun(loaded=loaded, result=result, components=components)
