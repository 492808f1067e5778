"""SOV-US-GEN-004: Nothing inside the boundary is exposed to the internet (US).

The check is shared by the sovereign packs: see aifactory.policy.sovereignty.
"""

from aifactory.policy.sovereignty import US, public_rule

rule = public_rule(US)
