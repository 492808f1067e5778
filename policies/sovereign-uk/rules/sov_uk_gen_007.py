"""SOV-UK-GEN-007: Traffic leaving the boundary is controlled (UK).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import UK, egress_rule

rule = egress_rule(UK)
