"""The reference stacks under the real Pulumi engine (Automation API + pulumi CLI), on a local backend.

Skipped where the CLI is absent (as on this project's build machines); the same programs run offline
under the SDK mocks in test_pulumi_programs.py. A refused design needs no credentials (the program fails
before any provider is configured); a preview of the cloud resources needs AWS credentials as well.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from ..conftest import reference_stacks

pytestmark = [
    pytest.mark.pulumi_cli,
    pytest.mark.skipif(
        shutil.which("pulumi") is None,
        reason="the pulumi CLI is not on PATH; the offline path is tested under the SDK mocks instead",
    ),
]


def _stack(work_dir: Path, name: str, backend: Path) -> Any:
    from pulumi import automation as auto

    workspace = auto.LocalWorkspaceOptions(
        env_vars={
            "PULUMI_BACKEND_URL": backend.as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": "not-a-secret",
            "AIFAB_TODAY": "2026-12-01",
        },
    )
    return auto.create_or_select_stack(stack_name=name, work_dir=str(work_dir), opts=workspace)


def test_a_refused_design_fails_the_real_preview_and_registers_nothing(tmp_path: Path) -> None:
    from pulumi import automation as auto

    stack_dir = tmp_path / "stack"
    shutil.copytree(Path("stacks/eu-sovereign-inference"), stack_dir)
    config = yaml.safe_load((stack_dir / "Pulumi.prod.yaml").read_text())
    config["config"]["aifab:overrides"] = {"eks-serve": {"endpoint_public": True}}
    (stack_dir / "Pulumi.prod.yaml").write_text(yaml.safe_dump(config))
    engine_stack = _stack(stack_dir, "prod", tmp_path)
    try:
        with pytest.raises(auto.errors.CommandError, match="nothing was registered"):
            engine_stack.preview()
    finally:
        engine_stack.workspace.remove_stack("prod")


@pytest.mark.skipif(
    not (os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE")),
    reason="a preview of AWS resources needs AWS credentials (the provider checks the account)",
)
@pytest.mark.parametrize("stack", reference_stacks(), ids=lambda p: p.name)
def test_preview_under_the_real_engine(stack: Path, tmp_path: Path) -> None:
    from pulumi import automation as auto

    engine_stack = _stack(stack, "dev", tmp_path)
    try:
        result = engine_stack.preview()
        assert result.change_summary.get(auto.OpType.CREATE, 0) > 10
    finally:
        engine_stack.workspace.remove_stack("dev")
