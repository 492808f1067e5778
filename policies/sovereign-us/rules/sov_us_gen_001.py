"""SOV-US-GEN-001: Everything stays in the allowed regions (US).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import US, regions_rule

rule = regions_rule(US)
