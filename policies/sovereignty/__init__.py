"""Shared sovereignty rules: one check each, instantiated per jurisdiction by the sovereign packs.

Each sovereign pack (``sovereign-uk``, ``-eu``, ``-us``) has one small module per rule that calls a factory
here with its :class:`Jurisdiction` profile, so the check logic exists once while each pack's rules carry
their own ids (``SOV-UK-GEN-001``), framework references and examples::

    from aifab.policies.sovereignty import UK, regions_rule
    rule = regions_rule(UK)

One module per check (``regions``, ``replication``, ``keys``, ``guardrail``, ``telemetry``, ``egress``,
``attestations``, ``partition``); what a pack judges is in :mod:`.scope`, the jurisdictions in
:mod:`.jurisdictions`. Allowed regions: the pack's ``allowed_regions`` parameter when set, else the
catalogue's allow-list for the boundary's jurisdiction, narrowed by the boundary's own ``allowed_regions``
(:meth:`aifab.policy.PolicyContext.allowed_regions`, which the energy pack asks too). On-prem and colocation
sites are judged by country (``allowed_countries``).

Public exposure (a public Kubernetes API, inference endpoint, subnet or bucket) and a store's encryption
are owned by the baseline-security rules, which judge every component, inside a boundary or not; the
sovereign packs do not report them a second time.
"""

from .attestations import attestations_rule
from .egress import egress_rule
from .guardrail import guardrail_rule
from .jurisdictions import EU, UK, US, Jurisdiction
from .keys import keys_rule
from .partition import partition_rule
from .placement import REGIONAL_TYPES, resource_regions_rule
from .regions import regions_rule
from .replication import replication_rule
from .scope import allowed_regions, boundaries, in_scope
from .telemetry import telemetry_rule

__all__ = [
    "EU",
    "REGIONAL_TYPES",
    "UK",
    "US",
    "Jurisdiction",
    "allowed_regions",
    "attestations_rule",
    "boundaries",
    "egress_rule",
    "guardrail_rule",
    "in_scope",
    "keys_rule",
    "partition_rule",
    "regions_rule",
    "replication_rule",
    "resource_regions_rule",
    "telemetry_rule",
]
