"""Vector database sizing: memory, disk and nodes per replica (aifab.models.storage.size_vector_db)."""

from __future__ import annotations

import pytest

from aifab.errors import InputError
from aifab.models import VectorDbInput, size_vector_db


def test_published_qdrant_memory_figure_not_used_to_build_the_model() -> None:
    # NOT used to build the model (its 1.5 overhead came from ScyllaDB's sizing guide): Qdrant, "Capacity
    # Planning" (read 2026-12-01), https://qdrant.tech/documentation/cloud/capacity-sizing/ :
    # "1 million vectors with 1024 dimensions ... approximately 6,144,000,000 bytes, or about 5.72 GB".
    v = size_vector_db(VectorDbInput(vectors=1_000_000, dimensions=1024))
    assert v.per_replica_gib * 2**30 == pytest.approx(6_144_000_000)
    assert v.per_replica_gib == pytest.approx(5.72, abs=0.005)  # model 5.722 GiB, ratio 1.000


def test_disk_and_nodes_follow_replicas() -> None:
    v = size_vector_db(
        VectorDbInput(vectors=20_000_000, dimensions=1024, replicas=3, memory_per_node_gib=48, disk_headroom_factor=2)
    )
    # 20e6 x 1024 x 4 B = 76.29 GiB raw x 1.5 = 114.44 GiB per replica; disk x 2 = 228.88 GiB; 48 GiB nodes -> 3 each
    assert v.per_replica_gib == pytest.approx(20e6 * 1024 * 4 * 1.5 / 2**30)
    assert v.disk_gib_per_replica == pytest.approx(2 * v.per_replica_gib)
    assert v.disk_gib_total == pytest.approx(6 * v.per_replica_gib)
    assert (v.nodes_per_replica, v.nodes_total) == (3, 9)


def test_disk_headroom_below_one_is_refused() -> None:
    with pytest.raises(InputError, match="disk_headroom_factor"):
        VectorDbInput(vectors=1, dimensions=1, disk_headroom_factor=0.5)
