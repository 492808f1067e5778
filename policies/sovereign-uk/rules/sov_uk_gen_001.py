"""SOV-UK-GEN-001: Everything stays in the allowed regions (UK).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import UK, regions_rule

rule = regions_rule(UK)
