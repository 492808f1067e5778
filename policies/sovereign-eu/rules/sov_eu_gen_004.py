"""SOV-EU-GEN-004: Nothing inside the boundary is exposed to the internet (EU).

The check is shared by the sovereign packs: see aifab.policy.sovereignty.
"""

from aifab.policy.sovereignty import EU, public_rule

rule = public_rule(EU)
