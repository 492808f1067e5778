"""A governed data lake: the lake, its key, and an audit trail delivered to an object-locked audit lake.

>>> from aifab.blueprints.composites import GovernedDataLake
>>> gov = GovernedDataLake(id="prod", key_region="eu-north-1", object_lock="governance",
...                        object_lock_retention_days=365, data_classification="personal",
...                        site="stockholm", inside="eu", environment="prod")
>>> [c.id for c in gov.expand()]
['kms-prod', 'audit-lake-prod', 'audit-prod', 'lake-prod']
>>> lake = gov.expand()[3]
>>> lake.encrypted_by, lake.logs_to
('kms-prod', 'audit-prod')
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Literal

from aifab.design.component import Component, Ref
from aifab.design.composite import PlacedComposite, given

from ..security import AuditLog, KeyManagement
from ..storage import DataLake, LifecycleRule, Lineage


class GovernedDataLake(PlacedComposite):
    """A data lake encrypted with a customer-managed key, its access recorded by an audit trail that is
    delivered, encrypted, to an object-locked (compliance mode) audit lake.

    Parts: ``key`` (``kms-<id>``; not made when ``key`` names an existing one), ``audit_key``
    (``kms-audit-<id>``, only with ``separate_audit_key``), ``audit_lake`` (``audit-lake-<id>``),
    ``audit`` (``audit-<id>``) and ``lake`` (``lake-<id>``, the main part). Every part takes the site
    and boundary; all but the audit trail take the environment: the trail records every account, so it
    is shared.
    """

    use: Literal["governed-data-lake"] = "governed-data-lake"
    parts: ClassVar[dict[str, str]] = {
        "key": "kms",
        "audit_key": "kms-audit",
        "audit_lake": "audit-lake",
        "audit": "audit",
        "lake": "lake",
    }
    main: ClassVar[str] = "lake"

    key: Ref | None = None
    key_provider: Literal["aws-kms", "aws-cloudhsm", "external-key-store", "vault", "onprem-hsm"] = "aws-kms"
    key_region: str | None = None
    separate_audit_key: bool = False

    audit_provider: Literal["cloudtrail", "onprem-siem", "splunk", "loki"] = "cloudtrail"
    audit_retention_days: int | None = None
    audit_lock_retention_days: int = 2555

    object_lock: Literal["none", "governance", "compliance"] = "none"
    object_lock_retention_days: int | None = None
    lifecycle: tuple[LifecycleRule, ...] = ()
    lineage: Lineage | None = None
    data_classification: Literal["public", "internal", "confidential", "personal", "special-category"] = "confidential"

    def components(self) -> Iterator[Component]:
        placed = self.placement()
        shared = {k: v for k, v in placed.items() if k != "environment"}
        key = self.key
        if key is None:
            key = self.part_id("key")
            yield self.build(KeyManagement, key, provider=self.key_provider, key_region=self.key_region, **placed)
        audit_key = key
        if self.separate_audit_key:
            audit_key = self.part_id("audit_key")
            yield self.build(KeyManagement, audit_key, provider=self.key_provider, key_region=self.key_region, **placed)
        yield self.build(
            DataLake,
            self.part_id("audit_lake"),
            object_lock="compliance",
            object_lock_retention_days=self.audit_lock_retention_days,
            encrypted_by=audit_key,
            data_classification="confidential",
            **placed,
        )
        yield self.build(
            AuditLog,
            self.part_id("audit"),
            provider=self.audit_provider,
            encrypted_by=audit_key,
            stores_in=self.part_id("audit_lake"),
            **given(retention_days=self.audit_retention_days),
            **shared,
        )
        yield self.build(
            DataLake,
            self.part_id("lake"),
            object_lock=self.object_lock,
            object_lock_retention_days=self.object_lock_retention_days,
            lifecycle=self.lifecycle,
            encrypted_by=key,
            logs_to=self.part_id("audit"),
            data_classification=self.data_classification,
            **given(lineage=self.lineage),
            **placed,
        )
