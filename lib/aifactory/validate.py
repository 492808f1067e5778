"""Validate a design: the structural graph checks, then every catalogue name the design uses.

>>> from aifactory.validate import validate
>>> result = validate(design)                    # doctest: +SKIP
>>> result.valid, [str(d) for d in result.errors] # doctest: +SKIP
(True, [])
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aifactory.capacity import capacity_findings
from aifactory.design.component import Component
from aifactory.design.design import Design
from aifactory.errors import Diagnostic, InputError
from aifactory.graph.build import DesignGraph, build_graph
from aifactory.graph.checks import structural_diagnostics

if TYPE_CHECKING:
    from aifactory.catalogue import Catalogue


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


def validate(design: Design, catalogue: Catalogue | None = None) -> ValidationResult:
    """Build the graph and run every structural and catalogue check. Never raises for a bad design."""
    if catalogue is None:
        from aifactory.catalogue import load_catalogue

        catalogue = load_catalogue()
    graph = build_graph(design)
    diagnostics = structural_diagnostics(graph)
    diagnostics.extend(catalogue_diagnostics(design, catalogue))
    diagnostics.extend(capacity_findings(design, catalogue))
    # Report in reading order: by file, then line, so the output follows the design top to bottom.
    diagnostics.sort(key=lambda d: (d.location.file or "", d.location.line or 0) if d.location else ("", 0))
    graph.diagnostics = diagnostics
    return ValidationResult(design=design, graph=graph, diagnostics=diagnostics)


def catalogue_diagnostics(design: Design, catalogue: Catalogue) -> Iterator[Diagnostic]:
    """Every catalogue name a component uses must exist; derived hardware must agree with what is stated."""
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


def _hardware_consistency(component: Component, catalogue: Catalogue) -> Iterator[Diagnostic]:
    stated = getattr(component, "accelerator", None)
    instance_type = getattr(component, "instance_type", None)
    node_model = getattr(component, "node_model", None)
    try:
        if instance_type:
            name, carried = instance_type, catalogue.instance_type(instance_type).accelerator
        elif node_model:
            name, carried = node_model, catalogue.node_model(node_model).accelerator
        else:
            return
    except InputError:
        return  # already reported as an unknown name
    if stated is not None and carried != stated.lower():
        yield component.problem(
            "accelerator-mismatch",
            f"accelerator {stated!r} does not match {name}, which carries {carried!r}",
            field="accelerator",
        )
