"""SEC-MDL-001: Model-serving endpoints are not public."""

from aifab.blueprints import ModelServing
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, passed, ref


def check(serving: ModelServing, ctx: PolicyContext) -> Verdict:
    if serving.public_endpoint:
        return fail("the inference endpoint is exposed to the internet", field="public_endpoint")
    return passed("the inference endpoint is internal")


rule = Rule(
    id="SEC-MDL-001",
    title="Model-serving endpoints are not public",
    why=(
        "A public inference endpoint invites prompt injection, model extraction and cost attacks from "
        "anyone. Publish models through an authenticated gateway with rate limits, not straight from the "
        "serving engine."
    ),
    severity="high",
    pack="baseline-security",
    applies_to=("model_serving",),
    check=check,
    frameworks=(ref("nist-800-53", "SC-7"), ref("nist-800-53", "AC-3"), ref("ncsc-csp", "11")),
    remediation="Set public_endpoint: false and front the service with an authenticated API gateway.",
    passing=(example(ModelServing(id="serve", pool="infer")),),
    failing=(example(ModelServing(id="serve", pool="infer", public_endpoint=True)),),
)
