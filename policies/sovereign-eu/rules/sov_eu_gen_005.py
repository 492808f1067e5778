"""SOV-EU-GEN-005: A preventive guardrail denies other regions (EU).

The check is shared by the sovereign packs: see aifab.policies.sovereignty.
"""

from aifab.policies.sovereignty import EU, guardrail_rule

rule = guardrail_rule(EU)
