"""mlops-platform: tracking, pipelines, serving and monitoring, wired together."""

from __future__ import annotations

from aifab.blueprints.composites import MlopsPlatform


def test_expands_into_wired_services() -> None:
    ml = MlopsPlatform(
        id="prod",
        cluster="eks",
        artifact_store="lake",
        pipelines_cluster="train-k8s",
        pipelines_site="colo",
        reads_from=("lake",),
        submits_to=("train",),
        serve_on="infer",
        max_replicas=8,
        monitors=("train",),
        site="london",
        environment="prod",
    )
    tracking, pipelines, serving, monitoring = ml.expand()
    assert (tracking.artifact_store, tracking.runs_on) == ("lake", "eks")
    assert (pipelines.runs_on, pipelines.site, pipelines.tracks_to, pipelines.submits_to) == (
        "train-k8s",
        "colo",
        "mlflow-prod",
        ("train",),
    )
    assert (serving.pool, serving.model_registry, serving.max_replicas, serving.site) == (
        "infer",
        "mlflow-prod",
        8,
        "london",
    )
    assert monitoring.monitors == ("train", "serving-prod")


def test_serving_is_optional_and_listed_monitors_keep_their_order() -> None:
    ml = MlopsPlatform(id="p", cluster="eks", artifact_store="lake", serve_on="infer", monitors=("serving-p", "eks"))
    assert ml.expand()[-1].monitors == ("serving-p", "eks")
    assert [c.kind for c in MlopsPlatform(id="p", cluster="eks", artifact_store="lake").expand()] == [
        "experiment_tracking",
        "pipelines",
        "monitoring",
    ]
