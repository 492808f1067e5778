"""SOV-EU-GEN-002: No data or keys replicate out of the jurisdiction (EU).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import EU, replication_rule

rule = replication_rule(EU)
