"""Expected benchmark values: the design's come from its capacity estimate, the local machine's from its CPU."""

from __future__ import annotations

from pathlib import Path

import pytest

from aifab.bench.expect import (
    GP3_BASELINE,
    TOLERANCES,
    LocalMachine,
    design_expectations,
    local_expectations,
    parse_tolerances,
    read_machine,
)
from aifab.capacity import estimate_design
from aifab.catalogue import load_catalogue
from aifab.design.environments import stack_view
from aifab.design.loader import load_design
from aifab.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
UK = ROOT / "stacks" / "uk-sovereign-training"

CPUINFO = """\
processor\t: 0
model name\t: Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz
cpu MHz\t\t: 2000.000
physical id\t: 0
core id\t\t: 0
flags\t\t: fpu sse sse2 avx avx2 fma avx512f avx512bw

processor\t: 1
model name\t: Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz
cpu MHz\t\t: 2000.000
physical id\t: 0
core id\t\t: 0
flags\t\t: fpu sse sse2 avx avx2 fma avx512f avx512bw

processor\t: 2
model name\t: Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz
cpu MHz\t\t: 2000.000
physical id\t: 0
core id\t\t: 1
flags\t\t: fpu sse sse2 avx avx2 fma avx512f avx512bw
"""


@pytest.fixture(scope="module")
def uk_prod() -> tuple[object, object]:
    loaded = load_design(UK, env="prod")
    cat = load_catalogue(str(loaded.catalogue_file) if loaded.catalogue_file else None)
    est = estimate_design(stack_view(loaded.design, "prod"), cat)
    return est, design_expectations(UK, "prod")


def test_design_expectations_are_the_estimates_figures(uk_prod: tuple[object, object]) -> None:
    est, exp = uk_prod
    from aifab.bench.expect import Expectations
    from aifab.capacity import DesignEstimate

    assert isinstance(est, DesignEstimate) and isinstance(exp, Expectations)
    assert exp.default_scope is None  # two GPU pools: a result must say which
    assert set(exp.scopes) == {"pool train", "pool infer"}  # the CPU-only pool has no benchmark figures
    for pool in est.pools:
        if pool.accelerator is None:
            continue
        scope = exp.scopes[f"pool {pool.id}"]
        gemm = scope.fixed[f"gemm.tflops{{dtype={pool.expected.gemm_dtype}}}"]
        assert gemm.expected == pytest.approx(pool.expected.gemm_tflops_per_gpu)
        if pool.expected.allreduce_busbw_gbs_1gib is None:  # the estimate expects none (e.g. no fabric): nor do we
            assert scope.collective is None
            continue
        # the all-reduce line at 1 GiB over the whole pool is the estimate's, through expected_collective
        assert scope.collective is not None
        line = scope.collective.expect("all_reduce", 2**30)
        assert line is not None and line.busbw_gbs == pytest.approx(pool.expected.allreduce_busbw_gbs_1gib)
        for point in pool.allreduce:  # and at every size of the estimate's sweep
            at = scope.collective.expect("all_reduce", point.message_bytes)
            assert at is not None and at.busbw_gbs == pytest.approx(point.busbw_gbs)
        required = {(r.name, tuple(sorted(r.labels.items()))) for r in scope.required}
        assert ("collective.busbw_gbs", (("op", "all_reduce"),)) in required
        assert ("gemm.tflops", (("dtype", pool.expected.gemm_dtype),)) in required


def test_storage_expectation_is_one_nodes_share_of_the_file_system(uk_prod: tuple[object, object]) -> None:
    est, exp = uk_prod
    from aifab.bench.expect import Expectations
    from aifab.capacity import DesignEstimate

    assert isinstance(est, DesignEstimate) and isinstance(exp, Expectations)
    train = est.pool("train")
    assert train.expected.storage_read_gbs == 400.0  # FSx for Lustre of the stack (see aifab estimate)
    scope = exp.scopes["pool train"]
    read = scope.fixed["storage.bw_mbs{pattern=seq_read}"]
    assert read.expected == pytest.approx(400.0 / train.nodes * 1000)  # 32 nodes -> 12,500 MB/s each
    assert scope.fixed["checkpoint.write_gbs"].expected == pytest.approx(400.0 / train.nodes)
    assert train.storage.write_gbs_needed is not None
    assert scope.reference["checkpoint (write)"] == pytest.approx(train.storage.write_gbs_needed / train.nodes * 1000)
    assert "storage.bw_mbs{pattern=seq_read}" not in exp.scopes["pool infer"].fixed  # mounts no file system


def test_a_smaller_collective_run_is_expected_at_its_own_rank_count(uk_prod: tuple[object, object]) -> None:
    _, exp = uk_prod
    from aifab.bench.expect import Expectations
    from aifab.models import CollectiveInput, expected_collective

    assert isinstance(exp, Expectations)
    shape = exp.scopes["pool train"].collective
    assert shape is not None
    one_node = shape.expect("all_reduce", 2**28, ranks=8)
    # 8 ranks of an 8-GPU node: one node, no NIC, the pool's NVLink (and whatever NVLS the estimate gave it)
    inputs = {**shape.model_inputs, "op": "all_reduce", "message_bytes": 2**28, "nodes": 1, "gpus_per_node": 8}
    direct = expected_collective(CollectiveInput.model_validate({**inputs, "nic_gbps_per_gpu": None}))
    assert shape.model_inputs["nvlink_gbs_per_direction"] == 450
    assert one_node is not None and one_node.ranks == 8
    assert one_node.busbw_gbs == pytest.approx(direct.busbw_gbs)
    assert shape.expect("all_reduce", 1024, ranks=1) is None  # one rank: nothing to expect


def test_unknown_pool_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"no GPU pool 'nope'.*train"):
        design_expectations(UK, "prod", default_pool="nope")


def test_local_machine_from_cpuinfo_counts_physical_cores() -> None:
    machine = LocalMachine.detect(CPUINFO)
    assert machine.cores == min(2, len(__import__("os").sched_getaffinity(0)))  # cores 0 and 1, not 3 threads
    assert machine.ghz == 2.0 and "cpu MHz 2000" in machine.ghz_source
    assert machine.cpu_model.startswith("Intel(R) Xeon(R) Gold 6338")
    per_cycle, how = machine.fp32_flops_per_cycle()
    assert per_cycle == 64 and "AVX-512" in how  # 16 lanes x 2 (FMA) x 2 units


@pytest.mark.parametrize(
    ("flags", "per_cycle"),
    [(("avx512f", "fma"), 64), (("avx2", "fma"), 32), (("avx", "avx2"), 8), (("sse2",), 4)],
)
def test_flops_per_cycle_follow_the_vector_flags(flags: tuple[str, ...], per_cycle: int) -> None:
    machine = LocalMachine(cpu_model="x", cores=1, ghz=1.0, ghz_source="stated", flags=flags)
    assert machine.fp32_flops_per_cycle()[0] == per_cycle


def test_cpu_peak_matches_a_published_rpeak_not_used_to_build_it() -> None:
    # Held out: TOP500 lists Frontera (TACC) as Dell C6420, Xeon Platinum 8280 28C 2.7GHz, 448,448 cores,
    # Rpeak 38,745.9 TFlop/s (TOP500 lists since June 2019, https://www.top500.org/lists/top500/, read
    # 2026-12-01). TOP500 computes Rpeak
    # from the advertised clock, as the model does: 448,448 x 2.7 GHz x 32 fp64 FLOPs/cycle (AVX-512, 2 FMA).
    frontera = LocalMachine(
        cpu_model="Xeon Platinum 8280", cores=448_448, ghz=2.7, ghz_source="TOP500", flags=("avx512f", "fma")
    )
    assert frontera.peak_tflops("fp64") == pytest.approx(38_745.9, abs=0.05)


def test_local_expectations_derive_gemm_from_the_peak_and_storage_from_the_disk_tier() -> None:
    machine = LocalMachine(cpu_model="x", cores=2, ghz=2.1, ghz_source="stated", flags=("avx512f", "fma"))
    exp = local_expectations(machine)
    local = exp.scopes["local"]
    fp32 = local.fixed["gemm.tflops{dtype=fp32}"]
    assert fp32.expected == pytest.approx(2 * 2.1 * 64 / 1000 * 0.7)  # 268.8 GFLOP/s x 0.7
    assert "2 cores x 2.1 GHz" in fp32.source and "AVX-512" in fp32.source
    assert local.fixed["storage.bw_mbs{pattern=seq_write}"].expected == GP3_BASELINE.write_mbs
    assert local.fixed["storage.iops{pattern=rand_read}"].expected == 3000
    assert local.fixed["checkpoint.write_gbs"].expected == pytest.approx(0.125)
    assert local.collective is None and "memory.copy_gbs" not in local.fixed  # nothing states them
    assert any("loopback_gbs" in note for note in local.notes)
    required = {r.expectation.key for r in local.required}
    assert "gemm.tflops{dtype=fp32}" in required and "gemm.tflops{dtype=fp64}" not in required


def test_machine_file_adds_loopback_and_memory_figures(tmp_path: Path) -> None:
    file = tmp_path / "machine.yaml"
    file.write_text(
        "cores: 4\nghz: 3.0\nloopback_gbs: 5\nloopback_source: measured once by hand\n"
        "memory_copy_gbs: 20\nmemory_copy_source: vendor sheet\ndisk: {name: nvme, read_mbs: 3000, source: spec}\n"
    )
    machine = read_machine(file, base=LocalMachine(cpu_model="x", cores=1, ghz=1.0, ghz_source="s"))
    assert (machine.cores, machine.ghz, machine.disk.read_mbs, machine.disk.write_mbs) == (4, 3.0, 3000, 125)
    local = local_expectations(machine).scopes["local"]
    assert local.fixed["memory.copy_gbs"].expected == 20
    assert local.fixed["network.throughput_gbps"].expected == 40
    assert local.collective is not None
    line = local.collective.expect("all_reduce", 2**26, ranks=2)
    assert line is not None and line.peak_busbw_gbs == pytest.approx(5.0)  # the loopback at full efficiency


def test_bad_machine_file_names_the_file_and_field(tmp_path: Path) -> None:
    file = tmp_path / "machine.yaml"
    file.write_text("cores: 0\nwheels: 4\n")
    with pytest.raises(InputError) as caught:
        read_machine(file, base=LocalMachine(cpu_model="x", cores=1, ghz=1.0, ghz_source="s"))
    text = caught.value.render()
    assert "machine.yaml" in text and "cores" in text and "wheels" in text


def test_tolerance_overrides() -> None:
    tol = parse_tolerances(["gemm=0.05", "storage.iops=0.5"])
    assert tol["gemm"] == 0.05 and tol["storage.iops"] == 0.5 and tol["collective"] == TOLERANCES["collective"]
    for bad in ("gemm", "gemm=1.5", "gemm=nan", "=0.1", "Bogus Name=0.1"):
        with pytest.raises(InputError, match="--tolerance"):
            parse_tolerances([bad])
    machine = LocalMachine(cpu_model="x", cores=1, ghz=1.0, ghz_source="s", flags=("avx2", "fma"))
    local = local_expectations(machine, tol).scopes["local"]
    assert local.fixed["gemm.tflops{dtype=fp32}"].tolerance == 0.05
    assert local.fixed["storage.iops{pattern=rand_read}"].tolerance == 0.5
    assert local.fixed["storage.bw_mbs{pattern=seq_read}"].tolerance == TOLERANCES["storage"]


def test_the_documented_machine_file_reads_and_is_used() -> None:
    # docs/benchmarks.md quotes this file (tests/test_docs.py holds the quote to it)
    base = LocalMachine(cpu_model="x", cores=8, ghz=1.0, ghz_source="s", flags=("avx512f", "fma"))
    machine = read_machine(ROOT / "docs" / "examples" / "bench" / "machine.yaml", base=base)
    local = local_expectations(machine).scopes["local"]
    assert machine.ghz == 2.1 and machine.disk.read_iops == 400_000
    assert local.fixed["storage.bw_mbs{pattern=seq_read}"].expected == 3000
    assert local.fixed["memory.copy_gbs"].source == "machine file: STREAM copy measured once on an idle machine"
    assert local.collective is not None
