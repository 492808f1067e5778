"""Shared fixtures for the policy tests: the built-in packs (loaded once) and the catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from aifab.catalogue import Catalogue, load_catalogue
from aifab.policy import PackSet, builtin_policies_dir, load_packs

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"


@pytest.fixture(scope="session")
def packs() -> PackSet:
    return load_packs(builtin_policies_dir())


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()
