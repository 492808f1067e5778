"""The collectives workload reports algbw and busbw exactly as nccl-tests defines them.

Definitions: nccl-tests doc/PERFORMANCE.md (https://github.com/NVIDIA/nccl-tests/blob/master/doc/PERFORMANCE.md,
read 2026-12-01) and src/all_gather.cu ``AllGatherGetBw``: ``baseBw = count x typesize x nranks / sec`` with
``count`` the per-rank send count, i.e. S is the total gathered array.
"""

from __future__ import annotations

import pytest

from aifab.bench.workloads import collectives as c
from aifab.models.collectives import busbw_factor as model_factor


@pytest.mark.parametrize(
    ("op", "ranks", "expected"),
    [
        ("all_reduce", 2, 1.0),
        ("all_reduce", 8, 2 * 7 / 8),
        ("all_reduce", 16, 2 * 15 / 16),
        ("all_gather", 8, 7 / 8),
        ("reduce_scatter", 4, 3 / 4),
        ("all_to_all", 8, 7 / 8),
        ("broadcast", 8, 1.0),
        ("all_reduce", 1, 0.0),
    ],
)
def test_factor_is_the_nccl_tests_summary(op: str, ranks: int, expected: float) -> None:
    assert c.busbw_factor(op, ranks) == pytest.approx(expected)


@pytest.mark.parametrize("op", ["all_reduce", "all_gather", "reduce_scatter", "broadcast"])
@pytest.mark.parametrize("ranks", [1, 2, 3, 8, 64, 1024])
def test_factor_agrees_with_the_capacity_model(op: str, ranks: int) -> None:
    # The workload is stdlib-only and cannot import the model; the two must never drift apart.
    assert c.busbw_factor(op, ranks) == pytest.approx(model_factor(op, ranks))  # type: ignore[arg-type]


def test_published_all_reduce_row_is_reproduced() -> None:
    # A published all_reduce_perf run, 16 H100 ranks (2 nodes x 8), out-of-place row
    # "8589934592 ... 47535  180.71  338.82": github.com/lessizzmore/create-a3mega-ztan-fork,
    # file ztan-NCCL-test-result (read 2026-12-01). Not used to build anything here.
    size, time_s = 8589934592, 47535e-6
    assert c.algbw_gbs(size, time_s) == pytest.approx(180.71, abs=0.01)
    assert c.busbw_gbs("all_reduce", 16, size, time_s) == pytest.approx(338.82, abs=0.02)


def test_all_gather_and_reduce_scatter_count_the_total_array() -> None:
    # S = sendcount x sizeof x n (all_gather), recvcount x sizeof x n (reduce_scatter).
    ranks, message = 4, 4096
    assert c.per_rank_elements("all_gather", message, ranks) == (256, 1024)
    assert c.per_rank_elements("reduce_scatter", message, ranks) == (1024, 256)
    assert c.per_rank_elements("all_reduce", message, ranks) == (1024, 1024)
    # 4096 B gathered over 4 ranks in 1 us: algbw = 4.096 GB/s, busbw = x 3/4.
    assert c.algbw_gbs(message, 1e-6) == pytest.approx(4.096)
    assert c.busbw_gbs("all_gather", ranks, message, 1e-6) == pytest.approx(3.072)


def test_sizes_round_to_whole_chunks_and_sweep_like_nccl_tests() -> None:
    assert c.round_message(1000, 3) == 996  # 3 ranks x 4-byte elements
    assert c.round_message(5, 2) == 8  # never below one element per rank
    assert c.message_sizes(8, 128, 2) == [8, 16, 32, 64, 128]
    assert c.message_sizes(1024, 5000, 4) == [1024, 4096]


@pytest.mark.parametrize(("args", "word"), [((8, 4, 2), "min"), ((0, 8, 2), "min"), ((8, 64, 1), "factor")])
def test_bad_sweeps_are_refused(args: tuple[int, int, int], word: str) -> None:
    with pytest.raises(ValueError, match=word):
        c.message_sizes(*args)


def test_unknown_op_is_refused() -> None:
    with pytest.raises(ValueError, match="all_reduce"):
        c.busbw_factor("reduce", 4)
    with pytest.raises(ValueError, match="ranks"):
        c.busbw_factor("all_reduce", 0)
