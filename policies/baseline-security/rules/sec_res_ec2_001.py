"""SEC-RES-EC2-001: Recorded launch templates and instances require IMDSv2."""

from aifab.policy import PolicyContext, ResourceSubject, Rule, Verdict, example, fail, not_evaluated, passed, ref
from aifab.policy.resources import UNKNOWN

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
INSTANCE = "aws:ec2/instance:Instance"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    tokens = resource.get("metadataOptions.httpTokens")
    if tokens == UNKNOWN:
        return not_evaluated("metadataOptions.httpTokens is not known until apply")
    if tokens != "required":  # unset: the AMI's default, usually 'optional' (IMDSv1 allowed)
        return fail(f"metadataOptions.httpTokens is {tokens or 'unset'}, not 'required': IMDSv1 stays open")
    return passed("IMDSv2 is required")


def _lt(options: dict[str, object] | None) -> ResourceSubject:
    return ResourceSubject(LAUNCH_TEMPLATE, "gpu-lt", {"metadataOptions": options} if options else {})


rule = Rule(
    id="SEC-RES-EC2-001",
    title="Recorded launch templates and instances require IMDSv2",
    why=(
        "IMDSv1 answers any request, so a server-side request forgery in a notebook or inference server hands "
        "out the node's credentials. IMDSv2 needs a session token that such requests cannot get."
    ),
    severity="high",
    pack="baseline-security",
    target="resource",
    applies_to=(LAUNCH_TEMPLATE, INSTANCE),
    check=check,
    frameworks=(
        ref("fsbp", "EC2.8"),
        ref("fsbp", "EC2.170"),
        ref("nist-800-53", "AC-3"),
        ref("cdk-nag", "NIST.800.53.R5-EC2IMDSv2Enabled"),
        ref("checkov", "CKV_AWS_79"),
    ),
    remediation="Set metadataOptions: {httpTokens: required, httpEndpoint: enabled}.",
    passing=(example(resources=(_lt({"httpEndpoint": "enabled", "httpTokens": "required"}),)),),
    failing=(example(resources=(_lt(None),)), example(resources=(_lt({"httpTokens": "optional"}),))),
)
