"""A plan as text a reviewer reads: each design component with the resources under it and what it waits for,
then what deserves a second look (stateful, protected, public-facing, GPU-bearing), then totals by type.

>>> print(summarise(plan))                                        # doctest: +SKIP
# eu-sovereign-inference / dev: 8 components, 61 resources, 2 providers
kms-exp  aifab:security:KeyManagement
  aws:kms/key:Key  kms-exp-key
  ...
"""

from __future__ import annotations

from collections import Counter

from .facts import Facts, facts
from .plan import Plan, PlannedResource


def waits_for(plan: Plan, component: PlannedResource) -> list[str]:
    """Names of the other components whose resources ``component`` or its descendants depend on, and
    ``stack <name>`` for each other stack whose exports they read."""
    by_urn = {r.urn: r for r in plan.resources}
    owners: set[str] = set()
    for record in [component, *descendants(plan, component)]:
        for urn in {*record.depends_on, *(u for urns in record.property_dependencies.values() for u in urns)}:
            dependency = by_urn.get(urn)
            if dependency is None:
                continue
            if dependency.operation == "read" and dependency.type == "pulumi:pulumi:StackReference":
                owners.add(f"stack {str(dependency.inputs.get('name', dependency.name)).rsplit('/', 1)[-1]}")
            elif dependency.component is not None and dependency.component != component.name:
                owners.add(dependency.component)
    return sorted(owners)


def children(plan: Plan, parent: PlannedResource) -> list[PlannedResource]:
    return sorted((r for r in plan.resources if r.parent == parent.urn), key=lambda r: (r.name, r.type))


def descendants(plan: Plan, parent: PlannedResource) -> list[PlannedResource]:
    out: list[PlannedResource] = []
    for child in children(plan, parent):
        out.append(child)
        out.extend(descendants(plan, child))
    return out


def components(plan: Plan) -> list[PlannedResource]:
    """The design components, in the order the stack built them."""
    order = {name: i for i, name in enumerate(plan.outputs.get("components") or [])}
    found = [r for r in plan.resources if r.type.startswith("aifab:") and r.parent is None]
    return sorted(found, key=lambda r: (order.get(r.name, len(order)), r.name))


def summarise(plan: Plan, found: Facts | None = None) -> str:
    """Components in build order, each with its resources as a tree, the review lists, then totals."""
    found = found if found is not None else facts(plan)
    created = plan.created()
    providers = list(plan.providers().values())
    top = components(plan)
    lines = [
        f"# {plan.project} / {plan.stack}: {len(top)} components, {len(created)} resources, {len(providers)} providers"
    ]
    for component in top:
        after = waits_for(plan, component)
        lines.append(f"{component.name}  {component.type}" + (f"  (after {', '.join(after)})" if after else ""))
        lines.extend(_tree(plan, component, "  "))
    loose = [r for r in plan.resources if r.parent is None and not r.type.startswith("aifab:")]
    if loose:
        lines.append("outside components")
        lines.extend(
            f"  {r.type}  {r.name}" + (f"  (read: {r.inputs.get('name', '')})" if r.operation == "read" else "")
            for r in sorted(loose, key=lambda r: (r.type, r.name))
        )
    for title, items in (
        ("stateful (data lives here: replacing or deleting it loses data)", found.stateful),
        ("protected", found.protected),
        ("public-facing", found.public),
        ("GPU-bearing", found.gpu),
    ):
        lines.append(f"{title}: {len(items)}")
        lines.extend(f"  {item}" for item in items)
    if plan.warnings:
        lines.append("warnings")
        lines.extend(f"  {w}" for w in plan.warnings)
    lines.append("totals")
    counts = Counter(r.type for r in created)
    lines.extend(f"  {count:4d}  {type_}" for type_, count in sorted(counts.items()))
    return "\n".join(lines) + "\n"


def _tree(plan: Plan, parent: PlannedResource, indent: str) -> list[str]:
    out: list[str] = []
    for child in children(plan, parent):
        out.append(f"{indent}{child.type}  {child.name}")
        out.extend(_tree(plan, child, indent + "  "))
    return out


__all__ = ["children", "components", "descendants", "summarise", "waits_for"]
