"""SOV-EU-GEN-001: Everything stays in the allowed regions (EU).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import EU, regions_rule

rule = regions_rule(EU)
