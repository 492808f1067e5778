"""Validate a design: the structural graph checks, then every catalogue name the design uses.

>>> from aifab.design.loader import load_design
>>> from aifab.validate import validate
>>> result = validate(load_design("docs/examples/minimal.yaml").design)
>>> result.valid, [str(d) for d in result.errors]
(True, [])
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aifab.capacity import CapacityAssessment, capacity_findings
from aifab.design.component import Component
from aifab.design.composite import name_composites
from aifab.design.design import Design
from aifab.errors import Diagnostic, InputError
from aifab.graph.build import DesignGraph, build_graph
from aifab.graph.checks import structural_diagnostics
from aifab.region_checks import region_diagnostics

if TYPE_CHECKING:
    from aifab.catalogue import Catalogue, InstanceType, NodeModel


@dataclass
class ValidationResult:
    design: Design
    graph: DesignGraph
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def input_unusable(self) -> bool:
        """True when an error means the input names things that do not exist (exit code 2)."""
        return any(d.category == "input" for d in self.errors)

    def to_json(self) -> dict[str, Any]:
        return {
            "design": self.design.name,
            "valid": self.valid,
            "components": len(self.design.components),
            "links": self.graph.graph.number_of_edges(),
            "errors": [_diagnostic_json(d) for d in self.errors],
            "warnings": [_diagnostic_json(d) for d in self.warnings],
        }


def _diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    return {
        "code": d.code,
        "message": d.message,
        "component": d.component,
        "location": {"file": d.location.file if d.location else None, "line": d.location.line if d.location else None},
    }


def validate(
    design: Design,
    catalogue: Catalogue | None = None,
    *,
    capacity: bool = True,
    assessment: CapacityAssessment | None = None,
) -> ValidationResult:
    """Build the graph and run every structural and catalogue check. Never raises for a bad design.

    ``capacity=False`` leaves out the capacity findings, for callers that compute the estimate themselves;
    ``assessment`` hands in an estimate already made (:func:`aifab.capacity.assess_design`) whose findings
    are reported instead of estimating again.
    """
    if catalogue is None:
        from aifab.catalogue import load_catalogue

        catalogue = load_catalogue()
    graph = build_graph(design)
    diagnostics = structural_diagnostics(graph)
    diagnostics.extend(catalogue_diagnostics(design, catalogue))
    found: list[Diagnostic] = []
    if assessment is not None:
        found = list(assessment.findings)
    elif capacity:
        found = capacity_findings(design, catalogue)
    if any(d.severity == "error" for d in diagnostics):  # already refused: the estimate's echo adds nothing
        found = [d for d in found if d.code != "capacity-unusable-input"]
    diagnostics.extend(found)
    # Report in reading order: by file, then line, so the output follows the design top to bottom.
    diagnostics.sort(key=lambda d: (d.location.file or "", d.location.line or 0) if d.location else ("", 0))
    diagnostics = name_composites(diagnostics, design.components)
    return ValidationResult(design=design, graph=graph, diagnostics=diagnostics)


def catalogue_diagnostics(design: Design, catalogue: Catalogue) -> Iterator[Diagnostic]:
    """Every catalogue name a component uses must exist; derived hardware must agree with what is stated,
    and a pool's instance type or node model must be of the pool's kind (GPU, other accelerator, CPU-only).
    Sites must lie in their boundary's allowed regions and pools' instance types be offered in their region
    (:mod:`aifab.region_checks`)."""
    for component in design.components:
        for field_name, section in component.catalogue_refs.items():
            value = getattr(component, field_name)
            for name in (value,) if isinstance(value, str) else (value or ()):
                try:
                    getattr(catalogue, section)(name)
                except InputError as exc:
                    yield Diagnostic(
                        code="unknown-catalogue-name",
                        message=f"{field_name}: {exc.message}",
                        component=component.id,
                        location=component.field_location(field_name),
                        category="input",
                    )
        yield from _hardware_consistency(component, catalogue)
    yield from region_diagnostics(design, catalogue)


# What each pool kind must run on: the family of its instance type's or node model's accelerator, or
# "cpu" for an entry that carries none.
_POOL_FAMILY = {"gpu_pool": "gpu", "accelerator_pool": "accelerator", "cpu_pool": "cpu"}
_POOL_FOR_FAMILY = {family: kind for kind, family in _POOL_FAMILY.items()}
_SUGGESTIONS = 5


def _hardware_consistency(component: Component, catalogue: Catalogue) -> Iterator[Diagnostic]:
    stated = getattr(component, "accelerator", None)
    instance_type = getattr(component, "instance_type", None)
    node_model = getattr(component, "node_model", None)
    field_name = "instance_type" if instance_type else "node_model"
    try:
        if instance_type:
            entry: InstanceType | NodeModel = catalogue.instance_type(instance_type)
        elif node_model:
            entry = catalogue.node_model(node_model)
        else:
            return
    except InputError:
        return  # already reported as an unknown name
    carried = entry.accelerator
    if stated is not None and carried != stated.lower():
        what = repr(carried) if carried is not None else "no accelerator (it is CPU-only)"
        yield component.problem(
            "accelerator-mismatch",
            f"accelerator {stated!r} does not match {entry.name}, which carries {what}",
            field="accelerator",
        )
    expected = _POOL_FAMILY.get(component.kind)
    family = _family(entry, catalogue)
    if expected is None or family is None or family == expected:
        return
    has = (
        f"carries {entry.accelerators_per_node} x {carried} ({family})"
        if carried is not None
        else "is CPU-only (no accelerator)"
    )
    article = "an" if component.kind.startswith("a") else "a"
    yield component.problem(
        "hardware-kind-mismatch",
        f"{field_name} {entry.name!r} {has}, but {article} {component.kind} needs {_wanted(field_name, expected)}; "
        f"{_suggest(catalogue, field_name, entry.name, expected)}; or make this a {_POOL_FOR_FAMILY[family]}",
        field=field_name,
    )


def _wanted(field_name: str, family: str) -> str:
    what = "instance type" if field_name == "instance_type" else "node model"
    return {
        "gpu": f"an {what} with GPUs",
        "accelerator": f"an {what} with non-GPU accelerators (Trainium, Inferentia, TPU)",
        "cpu": f"a CPU-only {what} (no accelerator)",
    }[family]


def _family(entry: InstanceType | NodeModel, catalogue: Catalogue) -> str | None:
    """``gpu`` / ``accelerator`` from the entry's accelerator, ``cpu`` when it has none; None when unknown."""
    if entry.accelerator is None:
        return "cpu"
    try:
        return catalogue.accelerator(entry.accelerator).family
    except InputError:
        return None  # reported as an unresolved catalogue reference


def _suggest(catalogue: Catalogue, field_name: str, name: str, family: str) -> str:
    """Up to five catalogue names of the wanted family, the closest to ``name`` first."""
    entries: dict[str, InstanceType] | dict[str, NodeModel] = (
        catalogue.instance_types if field_name == "instance_type" else catalogue.node_models
    )
    suitable = sorted(key for key, entry in entries.items() if _family(entry, catalogue) == family)
    if not suitable:
        return f"the catalogue has no {_wanted(field_name, family).split(' ', 1)[1]}; add one in an overrides file"
    close = difflib.get_close_matches(name, suitable, n=_SUGGESTIONS, cutoff=0.0)
    shown = (close + [key for key in suitable if key not in close])[:_SUGGESTIONS]
    more = f" ({len(suitable) - len(shown)} more in the catalogue)" if len(suitable) > len(shown) else ""
    return f"use one such as {', '.join(shown)}{more}"
