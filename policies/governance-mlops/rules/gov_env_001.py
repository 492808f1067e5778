"""GOV-ENV-001: Production and non-production run in separate AWS accounts."""

from collections.abc import Iterator

from aifab.blueprints import Environment, Site
from aifab.design.component import Component
from aifab.design.design import Design
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed, ref


def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
    if not any(isinstance(s, Site) and s.provider == "aws" for s in ctx.components("site")):
        yield not_applicable("the design has no AWS site")
        return
    envs = [e for e in ctx.components("environment") if isinstance(e, Environment)]
    prod = [e for e in envs if e.purpose == "production"]
    other = [e for e in envs if e.purpose != "production"]
    if not prod or not other:
        yield not_applicable("the design does not declare both production and non-production environments")
        return
    for p in prod:
        if p.aws_account_id is None:
            yield fail(
                "the production environment names no AWS account of its own", component=p.id, field="aws_account_id"
            )
    for e in other:
        shared = [p.id for p in prod if p.aws_account_id is not None and p.aws_account_id == e.aws_account_id]
        if e.aws_account_id is None:
            yield fail(f"the {e.purpose} environment names no AWS account", component=e.id, field="aws_account_id")
        elif shared:
            yield fail(
                f"shares AWS account {e.aws_account_id} with production environment {shared[0]!r}; "
                "a namespace alone does not separate them",
                component=e.id,
                field="aws_account_id",
            )
        else:
            yield passed(f"runs in its own AWS account {e.aws_account_id}", component=e.id)


def _envs(exp_account: str | None) -> tuple[Component, ...]:
    return (
        Site(id="london", provider="aws", region="eu-west-2"),
        Environment(id="prod", purpose="production", aws_account_id="111111111111"),
        Environment(id="exp", purpose="experimentation", aws_account_id=exp_account),
    )


rule = Rule(
    id="GOV-ENV-001",
    title="Production and non-production run in separate AWS accounts",
    why=(
        "An account is AWS's hard isolation boundary: quotas, IAM, keys and blast radius stop there. "
        "Experiments that share the production account can reach production data and endpoints through "
        "one mis-scoped policy. AWS's multi-account guidance makes the same recommendation."
    ),
    severity="high",
    pack="governance-mlops",
    target="design",
    check=check,
    frameworks=(
        ref("iso-27001", "A.8.31"),
        ref("iso-42001", "A.6.2.5", verified=False, note="Annex A numbering from a public crosswalk"),
        ref("nist-800-53", "SC-32", verified=False),
    ),
    remediation="Give each environment its own aws_account_id; put production in its own OU.",
    passing=(example(*_envs("222222222222")),),
    failing=(example(*_envs("111111111111")), example(*_envs(None))),
)
