"""SOV-UK-GEN-001: Everything stays in the allowed regions (UK).

The check is shared by the sovereign packs: see aifab.policy.sovereignty.
"""

from aifab.policy.sovereignty import UK, regions_rule

rule = regions_rule(UK)
