"""SOV-UK-GEN-006: Logs and telemetry stay in the jurisdiction (UK).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import UK, telemetry_rule

rule = telemetry_rule(UK)
