"""Shared by the tests and the doctests of lib/aifab and blueprints (pyproject: ``--doctest-modules``).

Doctests run from the repository root, as the tests do (tests/conftest.py), so an example may load a
repository file such as ``docs/examples/minimal.yaml``. Fixture folders hold designs and rule modules
that are data, some deliberately broken, so they are not collected as doctest modules.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent

collect_ignore_glob = ["tests/fixtures", "tests/*/fixtures"]


@pytest.fixture(autouse=True)
def _doctests_run_from_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
