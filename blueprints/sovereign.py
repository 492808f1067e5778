"""Sovereignty: a boundary with a jurisdiction, its allowed regions, key custody and egress rules;
and an on-prem private cloud as a deployment target beside AWS.

>>> from aifab.blueprints.sovereign import Attestation, PrivateCloud, SovereignBoundary
>>> uk = SovereignBoundary(
...     id="uk", jurisdiction="UK", key_custody="customer-hsm", egress="allow-list",
...     egress_allow=("10.0.0.0/8",),
...     attestations=(Attestation(obligation="UK-screened operator personnel (NCSC CSP 6)",
...                               evidence="https://intranet.example/vetting", expires="2027-06-30"),))
>>> uk.jurisdiction
'UK'
>>> openstack = PrivateCloud(id="openstack", platform="openstack", operator="platform-team", site="manchester")
>>> openstack.site
'manchester'
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Annotated, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from aifab.design.component import SPEC_CONFIG, Component, Link, Ref, StrictNumbers
from aifab.errors import Diagnostic

from ._placement import Placed


class Attestation(StrictNumbers):
    """An obligation code cannot prove (operator personnel, legal immunity), recorded with evidence and expiry.

    ``status`` says whether the obligation is met, or knowingly not met with the residual risk accepted by
    ``accepted_by`` (a named role): an accepted risk is recorded, but it does not satisfy the obligation.
    """

    model_config = SPEC_CONFIG

    obligation: Annotated[str, Field(min_length=8)]
    evidence: Annotated[str, Field(min_length=3)]
    expires: dt.date
    status: Literal["met", "risk-accepted"] = "met"
    accepted_by: Annotated[str | None, Field(min_length=2)] = None

    @model_validator(mode="after")
    def _acceptance(self) -> Attestation:
        if (self.status == "risk-accepted") != (self.accepted_by is not None):
            raise ValueError("accepted_by names who accepted the risk: set it exactly when status is 'risk-accepted'")
        return self


class SovereignBoundary(Component):
    """Everything inside must stay in ``jurisdiction``: data, keys, logs and replicas.

    ``allowed_regions`` defaults to the catalogue's allow-list for the jurisdiction; set it to narrow it.
    """

    kind: Literal["sovereign_boundary"] = "sovereign_boundary"
    area: ClassVar[str] = "sovereign"
    deployable: ClassVar[bool] = False
    catalogue_refs: ClassVar[dict[str, str]] = {"jurisdiction": "jurisdiction", "allowed_regions": "region"}

    jurisdiction: Annotated[str, Field(min_length=2)]
    allowed_regions: tuple[str, ...] | None = None
    key_custody: Literal["provider-managed", "customer-managed-kms", "customer-hsm", "external-key-store"] = (
        "customer-managed-kms"
    )
    egress: Literal["deny-all", "allow-list", "open"] = "deny-all"
    egress_allow: tuple[str, ...] = ()
    attestations: tuple[Attestation, ...] = ()

    @field_validator("egress_allow")
    @classmethod
    def _cidrs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for cidr in value:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError as exc:
                raise ValueError(f"egress_allow entry {cidr!r} is not a CIDR block (e.g. 10.0.0.0/8)") from exc
        return value

    def check(self) -> list[Diagnostic]:
        problems = super().check()
        if self.egress == "allow-list" and not self.egress_allow:
            problems.append(self.problem("empty-egress-allow-list", "egress is 'allow-list' but egress_allow is empty"))
        if self.egress != "allow-list" and self.egress_allow:
            problems.append(
                self.problem(
                    "unused-egress-allow-list", f"egress_allow is ignored when egress is {self.egress!r}", "warning"
                )
            )
        return problems


class PrivateCloud(Placed):
    """An on-prem private cloud (e.g. OpenStack or bare-metal Kubernetes) hosted at a site, beside or instead of AWS."""

    kind: Literal["private_cloud"] = "private_cloud"
    area: ClassVar[str] = "sovereign"

    platform: Literal["openstack", "vmware", "bare-metal-kubernetes"]
    operator: Annotated[str, Field(min_length=2, description="who runs it day to day")]
    site: Annotated[Ref | None, Link("sited_at", ("site",), required=True)] = None
