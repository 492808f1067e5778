"""A recorded run as text a reviewer reads: each design component, the resources under it, what it waits for.

>>> print(summarise(capture))                                     # doctest: +SKIP
# eu-sovereign-inference / dev: 8 components, 61 resources, 2 providers
kms-exp  aifab:security:KeyManagement
  aws:kms/key:Key  kms-exp-key
  ...
"""

from __future__ import annotations

from collections import Counter

from .capture import Capture, Record


def _component_of(capture: Capture, record: Record) -> Record | None:
    """The top-level aifab component ``record`` sits under (itself for a component)."""
    current: Record | None = record
    while current is not None and current.parent:
        current = capture.records.get(current.parent)
    return current if current is not None and current.type.startswith("aifab:") else None


def waits_for(capture: Capture, component: Record) -> list[str]:
    """Names of the other components whose resources ``component`` or its descendants depend on, and
    ``stack <name>`` for each other stack whose exports they read."""
    owners: set[str] = set()
    for record in [component, *capture.descendants(component)]:
        for urn in record.dependencies:
            dependency = capture.records.get(urn)
            if dependency is not None and dependency.read and dependency.type == "pulumi:pulumi:StackReference":
                owners.add(f"stack {str(dependency.inputs.get('name', dependency.name)).rsplit('/', 1)[-1]}")
                continue
            owner = _component_of(capture, dependency) if dependency is not None else None
            if owner is not None and owner.urn != component.urn:
                owners.add(owner.name)
    return sorted(owners)


def summarise(capture: Capture) -> str:
    """Components in deployment order, each with its resources as a tree (by name: registration order is
    not deterministic), then totals by type."""
    resources = capture.resources()
    order = {name: i for i, name in enumerate(capture.outputs.get("components") or [])}
    components = sorted(
        (r for r in resources if r.type.startswith("aifab:") and not r.parent),
        key=lambda r: (order.get(r.name, len(order)), r.name),
    )
    providers = [r for r in capture.resources(providers=True) if r.is_provider]
    lines = [
        f"# {capture.project} / {capture.stack}: {len(components)} components, "
        f"{sum(1 for r in resources if r.custom and not r.read)} resources, {len(providers)} providers"
    ]
    for component in components:
        after = waits_for(capture, component)
        lines.append(f"{component.name}  {component.type}" + (f"  (after {', '.join(after)})" if after else ""))
        lines.extend(_tree(capture, component, "  "))
    loose = [r for r in resources if not r.parent and not r.type.startswith("aifab:")]
    if loose or providers:
        lines.append("outside components")
        lines.extend(
            f"  {r.type}  {r.name}" + ("  (read: " + str(r.inputs.get("name", "")) + ")" if r.read else "")
            for r in sorted([*providers, *loose], key=lambda r: (r.type, r.name))
        )
    lines.append("totals")
    counts = Counter(r.type for r in resources if r.custom and not r.read)
    lines.extend(f"  {count:4d}  {type_}" for type_, count in sorted(counts.items()))
    return "\n".join(lines) + "\n"


def _tree(capture: Capture, parent: Record, indent: str) -> list[str]:
    out: list[str] = []
    for child in sorted(capture.children(parent), key=lambda r: (r.name, r.type)):
        out.append(f"{indent}{child.type}  {child.name}")
        out.extend(_tree(capture, child, indent + "  "))
    return out


__all__ = ["summarise", "waits_for"]
