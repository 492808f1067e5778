"""governed-data-lake: lake, key, audit trail and object-locked audit lake."""

from __future__ import annotations

from aifab.blueprints import LifecycleRule
from aifab.blueprints.composites import GovernedDataLake


def test_expands_into_a_governed_lake() -> None:
    gov = GovernedDataLake(
        id="prod",
        key_region="eu-north-1",
        object_lock="governance",
        object_lock_retention_days=365,
        lifecycle=(LifecycleRule(prefix="raw/", expire_noncurrent_after_days=30),),
        site="stockholm",
        inside="eu",
        environment="prod",
    )
    key, audit_lake, audit, lake = gov.expand()
    assert (key.id, audit_lake.id, audit.id, lake.id) == ("kms-prod", "audit-lake-prod", "audit-prod", "lake-prod")
    assert audit_lake.object_lock == "compliance" and audit_lake.encrypted_by == "kms-prod"
    assert (audit.stores_in, audit.encrypted_by, lake.logs_to, lake.encrypted_by) == (
        "audit-lake-prod",
        "kms-prod",
        "audit-prod",
        "kms-prod",
    )
    assert audit.environment is None and lake.environment == "prod"  # the trail records every account: shared
    assert gov.ref() == "lake-prod"


def test_separate_audit_key_and_an_existing_lake_key() -> None:
    gov = GovernedDataLake(id="prod", key="hsm", separate_audit_key=True)
    audit_key, audit_lake, audit, lake = gov.expand()
    assert audit_key.id == "kms-audit-prod" and audit_lake.encrypted_by == audit.encrypted_by == "kms-audit-prod"
    assert lake.encrypted_by == "hsm"
