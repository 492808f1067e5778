"""Benchmark workloads as Kubernetes Jobs on the pools a stack deploys, when its config asks for them.

Off by default: a stack without ``aifab:benchmarks: true`` registers nothing here. With it, for every compute
pool this stack builds that joins a Kubernetes cluster, the workloads of ``aifab:benchmarkSuite``
(:data:`aifab.bench.cluster.SUITES`, default ``all``) run once per ``aifab:benchmarkRunId`` (a new id, new Jobs):

* ``gemm`` and ``memory`` on one node of each GPU and CPU pool, with every GPU of the node;
* ``collectives`` across ``min(nodes, aifab:benchmarkMaxNodes)`` nodes (default 8; CPU pools from two
  nodes) as an Indexed Job: pod ``i`` runs ``torchrun --node-rank i`` and finds rank 0 as
  ``<job>-0.<job>`` through a headless Service; one pod per node (anti-affinity); on an EFA fabric each
  pod asks for every EFA interface of the instance type (``vpc.amazonaws.com/efa``);
* ``storage`` (fio) and ``checkpoint`` (torch.save/load) against each FSx for Lustre file system the pool
  mounts (``scratch``), through a static PersistentVolume of the FSx CSI driver and its claim;
* ``network`` (iperf3) between two nodes of each pool of two or more: pod 1 serves, pod 0 measures.

The workload files travel in a ConfigMap, mounted as the package ``aifab.bench.workloads`` on
``PYTHONPATH`` (they import only the standard library, their engine and ``_result``). Every pod is Pod
Security ``restricted`` (the environment namespace enforces it), carries the pool's node selector and
taint toleration as model serving does, requests = limits, ``AIFAB_POOL`` and ``AIFAB_NODE`` (the
downward API's ``spec.nodeName``). Each pod asks for three fifths of a node's vCPUs, so two benchmark pods
never share a node: a pool's Jobs take turns rather than disturb each other's measurements. Jobs never
restart (``restartPolicy: Never``, ``backoffLimit: 0``), stop at ``activeDeadlineSeconds`` and are removed
a day after they finish; Pulumi does not wait for them (``pulumi.com/skipAwait``):
:func:`aifab.bench.cluster.run_cluster` waits and reads their logs. A NetworkPolicy lets the run's pods
reach each other (NCCL and gloo pick ports at random) and nothing else.

Jobs are children of their pool's component, depend on what it links to, and name its node group in an
annotation, so none is created before the nodes it runs on. What a namespace's Jobs share (the files, the
allow, the FSx claim) belongs to one ``aifab:bench:Benchmarks`` component named ``benchmarks``. Images are pinned by tag
(:data:`IMAGES`); ``aifab:benchmarkImages`` (``{gpu, cpu, tools}``) replaces them, e.g. with digests
for a production environment, an image with fio and iperf3 (``tools``), or one with the aws-ofi-nccl plugin
NCCL needs to use EFA (``gpu``).

Requirements the stack does not install: the FSx CSI driver (the ``aws-fsx-csi-driver`` EKS add-on) for
the storage Jobs, a directory on the file system that uid 1000 may write, and on-prem nodes labelled
``aifab.dev/pool=<pool>``.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from aifab.bench.cluster import (
    CONFIG_KEYS,
    JOB_DEADLINE_S,
    POOL_LABEL,
    RUN_LABEL,
    SUITES,
    WORKLOAD_LABEL,
    job_name,
    valid_run_id,
)
from aifab.blueprints.compute import ComputePool
from aifab.blueprints.compute import KubernetesCluster as ClusterSpec
from aifab.blueprints.storage import FileSystem as FileSystemSpec

from .base import Realised
from .compute import GPU_TAINT, NEURON_TAINT, pool_fabric
from .context import StackContext, slug
from .mlops import container_security, pod_security

IMAGES: dict[str, str] = {
    "gpu": "nvcr.io/nvidia/pytorch:25.06-py3",
    "cpu": "pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime",
    "tools": "pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime",
}
"""Benchmark images by role, pinned by tag: NGC PyTorch for GPU pools, the PyTorch project's image for CPU
pools and for the fio and iperf3 workloads (``tools``). Neither PyTorch image has fio or iperf3: the storage
and network workloads then fail saying which tool is missing; give ``tools`` an image with python3, fio and
iperf3 through ``aifab:benchmarkImages``."""

MOUNT = "/opt/aifab-bench"
"""Where the ConfigMap's files mount: ``MOUNT/aifab/bench/workloads/<name>.py``."""
DATA_MOUNT = "/mnt/bench"
MASTER_PORT = 29500
IPERF_PORT = 5201
SERVER_WAIT_S = 900
TTL_AFTER_FINISHED_S = 86400
"""A finished Job stays a day, long enough for the runner (or a person) to read its pods' logs."""
DEFAULT_MAX_NODES = 8
FSX_CSI_DRIVER = "fsx.csi.aws.com"
SKIP_AWAIT = "pulumi.com/skipAwait"
CONFIGMAP_LIMIT_BYTES = 1_000_000
"""Kubernetes refuses a ConfigMap over 1 MiB (etcd's object limit); kept under it with room for metadata."""


@dataclass(frozen=True)
class Settings:
    """The benchmark config of this stack run."""

    suite: str
    run_id: str
    quick: bool
    images: Mapping[str, str]
    max_nodes: int

    @property
    def modules(self) -> tuple[str, ...]:
        return SUITES[self.suite]


def settings(ctx: StackContext) -> Settings | None:
    """The config, or None when benchmarks are off; bad values stop the program naming the key."""
    config = ctx.config
    if not config.get_bool(CONFIG_KEYS["enabled"]):
        return None
    suite = config.get(CONFIG_KEYS["suite"]) or "all"
    if suite not in SUITES:
        raise pulumi.RunError(f"aifab:{CONFIG_KEYS['suite']} is {suite!r}; expected one of {', '.join(SUITES)}")
    run_id = config.get(CONFIG_KEYS["run_id"]) or "1"
    if not valid_run_id(run_id):
        raise pulumi.RunError(
            f"aifab:{CONFIG_KEYS['run_id']} is {run_id!r}; expected 1-12 lowercase letters, digits and inner dashes"
        )
    images = dict(IMAGES)
    given = config.get_object(CONFIG_KEYS["images"]) or {}
    if not isinstance(given, dict) or set(given) - set(IMAGES) or not all(isinstance(v, str) for v in given.values()):
        raise pulumi.RunError(f"aifab:{CONFIG_KEYS['images']} must map some of {', '.join(IMAGES)} to image references")
    images.update(given)
    max_nodes = config.get_int(CONFIG_KEYS["max_nodes"]) or DEFAULT_MAX_NODES
    if max_nodes < 1:
        raise pulumi.RunError(f"aifab:{CONFIG_KEYS['max_nodes']} must be at least 1 (got {max_nodes})")
    return Settings(
        suite=suite,
        run_id=run_id,
        quick=bool(config.get_bool(CONFIG_KEYS["quick"])),
        images=images,
        max_nodes=max_nodes,
    )


def workload_files() -> dict[str, str]:
    """The workload package as files: ``aifab/__init__.py``, ``aifab/bench/__init__.py`` (both empty: the
    Job needs the package path, not aifab) and every ``aifab/bench/workloads/*.py`` installed here."""
    files = {"aifab/__init__.py": "", "aifab/bench/__init__.py": ""}
    package = importlib.resources.files("aifab.bench.workloads")
    for entry in sorted(package.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".py") and entry.is_file():
            files[f"aifab/bench/workloads/{entry.name}"] = entry.read_text(encoding="utf-8")
    size = sum(len(text.encode()) for text in files.values())
    if size > CONFIGMAP_LIMIT_BYTES:
        raise pulumi.RunError(
            f"the benchmark workloads are {size:,} bytes; a ConfigMap holds at most {CONFIGMAP_LIMIT_BYTES:,}"
        )
    return files


def config_key(path: str) -> str:
    """A ConfigMap key for a file path (keys cannot hold ``/``).

    >>> config_key("aifab/bench/workloads/gemm.py")
    'aifab.bench.workloads.gemm.py'
    """
    return path.replace("/", ".")


@dataclass(frozen=True)
class Placement:
    """How a pool's pods land on its nodes and what each asks for."""

    pool: ComputePool
    namespace: str
    cluster: str
    gpus: int
    efa: int
    cpu: str
    memory: str
    node_selector: dict[str, str]
    tolerations: list[dict[str, str]]
    image: str
    node_group: pulumi.Input[str] | None


def placement(ctx: StackContext, pool: ComputePool, settings_: Settings, realised: Realised[Any]) -> Placement:
    estimate = ctx.estimate.pool(pool.id)
    gpus = estimate.accelerators_per_node if pool.kind == "gpu_pool" else 0
    fabric = pool_fabric(ctx, pool)
    spec = ctx.catalogue.instance_type(pool.instance_type) if pool.instance_type else None
    efa = spec.efa_interfaces if spec is not None and fabric is not None and fabric.technology == "efa" else 0
    vcpus = estimate.vcpus_per_node or 8
    memory_gib = int(spec.memory_gib) if spec is not None and spec.memory_gib else 32
    # Three fifths of the node's vCPUs: two benchmark pods never share a node, so the pool's workloads take
    # turns on each node and none disturbs another's measurement; the rest is room for the daemonsets.
    cpu, memory = str(max(2, vcpus * 3 // 5)), f"{max(4, memory_gib // 2)}Gi"
    taint = {"gpu_pool": GPU_TAINT, "accelerator_pool": NEURON_TAINT}.get(pool.kind)
    tolerations = [{"key": taint[0], "operator": "Equal", "value": taint[1], "effect": "NoSchedule"}] if taint else []
    return Placement(
        pool=pool,
        namespace=ctx.namespace(pool),
        cluster=str(pool.cluster),
        gpus=gpus,
        efa=efa,
        cpu=cpu,
        memory=memory,
        node_selector={POOL_LABEL: slug(pool.id)},
        tolerations=tolerations,
        image=settings_.images["gpu" if gpus else "cpu"],
        node_group=realised.outputs.get("node_group_name"),
    )


class Builder:
    """Registers one run's benchmark objects; per (cluster, namespace) the ConfigMap and the NetworkPolicy."""

    def __init__(self, ctx: StackContext, settings_: Settings) -> None:
        self.ctx = ctx
        self.settings = settings_
        self.files = workload_files()
        self.shared: set[tuple[str, str]] = set()
        self.volumes: dict[tuple[str, str, str], str] = {}
        self.jobs: list[dict[str, Any]] = []
        self.component: pulumi.ComponentResource | None = None

    def opts(self, owner: Realised[Any], cluster: str) -> pulumi.ResourceOptions:
        return owner.child(provider=self.ctx.kubernetes(cluster))

    def shared_opts(self, where: Placement, *also: str) -> pulumi.ResourceOptions:
        """Options for what a namespace's Jobs share (files, network allow, volume): children of the run's
        own component, not of a pool, so a production pool's protection of stateful types does not hold the
        benchmark claim (a static volume whose deletion keeps the data) when the next plain ``up`` removes
        it. They wait for the cluster (its namespace) and for ``also`` when this stack builds them."""
        if self.component is None:
            # One name for every run: renaming it would move its children to new URNs, and the engine would
            # create the same-named Kubernetes objects before deleting the old ones.
            self.component = pulumi.ComponentResource("aifab:bench:Benchmarks", "benchmarks")
        built = [self.ctx.local(ref) for ref in (where.cluster, *also)]
        return pulumi.ResourceOptions(
            parent=self.component,
            provider=self.ctx.kubernetes(where.cluster),
            depends_on=[b for b in built if b is not None],
        )

    def labels(self, pool: ComputePool, **extra: str) -> dict[str, str]:
        return self.ctx.labels(pool, **{RUN_LABEL: self.settings.run_id, **extra})

    def namespace_objects(self, where: Placement) -> None:
        """The workload files and the allow between the run's pods, once per namespace of a cluster."""
        key = (where.cluster, where.namespace)
        if key in self.shared:
            return
        self.shared.add(key)
        stem = f"bench-{where.cluster}-{where.namespace}"
        labels = self.ctx.labels(where.pool)
        k8s.core.v1.ConfigMap(
            f"{stem}-workloads",
            metadata=k8s.meta.v1.ObjectMetaArgs(name="aifab-bench-workloads", namespace=where.namespace, labels=labels),
            data={config_key(path): text for path, text in self.files.items()},
            opts=self.shared_opts(where),
        )
        run_pods = k8s.meta.v1.LabelSelectorArgs(
            match_expressions=[k8s.meta.v1.LabelSelectorRequirementArgs(key=RUN_LABEL, operator="Exists")]
        )
        peers = k8s.networking.v1.NetworkPolicyPeerArgs(pod_selector=run_pods)
        k8s.networking.v1.NetworkPolicy(
            f"{stem}-allow",
            metadata=k8s.meta.v1.ObjectMetaArgs(name="aifab-bench-allow", namespace=where.namespace, labels=labels),
            spec=k8s.networking.v1.NetworkPolicySpecArgs(
                pod_selector=run_pods,
                policy_types=["Ingress", "Egress"],
                ingress=[k8s.networking.v1.NetworkPolicyIngressRuleArgs(from_=[peers])],
                egress=[k8s.networking.v1.NetworkPolicyEgressRuleArgs(to=[peers])],
            ),
            opts=self.shared_opts(where),
        )

    def claim(self, where: Placement, fs: FileSystemSpec) -> str:
        """The claim on FSx ``fs`` in the pool's namespace: a static PV of the FSx CSI driver, bound by name."""
        key = (where.cluster, where.namespace, fs.id)
        if key in self.volumes:
            return self.volumes[key]
        ctx = self.ctx
        name = slug(f"aifab-bench-{fs.id}", 63)
        pv_name = slug(f"aifab-bench-{where.namespace}-{fs.id}", 63)
        capacity = ctx.output(fs.id, "storage_capacity_gib").apply(lambda gib: f"{int(gib or 1200)}Gi")
        labels = ctx.labels(where.pool)
        k8s.core.v1.PersistentVolume(
            f"bench-{where.cluster}-{where.namespace}-{fs.id}-pv",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=pv_name, labels=labels),
            spec=k8s.core.v1.PersistentVolumeSpecArgs(
                capacity={"storage": capacity},
                volume_mode="Filesystem",
                access_modes=["ReadWriteMany"],
                # Retain: deleting the claim must never reach the file system the stack owns elsewhere.
                persistent_volume_reclaim_policy="Retain",
                storage_class_name="",
                mount_options=["flock"],
                csi=k8s.core.v1.CSIPersistentVolumeSourceArgs(
                    driver=FSX_CSI_DRIVER,
                    volume_handle=ctx.output(fs.id, "file_system_id"),
                    volume_attributes={
                        "dnsname": ctx.output(fs.id, "dns_name"),
                        "mountname": ctx.output(fs.id, "mount_name"),
                    },
                ),
            ),
            opts=self.shared_opts(where, fs.id),
        )
        k8s.core.v1.PersistentVolumeClaim(
            f"bench-{where.cluster}-{where.namespace}-{fs.id}-pvc",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=name, namespace=where.namespace, labels=labels),
            spec=k8s.core.v1.PersistentVolumeClaimSpecArgs(
                access_modes=["ReadWriteMany"],
                storage_class_name="",
                volume_name=pv_name,
                resources=k8s.core.v1.VolumeResourceRequirementsArgs(requests={"storage": capacity}),
            ),
            opts=self.shared_opts(where, fs.id),
        )
        self.volumes[key] = name
        return name

    def job(
        self,
        owner: Realised[Any],
        where: Placement,
        module: str,
        *,
        pods: int = 1,
        fs: FileSystemSpec | None = None,
        image: str | None = None,
    ) -> None:
        settings_ = self.settings
        pool = where.pool
        name = job_name(pool.id, module, settings_.run_id, fs.id if fs is not None else "")
        selector = {"aifab.dev/bench-job": name}
        pod_labels = self.labels(pool, **{WORKLOAD_LABEL: module, POOL_LABEL: slug(pool.id), **selector})
        quick = ["--quick"] if settings_.quick else []
        indexed = pods > 1 or module == "collectives"
        if module == "collectives":
            per_node = where.gpus or 1
            command = [
                "torchrun",
                f"--nnodes={pods}",
                f"--nproc-per-node={per_node}",
                "--node-rank=$(NODE_RANK)",
                f"--master-addr={name}-0.{name}",
                f"--master-port={MASTER_PORT}",
                "-m",
                "aifab.bench.workloads.collectives",
                *quick,
            ]
        else:
            command = ["python", "-m", f"aifab.bench.workloads.{module}", *quick]
        if module == "network":
            # Pod 1 serves one iperf3 test (giving up if no client comes, so a failed client does not hold the
            # Job to its deadline); pod 0 measures against it once it has had time to start.
            client = f"python -m aifab.bench.workloads.network --server {name}-1.{name} --port {IPERF_PORT}"
            command = [
                "sh",
                "-c",
                f'if [ "$NODE_RANK" = 0 ]; then sleep 20; exec {client} {" ".join(quick)}; '
                f"else exec timeout {SERVER_WAIT_S} iperf3 --server --one-off --port {IPERF_PORT}; fi",
            ]
        env = [
            k8s.core.v1.EnvVarArgs(name="PYTHONPATH", value=MOUNT),
            k8s.core.v1.EnvVarArgs(name="PYTHONDONTWRITEBYTECODE", value="1"),
            k8s.core.v1.EnvVarArgs(name="PYTHONUNBUFFERED", value="1"),
            k8s.core.v1.EnvVarArgs(name="HOME", value="/tmp"),
            k8s.core.v1.EnvVarArgs(name="AIFAB_POOL", value=pool.id),
            k8s.core.v1.EnvVarArgs(
                name="AIFAB_NODE",
                value_from=k8s.core.v1.EnvVarSourceArgs(
                    field_ref=k8s.core.v1.ObjectFieldSelectorArgs(field_path="spec.nodeName")
                ),
            ),
            k8s.core.v1.EnvVarArgs(name="AIFAB_BENCH_RUN", value=settings_.run_id),
        ]
        if indexed:  # the pod's index, as the Job controller annotates it: torchrun's node rank
            env.append(
                k8s.core.v1.EnvVarArgs(
                    name="NODE_RANK",
                    value_from=k8s.core.v1.EnvVarSourceArgs(
                        field_ref=k8s.core.v1.ObjectFieldSelectorArgs(
                            field_path="metadata.annotations['batch.kubernetes.io/job-completion-index']"
                        )
                    ),
                )
            )
        if where.efa and module == "collectives":
            env += [
                k8s.core.v1.EnvVarArgs(name="FI_PROVIDER", value="efa"),
                k8s.core.v1.EnvVarArgs(name="FI_EFA_USE_DEVICE_RDMA", value="1"),
            ]
        mounts = [
            k8s.core.v1.VolumeMountArgs(name="workloads", mount_path=MOUNT, read_only=True),
            k8s.core.v1.VolumeMountArgs(name="tmp", mount_path="/tmp"),
            k8s.core.v1.VolumeMountArgs(name="shm", mount_path="/dev/shm"),
        ]
        volumes = [
            k8s.core.v1.VolumeArgs(
                name="workloads",
                config_map=k8s.core.v1.ConfigMapVolumeSourceArgs(
                    name="aifab-bench-workloads",
                    items=[k8s.core.v1.KeyToPathArgs(key=config_key(p), path=p) for p in self.files],
                ),
            ),
            k8s.core.v1.VolumeArgs(name="tmp", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs()),
            k8s.core.v1.VolumeArgs(
                name="shm",
                empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs(
                    medium="Memory", size_limit=f"{max(1, where.gpus) * 8}Gi"
                ),
            ),
        ]
        working_dir = None
        if fs is not None:
            claim = self.claim(where, fs)
            data = f"{DATA_MOUNT}/{slug(fs.id)}"
            mounts.append(k8s.core.v1.VolumeMountArgs(name="data", mount_path=data))
            volumes.append(
                k8s.core.v1.VolumeArgs(
                    name="data",
                    persistent_volume_claim=k8s.core.v1.PersistentVolumeClaimVolumeSourceArgs(claim_name=claim),
                )
            )
            command += ["--directory", data]  # the workload's files go on the file system under test
            working_dir = data
        amounts: dict[str, str] = {"cpu": where.cpu, "memory": where.memory}
        if where.gpus and module in ("gemm", "memory", "collectives"):  # checkpoint saves a CPU state
            amounts["nvidia.com/gpu"] = str(where.gpus)
        if where.efa and module == "collectives":
            amounts["vpc.amazonaws.com/efa"] = str(where.efa)
        container = k8s.core.v1.ContainerArgs(
            name=slug(module),
            image=image or where.image,
            command=command,
            env=env,
            working_dir=working_dir,
            resources=k8s.core.v1.ResourceRequirementsArgs(requests=dict(amounts), limits=dict(amounts)),
            security_context=container_security(),
            volume_mounts=mounts,
        )
        affinity = None
        if indexed:  # one pod per node: the measurement is between nodes
            affinity = k8s.core.v1.AffinityArgs(
                pod_anti_affinity=k8s.core.v1.PodAntiAffinityArgs(
                    required_during_scheduling_ignored_during_execution=[
                        k8s.core.v1.PodAffinityTermArgs(
                            label_selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector),
                            topology_key="kubernetes.io/hostname",
                        )
                    ]
                )
            )
        opts = self.opts(owner, where.cluster)
        if indexed:
            k8s.core.v1.Service(
                f"{owner.name('bench')}-{module}{'-' + fs.id if fs else ''}-svc",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=name, namespace=where.namespace, labels=self.labels(pool)),
                spec=k8s.core.v1.ServiceSpecArgs(
                    cluster_ip="None",  # headless: pod <job>-<i> resolves as <job>-<i>.<job>
                    selector=selector,
                    publish_not_ready_addresses=True,
                    ports=[
                        k8s.core.v1.ServicePortArgs(
                            name="iperf3" if module == "network" else "rendezvous",
                            port=IPERF_PORT if module == "network" else MASTER_PORT,
                            protocol="TCP",
                        )
                    ],
                ),
                opts=opts,
            )
        annotations: dict[str, pulumi.Input[str]] = {SKIP_AWAIT: "true"}
        if where.node_group is not None:
            # The node group's name ties the Job to it: no pod is created before the pool's nodes exist.
            annotations["aifab.dev/node-group"] = where.node_group
        k8s.batch.v1.Job(
            f"{owner.name('bench')}-{module}{'-' + fs.id if fs else ''}",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=name, namespace=where.namespace, labels=self.labels(pool), annotations=annotations
            ),
            spec=k8s.batch.v1.JobSpecArgs(
                backoff_limit=0,
                active_deadline_seconds=JOB_DEADLINE_S[settings_.quick],
                ttl_seconds_after_finished=TTL_AFTER_FINISHED_S,
                completion_mode="Indexed" if indexed else "NonIndexed",
                completions=pods,
                parallelism=pods,
                template=k8s.core.v1.PodTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels=pod_labels),
                    spec=k8s.core.v1.PodSpecArgs(
                        restart_policy="Never",
                        automount_service_account_token=False,
                        security_context=pod_security(),
                        node_selector=where.node_selector,
                        tolerations=[
                            k8s.core.v1.TolerationArgs(
                                key=t["key"], operator=t["operator"], value=t["value"], effect=t["effect"]
                            )
                            for t in where.tolerations
                        ]
                        or None,
                        affinity=affinity,
                        subdomain=name if indexed else None,
                        containers=[container],
                        volumes=volumes,
                    ),
                ),
            ),
            opts=opts,
        )
        self.jobs.append(
            {
                "cluster": where.cluster,
                "namespace": where.namespace,
                "job": name,
                "pool": pool.id,
                "module": module,
                "pods": pods,
            }
        )

    def pool(self, owner: Realised[Any], where: Placement) -> None:
        pool, modules, settings_ = where.pool, self.settings.modules, self.settings
        measures_compute = pool.kind in ("gpu_pool", "cpu_pool")  # a Neuron pool needs torch-neuronx: not here
        wanted: list[tuple[str, int, FileSystemSpec | None]] = []
        if measures_compute:
            wanted += [(m, 1, None) for m in ("gemm", "memory") if m in modules]
            nodes = min(pool.node_count, settings_.max_nodes)
            if "collectives" in modules and (where.gpus or nodes >= 2):
                wanted.append(("collectives", nodes, None))
        if "network" in modules and pool.node_count >= 2:  # between two of the pool's nodes
            wanted.append(("network", 2, None))
        for ref in pool.scratch:
            fs = self.ctx.component(ref, FileSystemSpec)
            if fs.engine == "fsx-lustre":  # on-prem file systems have no volume source the stack knows
                wanted += [(m, 1, fs) for m in ("storage", "checkpoint") if m in modules]
        if not wanted:
            return
        self.namespace_objects(where)
        for module, pods, fs in wanted:
            image = settings_.images["tools"] if module in ("storage", "network") else None
            self.job(owner, where, module, pods=pods, fs=fs, image=image)


def build_benchmarks(ctx: StackContext, realised: Mapping[str, Realised[Any]]) -> dict[str, Any] | None:
    """Register the benchmark Jobs of this stack's pools when enabled; what the stack exports as ``benchmarks``
    (run id, suite and each Job's cluster, namespace, name, pool, module and pod count), else None."""
    settings_ = settings(ctx)
    if settings_ is None:
        return None
    builder = Builder(ctx, settings_)
    for owner in realised.values():
        pool = owner.component
        if not isinstance(pool, ComputePool) or pool.cluster is None:
            continue
        cluster = ctx.component(pool.cluster, ClusterSpec)
        if cluster.provider == "eks" and pool.instance_type is None:
            continue  # the compute realiser has already refused this
        builder.pool(owner, placement(ctx, pool, settings_, owner))
    return {"run_id": settings_.run_id, "suite": settings_.suite, "quick": settings_.quick, "jobs": builder.jobs}


__all__ = ["IMAGES", "Builder", "Settings", "build_benchmarks", "config_key", "settings", "workload_files"]
