"""Every blueprint module leads with a usage example (run as a doctest), and every kind documents its units."""

from __future__ import annotations

import doctest
import importlib

import pytest

import aifab.blueprints as blueprints

MODULES = sorted({cls.__module__ for cls in blueprints.KINDS})


@pytest.mark.parametrize("module", MODULES)
def test_every_blueprint_module_has_a_usage_example(module: str) -> None:
    # the examples themselves run as doctests (pyproject.toml: --doctest-modules)
    found = doctest.DocTestFinder().find(importlib.import_module(module))
    assert any(test.examples for test in found), f"{module} has no usage example"


def test_every_kind_has_a_usage_example_and_units_in_numeric_fields() -> None:
    unitless_ok = {
        "node_count",
        "min_node_count",
        "replicas",
        "min_replicas",
        "max_replicas",
        "dimensions",
        "vector_count",
        "availability_zones",
        "private_subnet_prefix",
        "scalable_unit_nodes",
        "oversubscription",
        "renewable_share",
        "pue",
        "rack_units_per_rack",
        "bytes_per_dimension",
        "link_gbps",
    }
    units = {
        "kw",
        "w",
        "gbps",
        "gbs",
        "tib",
        "days",
        "ms",
        "s",
        "min",
        "mbps",
        "billion",
        "kwh",
        "mwh",
        "gco2e",
        "usd",
        "gpu",
    }
    for cls in blueprints.KINDS:
        assert cls.__doc__, cls.__name__
        for name, info in cls.model_fields.items():
            if info.annotation in (int, float, int | None, float | None) and name not in unitless_ok:
                assert units & set(name.split("_")), f"{cls.__name__}.{name} has no unit in its name"


def test_registry_is_complete_and_new_each_time() -> None:
    first, second = blueprints.registry(), blueprints.registry()
    assert first == second and first is not second
    assert list(first.values()) == list(blueprints.KINDS)
