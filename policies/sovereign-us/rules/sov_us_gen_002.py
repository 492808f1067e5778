"""SOV-US-GEN-002: No data or keys replicate out of the jurisdiction (US).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import US, replication_rule

rule = replication_rule(US)
