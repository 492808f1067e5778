"""SOV-UK-GEN-003: Encryption keys are held by the customer inside the jurisdiction (UK).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import UK, keys_rule

rule = keys_rule(UK)
