"""What the wheel carries beyond modules: ``py.typed`` for the engine and the blueprints (PEP 561).

Checked once by hand with ``python -m build --wheel`` and ``unzip -l``; this test keeps the configuration
that produced it from drifting, without building a wheel in every run.
"""

from __future__ import annotations

import tomllib

from .conftest import ROOT


def test_the_package_ships_py_typed() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    for package in ("aifab", "aifab.blueprints"):
        assert "py.typed" in setuptools["package-data"][package], package
        assert (ROOT / setuptools["package-dir"][package] / "py.typed").is_file(), package
