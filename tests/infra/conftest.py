"""Build small designs through the realisation layer under the SDK mocks, and record what registers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from aifab.catalogue import load_catalogue
from aifab.design.design import Design
from aifab.preview.capture import Capture, run_function
from aifab.program import build_stack

TODAY = dt.date(2026, 12, 1)


def realise_design(
    design: Design,
    env: str | None = None,
    *,
    preview: bool = True,
    config: Mapping[str, str] | None = None,
    stack_outputs: Mapping[str, Any] | None = None,
) -> Capture:
    """Run :func:`aifab.program.build_stack` for ``design`` (stack ``env``) under mocks; no policy gate."""
    catalogue = load_catalogue()
    return run_function(
        lambda: build_stack(design, env, catalogue, today=TODAY),
        project="test",
        stack=env or "test",
        preview=preview,
        config={"aws:region": "us-east-1", **(config or {})},
        stack_outputs=stack_outputs,
    )


@pytest.fixture
def realise() -> Any:
    return realise_design
