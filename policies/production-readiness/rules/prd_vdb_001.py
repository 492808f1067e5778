"""PRD-VDB-001: Production vector databases are replicated."""

from aifab.blueprints import Environment, VectorDatabase
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(vdb: VectorDatabase, ctx: PolicyContext) -> Verdict:
    if not ctx.is_production(vdb):
        return not_applicable("not a production vector database")
    if vdb.replicas < 2:
        return fail(
            "one copy of the index: a node loss takes retrieval down and forces a full re-index", field="replicas"
        )
    return passed(f"{vdb.replicas} replicas")


rule = Rule(
    id="PRD-VDB-001",
    title="Production vector databases are replicated",
    why=(
        "Retrieval-augmented applications fail when the vector index does; rebuilding an index of tens of "
        "millions of vectors takes hours of embedding compute."
    ),
    severity="medium",
    pack="production-readiness",
    applies_to=("vector_database",),
    check=check,
    frameworks=(ref("aws-wa-rel", "REL10-BP01", verified=False), ref("nist-800-53", "CP-10", verified=False)),
    remediation="Set replicas >= 2.",
    passing=(
        example(
            Environment(id="prod", purpose="production"),
            VectorDatabase(
                id="vdb", engine="opensearch", dimensions=1024, vector_count=10**6, encrypted_by="k", environment="prod"
            ),
        ),
    ),
    failing=(
        example(
            Environment(id="prod", purpose="production"),
            VectorDatabase(
                id="vdb",
                engine="opensearch",
                dimensions=1024,
                vector_count=10**6,
                encrypted_by="k",
                replicas=1,
                environment="prod",
            ),
        ),
    ),
)
