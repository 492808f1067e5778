from __future__ import annotations

import pytest
from pydantic import ValidationError

from aifab.blueprints import DataLake, FileSystem, LifecycleRule, VectorDatabase


def test_object_lock_needs_versioning_and_retention() -> None:
    with pytest.raises(ValidationError, match="requires versioning"):
        DataLake(id="l", encrypted_by="k", versioning=False, object_lock="governance", object_lock_retention_days=30)
    with pytest.raises(ValidationError, match="needs object_lock_retention_days"):
        DataLake(id="l", encrypted_by="k", object_lock="compliance")
    with pytest.raises(ValidationError, match="object_lock is 'none'"):
        DataLake(id="l", encrypted_by="k", object_lock_retention_days=30)


def test_lifecycle_transition_pairs() -> None:
    with pytest.raises(ValidationError, match="together"):
        LifecycleRule(prefix="raw/", transition_to="GLACIER")
    assert LifecycleRule(prefix="raw/", transition_to="GLACIER", transition_after_days=90).transition_after_days == 90


def test_fsx_lustre_fields() -> None:
    with pytest.raises(ValidationError, match="needs deployment_type"):
        FileSystem(id="f", engine="fsx-lustre", capacity_tib=12, encrypted_by="k")
    with pytest.raises(ValidationError, match="remove throughput_gbs"):
        FileSystem(
            id="f",
            engine="fsx-lustre",
            deployment_type="PERSISTENT_2",
            per_unit_throughput_mbps_per_tib=250,
            capacity_tib=12,
            throughput_gbs=3,
            encrypted_by="k",
        )
    with pytest.raises(ValidationError, match="needs throughput_gbs"):
        FileSystem(id="f", engine="weka", capacity_tib=100, encrypted_by="k")
    with pytest.raises(ValidationError, match="greater than 0"):
        FileSystem(id="f", engine="weka", capacity_tib=0, throughput_gbs=10, encrypted_by="k")


def test_encryption_link_rules() -> None:
    assert [d.code for d in DataLake(id="l").check()] == ["missing-link"]
    assert [d.code for d in DataLake(id="l", encryption="provider-managed", encrypted_by="k").check()] == [
        "unused-link"
    ]
    assert DataLake(id="l", encrypted_by="k").check() == []


def test_vector_database_bounds() -> None:
    with pytest.raises(ValidationError):
        VectorDatabase(id="v", engine="qdrant", dimensions=0, vector_count=10)
    with pytest.raises(ValidationError):
        VectorDatabase(id="v", engine="qdrant", dimensions=8, vector_count=10, bytes_per_dimension=3)
