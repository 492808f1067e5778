"""The public API of ``aifab.capacity`` is small and deliberate; every default is documented and sourced."""

from __future__ import annotations

import inspect

import pytest
from pydantic import BaseModel

import aifab.capacity as capacity
from aifab.capacity import EstimateOptions
from aifab.errors import InputError

EXPECTED = {
    "FINDING_CODES",
    "AllReducePoint",
    "Assumption",
    "CapacityAssessment",
    "CostItem",
    "DesignEstimate",
    "DtypeThroughput",
    "EdgeEstimate",
    "EstimateOptions",
    "Expected",
    "FabricEstimate",
    "FabricTotals",
    "FileSystemEstimate",
    "PoolEstimate",
    "Price",
    "RackGroup",
    "ServingEstimate",
    "SiteEstimate",
    "StorageFit",
    "Unpriced",
    "assess_design",
    "capacity_findings",
    "estimate_design",
}


def test_public_api_is_exactly_all() -> None:
    assert set(capacity.__all__) == EXPECTED
    for name in capacity.__all__:
        obj = getattr(capacity, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert (obj.__doc__ or "").strip(), name


@pytest.mark.parametrize(
    "model",
    [getattr(capacity, n) for n in sorted(capacity.__all__) if inspect.isclass(getattr(capacity, n))],
    ids=lambda m: m.__name__,
)
def test_result_models_are_frozen_and_closed(model: type[BaseModel]) -> None:
    assert model.model_config.get("frozen") is True
    assert model.model_config.get("extra") == "forbid"


def test_every_option_has_a_description_and_a_source() -> None:
    rows = EstimateOptions().assumptions()
    assert [r.name for r in rows] == list(EstimateOptions.model_fields)
    for row in rows:
        assert row.description.strip() and row.source.strip(), row.name
    sources = {r.name: r.source for r in rows}
    assert "10.2 kW / (8 x 700 W)" in sources["host_overhead_factor"]
    assert sources["utilisation"].startswith("assumption")


def test_from_settings_reports_unknown_and_bad_values() -> None:
    assert EstimateOptions.from_settings({"utilisation": 0.5, "host_overhead_factor": 2}).host_overhead_factor == 2
    with pytest.raises(InputError) as info:
        EstimateOptions.from_settings({"utilisaton": 0.5, "utilisation": 2})
    fields = sorted(p.field or "" for p in info.value.problems)
    assert fields == ["utilisation", "utilisaton"]
    assert "unknown option" in str(info.value)


def test_options_are_immutable() -> None:
    with pytest.raises(Exception, match="frozen"):
        EstimateOptions().utilisation = 0.1  # type: ignore[misc]


@pytest.mark.parametrize("module", ["aifab.capacity", "aifab.capacity.options", "aifab.capacity._format"])
def test_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
