"""Shared fixtures: paths to the fixture designs and the reference stacks."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "designs"
STACKS = ROOT / "stacks"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(autouse=True)
def _run_from_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Locations are shown relative to the working directory; pin it so messages are stable.
    monkeypatch.chdir(ROOT)


def reference_stacks() -> list[Path]:
    """Every reference architecture: a folder in stacks/ with a Pulumi.yaml."""
    return sorted(p.parent for p in STACKS.glob("*/Pulumi.yaml"))
