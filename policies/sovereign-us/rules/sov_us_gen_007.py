"""SOV-US-GEN-007: Traffic leaving the boundary is controlled (US).

The check is shared by the sovereign packs: see aifab.policy.sovereignty.
"""

from aifab.policy.sovereignty import US, egress_rule

rule = egress_rule(US)
