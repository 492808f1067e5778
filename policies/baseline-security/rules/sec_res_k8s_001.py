"""SEC-RES-K8S-001: Recorded namespaces enforce the restricted Pod Security Standard."""

from fnmatch import fnmatch

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN

NAMESPACE = "kubernetes:core/v1:Namespace"
ENFORCE = "pod-security.kubernetes.io/enforce"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    name = resource.get("metadata.name") or resource.name
    labels = resource.get("metadata.labels")
    if UNKNOWN in (name, labels) or (isinstance(labels, dict) and labels.get(ENFORCE) == UNKNOWN):
        return not_evaluated("the namespace's name or labels are not known until apply")
    level = labels.get(ENFORCE) if isinstance(labels, dict) else None
    privileged = [str(p) for p in ctx.params.get("privileged_namespaces", [])]
    if any(fnmatch(str(name), pattern) for pattern in privileged):
        if level is None:
            return fail(f"namespace {name} sets no {ENFORCE} label (even an operator namespace must state one)")
        return passed(f"operator namespace {name} enforces {level}")
    if level != "restricted":
        return fail(
            f"namespace {name} enforces {level or 'nothing'}, not restricted "
            f"(only {', '.join(privileged) or 'no namespace'} may be less strict)"
        )
    return passed(f"namespace {name} enforces restricted")


def _ns(name: str, level: str | None) -> ResourceSubject:
    labels = {ENFORCE: level} if level else {}
    return ResourceSubject(NAMESPACE, f"ns-{name}", {"metadata": {"name": name, "labels": labels}})


rule = Rule(
    id="SEC-RES-K8S-001",
    title="Recorded namespaces enforce the restricted Pod Security Standard",
    why=(
        "Training and inference pods need no privilege to use GPUs: the device plugin hands them the devices. "
        "The restricted profile stops a compromised workload from escaping to its node. Only the operator "
        "namespaces (GPU and network operators, node agents such as DCGM exporters, kube-system) need more, "
        "and they must still say so with an explicit label."
    ),
    severity="high",
    pack="baseline-security",
    target="resource",
    applies_to=(NAMESPACE,),
    check=check,
    frameworks=(
        ref("k8s-pss", "Restricted"),
        ref("cis-kubernetes", "5.2.1", verified=False, note="CIS Kubernetes v1.10 numbering via a public crosswalk"),
        ref("nist-800-53", "CM-7"),
        ref("nvidia-gpu-operator", "security considerations"),
    ),
    remediation=(
        "Label the namespace pod-security.kubernetes.io/enforce: restricted, or add an operator namespace to the "
        "pack's privileged_namespaces parameter (a reviewed change)."
    ),
    passing=(example(resources=(_ns("prod", "restricted"),)), example(resources=(_ns("gpu-operator", "privileged"),))),
    failing=(
        example(resources=(_ns("prod", "privileged"),)),
        example(resources=(_ns("prod", None),)),
        example(resources=(_ns("gpu-operator", None),)),
    ),
)
