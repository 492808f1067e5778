"""Benchmark: build and validate generated designs up to 100,000 GPUs (12,500 nodes).

Prints wall time and peak memory per size, and the ratio of each size's time to the smallest size's
(measured in the same run), so scaling is visible without trusting absolute times on a shared machine.

    python benchmarks/bench_design_scale.py                 # 1k, 10k, 100k GPUs; pools of one SU (32 nodes)
    python benchmarks/bench_design_scale.py --nodes-per-pool 1   # worst case: one pool per node (12,500 pools)
"""

from __future__ import annotations

import argparse
import gc
import math
import resource
import time
import tracemalloc

from aifab.blueprints import (
    DataLake,
    Fabric,
    FileSystem,
    GpuPool,
    KeyManagement,
    KubernetesCluster,
    Monitoring,
    Network,
    PrivateCloud,
    Site,
    SovereignBoundary,
)
from aifab.catalogue import load_catalogue
from aifab.design.component import Component
from aifab.design.design import Design
from aifab.validate import validate

GPUS_PER_NODE = 8


def generate(gpus: int, nodes_per_pool: int, switch_model: str = "quantum-x800-q3400") -> Design:
    """A DGX H100 cluster of ``gpus`` GPUs: one pool and one scratch file system per group of nodes.

    The fabric uses radix-144 switches by default: 100k GPUs is 100k rail endpoints, more than a three-tier
    fat tree of radix-64 QM9700s can connect (65,536), which validation rightly reports.
    """
    nodes = math.ceil(gpus / GPUS_PER_NODE)
    uk = SovereignBoundary(id="uk", jurisdiction="UK")
    site = Site(
        id="dc",
        provider="colo",
        country="GB",
        grid_zone="GB",
        power_budget_kw=300_000,
        cooling="direct-liquid",
        max_kw_per_rack=80,
        pue=1.3,
        inside=uk,
    )
    place = {"site": site, "inside": uk}
    keys = KeyManagement(id="keys", inside=uk)
    pc = PrivateCloud(id="pc", platform="bare-metal-kubernetes", operator="ops", **place)
    net = Network(id="net", provider="onprem", cidr="10.0.0.0/8", private_subnet_prefix=16, **place)
    k8s = KubernetesCluster(
        id="k8s", provider="onprem", network=net, private_cloud=pc, secrets_encrypted_by=keys, **place
    )
    fabric = Fabric(
        id="ib",
        technology="infiniband",
        link_gbps=400,
        switch_model=switch_model,
        scalable_unit_nodes=32,
        **place,
    )
    lake = DataLake(id="lake", provider="onprem-object", encrypted_by=keys, **place)
    components: list[Component] = [uk, site, keys, pc, net, k8s, fabric, lake]
    pools: list[str] = []
    for i, start in enumerate(range(0, nodes, nodes_per_pool)):
        count = min(nodes_per_pool, nodes - start)
        fs = FileSystem(
            id=f"fs-{i}",
            engine="lustre",
            capacity_tib=100,
            throughput_gbs=40,
            data_repository=lake,
            encrypted_by=keys,
            network=net,
            **place,
        )
        pool = GpuPool(
            id=f"pool-{i}",
            role="training",
            node_model="dgx-h100",
            node_count=count,
            capacity="owned",
            fabric=fabric,
            cluster=k8s,
            scratch=(fs,),
            **place,
        )
        components += [fs, pool]
        pools.append(pool.id)
    components.append(Monitoring(id="monitoring", runs_on=k8s, monitors=tuple(pools), **place))
    return Design(name=f"scale-{gpus}", components=components)


def build_and_validate(gpus: int, nodes_per_pool: int) -> tuple[int, int]:
    design = generate(gpus, nodes_per_pool)
    result = validate(design, load_catalogue())
    order = result.graph.deployment_order()
    assert result.valid, [str(d) for d in result.errors[:5]]
    assert sum(len(g) for g in order) == len(design.components)
    return len(design.components), result.graph.graph.number_of_edges()


def measure(gpus: int, nodes_per_pool: int) -> tuple[float, float, int, int]:
    """Wall time of one run, then peak traced memory of a second (tracing slows the run it watches)."""
    gc.collect()
    start = time.perf_counter()
    components, links = build_and_validate(gpus, nodes_per_pool)
    elapsed = time.perf_counter() - start
    gc.collect()
    tracemalloc.start()
    build_and_validate(gpus, nodes_per_pool)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 2**20, components, links


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gpus", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--nodes-per-pool", type=int, default=32)
    args = parser.parse_args()
    load_catalogue()  # warm the cache so the first size is not charged for it
    print(f"{'GPUs':>8} {'nodes':>7} {'components':>10} {'links':>7} {'wall s':>8} {'peak MiB':>9} {'x smallest':>10}")
    base = None
    for gpus in args.gpus:
        elapsed, peak, components, links = measure(gpus, args.nodes_per_pool)
        base = base or elapsed
        nodes = math.ceil(gpus / GPUS_PER_NODE)
        print(
            f"{gpus:>8,} {nodes:>7,} {components:>10,} {links:>7,} {elapsed:>8.3f} {peak:>9.1f} {elapsed / base:>10.1f}"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"nodes per pool: {args.nodes_per_pool}; process peak RSS {rss:.0f} MiB (includes imports)")


if __name__ == "__main__":
    main()
