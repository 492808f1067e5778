"""Benchmarks on a deployed cluster: ``up`` the stack with its benchmark Jobs, wait, gather the results.

:func:`run_cluster` is what ``aifab bench run PATH --env ENV`` runs:

1. the gate (:func:`aifab.deploy.gate`) and the pulumi CLI (:func:`aifab.deploy.require_cli`: without one,
   :class:`~aifab.deploy.PulumiCLIMissing`, exit 2, saying how to install it);
2. ``pulumi preview`` then ``pulumi up`` of stack ``ENV`` with a copy of its ``Pulumi.<env>.yaml`` that adds
   ``aifab:benchmarks``, ``aifab:benchmarkSuite``, ``aifab:benchmarkQuick`` and a fresh
   ``aifab:benchmarkRunId`` (the stack's own file is not touched), so the stack creates the workloads as
   Kubernetes Jobs on its pools (:mod:`aifab.infra.benchmarks`) and exports them under ``benchmarks``.
   When the preview shows any other change (the stack is not deployed, or its design moved on),
   :class:`UndeployedChanges` refuses (exit 2): deploying infrastructure is ``aifab up``'s decision, taken
   with its review, never a side effect of a benchmark;
3. ``kubectl`` with the kubeconfig each cluster exports: wait for every Job of the run to complete, fail or
   run out of time, read each pod's log and keep the ``aifab.bench/v1`` documents it printed, one file per
   pod under ``out_dir/<cluster>/``. A Job that failed or timed out without printing a result becomes a
   result with ``error`` saying why (the pod's own words where Kubernetes has them).

The names here (config keys, suites, labels, Job names) are shared with the stack side, which imports them.
Nothing here imports Pulumi or the Kubernetes client at module level.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

from pydantic import ValidationError

from aifab.errors import AifabError, InputError

from .result import FORMAT, BenchResult, Engine, Environment, WorkloadName, read_results

__all__ = [
    "CONFIG_KEYS",
    "GIVE_UP_AFTER",
    "SUITES",
    "WORKLOAD_MODULES",
    "BenchJob",
    "ClusterUnreachable",
    "JobState",
    "KubeClient",
    "KubectlClient",
    "KubectlMissing",
    "PodState",
    "UndeployedChanges",
    "extract_documents",
    "foreign_changes",
    "fresh_run_id",
    "gather",
    "is_benchmark_urn",
    "job_name",
    "run_cluster",
    "valid_run_id",
]

# --- names the stack and the runner share ------------------------------------------------------------------

CONFIG_KEYS: Final = {
    "enabled": "benchmarks",
    "suite": "benchmarkSuite",
    "run_id": "benchmarkRunId",
    "quick": "benchmarkQuick",
    "images": "benchmarkImages",
    "max_nodes": "benchmarkMaxNodes",
}
"""Keys in the ``aifab`` config namespace (``aifab:benchmarks: true`` ...)."""

WORKLOAD_MODULES: Final[dict[str, WorkloadName]] = {
    "gemm": "gemm",
    "memory": "memory",
    "collectives": "collective",
    "storage": "storage",
    "checkpoint": "checkpoint",
    "network": "network",
}
"""Workload module (``python -m aifab.bench.workloads.<module>``) -> the ``workload`` its result names.

Serving is not run as a cluster Job: it measures a serving endpoint, which the model_serving component
deploys, not the pools."""

SUITES: Final[dict[str, tuple[str, ...]]] = {
    "all": ("gemm", "memory", "collectives", "storage", "checkpoint", "network"),
    "compute": ("gemm", "memory"),
    "collectives": ("collectives",),
    "storage": ("storage", "checkpoint"),
    "network": ("network",),
}
"""Suite -> workload modules run on the cluster (the local suites' names, less ``serving``)."""

RUN_LABEL: Final = "aifab.dev/benchmark-run"
"""Label on every benchmark Job and pod: the run id (how the runner finds them)."""
WORKLOAD_LABEL: Final = "aifab.dev/workload"
POOL_LABEL: Final = "aifab.dev/pool"

RUN_ID = re.compile(r"^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$")


def valid_run_id(run_id: str) -> bool:
    """A run id goes into Job names and labels: 1-12 lowercase letters, digits and inner dashes.

    >>> valid_run_id("1201185012"), valid_run_id("Run_1"), valid_run_id("-x")
    (True, False, False)
    """
    return bool(RUN_ID.match(run_id))


def fresh_run_id(now: dt.datetime | None = None) -> str:
    """A new run id from the UTC time (month, day, hour, minute, second): unique per second.

    >>> fresh_run_id(dt.datetime(2026, 12, 1, 18, 50, 12, tzinfo=dt.UTC))
    '1201185012'
    """
    return (now or dt.datetime.now(dt.UTC)).strftime("%m%d%H%M%S")


def job_name(pool: str, module: str, run_id: str, suffix: str = "") -> str:
    """The Job's name: ``b-<module>-<pool>[-<suffix>]-<run>``, at most 52 characters so an Indexed Job's pod
    hostnames (``<job>-<index>``) stay DNS labels; a shortened name keeps a hash of the full one.

    >>> job_name("train", "gemm", "1201185012")
    'b-gemm-train-1201185012'
    >>> len(job_name("a-very-long-pool-name-" * 3, "collectives", "1201185012"))
    52
    """
    base = re.sub(r"[^a-z0-9-]+", "-", f"b-{module}-{pool}{'-' + suffix if suffix else ''}".lower()).strip("-")
    room = 52 - len(run_id) - 1
    if len(base) > room:
        digest = hashlib.sha256(base.encode()).hexdigest()[:6]
        base = base[: room - 7].rstrip("-") + "-" + digest
    return f"{base}-{run_id}"


# --- reading what pods printed ------------------------------------------------------------------------------


def extract_documents(text: str) -> list[dict[str, Any]]:
    """Every ``aifab.bench/v1`` JSON document in a pod's log, in order.

    A log interleaves the workload's stdout with torchrun's and the engine's own lines (``kubectl logs``
    merges stdout and stderr), so each line that starts a JSON object is tried as the start of one.

    >>> log = 'W torchrun: setting OMP_NUM_THREADS\\n{"format": "aifab.bench/v1",\\n "workload": "gemm"}\\ndone\\n'
    >>> [d["workload"] for d in extract_documents(log)]
    ['gemm']
    """
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    position = 0
    while position < len(text):
        start = text.find("{", position)
        if start < 0:
            break
        line_start = text.rfind("\n", 0, start) + 1
        if text[line_start:start].strip():  # a brace inside a line of prose, not a document
            position = start + 1
            continue
        try:
            document, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            position = start + 1
            continue
        if isinstance(document, dict) and document.get("format") == FORMAT:
            found.append(document)
        position = end
    return found


# --- Kubernetes access ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchJob:
    """One benchmark Job of a run, as the stack exports it (``benchmarks.jobs``)."""

    cluster: str
    namespace: str
    job: str
    pool: str
    module: str
    pods: int = 1

    @property
    def workload(self) -> WorkloadName:
        return WORKLOAD_MODULES[self.module]


@dataclass(frozen=True)
class JobState:
    """A Job's state: ``running``, ``complete``, ``failed`` (with Kubernetes' reason and message) or
    ``missing`` (not on the cluster)."""

    phase: str
    reason: str = ""
    message: str = ""

    @property
    def finished(self) -> bool:
        return self.phase in ("complete", "failed", "missing")


@dataclass(frozen=True)
class PodState:
    name: str
    node: str
    phase: str
    """``Pending``, ``Running``, ``Succeeded``, ``Failed``, ``Unknown``."""
    detail: str = ""
    """Why it is not running or why it ended: a waiting/terminated reason and message, or a condition's."""


class KubeClient(Protocol):
    """What gathering needs from a cluster; :class:`KubectlClient` is the real one, tests pass a fake."""

    def job_states(self, namespace: str, run_id: str) -> Mapping[str, JobState]: ...

    def pods(self, namespace: str, job: str) -> Sequence[PodState]: ...

    def logs(self, namespace: str, pod: str) -> str: ...


class KubectlMissing(InputError):
    """No ``kubectl`` on PATH: the results are gathered with it."""

    def __init__(self) -> None:
        super().__init__(
            "kubectl is not installed (looked on PATH): `aifab bench run PATH --env ENV` gathers the Jobs' "
            "results with it. Install it from https://kubernetes.io/docs/tasks/tools/ (and, for EKS, the aws CLI "
            "the exported kubeconfig calls for a token); the Jobs the stack created keep running meanwhile."
        )


class ClusterUnreachable(AifabError):
    """kubectl ran and failed (credentials, network, a deleted cluster)."""


def job_state(document: Mapping[str, Any]) -> JobState:
    """A Job object's state from its ``status.conditions`` (``Complete`` / ``Failed`` true), else running."""
    for condition in (document.get("status") or {}).get("conditions") or []:
        if condition.get("status") != "True":
            continue
        if condition.get("type") == "Complete":
            return JobState("complete")
        if condition.get("type") == "Failed":
            return JobState("failed", str(condition.get("reason") or ""), str(condition.get("message") or ""))
    return JobState("running")


def pod_state(document: Mapping[str, Any]) -> PodState:
    """A Pod object's name, node, phase and the most telling reason it gives (waiting, terminated, condition)."""
    status = document.get("status") or {}
    details: list[str] = []
    for container in status.get("containerStatuses") or []:
        for key in ("waiting", "terminated"):
            state = (container.get("state") or {}).get(key) or {}
            reason = state.get("reason")
            if reason and reason != "Completed":
                exit_code = state.get("exitCode")
                code = f" (exit {exit_code})" if exit_code not in (None, 0) else ""
                details.append(f"{container.get('name')}: {reason}{code} {state.get('message') or ''}".strip())
    for condition in status.get("conditions") or []:
        if condition.get("status") == "False" and condition.get("message"):
            details.append(f"{condition.get('type')}: {condition.get('message')}")
    return PodState(
        name=str((document.get("metadata") or {}).get("name") or ""),
        node=str((document.get("spec") or {}).get("nodeName") or ""),
        phase=str(status.get("phase") or "Unknown"),
        detail="; ".join(details),
    )


class KubectlClient:
    """:class:`KubeClient` through ``kubectl`` with one cluster's kubeconfig (a file, 0600)."""

    def __init__(self, kubeconfig: Path, *, kubectl: str | None = None, timeout_s: float = 60.0) -> None:
        found = kubectl or shutil.which("kubectl")
        if found is None:
            raise KubectlMissing()
        self.kubectl = found
        self.kubeconfig = kubeconfig
        self.timeout_s = timeout_s

    def _run(self, *args: str) -> str:
        command = [self.kubectl, "--kubeconfig", str(self.kubeconfig), *args]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=self.timeout_s, check=False)
        except subprocess.TimeoutExpired:
            raise ClusterUnreachable(f"`kubectl {' '.join(args)}` did not answer in {self.timeout_s:g} s") from None
        if done.returncode != 0:
            raise ClusterUnreachable(f"`kubectl {' '.join(args)}` failed: {done.stderr.strip()[-2000:]}")
        return done.stdout

    def job_states(self, namespace: str, run_id: str) -> dict[str, JobState]:
        listing = json.loads(self._run("get", "jobs", "-n", namespace, "-l", f"{RUN_LABEL}={run_id}", "-o", "json"))
        return {str(item["metadata"]["name"]): job_state(item) for item in listing.get("items") or []}

    def pods(self, namespace: str, job: str) -> list[PodState]:
        listing = json.loads(self._run("get", "pods", "-n", namespace, "-l", f"job-name={job}", "-o", "json"))
        return [pod_state(item) for item in listing.get("items") or []]

    def logs(self, namespace: str, pod: str) -> str:
        return self._run("logs", "-n", namespace, pod)


# --- waiting and gathering ------------------------------------------------------------------------------------


GIVE_UP_AFTER: Final = 5
"""Polls in a row a cluster may fail to answer, or a Job be absent, before the runner stops waiting."""


def gather(
    clients: Mapping[str, KubeClient],
    jobs: Sequence[BenchJob],
    run_id: str,
    out_dir: Path,
    *,
    timeout_s: float,
    poll_s: float = 15.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    on_progress: Callable[[str], None] | None = None,
) -> list[BenchResult]:
    """Wait for ``jobs`` (at most ``timeout_s``), then write each pod's documents under ``out_dir/<cluster>/``
    (``<pod>.json``, the raw log beside it as ``<pod>.log``) and read them back as results.

    A Job that failed, is still running at the timeout, or is not on the cluster, and printed no document
    becomes one result with ``error`` naming the Job, its reason and its pods' states. A cluster that does
    not answer is asked again at the next poll; :data:`GIVE_UP_AFTER` failures in a row end the wait.
    """
    deadline = clock() + timeout_s
    states: dict[tuple[str, str], JobState] = {}
    absent: dict[tuple[str, str], int] = {}
    failures_in_row: dict[str, int] = {}
    pending = list(jobs)
    while True:
        for cluster, namespace in sorted({(j.cluster, j.namespace) for j in pending}):
            try:
                found = clients[cluster].job_states(namespace, run_id)
            except ClusterUnreachable:
                failures_in_row[cluster] = failures_in_row.get(cluster, 0) + 1
                if failures_in_row[cluster] >= GIVE_UP_AFTER:
                    raise
                continue
            failures_in_row[cluster] = 0
            for job in pending:
                if (job.cluster, job.namespace) != (cluster, namespace):
                    continue
                key = (cluster, job.job)
                if job.job in found:
                    states[key] = found[job.job]
                else:  # created by `up` just before: missing for several polls means it is gone
                    absent[key] = absent.get(key, 0) + 1
                    if absent[key] >= GIVE_UP_AFTER:
                        states[key] = JobState("missing")
        pending = [j for j in pending if not states.get((j.cluster, j.job), JobState("running")).finished]
        if on_progress is not None:
            on_progress(f"{len(jobs) - len(pending)}/{len(jobs)} benchmark Jobs finished")
        if not pending or clock() >= deadline:
            break
        sleep(min(poll_s, max(0.0, deadline - clock())))

    written: list[Path] = []
    failures: list[BenchResult] = []
    for job in jobs:
        state = states.get((job.cluster, job.job))
        client = clients[job.cluster]
        folder = out_dir / job.cluster
        folder.mkdir(parents=True, exist_ok=True)
        documents = 0
        lost: dict[str, str] = {}
        pods = client.pods(job.namespace, job.job) if state is not None and state.phase != "missing" else []
        for pod in pods:
            if pod.phase == "Pending":
                continue  # never started: nothing to read
            try:
                text = client.logs(job.namespace, pod.name)
            except ClusterUnreachable as exc:  # the log is gone (its node was removed): say so, keep the rest
                lost[pod.name] = str(exc)
                continue
            (folder / f"{pod.name}.log").write_text(text, encoding="utf-8")
            for index, document in enumerate(extract_documents(text)):
                environment = document.get("environment")
                if isinstance(environment, dict):  # the workload may not know its pool when run by hand
                    environment.setdefault("pool", job.pool)
                    if pod.node:
                        environment.setdefault("node", pod.node)
                try:
                    BenchResult.model_validate(document)
                except ValidationError as exc:  # one bad document spoils neither the run nor the folder
                    lost[pod.name] = f"printed a result that is not valid aifab.bench/v1 ({exc.error_count()} error(s))"
                    continue
                file = folder / f"{pod.name}{'-' + str(index) if index else ''}.json"
                file.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
                written.append(file)
                documents += 1
        if documents:
            continue
        pods = [
            PodState(p.name, p.node, p.phase, f"{p.detail} {lost[p.name]}".strip()) if p.name in lost else p
            for p in pods
        ]
        failures.append(_job_error(job, state, pods, timeout_s))
    results = read_results(written) if written else []
    for failure in failures:
        file = out_dir / failure_file(failure)
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(failure.model_dump_json(indent=2, exclude_none=True) + "\n", encoding="utf-8")
    return [*results, *failures]


def failure_file(result: BenchResult) -> str:
    env = result.environment
    return f"{env.extra.get('cluster', 'cluster')}/{env.extra.get('job', result.workload)}-error.json"


def _job_error(job: BenchJob, state: JobState | None, pods: Sequence[PodState], timeout_s: float) -> BenchResult:
    if state is None or state.phase == "missing":
        why = "the Job was not found on the cluster (deleted, or the stack did not create it)"
    elif state.phase == "failed":
        why = f"the Job failed ({state.reason or 'no reason given'}{': ' + state.message if state.message else ''})"
    elif state.phase == "complete":
        why = "the Job completed but its pods printed no aifab.bench/v1 result"
    else:
        why = f"the Job did not finish within {timeout_s:g} s"
    pod_words = "; ".join(f"{p.name} {p.phase}{': ' + p.detail if p.detail else ''}" for p in pods)
    message = f"{job.job} in {job.cluster}/{job.namespace}: {why}" + (f"; pods: {pod_words}" if pod_words else "")
    node = next((p.node for p in pods if p.node), None)
    return BenchResult(
        workload=job.workload,
        engine=Engine(name="kubernetes-job", version=""),
        started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        duration_s=0.0,
        environment=Environment(
            hostname=pods[0].name if pods else job.job,
            platform="kubernetes",
            python="",
            cpu_count=0,
            pool=job.pool,
            node=node,
            extra={"cluster": job.cluster, "namespace": job.namespace, "job": job.job},
        ),
        parameters={"module": job.module, "pods": job.pods},
        error=message,
    )


# --- the whole run --------------------------------------------------------------------------------------------

JOB_DEADLINE_S: Final = {True: 3600, False: 14400}
"""``activeDeadlineSeconds`` of a benchmark Job, quick or not (the stack sets it; the runner waits as long,
plus the time nodes and images take to come up). It counts from the Job's start, and a pool's Jobs take
turns on its nodes (no two benchmark pods fit on one), so it covers the queue as well as the run."""
START_SLACK_S: Final = 1800


def bench_config(suite: str, run_id: str, quick: bool) -> dict[str, Any]:
    """The config keys :func:`run_cluster` adds to the stack's config for one run."""
    return {
        f"aifab:{CONFIG_KEYS['enabled']}": True,
        f"aifab:{CONFIG_KEYS['suite']}": suite,
        f"aifab:{CONFIG_KEYS['run_id']}": run_id,
        f"aifab:{CONFIG_KEYS['quick']}": quick,
    }


def config_with_benchmarks(stack_file: Path, extra: Mapping[str, Any], target: Path) -> Path:
    """A copy of ``Pulumi.<env>.yaml`` (its secrets provider and encrypted values kept) with ``extra`` set."""
    import yaml

    data: dict[str, Any] = {}
    if stack_file.is_file():
        loaded = yaml.safe_load(stack_file.read_text(encoding="utf-8"))
        if loaded is not None and not isinstance(loaded, dict):
            raise InputError("expected a mapping with a 'config' key", file=str(stack_file))
        data = dict(loaded or {})
    config = dict(data.get("config") or {})
    config.update(extra)
    data["config"] = config
    target.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return target


def exported_jobs(outputs: Mapping[str, Any]) -> tuple[str, list[BenchJob]]:
    """The run id and Jobs the stack exported under ``benchmarks`` after ``up``."""
    exported = outputs.get("benchmarks")
    if not isinstance(exported, Mapping) or not isinstance(exported.get("jobs"), list):
        raise AifabError(
            "the stack exported no `benchmarks` after `pulumi up`: its program does not build benchmark Jobs "
            "(is it an aifab stack whose __main__.py calls aifab.program.run_stack?)"
        )
    jobs = [BenchJob(**{k: item[k] for k in BenchJob.__dataclass_fields__ if k in item}) for item in exported["jobs"]]
    return str(exported.get("run_id") or ""), jobs


BENCH_COMPONENT: Final = "aifab:bench:Benchmarks"
BENCH_CHILD_TYPES: Final = frozenset({"kubernetes:batch/v1:Job", "kubernetes:core/v1:Service"})
QUIET_OPS: Final = frozenset({"same", "read", "refresh"})


class UndeployedChanges(InputError):
    """The stack would change more than its benchmark Jobs: deploy that first, on purpose, with ``aifab up``."""

    def __init__(self, stack_dir: Path, env: str, changes: Sequence[str]) -> None:
        shown = "\n".join(f"  {c}" for c in changes[:20])
        more = f"\n  ... and {len(changes) - 20} more" if len(changes) > 20 else ""
        super().__init__(
            f"stack {env!r} would change more than its benchmark Jobs ({len(changes)} other change(s)); "
            f"`aifab bench run` deploys nothing else. Review and deploy them first with "
            f"`aifab up {stack_dir} --env {env}`, then run the benchmarks again.\n{shown}{more}"
        )
        self.changes = tuple(changes)


def is_benchmark_urn(urn: str) -> bool:
    """Whether a resource URN is one of the benchmark objects: under the ``benchmarks`` component, or a Job or
    Service a pool registers as ``<pool>-bench-<module>...``.

    >>> is_benchmark_urn("urn:pulumi:dev::p::aifab:compute:GpuPool$kubernetes:batch/v1:Job::train-bench-gemm")
    True
    >>> is_benchmark_urn("urn:pulumi:dev::p::aifab:compute:GpuPool$aws:eks/nodeGroup:NodeGroup::train-ng")
    False
    """
    parts = urn.split("::")
    if len(parts) < 4:
        return False
    chain, name = parts[-2].split("$"), parts[-1]
    if BENCH_COMPONENT in chain:
        return True
    return chain[-1] in BENCH_CHILD_TYPES and "-bench-" in name


def foreign_changes(events: Sequence[Any]) -> list[str]:
    """``<op> <type> <name>`` for each step of a preview's engine events that is not a benchmark object's and
    changes something (the stack resource itself excepted: its outputs gain ``benchmarks``)."""
    changes: list[str] = []
    for event in events:
        pre = getattr(event, "resource_pre_event", None)
        if pre is None:
            continue
        step = pre.metadata
        op = str(getattr(step.op, "value", step.op))
        if op in QUIET_OPS or step.type == "pulumi:pulumi:Stack" or is_benchmark_urn(step.urn):
            continue
        changes.append(f"{op} {step.type} {step.urn.rsplit('::', 1)[-1]}")
    return changes


def run_cluster(
    path: Path,
    env: str,
    *,
    out_dir: Path,
    suite: str = "all",
    quick: bool = False,
    backend_url: str | None = None,
    on_output: Callable[[str], Any] | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> list[BenchResult]:
    """Deploy stack ``env`` of the stack folder ``path`` with its benchmark Jobs and gather their results.

    Raises :class:`InputError` for an unknown suite or a folder that is not a stack, :class:`UndeployedChanges`
    when the stack would change more than its benchmark objects,
    :class:`~aifab.deploy.DeploymentRefused` when a mandatory finding stands,
    :class:`~aifab.deploy.PulumiCLIMissing` without the pulumi CLI, :class:`KubectlMissing` without kubectl,
    :class:`~aifab.deploy.EngineFailed` when ``pulumi up`` fails.
    """
    from aifab import deploy

    if suite not in SUITES:
        known = f"on a cluster the suites are {', '.join(SUITES)}"
        why = "serving measures an endpoint, not the pools: run it locally" if suite == "serving" else "unknown suite"
        raise InputError(f"{why} ({suite!r}); {known}", field="--suite")
    stack_dir = Path(path)
    if not (stack_dir / "Pulumi.yaml").is_file():
        raise InputError(
            "not a Pulumi stack folder (no Pulumi.yaml): benchmarks on a cluster run through a deployed stack "
            "(`aifab bench run --local` runs them on this machine)",
            file=str(stack_dir),
        )
    deploy.gate(stack_dir, env)
    cli = deploy.require_cli("aifab bench run", stack_dir, env)
    if shutil.which("kubectl") is None:
        raise KubectlMissing()  # before anything is deployed: the results could not be gathered
    run_id = fresh_run_id()
    engine = deploy.engine_stack(stack_dir, env, backend_url, cli=cli)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="aifab-bench-") as scratch:
        config_file = config_with_benchmarks(
            stack_dir.resolve() / f"Pulumi.{env}.yaml",
            bench_config(suite, run_id, quick),
            Path(scratch) / f"Pulumi.{env}.yaml",
        )
        changes = foreign_changes(_preview_events(deploy, engine, config_file))
        if changes:
            raise UndeployedChanges(stack_dir, env, changes)
        outputs = _up(deploy, engine, config_file, on_output)
        exported_run, jobs = exported_jobs(outputs)
        if exported_run != run_id:
            raise AifabError(f"the stack exported benchmark run {exported_run!r}, not the run started ({run_id!r})")
        clients: dict[str, KubeClient] = {}
        for cluster in sorted({j.cluster for j in jobs}):
            kubeconfig = (outputs.get(cluster) or {}).get("kubeconfig")
            if not isinstance(kubeconfig, str) or not kubeconfig.strip():
                raise AifabError(f"cluster {cluster!r} exported no kubeconfig: the results cannot be gathered")
            file = Path(scratch) / f"{cluster}.kubeconfig"
            file.touch(mode=0o600)
            file.write_text(kubeconfig, encoding="utf-8")
            clients[cluster] = KubectlClient(file)
        timeout = JOB_DEADLINE_S[quick] + START_SLACK_S
        return gather(clients, jobs, run_id, out_dir, timeout_s=timeout, on_progress=on_progress)


def _preview_events(deploy: Any, engine: Any, config_file: Path) -> list[Any]:
    """The engine events of ``pulumi preview`` with the benchmark config: what ``up`` would do."""
    from pulumi import automation as auto

    events: list[Any] = []
    try:
        engine.stack.preview(
            policy_packs=list(engine.policy_packs) or None, on_event=events.append, config_file=str(config_file)
        )
    except auto.errors.CommandError as exc:
        raise deploy.EngineFailed("preview", deploy._tail(exc)) from None
    return events


def _up(deploy: Any, engine: Any, config_file: Path, on_output: Callable[[str], Any] | None) -> dict[str, Any]:
    """``pulumi up`` with the benchmark config file; the outputs with secrets (the kubeconfigs) in plain."""
    from pulumi import automation as auto

    try:
        engine.stack.up(
            policy_packs=list(engine.policy_packs) or None,
            on_output=on_output,
            show_secrets=False,
            config_file=str(config_file),
        )
        outputs = engine.stack.outputs()
    except auto.errors.CommandError as exc:
        raise deploy.EngineFailed("up", deploy._tail(exc)) from None
    return {name: getattr(value, "value", value) for name, value in outputs.items()}
