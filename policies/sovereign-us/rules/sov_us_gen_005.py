"""SOV-US-GEN-005: A preventive guardrail denies other regions (US).

The check is shared by the sovereign packs: see aifactory.policy.sovereignty.
"""

from aifactory.policy.sovereignty import US, guardrail_rule

rule = guardrail_rule(US)
