"""GOV-RES-GPU-001: Recorded workloads request GPUs only in approved namespaces."""

from aifab.blueprints import Environment
from aifab.policy import (
    Example,
    PolicyContext,
    ResourceSubject,
    Rule,
    Verdict,
    example,
    fail,
    not_applicable,
    not_evaluated,
    passed,
    ref,
)
from aifab.policy.resources import UNKNOWN, containers, design_known, namespace

GPU = "nvidia.com/gpu"
TYPES = (
    "kubernetes:core/v1:Pod",
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:batch/v1:Job",
    "kubernetes:batch/v1:CronJob",
)


def allowed(ctx: PolicyContext) -> set[str] | None:
    """The pack's gpu_namespaces, else the namespaces the design's environments declare (None: unknown)."""
    listed = ctx.params.get("gpu_namespaces")
    if listed:
        return {str(n) for n in listed}
    if not design_known(ctx):
        return None
    return {
        e.kubernetes_namespace
        for e in ctx.components("environment")
        if isinstance(e, Environment) and e.kubernetes_namespace
    }


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    asking = []
    for path, container in containers(resource):
        for part in ("requests", "limits"):
            amount = ((container.get("resources") or {}).get(part) or {}).get(GPU)
            if amount == UNKNOWN:
                return not_evaluated(f"{path}.resources.{part} is not known until apply")
            if amount not in (None, 0, "0"):
                asking.append(path)
                break
    if not asking:
        return not_applicable("requests no GPU")
    where = namespace(resource)
    if where == UNKNOWN:
        return not_evaluated("metadata.namespace is not known until apply")
    approved = allowed(ctx)
    if approved is None:
        return not_evaluated("requests GPUs; the approved namespaces come from the design or gpu_namespaces")
    if where not in approved:
        return fail(f"requests {GPU} in namespace {where}, not one of {', '.join(sorted(approved)) or 'none'}")
    return passed(f"requests {GPU} in approved namespace {where}")


def _job(ns: str, gpus: str | None) -> ResourceSubject:
    resources = {"limits": {GPU: gpus}} if gpus else {}
    pod = {"containers": [{"name": "train", "image": "trainer:1", "resources": resources}]}
    return ResourceSubject(
        "kubernetes:batch/v1:Job", "train", {"metadata": {"namespace": ns}, "spec": {"template": {"spec": pod}}}
    )


def _example(ns: str, gpus: str | None, expect: str | None = None) -> Example:
    env = Environment(id="prod", purpose="production", kubernetes_namespace="prod", hosts_shared=True)
    return example(env, resources=(_job(ns, gpus),), expect=expect)  # type: ignore[arg-type]


rule = Rule(
    id="GOV-RES-GPU-001",
    title="Recorded workloads request GPUs only in approved namespaces",
    why=(
        "GPUs are the platform's scarcest and most expensive resource and the ones capacity plans and quotas are "
        "approved for. A GPU request from a namespace outside the design's environments (a team's sandbox, "
        "default) consumes capacity nobody planned and escapes that environment's controls."
    ),
    severity="medium",
    pack="governance-mlops",
    target="resource",
    applies_to=TYPES,
    check=check,
    frameworks=(
        ref("nist-800-53", "AC-6"),
        ref("nist-800-53", "CM-7"),
        ref("iso-42001", "A.4.2", verified=False, note="Annex A numbering from a public crosswalk"),
    ),
    remediation=(
        "Run GPU workloads in an environment's namespace (kubernetes_namespace), or list the namespace in the "
        "pack's gpu_namespaces parameter."
    ),
    passing=(_example("prod", "1"), _example("default", None, "not_applicable")),
    failing=(_example("default", "1"),),
)
