"""The reference stacks under the real Pulumi engine (Automation API + pulumi CLI), on a local backend.

The stacks create no cloud resources yet, so a preview needs no credentials. Skipped where the CLI is
absent (as on this project's build machines); the same programs run offline under the SDK mocks in
test_pulumi_programs.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..conftest import reference_stacks

pytestmark = [
    pytest.mark.pulumi_cli,
    pytest.mark.skipif(
        shutil.which("pulumi") is None,
        reason="the pulumi CLI is not on PATH; the offline path is tested under the SDK mocks instead",
    ),
]


@pytest.mark.parametrize("stack", reference_stacks(), ids=lambda p: p.name)
def test_preview_under_the_real_engine(stack: Path, tmp_path: Path) -> None:
    from pulumi import automation as auto

    workspace = auto.LocalWorkspaceOptions(
        env_vars={"PULUMI_BACKEND_URL": tmp_path.as_uri(), "PULUMI_CONFIG_PASSPHRASE": "not-a-secret"},
    )
    engine_stack = auto.create_or_select_stack(stack_name="dev", work_dir=str(stack), opts=workspace)
    try:
        result = engine_stack.preview()
        assert result.change_summary.get(auto.OpType.CREATE, 0) >= 1  # the stack resource itself
    finally:
        engine_stack.workspace.remove_stack("dev")
