"""SEC-RES-K8S-002: Recorded role bindings never grant cluster-admin."""

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN

CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    kind, name = resource.get("roleRef.kind"), resource.get("roleRef.name")
    if UNKNOWN in (kind, name):
        return not_evaluated("roleRef is not known until apply")
    subjects = resource.get("subjects")
    masters = [s.get("name") for s in (subjects if isinstance(subjects, list) else []) if isinstance(s, dict)]
    if kind == "ClusterRole" and name == "cluster-admin":
        return fail(f"binds cluster-admin to {', '.join(str(m) for m in masters) or 'no subject yet'}")
    if "system:masters" in masters:
        return fail("binds the group system:masters, which bypasses RBAC")
    return passed(f"binds {kind} {name}")


def _binding(role: str) -> ResourceSubject:
    return ResourceSubject(
        CLUSTER_ROLE_BINDING,
        "admins",
        {
            "roleRef": {"kind": "ClusterRole", "apiGroup": "rbac.authorization.k8s.io", "name": role},
            "subjects": [{"kind": "Group", "name": "platform-admins", "apiGroup": "rbac.authorization.k8s.io"}],
        },
    )


rule = Rule(
    id="SEC-RES-K8S-002",
    title="Recorded role bindings never grant cluster-admin",
    why=(
        "cluster-admin is every permission on every object, secrets included; a binding to it makes one "
        "phished account the whole cluster. Bind a scoped role (the platform's admin role) instead and keep "
        "break-glass access outside the stack."
    ),
    severity="critical",
    pack="baseline-security",
    target="resource",
    applies_to=(CLUSTER_ROLE_BINDING, ROLE_BINDING),
    check=check,
    frameworks=(
        ref("cis-kubernetes", "5.1.1", verified=False, note="CIS Kubernetes v1.10 numbering via a public crosswalk"),
        ref("nist-800-53", "AC-6"),
        ref("nist-800-53", "AC-6(7)"),
    ),
    remediation="Bind a ClusterRole that lists the verbs and resources the group needs, not cluster-admin.",
    passing=(example(resources=(_binding("aifab-platform-admin-prod"),)),),
    failing=(example(resources=(_binding("cluster-admin"),)),),
)
