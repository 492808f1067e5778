"""Storage sizing: checkpoints, data loading, FSx for Lustre tiers, vector DB memory."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aifab.errors import InputError
from aifab.models.storage import (
    CheckpointInput,
    DataLoadingInput,
    VectorDbInput,
    checkpoint_sizing,
    data_loading_throughput,
    size_lustre,
    size_vector_db,
)

PERSISTENT_2 = (125, 250, 500, 1000)  # MB/s per TiB (reference-numbers fsx_lustre.per_unit_throughput)
PERSISTENT_1_SSD = (50, 100, 200)


def test_checkpoint_70b_worked_by_hand() -> None:
    # 70e9 params x 14 B (bf16 2 + fp32 master 4 + Adam m, v 2 x 4) = 980e9 B = 980 GB = 0.891 TiB
    # written in 60 s -> 980 / 60 = 16.33 GB/s
    c = checkpoint_sizing(CheckpointInput(parameters=70e9, target_write_s=60))
    assert c.checkpoint_bytes == 980e9
    assert c.checkpoint_gb == pytest.approx(980.0)
    assert c.checkpoint_tib == pytest.approx(980e9 / 2**40)
    assert c.write_gbs_needed == pytest.approx(16.333, abs=0.001)


def test_checkpoint_with_fp32_gradients() -> None:
    c = checkpoint_sizing(CheckpointInput(parameters=1e9, bytes_per_parameter=16, target_write_s=10))
    assert c.checkpoint_gb == 16.0
    assert c.write_gbs_needed == 1.6


def test_data_loading() -> None:
    # 1024 GPUs x 1 GB/s each (DDN's "usual minimum") = 1024 GB/s
    assert (
        data_loading_throughput(DataLoadingInput(accelerators=1024, read_gbs_per_accelerator=1.0)).read_gbs_needed
        == 1024
    )


def test_lustre_aws_documented_example() -> None:
    # AWS: 2.4 TiB x 50 MB/s/TiB = 120 MB/s
    s = size_lustre(2.4, 0.12, PERSISTENT_1_SSD, min_capacity_tib=1.2, capacity_increment_tib=2.4)
    assert (s.capacity_tib, s.per_unit_throughput_mbps_per_tib) == (2.4, 50)
    assert s.throughput_mbps == pytest.approx(120.0)
    assert s.driver == "capacity"


def test_lustre_throughput_driven_worked_by_hand() -> None:
    # need 10 TiB and 20 GB/s = 20,000 MB/s; PERSISTENT_2 steps: 1.2 TiB, then multiples of 2.4 TiB
    #   125: 20000/125 = 160 TiB -> ceil(160/2.4) = 67 x 2.4 = 160.8 TiB
    #   250:  80 TiB -> 34 x 2.4 =  81.6 TiB
    #   500:  40 TiB -> 17 x 2.4 =  40.8 TiB
    #  1000:  20 TiB ->  9 x 2.4 =  21.6 TiB  <- smallest capacity; 21.6 x 1000 = 21,600 MB/s
    s = size_lustre(10, 20, PERSISTENT_2, min_capacity_tib=1.2, capacity_increment_tib=2.4)
    assert s.capacity_tib == pytest.approx(21.6)
    assert s.per_unit_throughput_mbps_per_tib == 1000
    assert s.throughput_gbs == pytest.approx(21.6)
    assert s.driver == "throughput"
    assert s.usd_per_month is None


def test_lustre_picks_the_cheapest_when_prices_are_given() -> None:
    # illustrative USD per TiB-month: 160.8 x 100 = 16,080; 81.6 x 150 = 12,240; 40.8 x 400 = 16,320;
    # 21.6 x 900 = 19,440 -> the 250 tier is cheapest although not the smallest
    prices = {125: 100.0, 250: 150.0, 500: 400.0, 1000: 900.0}
    s = size_lustre(10, 20, PERSISTENT_2, 1.2, 2.4, usd_per_tib_month_by_tier=prices)
    assert s.capacity_tib == pytest.approx(81.6)
    assert s.per_unit_throughput_mbps_per_tib == 250
    assert s.usd_per_month == pytest.approx(12_240)


def test_lustre_capacity_driven() -> None:
    # 100 TiB at 1 GB/s: every tier needs <= 8 TiB for throughput, so 42 x 2.4 = 100.8 TiB; lowest tier wins
    s = size_lustre(100, 1, PERSISTENT_2, 1.2, 2.4)
    assert s.capacity_tib == pytest.approx(100.8)
    assert (s.per_unit_throughput_mbps_per_tib, s.driver) == (125, "capacity")


def test_lustre_minimum_file_system() -> None:
    s = size_lustre(0.5, 0.01, PERSISTENT_2, 1.2, 2.4)
    assert (s.capacity_tib, s.per_unit_throughput_mbps_per_tib, s.driver) == (1.2, 125, "minimum")


def test_lustre_exact_multiple_is_not_rounded_up() -> None:
    # 7.2 / 2.4 is 2.9999999999999996 in floats; 7.2 TiB must stay 7.2, not 9.6
    assert size_lustre(7.2, 0, PERSISTENT_2, 1.2, 2.4).capacity_tib == pytest.approx(7.2)


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        ((-1, 1, PERSISTENT_2, 1.2, 2.4), {}, "capacity_needed_tib"),
        ((1, -1, PERSISTENT_2, 1.2, 2.4), {}, "throughput_needed_gbs"),
        ((1, 1, (), 1.2, 2.4), {}, "per_unit_options_mbps_per_tib"),
        ((1, 1, (0,), 1.2, 2.4), {}, "per_unit_options_mbps_per_tib"),
        ((1, 1, PERSISTENT_2, 0, 2.4), {}, "min_capacity_tib"),
        ((1, 1, PERSISTENT_2, 1.2, 0), {}, "capacity_increment_tib"),
        (
            (1, 1, PERSISTENT_2, 1.2, 2.4),
            {"usd_per_tib_month_by_tier": {125: 1.0}},
            "usd_per_tib_month_by_tier",
        ),
    ],
)
def test_lustre_bad_input(args: tuple[Any, ...], kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as info:
        size_lustre(*args, **kwargs)
    assert info.value.field == field


@given(
    capacity=st.floats(0, 5000),
    throughput=st.floats(0, 500),
    tiers=st.lists(st.sampled_from([12, 40, 50, 100, 125, 200, 250, 500, 1000]), min_size=1, max_size=4),
    minimum=st.sampled_from([1.2, 2.4, 6.0]),
    increment=st.sampled_from([1.2, 2.4, 3.6, 6.0]),
)
def test_lustre_meets_both_needs_with_a_valid_tier(
    capacity: float, throughput: float, tiers: list[int], minimum: float, increment: float
) -> None:
    s = size_lustre(capacity, throughput, tuple(tiers), minimum, increment)
    assert s.per_unit_throughput_mbps_per_tib in tiers
    assert s.capacity_tib >= capacity - 1e-6
    assert s.throughput_mbps >= throughput * 1000 * (1 - 1e-9) - 1e-6
    # a valid size: the minimum, or a whole number of increments
    steps = s.capacity_tib / increment
    assert s.capacity_tib == minimum or abs(steps - round(steps)) < 1e-6
    # nothing smaller would have done: no valid size below the pick meets both needs on any tier
    smaller_sizes = [minimum] + [k * increment for k in range(1, math.ceil(s.capacity_tib / increment) + 1)]
    for size in smaller_sizes:
        if size < minimum or size >= s.capacity_tib - 1e-6:
            continue
        for tier in tiers:
            assert size < capacity - 1e-6 or size * tier < throughput * 1000 - 1e-6, (size, tier)


def test_vector_db_worked_by_hand() -> None:
    # 100M x 768-d fp32: 100e6 x 768 x 4 B = 307.2e9 B = 286.1 GiB raw; x 1.5 = 429.2 GiB per replica
    # 3 replicas = 1287.5 GiB; 256 GiB nodes -> ceil(429.2 / 256) = 2 per replica, 6 in total
    v = size_vector_db(VectorDbInput(vectors=100_000_000, dimensions=768, replicas=3, memory_per_node_gib=256))
    assert v.raw_vectors_gib == pytest.approx(307.2e9 / 2**30)
    assert v.per_replica_gib == pytest.approx(429.15, abs=0.01)
    assert v.total_gib == pytest.approx(3 * v.per_replica_gib)
    assert (v.nodes_per_replica, v.nodes_total) == (2, 6)


def test_vector_db_without_node_size() -> None:
    v = size_vector_db(VectorDbInput(vectors=1000, dimensions=8, bytes_per_dimension=1, index_overhead_factor=1))
    assert v.per_replica_gib == pytest.approx(8000 / 2**30)
    assert v.nodes_total is None


@pytest.mark.parametrize(
    ("model", "kwargs", "field"),
    [
        (CheckpointInput, {"parameters": 1e9, "target_write_s": 0}, "target_write_s"),
        (CheckpointInput, {"parameters": 0, "target_write_s": 1}, "parameters"),
        (DataLoadingInput, {"accelerators": 0, "read_gbs_per_accelerator": 1}, "accelerators"),
        (VectorDbInput, {"vectors": 0, "dimensions": 8}, "vectors"),
        (
            VectorDbInput,
            {"vectors": 1, "dimensions": 8, "index_overhead_factor": 0.5},
            "index_overhead_factor",
        ),
        (VectorDbInput, {"vectors": 1, "dimensions": 8, "replicas": 0}, "replicas"),
    ],
)
def test_bad_input(model: Any, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as info:
        model(**kwargs)
    assert info.value.field == field
