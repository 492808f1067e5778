"""A rule: its metadata, its pure check function and its examples, side by side in one module.

A rule module in ``policies/<pack>/rules/<rule_id_in_snake_case>.py`` defines a module-level ``rule``:

>>> from aifab.blueprints import KubernetesCluster
>>> from aifab.policy import Rule, example, fail, passed, ref
>>> def check(cluster, ctx):
...     if cluster.endpoint_public:
...         return fail("the API endpoint is public", field="endpoint_public")
...     return passed("the API endpoint is private")
>>> rule = Rule(
...     id="SEC-EKS-001", title="Kubernetes API endpoints are private",
...     why="A public control plane is reachable by anyone who finds it.",
...     severity="high", pack="baseline-security", applies_to=("kubernetes_cluster",), check=check,
...     frameworks=(ref("fsbp", "EKS.1"),), remediation="Set endpoint_public: false.",
...     passing=(example(KubernetesCluster(id="k", provider="eks")),),
...     failing=(example(KubernetesCluster(id="k", provider="eks", endpoint_public=True)),),
... )
>>> rule.target
'component'

Three kinds of subject share the one format (``target``):

* ``component``: ``check(component, ctx)`` runs once per component of a kind in ``applies_to``;
* ``design``: ``check(design, ctx)`` runs once and names the component in each verdict it returns;
* ``resource``: ``check(resource, ctx)`` runs once per recorded Pulumi resource whose type token is in
  ``applies_to`` (a :class:`ResourceSubject`: type token, name, inputs). The offline preview feeds these.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from aifab.design.component import Component
from aifab.design.design import Design

from .frameworks import FrameworkRef
from .verdict import Outcome, VerdictStatus

if TYPE_CHECKING:
    from .context import PolicyContext

Severity = Literal["low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high", "critical")
Target = Literal["component", "design", "resource"]

RULE_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
Check = Callable[[Any, "PolicyContext"], Outcome]


class RuleDefinitionError(ValueError):
    """A rule's metadata is incomplete or inconsistent (the loader adds the file it came from)."""


@dataclass(frozen=True)
class ResourceSubject:
    """A recorded Pulumi resource, the subject of a resource-level rule.

    ``inputs`` are the wire inputs (camelCase) as the engine's policy analyzer sees them before the
    provider's Check: a missing key means the provider's default. ``unknown_paths`` are values not known
    until apply (a rule reading one says so rather than guessing). ``provider`` holds the explicit provider's
    inputs (``region`` for AWS) and its ``type``; ``component`` is the design component that made the resource.
    """

    type: str
    name: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    urn: str | None = None
    component: str | None = None
    provider: Mapping[str, Any] = field(default_factory=dict)
    unknown_paths: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``Bucket lake`` (the type's last part and the resource's name), for messages."""
        return f"{self.type.rsplit(':', 1)[-1]} {self.name}"

    def get(self, path: str, default: Any = None) -> Any:
        """The input at a dotted path (``vpcConfig.endpointPublicAccess``), else ``default``."""
        value: Any = self.inputs
        for part in path.split("."):
            if not isinstance(value, Mapping) or part not in value:
                return default
            value = value[part]
        return value

    def unknown(self, path: str) -> bool:
        """Whether the value at ``path`` (or inside it) is unknown until apply."""
        return any(p == path or p.startswith((f"{path}.", f"{path}[")) for p in self.unknown_paths)


@dataclass(frozen=True)
class Example:
    """A small design a rule must judge as ``expect``: the rule's executable documentation.

    ``subject`` is a whole :class:`Design` or the components of one; ``params`` override the pack's
    parameters; ``today`` pins the date for rules that read expiry dates; ``capabilities`` adds
    capabilities the offline run lacks (e.g. ``{"quotas": {...}}``).
    """

    subject: Design | tuple[Component, ...]
    expect: VerdictStatus | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    today: dt.date | None = None
    capabilities: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""
    resources: tuple[ResourceSubject, ...] = ()

    def design(self) -> Design:
        if isinstance(self.subject, Design):
            return self.subject
        return Design(name="example", components=self.subject)


def example(
    *components: Component,
    design: Design | None = None,
    expect: VerdictStatus | None = None,
    params: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
    capabilities: Mapping[str, Any] | None = None,
    resources: tuple[ResourceSubject, ...] = (),
    note: str = "",
) -> Example:
    """An example made of ``components`` (or a whole ``design``)."""
    if design is not None and components:
        raise RuleDefinitionError("give an example either components or a design, not both")
    return Example(
        subject=design if design is not None else tuple(components),
        expect=expect,
        params=MappingProxyType(dict(params or {})),
        today=today,
        capabilities=MappingProxyType(dict(capabilities or {})),
        resources=resources,
        note=note,
    )


@dataclass(frozen=True)
class Rule:
    """One rule. ``title`` says what is required, ``why`` why it matters, ``remediation`` how to comply."""

    id: str
    title: str
    why: str
    severity: Severity
    pack: str
    check: Check
    applies_to: tuple[str, ...] = ("design",)
    target: Target = "component"
    frameworks: tuple[FrameworkRef, ...] = ()
    remediation: str = ""
    passing: tuple[Example, ...] = ()
    failing: tuple[Example, ...] = ()
    waivable: bool = True
    disableable: bool = True
    """False: no policy config may set this rule's enforcement to ``disabled`` (nor its pack's)."""
    requires: tuple[str, ...] = ()
    """Capabilities the check needs (``catalogue``, ``capacity``, ``quotas``...); without them: not evaluated."""
    url: str | None = None

    def __post_init__(self) -> None:
        problems = []
        if not RULE_ID.match(self.id):
            problems.append(f"id {self.id!r} must look like 'SEC-EKS-001' (upper case, parts joined by '-')")
        if self.severity not in SEVERITIES:
            problems.append(f"severity must be one of {', '.join(SEVERITIES)} (got {self.severity!r})")
        for name in ("title", "why", "pack"):
            if not str(getattr(self, name)).strip():
                problems.append(f"{name} must not be empty")
        if not callable(self.check):
            problems.append("check must be a function (subject, ctx) -> Verdict")
        if self.target == "design" and self.applies_to != ("design",):
            object.__setattr__(self, "applies_to", ("design",))
        if self.target != "design" and (not self.applies_to or self.applies_to == ("design",)):
            problems.append(f"a {self.target} rule must list the kinds or resource types it applies_to")
        if not self.passing or not self.failing:
            problems.append("give at least one passing and one failing example")
        if problems:
            raise RuleDefinitionError(f"rule {self.id}: " + "; ".join(problems))

    @property
    def slug(self) -> str:
        """The module name the rule lives in: ``SEC-EKS-001`` -> ``sec_eks_001``."""
        return self.id.lower().replace("-", "_")

    def examples(self) -> list[tuple[Example, VerdictStatus]]:
        """Every example with the verdict it must produce."""
        return [(e, e.expect or "pass") for e in self.passing] + [(e, e.expect or "fail") for e in self.failing]
