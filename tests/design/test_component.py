"""The component base: links stored as ids, locations remembered, frozen and closed."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from aifab.blueprints import DataLake, GpuPool, KeyManagement
from aifab.errors import Location


def test_links_accept_components_and_store_ids() -> None:
    key = KeyManagement(id="kms")
    lake = DataLake(id="lake", encrypted_by=key)
    assert lake.encrypted_by == "kms"
    assert lake == DataLake(id="lake", encrypted_by="kms")


def test_location_is_the_callers_line() -> None:
    key = KeyManagement(id="kms")  # this line
    assert key.location.file is not None and key.location.file.endswith("test_component.py")
    import inspect

    assert key.location.line == inspect.currentframe().f_lineno - 4  # type: ignore[union-attr]


def test_location_is_not_part_of_equality() -> None:
    a = KeyManagement(id="kms").at(Location(file="a.yaml", line=1))
    b = KeyManagement(id="kms").at(Location(file="b.yaml", line=9))
    assert a == b


def test_links_lists_every_target() -> None:
    pool = GpuPool(
        id="p", role="training", instance_type="p5.48xlarge", node_count=1, cluster="eks", scratch=("fs1", "fs2")
    )
    targets = {(link.field, link.target) for link in pool.links()}
    assert targets == {("cluster", "eks"), ("scratch", "fs1"), ("scratch", "fs2")}


def test_frozen_and_closed() -> None:
    key = KeyManagement(id="kms")
    with pytest.raises(ValidationError):
        key.id = "other"
    with pytest.raises(ValidationError, match="Extra inputs"):
        KeyManagement(id="kms", colour="blue")


@pytest.mark.parametrize("bad", ["Upper", "under_score", "-lead", "trail-", "", "a" * 64])
def test_ids_are_dns_like(bad: str) -> None:
    with pytest.raises(ValidationError):
        KeyManagement(id=bad)
