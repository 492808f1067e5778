"""Benchmark Jobs under the SDK mocks: the compute_eks design (GPU pool on EFA, Trainium pool, CPU pool on
EKS, stack "dev") with an FSx for Lustre scratch file system mounted by the GPU and Trainium pools."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

import aifab.bench.workloads as workloads_package
from aifab import deploy
from aifab.bench.cluster import RUN_LABEL, extract_documents, is_benchmark_urn
from aifab.bench.result import BenchResult
from aifab.blueprints.compute import ComputePool
from aifab.catalogue import load_catalogue
from aifab.design.design import Design
from aifab.design.environments import EnvironmentModel
from aifab.design.loader import load_design
from aifab.infra.benchmarks import IMAGES, MOUNT, workload_files
from aifab.preview.capture import Capture, ProgramFailed, Record, run_program

from ..conftest import reference_stacks
from .conftest import realise_design
from .test_compute import RESERVATION, SHARED
from .test_mlops import assert_restricted

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

FIXTURE = Path(__file__).parent / "fixtures" / "compute_eks.yaml"
JOB = "kubernetes:batch/v1:Job"
ON = {**RESERVATION, "aifab:benchmarks": "true", "aifab:benchmarkRunId": "r7"}


@pytest.fixture(scope="module")
def design(tmp_path_factory: pytest.TempPathFactory) -> Design:
    document = yaml.safe_load(FIXTURE.read_text())
    document["name"] = "bench-eks"
    document["components"].append(
        {
            "kind": "file_system",
            "id": "scratch",
            "engine": "fsx-lustre",
            "deployment_type": "PERSISTENT_2",
            "per_unit_throughput_mbps_per_tib": 250,
            "capacity_tib": 2.4,
            "encrypted_by": "kms",
            "network": "vpc",
            "site": "london",
            "environment": "dev",
        }
    )
    for component in document["components"]:
        if component["id"] in ("train", "trn"):
            component["scratch"] = ["scratch"]
    file = tmp_path_factory.mktemp("bench") / "design.yaml"
    file.write_text(yaml.safe_dump(document))
    return load_design(file).design


def run(design: Design, *, preview: bool = False, config: dict[str, str] | None = None) -> Capture:
    capture = realise_design(design, "dev", preview=preview, config={**ON, **(config or {})}, stack_outputs=SHARED)
    assert capture.created_in_apply == []
    return capture


@pytest.fixture(scope="module", params=[False, True], ids=["resolve", "preview"])
def capture(request: pytest.FixtureRequest, design: Design) -> Capture:
    return run(design, preview=request.param)


def jobs(capture: Capture) -> dict[str, Record]:
    return {r.inputs["metadata"]["name"]: r for r in capture.by_type(JOB)}


def pod(job: Record) -> dict[str, Any]:
    return dict(job.inputs["spec"]["template"]["spec"])


def test_off_by_default_registers_nothing(design: Design) -> None:
    capture = realise_design(design, "dev", preview=False, config=RESERVATION, stack_outputs=SHARED)
    assert not [r for r in capture.resources() if "bench" in r.name]
    assert not capture.by_type(JOB)
    assert "benchmarks" not in capture.outputs


def test_each_pool_gets_its_workloads(capture: Capture) -> None:
    assert sorted(jobs(capture)) == [
        "b-checkpoint-train-scratch-r7",
        "b-checkpoint-trn-scratch-r7",
        "b-collectives-prep-r7",
        "b-collectives-train-r7",
        "b-gemm-prep-r7",
        "b-gemm-train-r7",
        "b-memory-prep-r7",
        "b-memory-train-r7",
        "b-network-prep-r7",
        "b-network-train-r7",
        "b-network-trn-r7",
        "b-storage-train-scratch-r7",
        "b-storage-trn-scratch-r7",
    ]  # the Trainium pool measures storage and network only: GEMM there needs torch-neuronx
    exported = capture.outputs["benchmarks"]
    assert exported["run_id"] == "r7" and exported["suite"] == "all"
    assert sorted(j["job"] for j in exported["jobs"]) == sorted(jobs(capture))
    collectives = next(j for j in exported["jobs"] if j["job"] == "b-collectives-train-r7")
    assert collectives == {
        "cluster": "eks",
        "namespace": "exp",
        "job": "b-collectives-train-r7",
        "pool": "train",
        "module": "collectives",
        "pods": 4,
    }


def test_manifests_validate_against_the_cluster_schema_and_are_restricted(capture: Capture) -> None:
    bench = [r for r in capture.resources() if r.type.startswith("kubernetes:") and "bench" in r.name]
    assert {r.type for r in bench} == {
        JOB,
        "kubernetes:core/v1:ConfigMap",
        "kubernetes:core/v1:Service",
        "kubernetes:core/v1:PersistentVolume",
        "kubernetes:core/v1:PersistentVolumeClaim",
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    }
    for record in bench:
        manifest = {k: v for k, v in record.inputs.items() if v != "<unknown>"}
        kubernetes_validate.validate(manifest, "1.33.0", strict=True)  # the fixture's cluster version
        if record.type != "kubernetes:core/v1:PersistentVolume":
            assert record.inputs["metadata"]["namespace"] == "exp"  # dev's namespace: Pod Security restricted
        assert "pulumi:providers:kubernetes::k8s-eks" in record.provider
    assert_restricted(capture)


def test_jobs_are_children_of_their_pool_and_wait_for_its_nodes(capture: Capture) -> None:
    pools = {r.name: r.urn for r in capture.resources() if r.type.startswith("aifab:compute:") and "Pool" in r.type}
    for name, job in jobs(capture).items():
        pool = job.inputs["spec"]["template"]["metadata"]["labels"]["aifab.dev/pool"]
        assert job.parent == pools[pool], name
        node_group = next(r for r in capture.resources() if r.name == f"{pool}-ng")
        if not capture.preview:
            assert job.inputs["metadata"]["annotations"]["aifab.dev/node-group"] == f"{pool}-ng-nodeGroupName"
        assert node_group.urn in job.dependencies, name
        assert job.inputs["metadata"]["annotations"]["pulumi.com/skipAwait"] == "true"
        spec = job.inputs["spec"]
        assert spec["backoffLimit"] == 0 and spec["activeDeadlineSeconds"] == 14400
        assert spec["ttlSecondsAfterFinished"] == 86400
        assert pod(job)["restartPolicy"] == "Never"
        assert job.inputs["metadata"]["labels"][RUN_LABEL] == "r7"
        assert spec["template"]["metadata"]["labels"][RUN_LABEL] == "r7"


def test_placement_resources_and_tolerations_follow_the_pool(capture: Capture) -> None:
    found = jobs(capture)
    catalogue = load_catalogue()
    p5 = catalogue.instance_type("p5.48xlarge")
    assert p5.vcpu is not None
    gemm = pod(found["b-gemm-train-r7"])
    assert gemm["nodeSelector"] == {"aifab.dev/pool": "train"}
    gpu_taint = {"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"}
    assert gemm["tolerations"] == [gpu_taint]
    container = gemm["containers"][0]
    assert container["image"] == IMAGES["gpu"]
    assert container["command"] == ["python", "-m", "aifab.bench.workloads.gemm"]
    assert container["resources"]["limits"] == {"cpu": str(p5.vcpu * 3 // 5), "memory": "1024Gi", "nvidia.com/gpu": "8"}
    assert 2 * int(container["resources"]["requests"]["cpu"]) > p5.vcpu  # two benchmark pods never share a node
    assert container["resources"]["requests"] == container["resources"]["limits"]
    assert "vpc.amazonaws.com/efa" not in container["resources"]["limits"]  # one node: no EFA traffic
    env = {e["name"]: e for e in container["env"]}
    assert env["AIFAB_POOL"]["value"] == "train"
    assert env["AIFAB_NODE"]["valueFrom"] == {"fieldRef": {"fieldPath": "spec.nodeName"}}
    assert env["PYTHONPATH"]["value"] == MOUNT

    trn = pod(found["b-storage-trn-scratch-r7"])
    assert trn["tolerations"][0]["key"] == "aws.amazon.com/neuron"
    assert trn["containers"][0]["image"] == IMAGES["tools"]
    prep = pod(found["b-gemm-prep-r7"])
    assert "tolerations" not in prep and prep["nodeSelector"] == {"aifab.dev/pool": "prep"}
    assert prep["containers"][0]["image"] == IMAGES["cpu"]
    assert "nvidia.com/gpu" not in prep["containers"][0]["resources"]["limits"]


def test_collectives_span_the_pool_as_an_indexed_job_over_efa(capture: Capture) -> None:
    job = jobs(capture)["b-collectives-train-r7"]
    spec = job.inputs["spec"]
    assert spec["completionMode"] == "Indexed" and spec["completions"] == 4 and spec["parallelism"] == 4
    template = pod(job)
    assert template["subdomain"] == "b-collectives-train-r7"
    anti = template["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
    assert anti["topologyKey"] == "kubernetes.io/hostname"
    container = template["containers"][0]
    assert container["command"][:6] == [
        "torchrun",
        "--nnodes=4",
        "--nproc-per-node=8",
        "--node-rank=$(NODE_RANK)",
        "--master-addr=b-collectives-train-r7-0.b-collectives-train-r7",
        "--master-port=29500",
    ]
    limits = container["resources"]["limits"]
    assert limits["nvidia.com/gpu"] == "8"
    assert limits["vpc.amazonaws.com/efa"] == str(load_catalogue().instance_type("p5.48xlarge").efa_interfaces)
    env = {e["name"]: e for e in container["env"]}
    assert env["FI_PROVIDER"]["value"] == "efa"
    assert "job-completion-index" in env["NODE_RANK"]["valueFrom"]["fieldRef"]["fieldPath"]
    service = next(
        r
        for r in capture.by_type("kubernetes:core/v1:Service")
        if r.inputs["metadata"]["name"] == "b-collectives-train-r7"
    )
    assert service.inputs["spec"]["clusterIP"] == "None"
    assert service.inputs["spec"]["selector"] == {"aifab.dev/bench-job": "b-collectives-train-r7"}
    # The CPU pool's collectives use gloo over its 3 nodes, one rank each, and no EFA.
    prep = pod(jobs(capture)["b-collectives-prep-r7"])["containers"][0]
    assert "--nnodes=3" in prep["command"] and "--nproc-per-node=1" in prep["command"]
    assert "vpc.amazonaws.com/efa" not in prep["resources"]["limits"]


def test_storage_jobs_mount_the_fsx_file_system(capture: Capture) -> None:
    job = jobs(capture)["b-storage-train-scratch-r7"]
    template = pod(job)
    volumes = {v["name"]: v for v in template["volumes"]}
    assert volumes["data"] == {"name": "data", "persistentVolumeClaim": {"claimName": "aifab-bench-scratch"}}
    container = template["containers"][0]
    assert {"name": "data", "mountPath": "/mnt/bench/scratch"} in container["volumeMounts"]
    assert container["command"][-2:] == ["--directory", "/mnt/bench/scratch"]
    assert "nvidia.com/gpu" not in container["resources"]["limits"]  # fio needs no GPU
    checkpoint = pod(jobs(capture)["b-checkpoint-train-scratch-r7"])["containers"][0]
    assert "nvidia.com/gpu" not in checkpoint["resources"]["limits"]  # the workload saves a CPU state
    assert checkpoint["command"][-2:] == ["--directory", "/mnt/bench/scratch"]
    pv = capture.by_type("kubernetes:core/v1:PersistentVolume")
    pvc = capture.by_type("kubernetes:core/v1:PersistentVolumeClaim")
    assert len(pv) == len(pvc) == 1  # both pools share one claim in namespace exp
    assert pv[0].inputs["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert pv[0].inputs["spec"]["csi"]["driver"] == "fsx.csi.aws.com"
    assert pvc[0].inputs["spec"]["volumeName"] == pv[0].inputs["metadata"]["name"]
    if not capture.preview:
        assert pv[0].inputs["spec"]["csi"]["volumeHandle"] == "scratch-id"
        assert pv[0].inputs["spec"]["csi"]["volumeAttributes"] == {
            "dnsname": "scratch-dnsName",
            "mountname": "scratch-mountName",
        }
        assert pv[0].inputs["spec"]["capacity"] == {"storage": "2400Gi"}
    lustre = next(r for r in capture.resources() if r.type == "aws:fsx/lustreFileSystem:LustreFileSystem")
    assert lustre.urn in pv[0].dependencies
    namespaces = capture.by_type("kubernetes:core/v1:Namespace")
    namespace = next(r for r in namespaces if r.inputs["metadata"]["name"] == "exp")
    assert namespace.urn in pvc[0].dependencies


def test_shared_objects_belong_to_the_run_component_and_escape_production_protection(design: Design) -> None:
    """The files, the allow and the volume are children of ``benchmarks`` (not of a pool), so in a production
    environment the claim is not protected: the next plain ``up`` may remove it (the data stays: Retain)."""
    production = design.model_copy(
        update={
            "components": tuple(
                c.model_copy(update={"purpose": "production"}) if c.id == "dev" else c for c in design.components
            )
        }
    )
    capture = realise_design(production, "dev", preview=False, config=ON, stack_outputs=SHARED)
    (component,) = capture.by_type("aifab:bench:Benchmarks")
    assert component.name == "benchmarks" and component.parent == ""
    shared = [
        *capture.by_type("kubernetes:core/v1:ConfigMap"),
        *capture.by_type("kubernetes:core/v1:PersistentVolume"),
        *capture.by_type("kubernetes:core/v1:PersistentVolumeClaim"),
    ]
    assert len(shared) == 3 and all(r.parent == component.urn for r in shared)
    assert not [r.name for r in shared if r.protect]
    assert next(r for r in capture.resources() if r.type == "aws:eks/cluster:Cluster").protect  # production


def test_configmap_carries_the_workload_package(capture: Capture) -> None:
    (configmap,) = capture.by_type("kubernetes:core/v1:ConfigMap")
    data = configmap.inputs["data"]
    files = workload_files()
    assert {"aifab/__init__.py", "aifab/bench/__init__.py", "aifab/bench/workloads/_result.py"} <= set(files)
    package = Path(workloads_package.__file__ or "").parent
    for source in package.glob("*.py"):
        key = f"aifab.bench.workloads.{source.name}"
        assert data[key] == source.read_text(encoding="utf-8"), key
    items = next(v for v in pod(jobs(capture)["b-gemm-train-r7"])["volumes"] if v["name"] == "workloads")
    paths = {i["key"]: i["path"] for i in items["configMap"]["items"]}
    assert paths["aifab.bench.workloads.gemm.py"] == "aifab/bench/workloads/gemm.py"
    assert set(paths) == set(data)


def test_pods_of_the_run_may_reach_each_other_only(capture: Capture) -> None:
    (policy,) = [
        r
        for r in capture.by_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
        if r.inputs["metadata"]["name"] == "aifab-bench-allow"
    ]
    peers = {"podSelector": {"matchExpressions": [{"key": RUN_LABEL, "operator": "Exists"}]}}
    assert policy.inputs["spec"]["podSelector"] == peers["podSelector"]
    assert policy.inputs["spec"]["ingress"] == [{"from": [peers]}]
    assert policy.inputs["spec"]["egress"] == [{"to": [peers]}]


def test_suite_quick_images_and_node_cap_come_from_config(design: Design) -> None:
    images = json.dumps({"gpu": "example.org/torch@sha256:" + "0" * 64})
    capture = run(
        design,
        config={
            "aifab:benchmarkSuite": "collectives",
            "aifab:benchmarkQuick": "true",
            "aifab:benchmarkImages": images,
            "aifab:benchmarkMaxNodes": "2",
        },
    )
    found = jobs(capture)
    assert sorted(found) == ["b-collectives-prep-r7", "b-collectives-train-r7"]
    job = found["b-collectives-train-r7"]
    assert job.inputs["spec"]["completions"] == 2 and job.inputs["spec"]["activeDeadlineSeconds"] == 3600
    container = pod(job)["containers"][0]
    assert container["image"].startswith("example.org/torch@sha256:")
    assert container["command"][-1] == "--quick"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("aifab:benchmarkSuite", "serving", "aifab:benchmarkSuite is 'serving'; expected one of all, compute"),
        ("aifab:benchmarkRunId", "Run_1", "aifab:benchmarkRunId is 'Run_1'; expected 1-12 lowercase"),
        ("aifab:benchmarkImages", '{"gpus": "x"}', "aifab:benchmarkImages must map some of gpu, cpu, tools"),
    ],
)
def test_bad_config_stops_the_program_naming_the_key(design: Design, key: str, value: str, message: str) -> None:
    with pytest.raises(ProgramFailed) as caught:
        realise_design(design, "dev", preview=False, config={**ON, key: value}, stack_outputs=SHARED)
    assert message in str(caught.value)


def kubelet_expand(text: str, env: dict[str, str]) -> str:
    """Kubernetes' ``$(VAR)`` expansion of a container's command from its environment."""
    for name, value in env.items():
        text = text.replace(f"$({name})", value)
    return text


@pytest.mark.parametrize("job_name", ["b-memory-prep-r7", "b-storage-train-scratch-r7"])
def test_a_job_runs_as_its_pod_would_on_the_mounted_files_alone(design: Design, tmp_path: Path, job_name: str) -> None:
    """The Job's own command, environment and ConfigMap items, played here as the kubelet would: the files
    land where the items say, the package imports from the mount (not the installed aifab), and what the pod
    prints is a result that names its pool and node."""
    capture = run(design, config={"aifab:benchmarkQuick": "true"})
    (configmap,) = capture.by_type("kubernetes:core/v1:ConfigMap")
    template = pod(jobs(capture)[job_name])
    container = template["containers"][0]
    mount = tmp_path / "mount"
    items = next(v for v in template["volumes"] if v["name"] == "workloads")["configMap"]["items"]
    for item in items:
        target = mount / item["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(configmap.inputs["data"][item["key"]], encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AIFAB_POOL", "AIFAB_NODE")}
    for variable in container["env"]:
        if "value" in variable:
            env[variable["name"]] = variable["value"]
        elif variable["valueFrom"]["fieldRef"]["fieldPath"] == "spec.nodeName":
            env[variable["name"]] = "ip-10-0-1-5"
    assert env["PYTHONPATH"] == MOUNT
    env["PYTHONPATH"] = str(mount)
    env["HOME"] = env["TMPDIR"] = str(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    command = [kubelet_expand(part, env).replace("/mnt/bench/scratch", str(data)) for part in container["command"]]
    assert command[0] == "python"
    where = subprocess.run(
        [sys.executable, "-c", f"import {command[2]} as m; print(m.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(mount)
    done = subprocess.run([sys.executable, *command[1:]], env=env, capture_output=True, text=True, timeout=300)
    (document,) = extract_documents(done.stdout)
    result = BenchResult.model_validate(document)
    assert result.ok, result.error
    assert (result.environment.pool, result.environment.node) == (env["AIFAB_POOL"], "ip-10-0-1-5")
    assert result.metrics


@pytest.mark.parametrize(
    ("stack", "env"),
    [(s, e) for s in reference_stacks() for e in ("dev", "prod") if (s / f"Pulumi.{e}.yaml").is_file()],
    ids=lambda v: v.name if isinstance(v, Path) else str(v),
)
def test_reference_stacks_with_benchmarks_validate_and_pass_the_gate(
    stack: Path, env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each reference stack with ``aifab:benchmarks: true``: every benchmark object validates against its
    cluster's Kubernetes version, every pool on a cluster gets Jobs, and ``aifab check``'s resource-level
    rules (the gate of ``aifab up``) find nothing mandatory."""
    monkeypatch.setenv("AIFAB_TODAY", "2026-12-01")
    copy = tmp_path / stack.name
    shutil.copytree(stack, copy, ignore=shutil.ignore_patterns("__pycache__", "bom"))
    config_file = copy / f"Pulumi.{env}.yaml"
    document = yaml.safe_load(config_file.read_text())
    document["config"]["aifab:benchmarks"] = True
    config_file.write_text(yaml.safe_dump(document))
    capture = run_program(copy, env)
    design = load_design(copy, env=env).design
    versions = {c.id: str(getattr(c, "version", "")) for c in design.of_kind("kubernetes_cluster")}
    bench = [r for r in capture.resources() if r.type.startswith("kubernetes:") and "bench" in r.name]
    for record in bench:
        cluster = record.provider.rsplit("::", 2)[-2].removeprefix("k8s-")
        manifest = {k: v for k, v in record.inputs.items() if v != "<unknown>"}
        kubernetes_validate.validate(manifest, f"{versions[cluster]}.0", strict=True)
    pools = {
        c.id
        for c in EnvironmentModel.of(design).deployed_by(env)
        if isinstance(c, ComputePool) and c.cluster is not None
    }
    with_jobs = {r.inputs["spec"]["template"]["metadata"]["labels"]["aifab.dev/pool"] for r in capture.by_type(JOB)}
    assert with_jobs == pools
    assert not [r.name for r in bench if r.protect]  # a production pool's protection does not reach them
    deploy.gate(copy, env, today=dt.date(2026, 12, 1))  # raises DeploymentRefused on a mandatory finding


def test_network_is_a_pair_of_pods_and_runs_here_as_one(design: Design, tmp_path: Path) -> None:
    """Pod 1 serves iperf3 once, pod 0 measures against it through the headless Service's name; played here
    with both pods' shell script on loopback (the name and port swapped for ones this machine has)."""
    capture = run(design, config={"aifab:benchmarkQuick": "true", "aifab:benchmarkSuite": "network"})
    found = jobs(capture)
    assert sorted(found) == ["b-network-prep-r7", "b-network-train-r7", "b-network-trn-r7"]
    job = found["b-network-train-r7"]
    assert job.inputs["spec"]["completionMode"] == "Indexed" and job.inputs["spec"]["completions"] == 2
    container = pod(job)["containers"][0]
    assert container["image"] == IMAGES["tools"]
    assert "nvidia.com/gpu" not in container["resources"]["limits"]
    script = container["command"][2]
    assert "--server b-network-train-r7-1.b-network-train-r7 --port 5201" in script
    if shutil.which("iperf3") is None:
        pytest.skip("iperf3 is not installed here (the system package manager has it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    local = script.replace("b-network-train-r7-1.b-network-train-r7", "127.0.0.1").replace("5201", port)
    local = local.replace("sleep 20", "sleep 2")
    mount = tmp_path / "mount"
    for path, text in workload_files().items():
        (mount / path).parent.mkdir(parents=True, exist_ok=True)
        (mount / path).write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(mount), "AIFAB_POOL": "train", "AIFAB_NODE": "ip-10-0-1-5"}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"  # `python` as the image has it
    server = subprocess.Popen(["sh", "-c", local], env={**env, "NODE_RANK": "1"}, stdout=subprocess.DEVNULL)
    try:
        client = subprocess.run(
            ["sh", "-c", local], env={**env, "NODE_RANK": "0"}, capture_output=True, text=True, timeout=120
        )
        assert server.wait(timeout=60) == 0  # the one-off server ends after its one test
    finally:
        server.kill()
    (document,) = extract_documents(client.stdout)
    result = BenchResult.model_validate(document)
    assert result.ok and result.workload == "network", result.error
    assert result.environment.pool == "train"
    assert any(m.name.startswith("network.") for m in result.metrics)


def test_the_runner_tells_benchmark_objects_from_the_rest_by_urn(capture: Capture) -> None:
    """``aifab bench run`` deploys only benchmark objects (it refuses a preview with other changes): every
    object this module registers, and nothing else the stack registers, is one by its URN."""
    bench_types = {
        JOB,
        "aifab:bench:Benchmarks",
        "kubernetes:core/v1:ConfigMap",
        "kubernetes:core/v1:Service",
        "kubernetes:core/v1:PersistentVolume",
        "kubernetes:core/v1:PersistentVolumeClaim",
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    }
    ours = {r.urn for r in capture.resources() if r.type in bench_types and "bench" in r.name}
    assert len(ours) == len(capture.by_type(JOB)) + 10  # + component, ConfigMap, allow, PV, PVC, 5 Services
    for record in capture.resources(providers=True):
        assert is_benchmark_urn(record.urn) == (record.urn in ours), record.urn
