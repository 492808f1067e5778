"""Helpers for resource-level rules: reading recorded Pulumi inputs the way the provider would.

A rule judges a :class:`~aifab.policy.rule.ResourceSubject`: wire inputs (camelCase) before the provider's
Check, so a missing key is the provider's default, and values known only after apply are ``"[unknown]"``
(and listed in ``unknown_paths``). The same subject is built offline from a plan and, under the real
engine, from pulumi-policy's ``ResourceValidationArgs`` (:func:`subject_of`), so both judge alike.

>>> r = ResourceSubject("aws:kms/key:Key", "k", {"enableKeyRotation": UNKNOWN}, unknown_paths=("enableKeyRotation",))
>>> unknown(r, "enableKeyRotation"), flag(True), flag("false")
(True, True, False)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from aifab.design.component import Component
from aifab.design.environments import Purpose

from .context import PolicyContext
from .rule import ResourceSubject
from .verdict import Verdict, not_evaluated

UNKNOWN = "[unknown]"
"""How a plan (and :func:`subject_of`) writes a value that is not known until apply."""

WORKLOADS: dict[str, str] = {
    "kubernetes:core/v1:Pod": "spec",
    "kubernetes:apps/v1:Deployment": "spec.template.spec",
    "kubernetes:apps/v1:StatefulSet": "spec.template.spec",
    "kubernetes:apps/v1:DaemonSet": "spec.template.spec",
    "kubernetes:apps/v1:ReplicaSet": "spec.template.spec",
    "kubernetes:batch/v1:Job": "spec.template.spec",
    "kubernetes:batch/v1:CronJob": "spec.jobTemplate.spec.template.spec",
}
"""Kubernetes workload type token -> where its pod spec sits."""


def unknown(resource: ResourceSubject, path: str) -> bool:
    """Whether the value at ``path`` (or inside it) is not known until apply."""
    return resource.unknown(path) or resource.get(path) == UNKNOWN


def unknown_verdict(resource: ResourceSubject, *paths: str) -> Verdict | None:
    """``not_evaluated`` naming the first of ``paths`` whose value is unknown until apply, else ``None``."""
    for path in paths:
        if unknown(resource, path):
            return not_evaluated(f"{path} is not known until apply, so it cannot be judged in preview")
    return None


def flag(value: Any, default: bool = False) -> bool:
    """A boolean input: ``True``/``False`` or the strings the SDK sends for some inputs (``"true"``)."""
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def design_known(ctx: PolicyContext) -> bool:
    """Whether the run has the design (``aifab check`` has it; a bare CrossGuard run may not)."""
    return bool(ctx.design.components)


def owner(resource: ResourceSubject, ctx: PolicyContext) -> Component | None:
    """The design component that made the resource, when the design has it."""
    return ctx.component(resource.component)


def purpose(resource: ResourceSubject, ctx: PolicyContext) -> Purpose | None:
    """The purpose the resource is judged under: its component's environment's (shared components and
    resources of no known component: the strictest the design has); ``None`` without the design."""
    if not design_known(ctx):
        return None
    return ctx.environments.purpose(owner(resource, ctx))


def pod_spec(resource: ResourceSubject) -> tuple[str, Mapping[str, Any]] | None:
    """A workload's pod spec and its path, or ``None`` for other types (or a spec not given)."""
    path = WORKLOADS.get(resource.type)
    spec = resource.get(path) if path is not None else None
    return (path, spec) if path is not None and isinstance(spec, Mapping) else None


def containers(resource: ResourceSubject) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every container (init containers too) of a workload, with its input path."""
    found = pod_spec(resource)
    if found is None:
        return
    path, spec = found
    for key in ("initContainers", "containers"):
        items = spec.get(key)
        if isinstance(items, Sequence) and not isinstance(items, str):
            for i, container in enumerate(items):
                if isinstance(container, Mapping):
                    yield f"{path}.{key}[{i}]", container


def namespace(resource: ResourceSubject) -> str:
    """A namespaced Kubernetes object's namespace (``default`` when unset, as the API server does)."""
    value = resource.get("metadata.namespace")
    return value if isinstance(value, str) and value else "default"


# --- the same subject under the real engine -------------------------------------------------------------

_SENTINELS = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # pulumi_policy.proxy UNKNOWN_BOOLEAN_VALUE
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # UNKNOWN_NUMBER_VALUE
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # UNKNOWN_STRING_VALUE
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # UNKNOWN_ARRAY_VALUE
        "030794c1-ac77-496b-92df-f27374a8bd58",  # UNKNOWN_ASSET_VALUE
        "e48ece36-62e2-4504-bad9-02848725956a",  # UNKNOWN_ARCHIVE_VALUE
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # UNKNOWN_OBJECT_VALUE
        UNKNOWN,
    }
)


def plain(value: Any, path: str = "", unknowns: list[str] | None = None) -> Any:
    """Inputs as plain data, reading through pulumi-policy's unknown-checking proxies without tripping them:
    each unknown (a pulumi-policy sentinel or ``"[unknown]"``) becomes ``"[unknown]"`` and its path is
    appended to ``unknowns``, as in a plan."""
    found = unknowns if unknowns is not None else []
    if isinstance(value, Mapping):
        target = _target(value)
        return {str(k): plain(target[k], f"{path}.{k}" if path else str(k), found) for k in target}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        target = _target(value)
        return [plain(v, f"{path}[{i}]", found) for i, v in enumerate(target)]
    if isinstance(value, str) and value in _SENTINELS:
        found.append(path)
        return UNKNOWN
    return value


def _target(proxy: Any) -> Any:
    """The raw dict or list behind a pulumi-policy proxy (the proxy itself when it is plain data)."""
    if isinstance(proxy, dict | list):
        return proxy
    try:
        return proxy["__target"]
    except (KeyError, IndexError, TypeError):
        return proxy


def subject_of(
    resource_type: str,
    name: str,
    props: Mapping[str, Any],
    *,
    urn: str | None = None,
    provider_type: str | None = None,
    provider_props: Mapping[str, Any] | None = None,
    component: str | None = None,
) -> ResourceSubject:
    """The subject a resource rule judges, from what pulumi-policy hands a ``ResourceValidationPolicy``."""
    unknowns: list[str] = []
    inputs = plain(props, "", unknowns)
    provider: dict[str, Any] = {}
    if provider_type is not None:
        provider = {"type": provider_type, **plain(provider_props or {})}
    return ResourceSubject(
        type=resource_type,
        name=name,
        inputs=inputs,
        urn=urn,
        component=component,
        provider=provider,
        unknown_paths=tuple(unknowns),
    )
