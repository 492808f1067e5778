"""The public API of aifab.catalogue is small, deliberate and side-effect free."""

from __future__ import annotations

import doctest
import os
import subprocess
import sys

import pytest

import aifab.catalogue
from aifab.catalogue import catalogue, load, models

PUBLIC = {
    "Accelerator",
    "Catalogue",
    "CatalogueEntry",
    "Cooling",
    "GridZone",
    "InstanceType",
    "Jurisdiction",
    "LinkSpeed",
    "Nic",
    "NodeModel",
    "Problem",
    "Region",
    "Source",
    "StorageTier",
    "Switch",
    "load_catalogue",
}


def test_public_api_is_guarded() -> None:
    assert set(aifab.catalogue.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(aifab.catalogue, name) is not None


def test_import_reads_no_data() -> None:
    code = "import aifab.catalogue, aifab.catalogue.load as l;print(l._base_catalogue.cache_info().currsize)"
    env = {"PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "0"


@pytest.mark.parametrize("module", [aifab.catalogue, catalogue, load, models])
def test_docstring_examples_run(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.failed == 0
