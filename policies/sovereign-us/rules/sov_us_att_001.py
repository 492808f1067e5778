"""SOV-US-ATT-001: Sovereignty attestations are recorded and current (US).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import US, attestations_rule

rule = attestations_rule(US)
