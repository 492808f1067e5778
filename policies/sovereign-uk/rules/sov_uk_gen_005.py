"""SOV-UK-GEN-005: A preventive guardrail denies other regions (UK).

The check is shared by the sovereign packs: see aifab.policy.sovereignty.
"""

from aifab.policy.sovereignty import UK, guardrail_rule

rule = guardrail_rule(UK)
