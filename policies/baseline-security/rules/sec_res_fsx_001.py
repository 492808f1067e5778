"""SEC-RES-FSX-001: Recorded persistent Lustre file systems use a customer-managed key."""

from aifab.policy import (
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
from aifab.policy.resources import UNKNOWN

LUSTRE = "aws:fsx/lustreFileSystem:LustreFileSystem"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    deployment = resource.get("deploymentType", "SCRATCH_1")  # the provider's default
    if deployment == UNKNOWN:
        return not_evaluated("deploymentType is not known until apply")
    if not str(deployment).startswith("PERSISTENT"):
        return not_applicable(f"a {deployment} file system: scratch types take no customer key")
    if not resource.get("kmsKeyId"):  # a key id known only at apply is still set
        return fail(f"a {deployment} file system without kmsKeyId: FSx would use its AWS-managed key")
    return passed("encrypted with the stack's KMS key")


rule = Rule(
    id="SEC-RES-FSX-001",
    title="Recorded persistent Lustre file systems use a customer-managed key",
    why=(
        "FSx always encrypts at rest, but with an AWS-managed key unless given one; shared training data and "
        "checkpoints then sit under a key nobody on the platform controls or can revoke. Security Hub has no "
        "control for this."
    ),
    severity="medium",
    pack="baseline-security",
    target="resource",
    applies_to=(LUSTRE,),
    check=check,
    frameworks=(ref("checkov", "CKV_AWS_190"), ref("nist-800-53", "SC-28"), ref("nist-800-53", "SC-12")),
    remediation="Set kmsKeyId to the storage key's ARN on PERSISTENT_1 and PERSISTENT_2 file systems.",
    passing=(
        example(resources=(ResourceSubject(LUSTRE, "fsx", {"deploymentType": "PERSISTENT_2", "kmsKeyId": "arn:k"}),)),
        example(resources=(ResourceSubject(LUSTRE, "fsx", {"deploymentType": "SCRATCH_2"}),), expect="not_applicable"),
    ),
    failing=(example(resources=(ResourceSubject(LUSTRE, "fsx", {"deploymentType": "PERSISTENT_2"}),)),),
)
