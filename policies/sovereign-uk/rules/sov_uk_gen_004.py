"""SOV-UK-GEN-004: Nothing inside the boundary is exposed to the internet (UK).

The check is shared by the sovereign packs: see aifab.policy.sovereignty.
"""

from aifab.policy.sovereignty import UK, public_rule

rule = public_rule(UK)
