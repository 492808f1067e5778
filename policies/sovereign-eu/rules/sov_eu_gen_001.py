"""SOV-EU-GEN-001: Everything stays in the allowed regions (EU).

The check is shared by the sovereign packs: see aifactory.policy.sovereignty.
"""

from aifactory.policy.sovereignty import EU, regions_rule

rule = regions_rule(EU)
