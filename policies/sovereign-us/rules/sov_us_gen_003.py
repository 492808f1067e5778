"""SOV-US-GEN-003: Encryption keys are held by the customer inside the jurisdiction (US).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import US, keys_rule

rule = keys_rule(US)
