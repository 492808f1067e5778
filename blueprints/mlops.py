"""MLOps: experiment tracking and model registry (MLflow), pipelines and training operator (Kubeflow),
monitoring (Prometheus/Grafana with GPU telemetry), and model serving.

>>> from aifab.blueprints.mlops import ExperimentTracking, ModelServing, Monitoring, Pipelines
>>> mlflow = ExperimentTracking(id="mlflow", artifact_store="lake", runs_on="eks")
>>> kfp = Pipelines(id="kubeflow", runs_on="eks", reads_from=("lake",), tracks_to=mlflow)
>>> mon = Monitoring(id="monitoring", runs_on="eks", monitors=("train", "eks"))
>>> serve = ModelServing(id="serving", pool="infer", model_registry=mlflow, runs_on="eks")
>>> serve.model_registry
'mlflow'
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from aifab.design.component import Link, Ref
from aifab.errors import Diagnostic

from ._placement import CLUSTER, Placed
from .compute import POOL_KINDS


class _Service(Placed):
    area: ClassVar[str] = "mlops"

    runs_on: Annotated[Ref | None, CLUSTER] = None

    def check(self) -> list[Diagnostic]:
        problems = super().check()
        if self.runs_on is None:
            problems.append(self.problem("missing-link", "a service must run on a cluster (field 'runs_on')"))
        return problems


class ExperimentTracking(_Service):
    """Experiment tracking and model registry; artifacts live in a data lake."""

    kind: Literal["experiment_tracking"] = "experiment_tracking"

    engine: Literal["mlflow"] = "mlflow"
    version: Annotated[str, Field(pattern=r"^\d+\.\d+(\.\d+)?$")] = "3.1"
    backend_store: Literal["postgresql", "mysql", "sqlite"] = "postgresql"
    model_registry: bool = True
    production_requires_approval: bool = True
    replicas: Annotated[int, Field(ge=1, le=16)] = 2

    artifact_store: Annotated[Ref | None, Link("stores_artifacts_in", ("data_lake",), required=True)] = None


class Pipelines(_Service):
    """ML pipelines and the distributed training operator."""

    kind: Literal["pipelines"] = "pipelines"

    engine: Literal["kubeflow", "argo-workflows", "airflow"] = "kubeflow"
    training_operator: bool = True
    reads_from: Annotated[tuple[Ref, ...], Link("reads_from", ("data_lake", "file_system"))] = ()
    tracks_to: Annotated[Ref | None, Link("tracks_to", ("experiment_tracking",))] = None
    submits_to: Annotated[tuple[Ref, ...], Link("submits_to", POOL_KINDS)] = ()


class Monitoring(_Service):
    """Metrics, dashboards and alerts, with GPU telemetry from DCGM."""

    kind: Literal["monitoring"] = "monitoring"

    stack: Literal["prometheus-grafana", "cloudwatch", "datadog"] = "prometheus-grafana"
    gpu_telemetry: Literal["dcgm-exporter", "none"] = "dcgm-exporter"
    retention_days: Annotated[int, Field(ge=1, le=3650)] = 30
    alerting: bool = True
    monitors: Annotated[
        tuple[Ref, ...],
        Link("monitors", (*POOL_KINDS, "kubernetes_cluster", "model_serving", "file_system", "edge_site")),
    ] = ()

    def check(self) -> list[Diagnostic]:
        problems = super().check()
        if not self.monitors:
            problems.append(self.problem("monitoring-empty", "monitors nothing; list what it watches", "warning"))
        return problems


class ModelServing(_Service):
    """Online inference: a serving engine on an inference pool, pulling approved models from the registry."""

    kind: Literal["model_serving"] = "model_serving"

    engine: Literal["kserve", "triton", "vllm", "sagemaker"] = "vllm"
    min_replicas: Annotated[int, Field(ge=0, le=10_000)] = 1
    max_replicas: Annotated[int, Field(ge=1, le=10_000)] = 4
    public_endpoint: bool = False
    latency_p99_ms_target: Annotated[float | None, Field(gt=0, le=600_000)] = None
    model_parameters_billion: Annotated[float | None, Field(gt=0, le=100_000)] = None

    pool: Annotated[Ref | None, Link("serves_on", POOL_KINDS, required=True)] = None
    model_registry: Annotated[Ref | None, Link("pulls_models_from", ("experiment_tracking",))] = None

    @model_validator(mode="after")
    def _replicas(self) -> ModelServing:
        if self.min_replicas > self.max_replicas:
            raise ValueError(f"min_replicas ({self.min_replicas}) exceeds max_replicas ({self.max_replicas})")
        return self
