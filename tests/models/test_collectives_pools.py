"""Collective figures in `estimate`: which pools get multi-node all-reduce figures, and what they assume.

Uses the capacity fixture tests/capacity/fixtures/small.yaml (4 x DGX H100 on InfiniBand, 2 x p5.48xlarge on
EFA), varied per test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from aifab.capacity import DesignEstimate, PoolEstimate, estimate_design
from aifab.design.loader import load_design
from aifab.models.collectives import MNNVL_INPUTS

SMALL = Path(__file__).resolve().parents[1] / "capacity" / "fixtures" / "small.yaml"
GIB = 2**30


def _estimate(tmp_path: Path, **changes: dict[str, Any]) -> DesignEstimate:
    """small.yaml with the named components' fields replaced (a value of None drops the field)."""
    doc = yaml.safe_load(SMALL.read_text())
    for component in doc["components"]:
        for key, value in changes.get(component["id"], {}).items():
            if value is None:
                component.pop(key, None)
            else:
                component[key] = value
    path = tmp_path / "design.yaml"
    path.write_text(yaml.safe_dump(doc))
    return estimate_design(load_design(path).design)


def _only_one_node_figures(tmp_path: Path, pool: PoolEstimate) -> None:
    """The pool's figures are those of the same node alone: 8 ranks on NVLink, never across nodes."""
    one_node = _estimate(tmp_path, cloud={"fabric": None, "node_count": 1}).pool("cloud")
    assert pool.allreduce == one_node.allreduce != ()
    assert pool.expected.allreduce_busbw_gbs_1gib == one_node.expected.allreduce_busbw_gbs_1gib
    assert "over 8 ranks" in pool.explain["allreduce_busbw_gbs_1gib"]
    assert "rails x NIC" not in pool.explain["allreduce_busbw_gbs_1gib"]


def test_pool_without_fabric_gets_no_multi_node_all_reduce(tmp_path: Path) -> None:
    est = _estimate(tmp_path, cloud={"fabric": None, "role": "inference"})
    cloud = est.pool("cloud")
    _only_one_node_figures(tmp_path, cloud)
    assert any("no fabric linked" in n and "within one node (8 GPUs)" in n and "2 nodes" in n for n in cloud.notes)


@pytest.mark.parametrize("placement", ["spread", "partition"])
def test_pool_spread_over_placement_groups_gets_no_multi_node_all_reduce(tmp_path: Path, placement: str) -> None:
    est = _estimate(tmp_path, cloud={"placement": placement})
    cloud = est.pool("cloud")
    _only_one_node_figures(tmp_path, cloud)
    assert any(f"placement {placement!r}" in n and "within one node" in n for n in cloud.notes)


def test_rack_scale_trays_share_one_nvlink_domain() -> None:
    # 144 GB200 trays (4 GPUs each) are 8 NVL72 racks: NCCL sees 8 nodes of 72 GPUs joined by NVLink switch
    # trays, not 144 nodes talking over their NICs.
    fixture = Path(__file__).resolve().parents[1] / "capacity" / "fixtures" / "rack_scale_gb200_su.yaml"
    pool = estimate_design(load_design(fixture).design).pool("nvl72")
    assert "over 576 ranks" in pool.explain["allreduce_busbw_gbs_1gib"]
    assert "72 rails x NIC" in pool.explain["allreduce_busbw_gbs_1gib"]
    assert any("72 GPUs per NVLink domain" in n and "8 domain(s)" in n for n in pool.notes)
    # the domain spans trays: the multi-tray NVLink values (fitted to OCI's GB200 sweep) apply
    assert pool.collective_inputs["nvls_latency_us"] == MNNVL_INPUTS["nvls_latency_us"]
    assert "through NVLink switch trays" in pool.explain["allreduce_busbw_gbs_1gib"]


def test_efa_p5_pool_beyond_two_nodes_runs_what_aws_ofi_nccl_picks(tmp_path: Path) -> None:
    # 16 x p5.48xlarge: the plugin's regions (v1.16.3) put 1 GiB on 128 ranks in the ring/LL128 region, where
    # the HyperPod sweep shows its ~270 GB/s plateau (269.23 GB/s busbw, 2025-10-14)
    cloud = _estimate(tmp_path, cloud={"node_count": 16}).pool("cloud")
    assert cloud.collective_inputs["tuner_platform"] == "p5"
    at_1gib = next(p for p in cloud.allreduce if p.message_bytes == GIB)
    assert (at_1gib.algorithm, at_1gib.protocol) == ("ring", "LL128")
    assert "aws-ofi-nccl's region tuner" in cloud.explain["allreduce_busbw_gbs_1gib"]
    one = cloud.expected.allreduce_busbw_gbs_1gib
    assert one is not None and one / 269.23 == pytest.approx(1.0, abs=0.15)
    # two nodes: NCCL's own tuner decides, and the text says so
    two = _estimate(tmp_path).pool("cloud")
    assert "NCCL's fastest algorithm" in two.explain["allreduce_busbw_gbs_1gib"]


def test_one_node_without_fabric_keeps_its_nvlink_figure(tmp_path: Path) -> None:
    est = _estimate(tmp_path, cloud={"fabric": None, "role": "inference", "node_count": 1})
    cloud = est.pool("cloud")
    # 8 x H100 on one NVSwitch: NVLS at 1 GiB
    assert cloud.allreduce and cloud.allreduce[-1].algorithm == "nvls"
    assert cloud.expected.allreduce_busbw_gbs_1gib is not None


def test_efa_pool_matches_the_published_two_node_p5_sweep(tmp_path: Path) -> None:
    # 2 x p5.48xlarge on EFA: the AWS sweep (aws-samples/awsome-distributed-training README, 2024-04-19) prints
    # busbw 436.95 GB/s at 1 GiB; the model's NVLS tree with EFA latencies is within 15% (this sweep fitted
    # the EFA latencies; see test_collectives_published.py)
    est = _estimate(tmp_path)
    cloud = est.pool("cloud")
    one = cloud.expected.allreduce_busbw_gbs_1gib
    assert one is not None and one / 436.95 == pytest.approx(1.0, abs=0.15)
    assert "nvls_tree / Simple" in cloud.explain["allreduce_busbw_gbs_1gib"]
    assert "EFA latencies" in cloud.explain["allreduce_busbw_gbs_1gib"]
    assert {p.algorithm for p in cloud.allreduce} <= {"tree", "nvls_tree", "ring"}


def test_sharp_fabric_uses_in_network_reduction(tmp_path: Path) -> None:
    base = _estimate(tmp_path).pool("train")
    sharp = _estimate(tmp_path, ib={"in_network_reduction": True}).pool("train")
    # 8 GiB on 4 DGX H100: SHARP (with NVLS inside the node) beats the NIC-bound ring
    assert sharp.allreduce[-1].algorithm == "collnet"
    assert sharp.allreduce[-1].busbw_gbs > base.allreduce[-1].busbw_gbs
    assert "SHARP in the switches" in sharp.explain["allreduce_busbw_gbs_1gib"]


def test_collective_inputs_reproduce_the_estimate(tmp_path: Path) -> None:
    # benchmarks (aifab.bench) expect the estimate's figures: the pool's link rates plus collective_inputs
    # give the same 1 GiB line through the public model
    from aifab.models import CollectiveInput, expected_collective

    for pool in _estimate(tmp_path, ib={"in_network_reduction": True}).pools:
        assert pool.expected.allreduce_busbw_gbs_1gib is not None
        r = expected_collective(
            CollectiveInput.model_validate(
                {
                    "message_bytes": GIB,
                    "nodes": pool.nodes,
                    "gpus_per_node": pool.accelerators_per_node,
                    "nvlink_gbs_per_direction": pool.scale_up_gbs_per_direction,
                    "nic_gbps_per_gpu": pool.nic_gbps_per_gpu,
                    "fabric_oversubscription": pool.fabric_oversubscription,
                    **pool.collective_inputs,
                }
            )
        )
        assert r.busbw_gbs == pytest.approx(pool.expected.allreduce_busbw_gbs_1gib)
    cloud = _estimate(tmp_path).pool("cloud")
    assert cloud.collective_inputs["nvls"] is True and cloud.collective_inputs["network_latency_us"] != (0, 0, 0)
    # spread nodes: the figures, and so the inputs, are of one node
    spread = _estimate(tmp_path, cloud={"placement": "spread"}).pool("cloud").collective_inputs
    assert (spread["nodes"], spread["gpus_per_node"], spread["network_latency_us"]) == (1, 8, (0.0, 0.0, 0.0))


def test_efa_before_p5_runs_simple_only(tmp_path: Path) -> None:
    # aws-ofi-nccl sets NCCL_PROTO=simple on EFA before P5 (aws/aws-ofi-nccl#280, 2023-09-29): every p4d figure
    # assumes Simple, and the held-out 2 x p4de sweep matches that (test_collectives_published.py)
    p4d = _estimate(tmp_path, cloud={"instance_type": "p4d.24xlarge"}).pool("cloud")
    assert p4d.collective_inputs["protocol"] == "Simple"
    assert {p.protocol for p in p4d.allreduce} == {"Simple"}
    assert "Simple protocol only" in p4d.explain["allreduce_busbw_gbs_1gib"]
    p5 = _estimate(tmp_path).pool("cloud")
    assert "protocol" not in p5.collective_inputs
    assert "LL" in {p.protocol for p in p5.allreduce}
