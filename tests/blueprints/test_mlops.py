from __future__ import annotations

import pytest
from pydantic import ValidationError

from aifab.blueprints import ExperimentTracking, ModelServing, Monitoring, Pipelines


def test_services_must_run_on_a_cluster() -> None:
    for service in (
        ExperimentTracking(id="m", artifact_store="lake"),
        Pipelines(id="p"),
        ModelServing(id="s", pool="x"),
    ):
        assert "must run on a cluster" in service.check()[0].message


def test_monitoring_that_watches_nothing_is_a_warning() -> None:
    (diag,) = Monitoring(id="mon", runs_on="eks").check()
    assert diag.severity == "warning"


def test_serving_replicas() -> None:
    with pytest.raises(ValidationError, match="exceeds max_replicas"):
        ModelServing(id="s", pool="p", min_replicas=5, max_replicas=2)


def test_mlflow_version_format() -> None:
    with pytest.raises(ValidationError):
        ExperimentTracking(id="m", version="latest")
