"""An MLOps platform: experiment tracking and model registry, pipelines, model serving and monitoring.

>>> from aifab.blueprints.composites import MlopsPlatform
>>> ml = MlopsPlatform(id="prod", cluster="eks", artifact_store="lake", reads_from=("lake",),
...                    submits_to=("train",), serve_on="infer", monitors=("train", "eks"))
>>> [c.id for c in ml.expand()]
['mlflow-prod', 'pipelines-prod', 'serving-prod', 'monitoring-prod']
>>> ml.expand()[3].monitors
('train', 'eks', 'serving-prod')
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Literal

from pydantic import Field

from aifab.design.component import Component, Ref, Refs
from aifab.design.composite import PlacedComposite, given

from ..mlops import ExperimentTracking, ModelServing, Monitoring, Pipelines


class MlopsPlatform(PlacedComposite):
    """Tracking, pipelines, serving and monitoring on ``cluster``, wired to each other.

    Parts: ``tracking`` (``mlflow-<id>``, the main part; artifacts in ``artifact_store``), ``pipelines``
    (``pipelines-<id>``; on ``pipelines_cluster`` at ``pipelines_site`` when given, reading ``reads_from``,
    tracking to the registry, submitting to ``submits_to``), ``serving`` (``serving-<id>``, only with
    ``serve_on``: the pool it serves on, pulling models from the registry) and ``monitoring``
    (``monitoring-<id>``: ``monitors``, and the serving if they leave it out). All take the placement.
    """

    use: Literal["mlops-platform"] = "mlops-platform"
    parts: ClassVar[dict[str, str]] = {
        "tracking": "mlflow",
        "pipelines": "pipelines",
        "serving": "serving",
        "monitoring": "monitoring",
    }
    main: ClassVar[str] = "tracking"

    cluster: Ref
    artifact_store: Ref

    pipelines_engine: Literal["kubeflow", "argo-workflows", "airflow"] = "kubeflow"
    pipelines_cluster: Ref | None = None
    pipelines_site: Ref | None = None
    reads_from: Refs = ()
    submits_to: Refs = ()

    serve_on: Ref | None = None
    serving_engine: Literal["kserve", "triton", "vllm", "sagemaker"] = "vllm"
    min_replicas: int | None = None
    max_replicas: int | None = None
    latency_p99_ms_target: float | None = None
    model_parameters_billion: float | None = None
    serving_labels: dict[str, str] = Field(default_factory=dict)

    monitoring_retention_days: int | None = None
    monitors: Refs = ()

    def components(self) -> Iterator[Component]:
        placed = self.placement()
        tracking = self.part_id("tracking")
        yield self.build(
            ExperimentTracking, tracking, artifact_store=self.artifact_store, runs_on=self.cluster, **placed
        )
        yield self.build(
            Pipelines,
            self.part_id("pipelines"),
            engine=self.pipelines_engine,
            runs_on=self.pipelines_cluster or self.cluster,
            reads_from=self.reads_from,
            tracks_to=tracking,
            submits_to=self.submits_to,
            **{**placed, **given(site=self.pipelines_site)},
        )
        monitors = self.monitors
        if self.serve_on is not None:
            serving = self.part_id("serving")
            yield self.build(
                ModelServing,
                serving,
                engine=self.serving_engine,
                pool=self.serve_on,
                model_registry=tracking,
                runs_on=self.cluster,
                labels=self.serving_labels,
                **given(
                    min_replicas=self.min_replicas,
                    max_replicas=self.max_replicas,
                    latency_p99_ms_target=self.latency_p99_ms_target,
                    model_parameters_billion=self.model_parameters_billion,
                ),
                **placed,
            )
            monitors = monitors if serving in monitors else (*monitors, serving)
        yield self.build(
            Monitoring,
            self.part_id("monitoring"),
            runs_on=self.cluster,
            monitors=monitors,
            **given(retention_days=self.monitoring_retention_days),
            **placed,
        )
