"""SOV-UK-GEN-005: A preventive guardrail denies other regions (UK).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import UK, guardrail_rule

rule = guardrail_rule(UK)
