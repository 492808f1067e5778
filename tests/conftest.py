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


# The capacity findings a reference architecture is allowed to carry, each with why. The GovCloud price of
# m7i.24xlarge in stacks/us-inference-platform/catalogue.yaml comes from the newest public table we can cite
# offline (Karpenter's, generated 2025-01-20); the price-age check is right to say it is stale, and the
# warning stays visible in every report until someone refreshes it from the AWS Pricing API.
ACCEPTED_REFERENCE_FINDINGS: dict[str, set[tuple[str, str]]] = {
    "us-inference-platform": {("capacity-price-stale", "system-gov")},
    # Stockholm and London prices come from Apache Libcloud 3.9.1's pricing table (2025-03-02), the newest
    # dated figures for those regions we can cite offline; the p5.48xlarge one also predates June 2025's cut.
    "eu-sovereign-inference": {("capacity-price-stale", "system-exp"), ("capacity-price-stale", "system")},
    "uk-sovereign-training": {
        ("capacity-price-stale", "explore"),
        ("capacity-price-stale", "system-exp"),
        ("capacity-price-stale", "data-prep"),
        ("capacity-price-stale", "infer"),
    },
}


def unaccepted_findings(stack: Path, findings: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(code, component)`` pairs of a reference stack's findings that are not in its accepted list."""
    return [f for f in findings if f not in ACCEPTED_REFERENCE_FINDINGS.get(stack.name, set())]
