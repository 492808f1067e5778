"""The packs are real CrossGuard packs: each pack's __main__.py builds a pulumi_policy.PolicyPack.

The PolicyPack constructor starts a gRPC server and blocks; as in Pulumi's own offline harness, the two
gRPC globals of ``pulumi_policy.policy`` are stubbed so the constructor runs all its validation, builds
the analyzer servicer, and then stops where it would serve.
"""

from __future__ import annotations

import runpy
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pulumi_policy as pp
import pulumi_policy.policy as pp_policy
import pytest

from aifab.policy import builtin_policies_dir
from aifab.policy.crossguard import checked, load, locate_stack, policies

REPORT_FIXTURES = Path(__file__).resolve().parents[1] / "report" / "fixtures"
PACK_DIRS = sorted(p.parent for p in builtin_policies_dir().glob("*/PulumiPolicy.yaml"))


class _Served(BaseException):
    """Raised where the real pack would start serving (user code cannot swallow a BaseException)."""


@pytest.fixture
def stubbed_grpc(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    got: dict[str, Any] = {}

    class FakeServer:
        def add_insecure_port(self, address: str) -> int:
            return 0

        def start(self) -> None:
            raise _Served

    monkeypatch.setattr(pp_policy, "grpc", SimpleNamespace(server=lambda *a, **k: FakeServer()))
    monkeypatch.setattr(
        pp_policy,
        "analyzer_pb2_grpc",
        SimpleNamespace(add_AnalyzerServicer_to_server=lambda servicer, server: got.setdefault("servicer", servicer)),
    )
    yield got


def test_every_pack_has_a_crossguard_wrapper() -> None:
    names = {p.name for p in PACK_DIRS}
    assert names == {p.parent.name for p in builtin_policies_dir().glob("*/pack.yaml")}
    for folder in PACK_DIRS:
        assert "runtime: python" in (folder / "PulumiPolicy.yaml").read_text()


@pytest.mark.parametrize("folder", PACK_DIRS, ids=lambda p: p.name)
def test_pack_constructs_under_pulumi_policy(folder: Path, stubbed_grpc: dict[str, Any]) -> None:
    with pytest.raises(_Served):
        runpy.run_path(str(folder / "__main__.py"), run_name="__main__")
    assert stubbed_grpc["servicer"] is not None


def test_policy_metadata_comes_from_the_rules() -> None:
    pack = load(builtin_policies_dir() / "baseline-security")
    by_name = {p.name: p for p in policies(pack)}
    eks = by_name["SEC-EKS-001"]
    assert isinstance(eks, pp.StackValidationPolicy)
    assert eks.severity == pp.Severity.HIGH
    assert eks.enforcement_level == pp.EnforcementLevel.MANDATORY
    assert eks.framework is not None and eks.framework.reference == "EKS.1"
    assert "fsbp:EKS.1" in (eks.tags or []) and "pack:baseline-security" in (eks.tags or [])
    assert by_name["SEC-S3-002"].enforcement_level == pp.EnforcementLevel.ADVISORY


def _collect(into: list[str]) -> pp_policy.ReportViolation:
    """A violation reporter that keeps each message in ``into``."""

    def report(message: str, urn: str | None = None) -> None:
        into.append(message)

    return report


def _stack_args(config: dict[str, Any]) -> pp.StackValidationArgs:
    return pp.StackValidationArgs(resources=[], config=config)


def test_design_rules_judge_the_design_named_in_config() -> None:
    pack = load(builtin_policies_dir() / "baseline-security")
    eks = next(p for p in policies(pack) if p.name == "SEC-EKS-001")
    assert isinstance(eks, pp.StackValidationPolicy)
    violations: list[str] = []
    failing = "tests/policy/fixtures/us-fail.yaml"
    eks.validate(_stack_args({"design": failing}), _collect(violations))
    assert violations == [
        "eks: the Kubernetes API endpoint is reachable from the internet (tests/policy/fixtures/us-fail.yaml:11)"
    ]
    violations.clear()
    eks.validate(_stack_args({"design": "tests/policy/fixtures/good.yaml"}), _collect(violations))
    assert violations == []
    checked.cache_clear()


def test_without_a_design_a_rule_is_not_applicable() -> None:
    pack = load(builtin_policies_dir() / "energy")
    policy = policies(pack)[0]
    assert isinstance(policy, pp.StackValidationPolicy)
    with pytest.raises(Exception) as info:
        policy.validate(_stack_args({}), _collect([]))
    assert type(info.value).__name__ == "_NotApplicableError"
    assert "design-level rule" in str(getattr(info.value, "reason", ""))


def test_resource_rules_become_resource_policies() -> None:
    pack = load(REPORT_FIXTURES / "extra-policies" / "test-extras")
    policy = next(p for p in policies(pack) if p.name == "TST-RES-001")
    assert isinstance(policy, pp.ResourceValidationPolicy)
    seen: list[str] = []

    def args(props: dict[str, Any]) -> pp.ResourceValidationArgs:
        return pp.ResourceValidationArgs("aws:eks/cluster:Cluster", props, "urn:x", "eks", None, None)  # type: ignore[arg-type]

    policy.validate(args({"vpcConfig": {"endpointPublicAccess": True}}), _collect(seen))
    policy.validate(args({"vpcConfig": {"endpointPublicAccess": False}}), _collect(seen))
    assert seen == ["Cluster eks: vpcConfig.endpointPublicAccess is true (or unset, which defaults to true)"]


def _engine_runs(monkeypatch: pytest.MonkeyPatch, stack: Path, env: str) -> None:
    """What the Pulumi engine sets for a policy pack run from a stack folder."""
    for name in ("AIFAB_DESIGN", "AIFAB_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PULUMI_PROJECT", stack.name)
    monkeypatch.setenv("PULUMI_STACK", env)
    monkeypatch.setenv("AIFAB_TODAY", "2026-12-01")
    monkeypatch.chdir(stack)


def test_run_in_a_stack_folder_a_pack_judges_that_stack_with_no_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import yaml

    stack = tmp_path / "eu-sovereign-inference"
    shutil.copytree(Path("stacks/eu-sovereign-inference").resolve(), stack)
    config = yaml.safe_load((stack / "Pulumi.prod.yaml").read_text())
    config["config"]["aifab:overrides"] = {"eks-serve": {"endpoint_public": True}}
    (stack / "Pulumi.prod.yaml").write_text(yaml.safe_dump(config))
    pack = load(builtin_policies_dir() / "baseline-security")
    _engine_runs(monkeypatch, stack, "prod")
    target = locate_stack(pack)
    assert target is not None and Path(target.design) == stack and target.env == "prod"
    eks = next(p for p in policies(pack, target) if p.name == "SEC-EKS-001")
    assert isinstance(eks, pp.StackValidationPolicy)
    violations: list[str] = []
    eks.validate(_stack_args({}), _collect(violations))  # no policy config at all
    assert len(violations) == 1 and violations[0].startswith("eks-serve: the Kubernetes API endpoint is reachable")
    _engine_runs(monkeypatch, stack, "dev")  # dev's stack: prod's override does not apply, nothing to report
    violations.clear()
    eks.validate(_stack_args({}), _collect(violations))
    assert violations == []
    checked.cache_clear()


def test_enforcement_follows_the_stacks_policy_config_for_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    stack = Path("stacks/eu-sovereign-inference").resolve()
    pack = load(builtin_policies_dir() / "production-readiness")
    medium = next(r for r in sorted(pack.rules, key=lambda r: r.id) if r.severity == "medium")
    levels = {}
    for env in ("dev", "prod"):
        _engine_runs(monkeypatch, stack, env)
        policy = next(p for p in policies(pack, locate_stack(pack)) if p.name == medium.id)
        levels[env] = policy.enforcement_level
    # by default medium findings block in production only (see README: enforcement)
    assert levels == {"dev": pp.EnforcementLevel.ADVISORY, "prod": pp.EnforcementLevel.MANDATORY}
    monkeypatch.delenv("PULUMI_PROJECT")
    assert locate_stack(pack) is None  # nothing names a stack: the non-production default
