"""SOV-US-001: ITAR profile: every AWS site is in the AWS GovCloud (US) partition."""

from aifab.policies.sovereignty import US, partition_rule
from aifab.policy import ref

rule = partition_rule(
    US,
    "001",
    switch="itar",
    partition="aws-us-gov",
    home_region="us-gov-west-1",
    title="ITAR profile: AWS sites are in the GovCloud (US) partition",
    why=(
        "Export-controlled (ITAR) data must stay in AWS GovCloud (US), whose accounts are held and operated by "
        "US persons; the commercial US regions do not meet that. When the pack parameter itar is on, every AWS "
        "site must be in partition aws-us-gov."
    ),
    refs=(ref("itar", "22 CFR 120-130", verified=False), ref("fedramp", "High baseline", verified=False)),
)
