"""SOV-US-GEN-006: Logs and telemetry stay in the jurisdiction (US).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import US, telemetry_rule

rule = telemetry_rule(US)
