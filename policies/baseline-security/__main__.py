"""The baseline-security pack as a Pulumi CrossGuard policy pack.

Run with `pulumi preview --policy-pack policies/baseline-security`.
"""

from pathlib import Path

from aifab.policy.crossguard import serve

serve(Path(__file__).resolve().parent)
