"""SEC-FSX-001: File systems and vector databases are encrypted with a customer-managed key."""

from aifab.blueprints import FileSystem, KeyManagement, VectorDatabase
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(store: FileSystem | VectorDatabase, ctx: PolicyContext) -> Verdict:
    if store.encryption != "customer-managed-key":
        return fail(f"encryption is {store.encryption!r}, not a customer-managed key", field="encryption")
    if not [k for k in ctx.linked(store, "encrypted_by") if isinstance(k, KeyManagement)]:
        return fail("no customer-managed key is linked (field encrypted_by)", field="encrypted_by")
    return passed(f"encrypted with customer-managed key {store.encrypted_by!r}")


rule = Rule(
    id="SEC-FSX-001",
    title="File systems and vector databases are encrypted with a customer-managed key",
    why=(
        "Shared file systems hold hydrated training data and checkpoints, vector databases hold embeddings "
        "of the source documents; both are copies of the sensitive data. FSx always encrypts at rest, but "
        "with a service key unless you set your own, and Security Hub has no FSx encryption control."
    ),
    severity="medium",
    pack="baseline-security",
    applies_to=("file_system", "vector_database"),
    check=check,
    frameworks=(
        ref("nist-800-53", "SC-28(1)"),
        ref("ncsc-csp", "2.3"),
        ref("checkov", "CKV_AWS_190"),
    ),
    remediation="Set encryption: customer-managed-key and link a key with encrypted_by.",
    passing=(
        example(
            KeyManagement(id="kms"),
            FileSystem(id="fs", engine="weka", capacity_tib=100, throughput_gbs=50, encrypted_by="kms"),
            VectorDatabase(id="vdb", engine="qdrant", dimensions=768, vector_count=1000, encrypted_by="kms"),
        ),
    ),
    failing=(
        example(FileSystem(id="fs", engine="nfs", capacity_tib=10, throughput_gbs=1, encryption="provider-managed")),
        example(VectorDatabase(id="vdb", engine="qdrant", dimensions=768, vector_count=1000, encryption="none")),
    ),
)
