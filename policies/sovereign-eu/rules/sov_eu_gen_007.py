"""SOV-EU-GEN-007: Traffic leaving the boundary is controlled (EU).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import EU, egress_rule

rule = egress_rule(EU)
