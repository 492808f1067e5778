"""SEC-RES-EBS-001: Recorded launch templates encrypt every EBS volume."""

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
from aifab.policy.resources import UNKNOWN, flag

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    mappings = resource.get("blockDeviceMappings")
    if mappings == UNKNOWN:
        return not_evaluated("blockDeviceMappings is not known until apply")
    volumes = [
        (i, m["ebs"]) for i, m in enumerate(mappings or []) if isinstance(m, dict) and isinstance(m.get("ebs"), dict)
    ]
    if not volumes:
        return not_applicable("the template maps no EBS volume (the AMI's own mappings apply)")
    for i, ebs in volumes:
        if ebs.get("encrypted") == UNKNOWN:
            return not_evaluated(f"blockDeviceMappings[{i}].ebs.encrypted is not known until apply")
        if not flag(ebs.get("encrypted")):  # unset: the account's default, which the stack cannot see
            return fail(f"blockDeviceMappings[{i}].ebs.encrypted is false or unset")
    return passed(f"{len(volumes)} EBS volume(s) encrypted")


def _lt(ebs: dict[str, object]) -> ResourceSubject:
    return ResourceSubject(
        LAUNCH_TEMPLATE, "gpu-lt", {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": ebs}]}
    )


rule = Rule(
    id="SEC-RES-EBS-001",
    title="Recorded launch templates encrypt every EBS volume",
    why=(
        "GPU nodes cache datasets, checkpoints and container layers on their root volumes; an unencrypted "
        "volume or snapshot exposes them to anyone who can copy it. Leaving 'encrypted' unset depends on an "
        "account setting the stack does not control."
    ),
    severity="high",
    pack="baseline-security",
    target="resource",
    applies_to=(LAUNCH_TEMPLATE,),
    check=check,
    frameworks=(
        ref("nist-800-53", "SC-28"),
        ref("checkov", "CKV_AWS_8", verified=False, note="Checkov checks launch configurations and instances"),
        ref(
            "cis-aws-3.0.0",
            "2.2.1",
            verified=False,
            note="CIS asks for the account default",
        ),
    ),
    remediation="Set encrypted: true (and kmsKeyId to the node key) on every blockDeviceMappings[].ebs.",
    passing=(example(resources=(_lt({"volumeType": "gp3", "encrypted": "true", "kmsKeyId": "k"}),)),),
    failing=(example(resources=(_lt({"volumeType": "gp3"}),)),),
)
