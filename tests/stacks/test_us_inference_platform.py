"""What is particular to the US inference platform: how dev differs from prod, where the regulated data
lives, what the vector databases are indexed from and where the edge sites get their models."""

from __future__ import annotations

from typing import TypeVar

import pytest

from aifab.blueprints import (
    DataLake,
    EdgeSite,
    Environment,
    ExperimentTracking,
    KeyManagement,
    ModelServing,
    Pipelines,
    Site,
    SovereignBoundary,
    VectorDatabase,
)
from aifab.blueprints.compute import ComputePool
from aifab.design.component import Component
from aifab.design.design import Design
from aifab.design.environments import EnvironmentModel
from aifab.design.loader import load_design

from ..conftest import STACKS

STACK = STACKS / "us-inference-platform"
REGULATED = ("personal", "special-category")
C = TypeVar("C", bound=Component)


def _one(design: Design, kind: type[C], component_id: str) -> C:
    component = design.component(component_id)
    assert isinstance(component, kind)
    return component


def _all(design: Design, kind: type[C]) -> list[C]:
    return [c for c in design.components if isinstance(c, kind)]


@pytest.fixture(scope="module")
def design() -> Design:
    return load_design(STACK).design


def test_three_environments_each_its_own_account_and_prod_hosts_the_shared(design: Design) -> None:
    envs = {e.id: e for e in _all(design, Environment)}
    assert {i: e.purpose for i, e in envs.items()} == {
        "dev": "experimentation",
        "prod": "production",
        "gov": "production",
    }
    assert len({e.aws_account_id for e in envs.values()}) == 3
    assert [i for i, e in envs.items() if e.hosts_shared] == ["prod"]
    assert envs["gov"].promotes_from == "prod" and envs["prod"].promotes_from == "dev"
    assert sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in STACK.glob("Pulumi.*.yaml")) == sorted(envs)


def test_dev_runs_small_spot_capacity_and_prod_and_gov_on_demand_with_more_replicas() -> None:
    dev, prod, gov = (load_design(STACK, env=e).design for e in ("dev", "prod", "gov"))
    dev_pools = [p for p in _all(dev, ComputePool) if p.environment == "dev"]
    assert dev_pools and {p.capacity for p in dev_pools} == {"spot"}
    for stack, env in ((prod, "prod"), (gov, "gov")):
        pools = [p for p in _all(stack, ComputePool) if p.environment == env]
        assert pools and {p.capacity for p in pools} == {"on-demand"}

    # sizes: one small GPU that scales to zero in dev; whole 8-GPU nodes on a zone-spread pool in production
    dev_infer = _one(dev, ComputePool, "infer-dev")
    assert (dev_infer.instance_type, dev_infer.min_node_count) == ("g6e.xlarge", 0)
    for stack, pool_id, itype in ((prod, "infer", "g6e.48xlarge"), (gov, "infer-gov", "p5.48xlarge")):
        pool = _one(stack, ComputePool, pool_id)
        assert (pool.instance_type, pool.placement) == (itype, "spread")
        assert pool.min_node_count is not None and pool.min_node_count >= 2

    # replicas: serving as designed; the registry and the vector database shrunk by Pulumi.dev.yaml
    dev_serving, prod_serving = _one(dev, ModelServing, "serving-dev"), _one(prod, ModelServing, "serving")
    assert dev_serving.min_replicas == 0 < 2 <= prod_serving.min_replicas < prod_serving.max_replicas
    assert _one(gov, ModelServing, "serving-gov").min_replicas >= 2
    assert _one(dev, ExperimentTracking, "mlflow-dev").replicas == 1
    assert _one(dev, VectorDatabase, "vectors-dev").replicas == 1
    for stack, ids in ((prod, ("mlflow", "vectors")), (gov, ("mlflow-gov", "vectors-gov"))):
        assert _one(stack, ExperimentTracking, ids[0]).replicas >= 2
        assert _one(stack, VectorDatabase, ids[1]).replicas >= 2

    # deletion protection: dev's key may go within a week, production keys wait 30 days; production lakes
    # are object-locked, dev's is not
    assert _one(dev, KeyManagement, "kms-dev").deletion_window_days == 7
    assert _one(prod, KeyManagement, "kms-prod").deletion_window_days == 30
    assert _one(gov, KeyManagement, "kms-gov").deletion_window_days == 30
    assert _one(dev, DataLake, "lake-dev").object_lock == "none"
    assert _one(prod, DataLake, "lake").object_lock != "none" and _one(gov, DataLake, "lake-gov").object_lock != "none"


def test_regulated_data_and_its_key_live_only_in_gov_in_govcloud(design: Design) -> None:
    model = EnvironmentModel.of(design)
    stores = [c for c in _all(design, DataLake) + _all(design, VectorDatabase) if c.data_classification in REGULATED]
    assert {c.id for c in stores} == {"lake-gov", "vectors-gov"}
    classified = [c.id for c in design.components if getattr(c, "data_classification", None) in REGULATED]
    assert sorted(classified) == ["lake-gov", "vectors-gov"]  # no other kind holds regulated data either
    for store in stores:
        assert store.environment == "gov"
        site = _one(design, Site, str(store.site))
        assert site.region == "us-gov-west-1"
        boundary = _one(design, SovereignBoundary, str(store.inside))
        assert boundary.jurisdiction == "US-GOV" and boundary.allowed_regions == ("us-gov-west-1",)
        key = _one(design, KeyManagement, str(store.encrypted_by))
        assert (key.id, key.environment, key.key_region, key.inside) == ("kms-gov", "gov", "us-gov-west-1", "us-gov")
    # gov's keys encrypt only gov's components, and gov's components only with gov's keys
    for component in design.components:
        for link in component.links():
            if link.field.endswith("encrypted_by"):
                key_owner = model.owner(design.component(link.target))
                assert (key_owner == "gov") == (model.owner(component) == "gov"), component.id
    # only stack `gov` deploys them, and stack `prod` deploys nothing inside the GovCloud boundary
    assert {c.id for c in stores} | {"kms-gov"} <= {c.id for c in model.deployed_by("gov")}
    assert not [c.id for c in model.deployed_by("prod") if "us-gov" in {link.target for link in c.links()}]


def test_each_vector_database_is_indexed_from_its_environments_lake(design: Design) -> None:
    vector_dbs = _all(design, VectorDatabase)
    assert {v.environment for v in vector_dbs} == {"dev", "prod", "gov"}
    for vectors in vector_dbs:
        assert vectors.engine == "opensearch" and vectors.runs_on is not None
        # the retrieval pipelines on the vector database's cluster read the lake the index is built from
        indexers = [p for p in _all(design, Pipelines) if p.runs_on == vectors.runs_on]
        assert len(indexers) == 1, vectors.id
        lakes = [_one(design, DataLake, lake) for lake in indexers[0].reads_from]
        assert lakes and {lake.environment for lake in lakes} == {vectors.environment}
        assert set(vectors.indexes) == {lake.id for lake in lakes}  # the index's own link to its lake
        assert {lake.data_classification for lake in lakes} == {vectors.data_classification}


def test_edge_sites_in_stores_and_factories_sync_small_gpu_nodes_from_mlflow(design: Design) -> None:
    sites = _all(design, EdgeSite)
    assert {s.id.split("-")[0] for s in sites} == {"store", "factory"}
    for site in sites:
        assert site.accelerator == "l4" and 1 <= site.node_count <= 2
        assert site.offline_operation != "none"
        registry = _one(design, ExperimentTracking, str(site.syncs_models_from))
        assert (registry.engine, registry.model_registry) == ("mlflow", True)
        assert registry.environment == site.environment == "prod"
