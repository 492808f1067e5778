"""aifab.bench.cluster: gathering Job results (a fake cluster whose pods print what the real workloads print),
the refusals before anything is deployed, and the config file the real engine is given (pulumi CLI only)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from aifab import deploy
from aifab.bench.cluster import (
    GIVE_UP_AFTER,
    BenchJob,
    ClusterUnreachable,
    JobState,
    KubectlClient,
    KubectlMissing,
    PodState,
    UndeployedChanges,
    bench_config,
    config_with_benchmarks,
    exported_jobs,
    extract_documents,
    foreign_changes,
    gather,
    job_state,
    pod_state,
    run_cluster,
)
from aifab.bench.result import BenchResult, read_results
from aifab.errors import AifabError, InputError

ROOT = Path(__file__).resolve().parents[2]
EU = ROOT / "stacks" / "eu-sovereign-inference"
RUN = "r7"


@pytest.fixture(scope="module")
def memory_document() -> str:
    """What the real memory workload prints (quick, on this machine's CPU)."""
    env = {k: v for k, v in os.environ.items() if k not in ("AIFAB_POOL", "AIFAB_NODE")}
    done = subprocess.run(
        [sys.executable, "-m", "aifab.bench.workloads.memory", "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=True,
    )
    return done.stdout


class FakeCluster:
    """Jobs that finish after a number of polls, pods with logs; records what was asked."""

    def __init__(
        self,
        finish_after: Mapping[str, tuple[int, JobState]],
        pods: Mapping[str, Sequence[PodState]],
        logs: Mapping[str, str],
    ) -> None:
        self.finish_after = finish_after
        self._pods = pods
        self._logs = logs
        self.polls = 0
        self.logs_read: list[str] = []

    def job_states(self, namespace: str, run_id: str) -> dict[str, JobState]:
        assert (namespace, run_id) == ("exp", RUN)
        self.polls += 1
        return {
            job: (state if self.polls >= after else JobState("running"))
            for job, (after, state) in self.finish_after.items()
        }

    def pods(self, namespace: str, job: str) -> list[PodState]:
        return list(self._pods.get(job, ()))

    def logs(self, namespace: str, pod: str) -> str:
        self.logs_read.append(pod)
        return self._logs[pod]


def job(name: str, module: str, pods: int = 1) -> BenchJob:
    return BenchJob(cluster="eks", namespace="exp", job=name, pool="train", module=module, pods=pods)


TORCHRUN_NOISE = (
    "W1201 18:50:12.000000 1 torch/distributed/run.py:766] Setting OMP_NUM_THREADS environment variable for each "
    "process to be 1 in default, to avoid your system being overloaded {see docs}\n"
)


def test_gather_reads_every_pod_and_explains_every_job_without_a_result(memory_document: str, tmp_path: Path) -> None:
    failed_doc = json.dumps(
        {
            "format": "aifab.bench/v1",
            "workload": "storage",
            "engine": {"name": "none", "version": ""},
            "started_at": "2026-12-01T18:50:12+00:00",
            "duration_s": 0.1,
            "environment": {"hostname": "b-storage-0", "platform": "Linux", "python": "3.12", "cpu_count": 96},
            "error": "fio is not installed: install the fio package",
        },
        indent=2,
    )
    cluster = FakeCluster(
        finish_after={
            "b-memory-train-r7": (1, JobState("complete")),
            "b-collectives-train-r7": (3, JobState("complete")),
            "b-gemm-train-r7": (2, JobState("failed", "BackoffLimitExceeded", "Job has reached the backoff limit")),
            "b-storage-train-r7": (1, JobState("failed", "BackoffLimitExceeded")),
            "b-checkpoint-train-r7": (99, JobState("complete")),  # never, within the time given
        },
        pods={
            "b-memory-train-r7": [PodState("b-memory-train-r7-abcde", "ip-10-0-1-5", "Succeeded")],
            "b-collectives-train-r7": [
                PodState("b-collectives-train-r7-0-x", "ip-10-0-1-5", "Succeeded"),
                PodState("b-collectives-train-r7-1-y", "ip-10-0-1-6", "Succeeded"),
            ],
            "b-gemm-train-r7": [
                PodState("b-gemm-train-r7-zzz", "ip-10-0-1-7", "Failed", "gemm: OOMKilled (exit 137)"),
            ],
            "b-storage-train-r7": [PodState("b-storage-train-r7-q", "ip-10-0-1-8", "Failed")],
            "b-checkpoint-train-r7": [
                PodState("b-checkpoint-train-r7-p", "", "Pending", "PodScheduled: 0/4 nodes are available"),
            ],
        },
        logs={
            "b-memory-train-r7-abcde": memory_document,
            "b-collectives-train-r7-0-x": TORCHRUN_NOISE
            + memory_document.replace('"memory"', '"collective"', 1)
            + "\nrank 0 done\n",
            "b-collectives-train-r7-1-y": TORCHRUN_NOISE,
            "b-gemm-train-r7-zzz": "Killed\n",
            "b-storage-train-r7-q": failed_doc + "\nstorage: fio is not installed\n",
        },
    )
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    jobs = [
        job("b-memory-train-r7", "memory"),
        job("b-collectives-train-r7", "collectives", 2),
        job("b-gemm-train-r7", "gemm"),
        job("b-storage-train-r7", "storage"),
        job("b-checkpoint-train-r7", "checkpoint"),
    ]
    results = gather({"eks": cluster}, jobs, RUN, tmp_path, timeout_s=100, poll_s=10, sleep=sleep, clock=lambda: now[0])

    assert cluster.polls == 11  # polled until the deadline: the checkpoint Job never finished
    assert "b-checkpoint-train-r7-p" not in cluster.logs_read  # a pod that never started has no log
    by_workload = {r.workload: r for r in results}
    assert set(by_workload) == {"memory", "collective", "gemm", "storage", "checkpoint"}

    memory = by_workload["memory"]
    assert memory.ok and memory.metrics
    assert memory.environment.pool == "train" and memory.environment.node == "ip-10-0-1-5"
    assert memory.metrics == BenchResult.model_validate_json(memory_document).metrics  # nothing lost on the way
    assert by_workload["collective"].ok  # rank 0's document, through torchrun's lines

    gemm = by_workload["gemm"]
    assert gemm.error == (
        "b-gemm-train-r7 in eks/exp: the Job failed (BackoffLimitExceeded: Job has reached the backoff limit); "
        "pods: b-gemm-train-r7-zzz Failed: gemm: OOMKilled (exit 137)"
    )
    assert gemm.environment.node == "ip-10-0-1-7" and gemm.environment.pool == "train"
    assert by_workload["storage"].error == "fio is not installed: install the fio package"  # the workload's words
    checkpoint = by_workload["checkpoint"].error or ""
    assert "did not finish within 100 s" in checkpoint and "0/4 nodes are available" in checkpoint

    assert (tmp_path / "eks" / "b-memory-train-r7-abcde.log").read_text() == memory_document
    on_disk = read_results([tmp_path])  # what `aifab bench verify RUN_FOLDER` will read
    assert sorted(r.workload for r in on_disk) == sorted(r.workload for r in results)


def test_documents_are_found_between_other_lines() -> None:
    doc = {"format": "aifab.bench/v1", "workload": "gemm", "x": {"nested": [1, 2]}}
    text = f'starting {{not json}}\n{json.dumps(doc, indent=2)}\n{{"format": "other"}}\n{{broken\n'
    assert extract_documents(text) == [doc]
    assert extract_documents("") == []


def test_job_and_pod_states_from_kubernetes_objects() -> None:
    assert job_state({"status": {"active": 1}}) == JobState("running")
    assert job_state({"status": {"conditions": [{"type": "Complete", "status": "True"}]}}).phase == "complete"
    failed = job_state(
        {
            "status": {
                "conditions": [
                    {
                        "type": "Failed",
                        "status": "True",
                        "reason": "DeadlineExceeded",
                        "message": "Job was active longer than specified deadline",
                    }
                ]
            }
        }
    )
    assert failed == JobState("failed", "DeadlineExceeded", "Job was active longer than specified deadline")
    pod = pod_state(
        {
            "metadata": {"name": "b-gemm-train-r7-x"},
            "spec": {"nodeName": "ip-1"},
            "status": {
                "phase": "Pending",
                "containerStatuses": [
                    {"name": "gemm", "state": {"waiting": {"reason": "ImagePullBackOff", "message": "not found"}}}
                ],
            },
        }
    )
    assert pod == PodState("b-gemm-train-r7-x", "ip-1", "Pending", "gemm: ImagePullBackOff not found")


def test_kubectl_client_reads_jobs_pods_and_logs_through_kubectl(tmp_path: Path) -> None:
    """A stand-in kubectl that answers as the real one does (JSON lists), to check the arguments passed."""
    calls = tmp_path / "calls"
    fake = tmp_path / "kubectl"
    jobs = {
        "items": [
            {
                "metadata": {"name": "b-gemm-train-r7"},
                "status": {"conditions": [{"type": "Complete", "status": "True"}]},
            }
        ]
    }
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> "{calls}"\n'
        'case "$3 $4" in\n'
        f"  'get jobs') echo '{json.dumps(jobs)}' ;;\n"
        "  'get pods') echo '{\"items\": []}' ;;\n"
        "  'logs -n') echo 'hello' ;;\n"
        "  *) echo unexpected >&2; exit 1 ;;\n"
        "esac\n"
    )
    fake.chmod(0o755)
    client = KubectlClient(tmp_path / "eks.kubeconfig", kubectl=str(fake))
    assert client.job_states("exp", RUN) == {"b-gemm-train-r7": JobState("complete")}
    assert client.pods("exp", "b-gemm-train-r7") == []
    assert client.logs("exp", "b-gemm-train-r7-x") == "hello\n"
    lines = calls.read_text().splitlines()
    kubeconfig = f"--kubeconfig {tmp_path / 'eks.kubeconfig'}"
    assert lines == [
        f"{kubeconfig} get jobs -n exp -l aifab.dev/benchmark-run=r7 -o json",
        f"{kubeconfig} get pods -n exp -l job-name=b-gemm-train-r7 -o json",
        f"{kubeconfig} logs -n exp b-gemm-train-r7-x",
    ]


def test_the_config_copy_keeps_the_stack_file_and_adds_the_run(tmp_path: Path) -> None:
    stack_file = tmp_path / "Pulumi.dev.yaml"
    original = "encryptionsalt: v1:abc\nconfig:\n  aws:region: eu-west-2\n  aifab:token:\n    secure: v1:xyz\n"
    stack_file.write_text(original)
    copy = config_with_benchmarks(stack_file, bench_config("compute", RUN, True), tmp_path / "copy.yaml")
    assert stack_file.read_text() == original  # the user's file is not touched
    data = yaml.safe_load(copy.read_text())
    assert data["encryptionsalt"] == "v1:abc"
    assert data["config"] == {
        "aws:region": "eu-west-2",
        "aifab:token": {"secure": "v1:xyz"},
        "aifab:benchmarks": True,
        "aifab:benchmarkSuite": "compute",
        "aifab:benchmarkRunId": RUN,
        "aifab:benchmarkQuick": True,
    }


def test_exported_jobs_are_read_and_a_stack_without_them_is_explained() -> None:
    run_id, jobs = exported_jobs(
        {
            "benchmarks": {
                "run_id": RUN,
                "jobs": [
                    {
                        "cluster": "eks",
                        "namespace": "exp",
                        "job": "b-gemm-train-r7",
                        "pool": "train",
                        "module": "gemm",
                        "pods": 1,
                    }
                ],
            }
        }
    )
    assert run_id == RUN and jobs == [job("b-gemm-train-r7", "gemm")]
    with pytest.raises(AifabError, match="exported no `benchmarks`"):
        exported_jobs({"eks": {}})


def test_refusals_before_anything_is_deployed(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="serving measures an endpoint, not the pools"):
        run_cluster(EU, "dev", out_dir=tmp_path, suite="serving")
    with pytest.raises(InputError, match="unknown suite"):
        run_cluster(EU, "dev", out_dir=tmp_path, suite="gpu")
    with pytest.raises(InputError, match="not a Pulumi stack folder") as caught:
        run_cluster(tmp_path, "dev", out_dir=tmp_path)
    assert "aifab bench run --local" in str(caught.value)


def test_without_the_pulumi_cli_it_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("AIFAB_TODAY", "2026-12-01")
    with pytest.raises(deploy.PulumiCLIMissing) as caught:
        run_cluster(EU, "dev", out_dir=tmp_path / "out")
    message = str(caught.value)
    assert "the pulumi CLI is not installed" in message
    assert "`aifab bench run` drives the real Pulumi engine" in message
    assert "https://www.pulumi.com/docs/install/" in message
    assert isinstance(caught.value, InputError)  # exit 2 in the CLI
    assert not (tmp_path / "out").exists()  # nothing started


def test_without_kubectl_it_says_so() -> None:
    message = str(KubectlMissing())
    assert "kubectl is not installed" in message and "https://kubernetes.io/docs/tasks/tools/" in message
    assert isinstance(KubectlMissing(), InputError)


PROGRAM = """\
import pulumi

config = pulumi.Config("aifab")
run_id = config.require("benchmarkRunId")
pulumi.export("eks", {"kubeconfig": pulumi.Output.secret("apiVersion: v1")})
pulumi.export("benchmarks", {"run_id": run_id, "suite": config.get("benchmarkSuite"), "jobs": []})
"""


@pytest.mark.pulumi_cli
@pytest.mark.skipif(
    shutil.which("pulumi") is None,
    reason="the pulumi CLI is not on PATH: `pulumi up --config-file` and the stack outputs cannot be exercised "
    "here (gathering is tested above with a fake cluster)",
)
def test_up_uses_the_config_copy_and_reads_secret_outputs(tmp_path: Path) -> None:
    """A tiny local project on a file backend: the run's config reaches the program through the copy, and
    the kubeconfig comes back in plain from the outputs."""
    from aifab.bench.cluster import _preview_events, _up

    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(
        yaml.safe_dump(
            {"name": "bench-up", "runtime": {"name": "python", "options": {"virtualenv": str(ROOT / ".venv")}}}
        )
    )
    (project / "__main__.py").write_text(PROGRAM)
    (project / "Pulumi.dev.yaml").write_text("config: {}\n")
    env = {"PULUMI_CONFIG_PASSPHRASE": "not-a-secret", "PULUMI_BACKEND_URL": tmp_path.as_uri()}
    engine = deploy.engine_stack(project, "dev", policy_packs=(), env_vars=env)
    try:
        copy = config_with_benchmarks(
            project / "Pulumi.dev.yaml", bench_config("all", RUN, False), tmp_path / "Pulumi.dev.yaml"
        )
        events = _preview_events(deploy, engine, copy)
        assert any(getattr(e, "resource_pre_event", None) for e in events)  # the stack resource's step at least
        assert foreign_changes(events) == []  # a program of outputs only changes nothing but its stack
        outputs: dict[str, Any] = _up(deploy, engine, copy, None)
        assert outputs["benchmarks"]["run_id"] == RUN
        assert outputs["eks"]["kubeconfig"] == "apiVersion: v1"
        assert "benchmark" not in (project / "Pulumi.dev.yaml").read_text()
    finally:
        engine.stack.destroy()
        engine.stack.workspace.remove_stack("dev")


class FlakyCluster(FakeCluster):
    """Fails to answer the first ``failures`` polls, and loses the log of pods named in ``lost``."""

    def __init__(self, *args: Any, failures: int, lost: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.failures = failures
        self.lost = set(lost)

    def job_states(self, namespace: str, run_id: str) -> dict[str, JobState]:
        if self.failures:
            self.failures -= 1
            raise ClusterUnreachable("`kubectl get jobs` failed: i/o timeout")
        return super().job_states(namespace, run_id)

    def logs(self, namespace: str, pod: str) -> str:
        if pod in self.lost:
            raise ClusterUnreachable("`kubectl logs` failed: pods not found")
        return super().logs(namespace, pod)


def test_gather_rides_out_a_flaky_cluster_and_explains_lost_missing_and_invalid(
    memory_document: str, tmp_path: Path
) -> None:
    invalid = memory_document.replace('"unit": ', '"units": ', 1)  # a document the schema refuses
    cluster = FlakyCluster(
        finish_after={
            "b-memory-train-r7": (1, JobState("complete")),
            "b-gemm-train-r7": (1, JobState("complete")),
            "b-network-train-r7": (1, JobState("complete")),
        },  # b-storage-train-r7 is never on the cluster
        pods={
            "b-memory-train-r7": [PodState("b-memory-train-r7-a", "ip-1", "Succeeded")],
            "b-gemm-train-r7": [PodState("b-gemm-train-r7-a", "ip-2", "Succeeded")],
            "b-network-train-r7": [PodState("b-network-train-r7-0-a", "ip-3", "Succeeded")],
        },
        logs={"b-memory-train-r7-a": memory_document, "b-gemm-train-r7-a": invalid},
        failures=2,
        lost=["b-network-train-r7-0-a"],
    )
    now = [0.0]
    jobs = [
        job("b-memory-train-r7", "memory"),
        job("b-gemm-train-r7", "gemm"),
        job("b-network-train-r7", "network", 2),
        job("b-storage-train-r7", "storage"),
    ]
    results = gather(
        {"eks": cluster},
        jobs,
        RUN,
        tmp_path,
        timeout_s=1000,
        poll_s=10,
        sleep=lambda s: now.__setitem__(0, now[0] + s),
        clock=lambda: now[0],
    )
    by_workload = {r.workload: r for r in results}
    assert by_workload["memory"].ok
    assert "not valid aifab.bench/v1" in (by_workload["gemm"].error or "")
    assert "pods not found" in (by_workload["network"].error or "")
    assert "was not found on the cluster" in (by_workload["storage"].error or "")
    assert now[0] < 100  # two failed polls and a Job absent five times: no wait for the whole timeout
    read_results([tmp_path])  # every file written is a valid result


def test_gather_gives_up_on_a_cluster_that_never_answers(tmp_path: Path) -> None:
    cluster = FlakyCluster(finish_after={}, pods={}, logs={}, failures=99)
    with pytest.raises(ClusterUnreachable, match="i/o timeout"):
        gather(
            {"eks": cluster},
            [job("b-gemm-train-r7", "gemm")],
            RUN,
            tmp_path,
            timeout_s=1000,
            poll_s=1,
            sleep=lambda s: None,
        )
    assert cluster.failures == 99 - GIVE_UP_AFTER


def step(op: str, urn: str) -> Any:
    """An engine event as the Automation API parses it from the CLI's event log."""
    from pulumi.automation.events import EngineEvent

    kind = urn.split("::")[-2].split("$")[-1]
    metadata = {"op": op, "urn": urn, "type": kind, "provider": ""}
    return EngineEvent.from_json({"sequence": 1, "timestamp": 0, "resourcePreEvent": {"metadata": metadata}})


def test_only_benchmark_changes_may_ride_along_and_others_are_refused() -> None:
    prefix = "urn:pulumi:dev::uk::"
    events = [
        step("create", prefix + "aifab:compute:GpuPool$kubernetes:batch/v1:Job::train-bench-gemm"),
        step("replace", prefix + "aifab:compute:GpuPool$kubernetes:core/v1:Service::train-bench-collectives-svc"),
        step("create", prefix + "aifab:bench:Benchmarks$kubernetes:core/v1:ConfigMap::bench-eks-exp-workloads"),
        step("same", prefix + "aifab:compute:GpuPool$aws:eks/nodeGroup:NodeGroup::train-ng"),
        step("update", prefix + "pulumi:pulumi:Stack::uk-dev"),
    ]
    assert foreign_changes(events) == []
    drifted = [*events, step("update", prefix + "aifab:compute:GpuPool$aws:eks/nodeGroup:NodeGroup::train-ng")]
    assert foreign_changes(drifted) == ["update aws:eks/nodeGroup:NodeGroup train-ng"]
    # a Job that is not a benchmark's (no -bench- in its name) is not one either
    other = step("create", prefix + "aifab:mlops:Pipelines$kubernetes:batch/v1:Job::pipelines-migrate")
    assert foreign_changes([other]) == ["create kubernetes:batch/v1:Job pipelines-migrate"]

    refusal = UndeployedChanges(Path("stacks/uk"), "dev", foreign_changes(drifted))
    assert isinstance(refusal, InputError)  # exit 2, the message and nothing else
    assert "`aifab up stacks/uk --env dev`" in str(refusal)
    assert "update aws:eks/nodeGroup:NodeGroup train-ng" in str(refusal)
