"""The policy and report packages keep a small, deliberate public API."""

from __future__ import annotations

import aifab.policy
import aifab.report


def test_policy_public_api() -> None:
    assert sorted(aifab.policy.__all__) == sorted(
        [
            "AppliedWaiver",
            "DesignCheck",
            "Enforcement",
            "Example",
            "ExampleResult",
            "Finding",
            "FrameworkRef",
            "Pack",
            "PackSet",
            "PolicyConfig",
            "PolicyContext",
            "ResourceSubject",
            "Rule",
            "Severity",
            "Status",
            "UnusedWaiver",
            "Verdict",
            "Waiver",
            "WaiverFile",
            "builtin_policies_dir",
            "check_design",
            "example",
            "fail",
            "load_packs",
            "load_policy_config",
            "load_waivers",
            "not_applicable",
            "not_evaluated",
            "passed",
            "ref",
            "run_examples",
            "run_rule",
        ]
    )
    for name in aifab.policy.__all__:
        assert hasattr(aifab.policy, name), name


def test_report_public_api() -> None:
    assert sorted(aifab.report.__all__) == sorted(
        [
            "FORMATS",
            "STDOUT",
            "WRITERS",
            "CheckReport",
            "InputProblem",
            "check_outputs",
            "check_writable",
            "render",
            "write_all",
            "write_atomic",
        ]
    )
    assert aifab.report.FORMATS == ("text", "json", "sarif", "junit", "markdown", "github")
