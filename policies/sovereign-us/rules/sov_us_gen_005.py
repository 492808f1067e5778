"""SOV-US-GEN-005: A preventive guardrail denies other regions (US).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import US, guardrail_rule

rule = guardrail_rule(US)
