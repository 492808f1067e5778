"""Policy config and waiver files: what they accept, and clear located errors for what they do not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from aifab.design.design import Design
from aifab.errors import InputError, Location
from aifab.policy import Finding, PackSet, load_policy_config, load_waivers
from aifab.policy.config import PolicyConfig, default_packs
from aifab.policy.enforcement import Level, resolve
from aifab.policy.waivers import apply_waivers

TODAY = dt.date(2026, 12, 1)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# --- enforcement ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "purpose", "expected"),
    [
        ("critical", "experimentation", "mandatory"),
        ("high", "experimentation", "mandatory"),
        ("medium", "experimentation", "advisory"),
        ("medium", "staging", "advisory"),
        ("medium", "production", "mandatory"),
        ("low", "production", "advisory"),
    ],
)
def test_by_severity(severity: str, purpose: str, expected: str) -> None:
    assert resolve(severity, (None,), None, purpose) == expected  # type: ignore[arg-type]


def test_most_specific_setting_wins() -> None:
    spec: dict[str, Level] = {
        "dev": "advisory",
        "staging": "mandatory",
        "production": "mandatory",
        "default": "by-severity",
    }
    assert resolve("low", (spec,), "prod", "production") == "mandatory"  # by purpose
    assert resolve("critical", (spec,), "dev", "experimentation") == "advisory"  # by id, before purpose
    assert resolve("low", (spec,), "qa", "staging") == "mandatory"  # by purpose
    assert resolve("medium", (spec,), "sandbox", "experimentation") == "advisory"  # default: by-severity
    assert resolve("medium", ({"non-production": "disabled"},), "sandbox", "experimentation") == "disabled"
    assert resolve("high", ("disabled", spec), "prod", "production") == "disabled"  # a rule setting beats the pack's
    assert resolve("medium", (None,), None) == "mandatory"  # shared or design-wide: production by default


# --- policy config --------------------------------------------------------------------------------------


def test_a_good_config(tmp_path: Path, packs: PackSet) -> None:
    path = _write(
        tmp_path,
        "policy.yaml",
        """\
packs:
  energy:
    enforcement: advisory
    params: {pue_target: 1.2}
  sovereign-uk: {}
rules:
  NRG-REG-001: {enforcement: disabled}
""",
    )
    config = load_policy_config(path, packs)
    assert config.file == str(path)
    energy = packs.pack("energy")
    assert config.params(energy)["pue_target"] == 1.2
    assert config.params(energy)["eed_threshold_kw"] == 500
    assert [p.name for p in config.selected_packs(packs, _design())] == ["energy", "sovereign-uk"]
    assert config.enforcement_specs(packs.rule("NRG-REG-001"), energy)[0] == "disabled"


def _design() -> Design:
    from aifab.blueprints import SovereignBoundary

    return Design(name="d", components=[SovereignBoundary(id="eu", jurisdiction="EU")])


def test_default_packs_follow_the_design_boundaries(packs: PackSet) -> None:
    chosen = [p.name for p in default_packs(packs, _design())]
    assert "sovereign-eu" in chosen and "sovereign-uk" not in chosen and "baseline-security" in chosen


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "packs:\n  baseline-securty: {}\n",
            2,
            "unknown policy pack 'baseline-securty'; did you mean 'baseline-security'",
        ),
        ("packs:\n  energy:\n    params:\n      pue_targt: 1.2\n", 4, "unknown parameter of pack energy 'pue_targt'"),
        ("packs:\n  energy:\n    params:\n      pue_target: high\n", 4, "expected a number"),
        ("rules:\n  SEC-EKS-999: {enforcement: disabled}\n", 2, "unknown rule 'SEC-EKS-999'"),
        ("packs:\n  energy:\n    enforcement: strict\n", 3, "packs.energy.enforcement"),
        ("packs:\n  energy:\n    enforcment: advisory\n", 3, "unknown field"),
        ("packs: [energy]\n", 1, "packs"),
    ],
)
def test_bad_configs_name_file_line_and_field(
    tmp_path: Path, packs: PackSet, text: str, line: int, message: str
) -> None:
    path = _write(tmp_path, "policy.yaml", text)
    with pytest.raises(InputError) as info:
        load_policy_config(path, packs)
    rendered = info.value.render()
    assert f"{path}:{line}:" in rendered
    assert message in rendered


# --- waivers --------------------------------------------------------------------------------------------

GOOD = """\
waivers:
  - rule: SEC-EKS-001
    target: eks
    reason: The cluster endpoint is restricted to the office range until the VPN is live.
    owner: platform@example.org
    expires: 2027-01-31
"""


@pytest.mark.parametrize(
    ("replace", "line", "message"),
    [
        (("SEC-EKS-001", "SEC-EKS-01"), 2, "unknown rule 'SEC-EKS-01'; did you mean 'SEC-EKS-001'"),
        (("The cluster endpoint is restricted to the office range until the VPN is live.", "ok"), 4, "placeholder"),
        (("The cluster endpoint is restricted to the office range until the VPN is live.", "n/a"), 4, "placeholder"),
        (("The cluster endpoint is restricted to the office range until the VPN is live.", "TODO"), 4, "placeholder"),
        (
            ("The cluster endpoint is restricted to the office range until the VPN is live.", "temp fix"),
            4,
            "real reason",
        ),
        (("2027-01-31", "31/01/2027"), 6, "waivers[0].expires"),
        (("2027-01-31", "2027-02-30"), 6, "cannot read value"),
        (("    owner: platform@example.org\n", ""), 2, "waivers[0].owner: required field is missing"),
    ],
)
def test_bad_waivers_name_file_line_and_field(
    tmp_path: Path, packs: PackSet, replace: tuple[str, str], line: int, message: str
) -> None:
    path = _write(tmp_path, "waivers.yaml", GOOD.replace(*replace))
    with pytest.raises(InputError) as info:
        load_waivers(path, packs)
    rendered = info.value.render()
    assert f"{path}:{line}:" in rendered, rendered
    assert message in rendered


def test_duplicate_waivers_are_rejected(tmp_path: Path, packs: PackSet) -> None:
    path = _write(tmp_path, "waivers.yaml", GOOD + GOOD.split("\n", 1)[1])
    with pytest.raises(InputError, match="repeats waivers"):
        load_waivers(path, packs)


def _finding(rule: str = "SEC-EKS-001", component: str = "eks", status: str = "fail") -> Finding:
    return Finding(
        design="d",
        rule_id=rule,
        title="t",
        severity="high",
        pack="baseline-security",
        enforcement="mandatory",
        status=status,
        component=component,
        kind="kubernetes_cluster",
        message="m",
        location=Location(file="d.yaml", line=3),
    )


def test_waivers_apply_expire_and_report_unused(tmp_path: Path, packs: PackSet) -> None:
    text = (
        GOOD
        + """\
  - rule: SEC-S3-001
    target: lake
    reason: The lake is an open-data mirror that holds nothing private at all.
    owner: data@example.org
    expires: 2026-11-01
  - rule: SEC-MDL-001
    target: ghost
    reason: The endpoint that used to be public has been retired since the pilot.
    owner: ml@example.org
    expires: 2027-01-31
  - rule: SEC-EKS-002
    target: eks
    reason: Secrets move to the external secrets operator with the next release train.
    owner: platform@example.org
    expires: 2027-01-31
    environments: [dev]
"""
    )
    waivers = load_waivers(_write(tmp_path, "waivers.yaml", text), packs)
    findings = [_finding(), _finding("SEC-S3-001", "lake"), _finding("SEC-EKS-002", "eks")]
    out, unused = apply_waivers(findings, waivers, packs, "prod", TODAY, {"eks", "lake"})
    waived, expired, other_env = out
    assert waived.status == "waived" and waived.waiver is not None and waived.waiver.active
    assert waived.waiver.line == 2 and waived.waiver.file == str(tmp_path / "waivers.yaml")
    assert not any("expires in" in n for n in waived.notes)
    assert expired.status == "fail" and expired.waiver is not None and not expired.waiver.active
    assert "expired on 2026-11-01" in expired.notes[0]
    assert other_env.status == "fail" and other_env.waiver is None
    reasons = {u.waiver.rule: u.reason for u in unused}
    assert reasons["SEC-MDL-001"] == "rule SEC-MDL-001 did not run (its pack is not selected, or it is disabled)"
    assert "applies only in environments dev" in reasons["SEC-EKS-002"]


def test_waiver_expiring_soon_says_so(tmp_path: Path, packs: PackSet) -> None:
    waivers = load_waivers(_write(tmp_path, "w.yaml", GOOD.replace("2027-01-31", "2026-12-21")), packs)
    (out,), _ = apply_waivers([_finding()], waivers, packs, None, TODAY, {"eks"})
    assert out.status == "waived" and "waiver expires in 20 days (2026-12-21)" in out.notes


def test_unused_waiver_names_a_missing_component(tmp_path: Path, packs: PackSet) -> None:
    waivers = load_waivers(_write(tmp_path, "w.yaml", GOOD.replace("target: eks", "target: ekz")), packs)
    _, (unused,) = apply_waivers([_finding()], waivers, packs, None, TODAY, {"eks"})
    assert unused.reason == "no component 'ekz' in the design"


def test_rules_marked_not_waivable_ignore_waivers(tmp_path: Path, packs: PackSet) -> None:
    import dataclasses
    from types import MappingProxyType

    strict = dataclasses.replace(packs.rule("SEC-EKS-001"), waivable=False)
    strict_packs = PackSet(packs=packs.packs, rules=MappingProxyType({**packs.rules, "SEC-EKS-001": strict}))
    waivers = load_waivers(_write(tmp_path, "w.yaml", GOOD), strict_packs)
    (out,), _ = apply_waivers([_finding()], waivers, strict_packs, None, TODAY, {"eks"})
    assert out.status == "fail" and out.waiver is not None and not out.waiver.active
    assert "not waivable" in out.notes[0]


def test_no_files_means_defaults(packs: PackSet) -> None:
    assert load_policy_config(None, packs) == PolicyConfig()
    assert load_waivers(None, packs).waivers == ()


def test_a_renewed_waiver_wins_over_the_expired_one_before_it(tmp_path: Path, packs: PackSet) -> None:
    expired = GOOD.replace("2027-01-31", "2026-11-01")
    renewal = GOOD.split("\n", 1)[1].replace("2027-01-31", "2027-06-30").rstrip("\n") + "\n    environments: [prod]\n"
    waivers = load_waivers(_write(tmp_path, "w.yaml", expired + renewal), packs)
    (out,), unused = apply_waivers([_finding()], waivers, packs, "prod", TODAY, {"eks"})
    assert out.status == "waived" and out.waiver is not None and out.waiver.expires.isoformat() == "2027-06-30"
    (stale,) = unused
    assert stale.waiver.expires.isoformat() == "2026-11-01"
    assert stale.reason == "another waiver for SEC-EKS-001 on 'eks' applies; remove this one"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ("sovereign-uk: {params: {allowed_regions: eu-west-2}}", "expected a list of strings"),
        ("sovereign-uk: {params: {allowed_regions: [1, 2]}}", "expected a list of strings"),
        ("energy: {params: {pue_target: .nan}}", "expected a finite number"),
        ("energy: {params: {eed_threshold_kw: .inf}}", "expected a finite number"),
    ],
)
def test_parameters_are_type_checked(tmp_path: Path, packs: PackSet, params: str, message: str) -> None:
    path = _write(tmp_path, "policy.yaml", f"packs:\n  {params}\n")
    with pytest.raises(InputError, match=message):
        load_policy_config(path, packs)
