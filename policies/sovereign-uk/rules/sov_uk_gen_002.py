"""SOV-UK-GEN-002: No data or keys replicate out of the jurisdiction (UK).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import UK, replication_rule

rule = replication_rule(UK)
