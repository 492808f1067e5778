"""SOV-EU-GEN-006: Logs and telemetry stay in the jurisdiction (EU).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import EU, telemetry_rule

rule = telemetry_rule(EU)
