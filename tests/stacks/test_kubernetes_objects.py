"""Every Kubernetes object a reference stack would send validates against the OpenAPI schema of the
Kubernetes version its cluster runs (kubernetes-validate, strict: unknown fields are errors)."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest

from aifab.design.environments import EnvironmentModel
from aifab.design.loader import load_design
from aifab.preview.capture import Capture, Record

from ..conftest import reference_stacks
from .conftest import captured

NOT_OBJECTS = ("kubernetes:helm.sh/", "pulumi:providers:kubernetes")


def _environments(stack: Path) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stack.glob("Pulumi.*.yaml"))


def kubernetes_objects(capture: Capture) -> list[Record]:
    return [r for r in capture.resources() if r.type.startswith("kubernetes:") and not r.type.startswith(NOT_OBJECTS)]


def _target(capture: Capture, record: Record) -> str:
    """The cluster or edge site whose provider sends ``record`` (providers are named ``k8s-<target>``)."""
    provider_urn = record.provider.rsplit("::", 1)[0] if record.provider else ""
    name = provider_urn.rsplit("::", 1)[-1]
    assert name.startswith("k8s-"), f"{record.type} {record.name} uses no aifab Kubernetes provider"
    return name[len("k8s-") :]


@pytest.mark.parametrize(
    ("stack", "env"),
    [(s, e) for s in reference_stacks() for e in _environments(s)],
    ids=lambda v: v.name if isinstance(v, Path) else str(v),
)
def test_kubernetes_objects_validate_against_the_cluster_version(stack: Path, env: str) -> None:
    capture = captured(stack, env, preview=False)  # resolved: every value known, as the API server gets it
    design = load_design(stack, env=env).design
    versions = {c.id: str(getattr(c, "version", "")) for c in design.of_kind("kubernetes_cluster")}
    newest = max(versions.values(), key=lambda v: tuple(int(p) for p in v.split(".")))
    problems = []
    objects = kubernetes_objects(capture)
    for record in objects:
        version = versions.get(_target(capture, record), newest)  # an edge site runs the newest we design for
        manifest = dict(record.inputs)
        try:
            kubernetes_validate.validate(manifest, f"{version}.0", strict=True)
        except kubernetes_validate.ValidationError as exc:
            where = ".".join(str(p) for p in exc.path)
            problems.append(f"{record.type} {record.name} (k8s {version}) at {where}: {exc.message}")
    assert not problems, "\n".join(problems)
    deployed = EnvironmentModel.of(design).deployed_by(env)
    if any(c.kind in ("kubernetes_cluster", "edge_site") for c in deployed):
        assert objects, "a stack that deploys a cluster sends Kubernetes objects (namespaces at least)"
