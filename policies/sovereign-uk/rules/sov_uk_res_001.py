"""SOV-UK-RES-001: Recorded regional resources are created in the allowed regions (UK).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.placement.
"""

from aifab.policies.sovereignty import UK, resource_regions_rule

rule = resource_regions_rule(UK)
