"""GOV-ENV-002: Non-production has no path to production data."""

from collections.abc import Iterator

from aifab.blueprints import AccessControl, DataLake, Environment, FileSystem, Role
from aifab.design.design import Design
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref

STORES = ("data_lake", "file_system", "vector_database")


def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
    envs = {e.id: e for e in ctx.components("environment") if isinstance(e, Environment)}
    non_prod = {i for i, e in envs.items() if e.purpose != "production"}
    for env_id in sorted(non_prod):
        env = envs[env_id]
        if env.may_read_production_data:
            yield fail(
                f"the {env.purpose} environment is allowed to read production data",
                component=env_id,
                field="may_read_production_data",
            )
        else:
            yield passed("may not read production data", component=env_id)
    for component in ctx.components():
        env = ctx.environment_of(component)
        if env is None or env.id not in non_prod:
            continue
        for link in component.links():
            target = ctx.component(link.target)
            if target is not None and target.kind in STORES and ctx.is_production(target):
                yield fail(
                    f"{env.purpose} component reads production {target.kind} {target.id!r} "
                    f"({getattr(target, 'data_classification', 'unclassified')} data) through {link.field}",
                    component=component.id,
                    field=link.field,
                )
    for access in ctx.components("access_control"):
        assert isinstance(access, AccessControl)
        for role in access.roles:
            if "read-production-data" not in role.permissions:
                continue
            reach = [e for e in role.environments if e in non_prod] if role.environments else sorted(non_prod)
            if reach:
                yield fail(
                    f"role {role.name!r} may read production data and acts in {', '.join(reach)}",
                    component=access.id,
                    field="roles",
                )


rule = Rule(
    id="GOV-ENV-002",
    title="Non-production has no path to production data",
    why=(
        "Experimentation environments have looser access, more people and shorter-lived code; production "
        "data, often personal, must reach them only as synthetic or anonymised copies with a lineage record. "
        "The rule fails when a non-production environment may read production data, when a non-production "
        "component links to a production data store, or when a role that reads production data also acts "
        "outside production."
    ),
    severity="high",
    pack="governance-mlops",
    target="design",
    check=check,
    frameworks=(
        ref("iso-27001", "A.8.33"),
        ref("gdpr", "Art. 5(1)(c)"),
        ref("gdpr", "Art. 25"),
        ref("eu-ai-act", "Art. 10(5)"),
        ref("iso-42001", "A.7.2", verified=False, note="Annex A numbering from a public crosswalk"),
    ),
    remediation=(
        "Give experimentation its own data lake of anonymised or synthetic data and point its file systems "
        "and pipelines there; scope read-production-data roles to production environments."
    ),
    passing=(
        example(
            Environment(id="prod", purpose="production"),
            Environment(id="exp", purpose="experimentation"),
            DataLake(id="prod-lake", encrypted_by="k", environment="prod"),
            DataLake(id="exp-lake", encrypted_by="k", environment="exp", data_classification="internal"),
            FileSystem(
                id="fs",
                engine="nfs",
                capacity_tib=1,
                throughput_gbs=1,
                encrypted_by="k",
                data_repository="exp-lake",
                environment="exp",
            ),
        ),
    ),
    failing=(
        example(
            Environment(id="prod", purpose="production"),
            Environment(id="exp", purpose="experimentation"),
            DataLake(id="prod-lake", encrypted_by="k", environment="prod", data_classification="personal"),
            FileSystem(
                id="fs",
                engine="nfs",
                capacity_tib=1,
                throughput_gbs=1,
                encrypted_by="k",
                data_repository="prod-lake",
                environment="exp",
            ),
        ),
        example(Environment(id="exp", purpose="experimentation", may_read_production_data=True)),
        example(
            Environment(id="prod", purpose="production"),
            Environment(id="exp", purpose="experimentation"),
            AccessControl(
                id="rbac",
                identity_provider="okta",
                roles=(Role(name="analyst", permissions=("read-production-data", "train")),),
            ),
        ),
    ),
)
