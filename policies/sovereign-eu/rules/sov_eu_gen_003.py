"""SOV-EU-GEN-003: Encryption keys are held by the customer inside the jurisdiction (EU).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import EU, keys_rule

rule = keys_rule(EU)
