"""SOV-EU-RES-001: Recorded regional resources are created in the allowed regions (EU).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.placement.
"""

from aifab.policies.sovereignty import EU, resource_regions_rule

rule = resource_regions_rule(EU)
