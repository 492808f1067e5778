"""SEC-RES-SVC-001: Recorded Kubernetes services are load balancers only for public serving."""

from aifab.blueprints import GpuPool, ModelServing
from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN, design_known, owner

SERVICE = "kubernetes:core/v1:Service"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    kind = resource.get("spec.type", "ClusterIP")  # the API server's default
    if kind == UNKNOWN:
        return not_evaluated("spec.type is not known until apply")
    if kind != "LoadBalancer":
        return passed(f"a {kind} service")
    if not design_known(ctx):
        return not_evaluated("a LoadBalancer service: whether its model serving is public needs the design")
    component = owner(resource, ctx)
    if isinstance(component, ModelServing) and component.public_endpoint:
        return passed(f"model serving {component.id} declares public_endpoint")
    made_by = f"component {component.id}" if component is not None else "no model serving"
    return fail(f"a LoadBalancer service made by {made_by}, which does not declare public_endpoint: true")


def _svc(kind: str) -> ResourceSubject:
    return ResourceSubject(
        SERVICE, "serving-service", {"spec": {"type": kind, "ports": [{"port": 80}]}}, component="serving"
    )


def _design(public: bool) -> tuple[GpuPool | ModelServing, ...]:
    return (
        GpuPool(id="pool", role="inference", instance_type="p5.48xlarge", node_count=1),
        ModelServing(id="serving", pool="pool", public_endpoint=public),
    )


rule = Rule(
    id="SEC-RES-SVC-001",
    title="Recorded Kubernetes services are load balancers only for public serving",
    why=(
        "A LoadBalancer service gets an address outside the cluster, usually on the internet. Only a model "
        "serving component whose design says public_endpoint: true has been reviewed for that; anything else "
        "stays ClusterIP and is reached through the cluster's network."
    ),
    severity="high",
    pack="baseline-security",
    target="resource",
    applies_to=(SERVICE,),
    check=check,
    frameworks=(ref("nist-800-53", "SC-7"), ref("nist-800-53", "AC-4"), ref("ncsc-csp", "11")),
    remediation="Use type ClusterIP, or set public_endpoint: true on the model serving component (a reviewed change).",
    passing=(
        example(*_design(False), resources=(_svc("ClusterIP"),)),
        example(*_design(True), resources=(_svc("LoadBalancer"),)),
    ),
    failing=(example(*_design(False), resources=(_svc("LoadBalancer"),)),),
)
