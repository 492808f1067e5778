"""Edge sites on their own clusters: kubeconfig from config, serving sized by the site, model sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from aifab.design.loader import load_design
from aifab.preview.capture import Capture, ProgramFailed

from .conftest import realise_design
from .test_mlops import assert_restricted, assert_valid_kubernetes

FIXTURE = Path(__file__).parent / "fixtures" / "edge_sites.yaml"
REGISTRY = {"platform": {"mlflow": {"tracking_uri": "http://mlflow.platform.svc.cluster.local:5000"}}}
KUBECONFIG = {"aifab:store-12-kubeconfig": '{"apiVersion": "v1", "kind": "Config"}'}


@pytest.fixture(scope="module", params=[True, False], ids=["preview", "resolve"])
def capture(request: pytest.FixtureRequest) -> Capture:
    design = load_design(FIXTURE).design
    return realise_design(design, "edge", preview=request.param, stack_outputs=REGISTRY, config=KUBECONFIG)


def test_one_provider_per_site_with_nodes_and_its_kubeconfig_secret(capture: Capture) -> None:
    providers = [r for r in capture.records.values() if r.type == "pulumi:providers:kubernetes"]
    assert [p.name for p in providers] == ["k8s-store-12"]
    assert "kubeconfig" in providers[0].secret_paths
    for record in capture.resources():
        if record.type.startswith("kubernetes:"):
            assert "k8s-store-12" in record.provider
    assert capture.created_in_apply == []


def test_serving_is_sized_by_the_site(capture: Capture) -> None:
    deployment = capture.one("kubernetes:apps/v1:Deployment", "store-12-serving")
    assert deployment.inputs["spec"]["replicas"] == 3
    container = deployment.inputs["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "1"
    assert capture.types()["kubernetes:apps/v1:Deployment"] == 1  # kiosk-3 has no nodes: served upstream


def test_model_sync_cronjob_pulls_from_the_registry(capture: Capture) -> None:
    cron = capture.one("kubernetes:batch/v1:CronJob", "store-12-model-sync")
    assert cron.inputs["spec"]["schedule"] == "*/15 * * * *"
    pod = cron.inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    env = pod["containers"][0]["env"]
    assert {"name": "MLFLOW_TRACKING_URI", "value": "http://mlflow.platform.svc.cluster.local:5000"} in env
    assert "models:/store-12@production" in pod["containers"][0]["command"]


def test_objects_validate_and_are_restricted(capture: Capture) -> None:
    assert_valid_kubernetes(capture)
    assert_restricted(capture)
    namespace = capture.one("kubernetes:core/v1:Namespace", "store-12-namespace")
    assert namespace.inputs["metadata"]["name"] == "stores"
    assert namespace.inputs["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_kubeconfig_is_published_as_a_secret(capture: Capture) -> None:
    assert capture.outputs["store-12"]["kubeconfig"] == KUBECONFIG["aifab:store-12-kubeconfig"]
    assert capture.outputs["kiosk-3"] == {}


def test_a_real_deploy_without_the_kubeconfig_registers_nothing() -> None:
    design = load_design(FIXTURE).design
    with pytest.raises(ProgramFailed) as failed:
        realise_design(design, "edge", preview=False, stack_outputs=REGISTRY)
    assert "pulumi config set --secret aifab:store-12-kubeconfig" in failed.value.message
    assert failed.value.capture.resources() == []
