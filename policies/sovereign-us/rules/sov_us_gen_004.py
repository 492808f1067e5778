"""SOV-US-GEN-004: Nothing inside the boundary is exposed to the internet (US).

The check is shared by the sovereign packs: see aifab.policy.sovereignty.
"""

from aifab.policy.sovereignty import US, public_rule

rule = public_rule(US)
