"""PRD-RES-HELM-001: Recorded Helm releases pin their chart version."""

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN

RELEASE = "kubernetes:helm.sh/v3:Release"
CHART = "kubernetes:helm.sh/v3:Chart"
RANGE = ("*", "^", "~", ">", "<", "x", "X", "||", " - ")


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    version = resource.get("version")
    if version == UNKNOWN:
        return not_evaluated("version is not known until apply")
    chart = resource.get("chart", resource.name)
    if not version:  # unset: the repository's latest chart at deploy time
        return fail(f"chart {chart} has no version: each deploy takes whatever is latest")
    if any(token in str(version) for token in RANGE):
        return fail(f"chart {chart} version {version!r} is a range, not one version")
    return passed(f"chart {chart} pinned to {version}")


def _release(version: str | None) -> ResourceSubject:
    inputs = {"chart": "gpu-operator", "namespace": "gpu-operator"} | ({"version": version} if version else {})
    return ResourceSubject(RELEASE, "gpu-operator", inputs)


rule = Rule(
    id="PRD-RES-HELM-001",
    title="Recorded Helm releases pin their chart version",
    why=(
        "An unpinned chart takes the repository's latest version on every deploy: a GPU operator or "
        "monitoring stack can change under a production cluster without any change to review."
    ),
    severity="medium",
    pack="production-readiness",
    target="resource",
    applies_to=(RELEASE, CHART),
    check=check,
    frameworks=(ref("nist-800-53", "CM-2"), ref("nist-800-53", "CM-3")),
    remediation="Set version to one exact chart version (e.g. v25.3.0) and bump it in a reviewed change.",
    passing=(example(resources=(_release("v25.3.0"),)),),
    failing=(example(resources=(_release(None),)), example(resources=(_release("^25.0.0"),))),
)
