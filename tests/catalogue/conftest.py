from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from aifab.catalogue import Catalogue, load_catalogue


@pytest.fixture(scope="session")
def cat() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def write_overrides(tmp_path: Path) -> Callable[[str], Path]:
    """Write an overrides file and return its path."""

    def write(text: str, name: str = "overrides.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
