"""The plan a compliance reviewer approves: every resource a stack would register, as the engine sees it.

A :class:`Plan` is made from a recorded run (:func:`aifab.preview.capture.run_program`) and written as
``plan.json``: deterministic (resources sorted by URN, keys sorted, no absolute paths, no timestamps, no
provider ids), with every secret value masked as ``[secret]`` and every value unknown until apply as
``[unknown]``. Diffs against an approved plan, the resource graph and the resource-level policy rules all
read this one format.

>>> plan = Plan.from_capture(capture, design="eu-sovereign-inference")   # doctest: +SKIP
>>> Plan.load("out/plan.json") == plan                                    # doctest: +SKIP
True
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aifab.errors import InputError
from aifab.policy.rule import ResourceSubject

from .capture import SECRET_SIG, UNKNOWN, Capture, Record

PLAN_FORMAT: Literal["aifab.plan/v1"] = "aifab.plan/v1"
SECRET = "[secret]"
UNKNOWN_VALUE = "[unknown]"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ResourceOptions(_Frozen):
    """The resource options the engine acts on (absent: the engine's default)."""

    protect: bool | None = None
    retain_on_delete: bool | None = None
    delete_before_replace: bool | None = None
    ignore_changes: tuple[str, ...] = ()
    replace_on_changes: tuple[str, ...] = ()
    additional_secret_outputs: tuple[str, ...] = ()


class PlannedResource(_Frozen):
    """One resource: identity, place in the tree, what it waits for, options and inputs (secrets masked)."""

    urn: str
    type: str
    name: str
    component: str | None = None
    """The design component it belongs to (its top-level ``aifab:*`` ancestor), if any."""
    parent: str | None = None
    custom: bool = True
    operation: Literal["create", "read"] = "create"
    provider: str | None = None
    """The explicit provider's URN (``None``: the default provider, or a component)."""
    provider_version: str = ""
    depends_on: tuple[str, ...] = ()
    """Explicit dependencies (``depends_on``), beyond those its inputs imply."""
    property_dependencies: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    """Input name -> the URNs its value comes from (implicit dependencies)."""
    options: ResourceOptions = ResourceOptions()
    inputs: dict[str, Any] = Field(default_factory=dict)
    """Inputs as sent on the wire (camelCase), secrets as ``[secret]``, unknowns as ``[unknown]``."""
    secret_paths: tuple[str, ...] = ()
    unknown_paths: tuple[str, ...] = ()

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")

    @property
    def is_component(self) -> bool:
        return not self.custom

    def input(self, path: str, default: Any = None) -> Any:
        """The input at a dotted path (``vpcConfig.endpointPublicAccess``), or ``default``."""
        value: Any = self.inputs
        for part in path.split("."):
            if not isinstance(value, Mapping) or part not in value:
                return default
            value = value[part]
        return value


class Plan(_Frozen):
    """Everything one stack would register, and what it exports (masked)."""

    format: Literal["aifab.plan/v1"] = PLAN_FORMAT
    project: str
    stack: str
    design: str | None = None
    resources: tuple[PlannedResource, ...] = ()
    outputs: dict[str, Any] = Field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_capture(cls, capture: Capture, *, design: str | None = None) -> Plan:
        records = capture.records
        resources = [_planned(record, records) for record in records.values()]
        outputs = masked(_rewrap(capture.outputs, capture.output_secret_paths))
        return cls(
            project=capture.project,
            stack=capture.stack,
            design=design,
            resources=tuple(sorted(resources, key=lambda r: r.urn)),
            outputs=outputs if isinstance(outputs, dict) else {},
            warnings=tuple(sorted(set(capture.warnings))),
        )

    def to_json(self) -> str:
        """The plan as JSON: sorted keys, two-space indent, a final newline (byte-stable)."""
        return json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"

    @classmethod
    def load(cls, path: str | Path) -> Plan:
        """Read a ``plan.json``; a file that is not one is an :class:`InputError` naming it and the field."""
        file = Path(path)
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError("no such plan file", file=str(file)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the plan: {exc}", file=str(file)) from None
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg}", file=str(file), line=exc.lineno) from None
        if not isinstance(data, dict) or data.get("format") != PLAN_FORMAT:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise InputError(f"not an aifab plan: expected format {PLAN_FORMAT!r}, found {found!r}", file=str(file))
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = [
                InputError(e["msg"], file=str(file), field=".".join(str(p) for p in e["loc"])) for e in exc.errors()
            ]
            raise InputError.combine(problems, "the plan file is not valid") from None

    def resource(self, urn: str) -> PlannedResource:
        for r in self.resources:
            if r.urn == urn:
                return r
        raise KeyError(urn)

    def created(self) -> list[PlannedResource]:
        """Resources the stack would create (custom resources, not reads or providers)."""
        return [r for r in self.resources if r.custom and r.operation == "create" and not r.is_provider]

    def providers(self) -> dict[str, PlannedResource]:
        return {r.urn: r for r in self.resources if r.is_provider}


def subjects(plan: Plan) -> list[ResourceSubject]:
    """The plan's created resources as subjects of the resource-level rules (providers' inputs attached)."""
    providers = plan.providers()
    out = []
    for r in plan.created():
        provider = providers.get(r.provider or "")
        out.append(
            ResourceSubject(
                type=r.type,
                name=r.name,
                inputs=r.inputs,
                urn=r.urn,
                component=r.component,
                provider={"type": provider.type, **provider.inputs} if provider is not None else {},
                unknown_paths=r.unknown_paths,
                options=r.options.model_dump(),
            )
        )
    return out


def masked(value: Any) -> Any:
    """Wire value -> plan value: secret envelopes become ``[secret]``, unknowns ``[unknown]``."""
    if isinstance(value, dict):
        if SECRET_SIG in value:
            return SECRET
        return {k: masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    if value == UNKNOWN or value == "<unknown>":
        return UNKNOWN_VALUE
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _rewrap(value: Any, secret_paths: tuple[str, ...], path: str = "") -> Any:
    """Plain value with the given secret paths turned back into envelopes (for :func:`masked`)."""
    if path and path in secret_paths:
        return {SECRET_SIG: "1"}
    if isinstance(value, dict):
        return {k: _rewrap(v, secret_paths, f"{path}.{k}" if path else k) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrap(v, secret_paths, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


def _component_of(record: Record, records: Mapping[str, Record]) -> str | None:
    current: Record | None = record
    while current is not None and current.parent:
        current = records.get(current.parent)
    return current.name if current is not None and current.type.startswith("aifab:") else None


def _planned(record: Record, records: Mapping[str, Record]) -> PlannedResource:
    implied = {urn for urns in record.property_dependencies.values() for urn in urns}
    inputs = masked(record.wire)
    return PlannedResource(
        urn=record.urn,
        type=record.type,
        name=record.name,
        component=_component_of(record, records),
        parent=record.parent or None,
        custom=record.custom,
        operation="read" if record.read else "create",
        provider=record.provider.rsplit("::", 1)[0] if record.provider else None,
        provider_version=record.version,
        depends_on=tuple(sorted(set(record.dependencies) - implied)),
        property_dependencies={k: tuple(sorted(v)) for k, v in sorted(record.property_dependencies.items())},
        options=ResourceOptions(
            protect=record.protect,
            retain_on_delete=record.retain_on_delete,
            delete_before_replace=record.delete_before_replace,
            ignore_changes=record.ignore_changes,
            replace_on_changes=record.replace_on_changes,
            additional_secret_outputs=record.additional_secret_outputs,
        ),
        inputs=inputs if isinstance(inputs, dict) else {},
        secret_paths=record.secret_paths,
        unknown_paths=record.unknown_paths,
    )


__all__ = [
    "PLAN_FORMAT",
    "SECRET",
    "UNKNOWN_VALUE",
    "Plan",
    "PlannedResource",
    "ResourceOptions",
    "masked",
    "subjects",
]
