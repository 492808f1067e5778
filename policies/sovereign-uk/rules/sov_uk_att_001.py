"""SOV-UK-ATT-001: Sovereignty attestations are recorded and current (UK).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import UK, attestations_rule

rule = attestations_rule(UK)
