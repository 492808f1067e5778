"""Fixture designs for the capacity tests live in tests/capacity/fixtures/."""

from __future__ import annotations

from pathlib import Path

import pytest

from aifab.design.design import Design
from aifab.design.loader import load_design

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture_design(name: str) -> Design:
    return load_design(FIXTURES / name).design


@pytest.fixture
def capacity_fixtures() -> Path:
    return FIXTURES
