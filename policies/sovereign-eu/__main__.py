"""The sovereign-eu pack as a Pulumi CrossGuard policy pack.

Run with `pulumi preview --policy-pack policies/sovereign-eu`.
"""

from pathlib import Path

from aifab.policy.crossguard import serve

serve(Path(__file__).resolve().parent)
