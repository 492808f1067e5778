"""The public API of ``aifab.models`` is small and deliberate: guard it, and the model conventions."""

from __future__ import annotations

import inspect

import pytest
from pydantic import BaseModel

import aifab.models as models
from aifab.errors import InputError
from aifab.models import FabricSizingInput, PowerInput

EXPECTED = {
    "CheckpointInput",
    "CheckpointSizing",
    "CloudFabric",
    "CollectiveInput",
    "CollectiveResult",
    "CostBreakdownLine",
    "CostLine",
    "DataLoading",
    "DataLoadingInput",
    "DtypeCompute",
    "EnergyEstimate",
    "EnergyInput",
    "FabricSizing",
    "FabricSizingInput",
    "InferenceCapacity",
    "InferenceInput",
    "LustreSizing",
    "PoolCompute",
    "PoolComputeInput",
    "PowerInput",
    "PowerSizing",
    "TrainingEstimate",
    "TrainingInput",
    "VectorDbInput",
    "VectorDbSizing",
    "busbw_factor",
    "checkpoint_sizing",
    "cloud_fabric",
    "collective_sweep",
    "data_loading_throughput",
    "estimate_energy",
    "expected_collective",
    "inference_capacity",
    "leaf_port_split",
    "pool_compute",
    "size_fat_tree",
    "size_lustre",
    "size_power",
    "size_vector_db",
    "training_time",
}


def test_public_api_is_exactly_all() -> None:
    assert set(models.__all__) == EXPECTED
    assert list(models.__all__) == sorted(models.__all__)
    for name in models.__all__:
        assert getattr(models, name) is not None


def _public_models() -> list[type[BaseModel]]:
    return [
        obj for name in models.__all__ if inspect.isclass(obj := getattr(models, name)) and issubclass(obj, BaseModel)
    ]


@pytest.mark.parametrize("model", _public_models(), ids=lambda m: m.__name__)
def test_every_model_is_frozen_and_closed(model: type[BaseModel]) -> None:
    assert model.model_config.get("frozen") is True
    assert model.model_config.get("extra") == "forbid"


@pytest.mark.parametrize("model", _public_models(), ids=lambda m: m.__name__)
def test_every_public_callable_and_model_is_documented(model: type[BaseModel]) -> None:
    assert (model.__doc__ or "").strip()


def test_every_public_function_has_a_docstring() -> None:
    for name in models.__all__:
        obj = getattr(models, name)
        if inspect.isfunction(obj):
            assert (obj.__doc__ or "").strip(), name


def test_models_are_immutable() -> None:
    inp = FabricSizingInput(nodes=1, gpus_per_node=8, link_gbps=400, switch_radix=64)
    with pytest.raises(Exception, match="frozen"):
        inp.nodes = 2  # type: ignore[misc]


def test_several_type_problems_are_reported_together() -> None:
    with pytest.raises(InputError) as info:
        PowerInput(nodes="x", node_max_kw="y", node_rack_units=8, cooling_max_kw_per_rack=40, pue=1.2)
    fields = [p.field for p in info.value.problems]
    assert fields == ["nodes", "node_max_kw"]
    assert "problems in the power input: 2 problems" in str(info.value)
