"""SOV-US-GEN-007: Traffic leaving the boundary is controlled (US).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import US, egress_rule

rule = egress_rule(US)
