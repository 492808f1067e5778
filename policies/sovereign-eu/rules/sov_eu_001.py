"""SOV-EU-001: Sovereign profile: every AWS site is in the AWS European Sovereign Cloud partition."""

from aifab.policies.sovereignty import EU, partition_rule
from aifab.policy import ref

rule = partition_rule(
    EU,
    "001",
    switch="sovereign_partition",
    partition="aws-eusc",
    home_region="eusc-de-east-1",
    title="Sovereign profile: AWS sites are in the European Sovereign Cloud partition",
    why=(
        "The commercial EU regions keep data in the EU but share a global control plane (IAM, billing, "
        "support); the AWS European Sovereign Cloud is a separate partition operated from the EU. When the "
        "pack parameter sovereign_partition is on, every AWS site must be in partition aws-eusc. Service and "
        "GPU availability there is reportedly limited: check it before choosing this profile."
    ),
    refs=(
        ref("eu-csf", "SOV-2", verified=False),
        ref("eu-csf", "SOV-4", verified=False),
        ref("eu-csf", "SOV-7", verified=False),
    ),
)
