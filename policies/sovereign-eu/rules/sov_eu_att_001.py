"""SOV-EU-ATT-001: Sovereignty attestations are recorded and current (EU).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import EU, attestations_rule

rule = attestations_rule(EU)
