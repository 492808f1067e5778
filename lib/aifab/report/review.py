"""The compliance review pack: what a reviewer approves before a stack's environment is deployed.

>>> pack = build_review(Path("stacks/eu-sovereign-inference"), "prod", today=date(2026, 12, 1))  # doctest: +SKIP
>>> files = render_review(pack)                        # {"review.md": ..., "review.html": ...}  # doctest: +SKIP

One model (:class:`ReviewPack`) feeds both documents: every planned resource with its security-relevant
settings (offline plan), the policy results with framework controls and each rule's rationale, waivers,
what the offline run could not evaluate, where each resource and data store sits and every flow that
leaves a site, the boundary's attestations, the diff against an approved plan, and the capacity figures
(power, cost, carbon) with expected against measured benchmarks. Deterministic: no timestamps, no absolute
paths; secret values are masked in the plan before anything here reads them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aifab import __version__
from aifab.capacity import DesignEstimate, estimate_design
from aifab.catalogue import Catalogue, load_catalogue
from aifab.design.component import Component
from aifab.design.design import Design
from aifab.design.environments import EnvironmentModel, stack_view
from aifab.design.loader import LoadedDesign, load_design
from aifab.errors import InputError, UnknownNameError
from aifab.policy.engine import DesignCheck
from aifab.policy.findings import Finding
from aifab.policy.packs import PackSet, builtin_policies_dir, load_packs
from aifab.preview.plan import Plan, PlannedResource
from aifab.templating import template_environment

from .escape import md_cell, md_code
from .review_settings import Setting, settings

DATA_STORES = ("data_lake", "file_system", "vector_database")
PLACING = frozenset({"site", "inside", "environment", "promotes_from", "governs"})
"""Link fields that say where or under what a component is, not what data it exchanges."""
NOT_MEASURED = (
    "no benchmark results given (--results FILE, the JSON benchmarks/gpu_calibration.py prints): expected figures only"
)


# --- the model ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    site: str
    region: str
    jurisdiction: str
    boundary: str


@dataclass(frozen=True)
class ResourceRow:
    type: str
    name: str
    component: str
    place: Place
    settings: tuple[Setting, ...]
    flags: tuple[str, ...]
    """What a reviewer looks at twice: stateful, protected, public, GPU."""


@dataclass(frozen=True)
class RuleRow:
    id: str
    title: str
    severity: str
    pack: str
    enforcement: str
    outcomes: str
    frameworks: str
    why: str


@dataclass(frozen=True)
class FindingRow:
    rule: str
    title: str
    severity: str
    enforcement: str
    status: str
    target: str
    message: str
    frameworks: str
    where: str
    remediation: str


@dataclass(frozen=True)
class WaiverRow:
    rule: str
    target: str
    reason: str
    owner: str
    expires: str
    ticket: str
    state: str


@dataclass(frozen=True)
class Placement:
    component: str
    kind: str
    place: Place
    detail: str


@dataclass(frozen=True)
class Flow:
    source: str
    link: str
    target: str
    origin: Place
    destination: Place
    crossing: str
    note: str


@dataclass(frozen=True)
class AttestationRow:
    boundary: str
    obligation: str
    status: str
    evidence: str
    expires: str
    state: str


@dataclass(frozen=True)
class DiffRow:
    action: str
    type: str
    name: str
    component: str
    loses_data: bool
    detail: str


@dataclass(frozen=True)
class PlanChanges:
    baseline: str
    counts: dict[str, int]
    warnings: tuple[str, ...]
    rows: tuple[DiffRow, ...]


@dataclass(frozen=True)
class CapacityRow:
    name: str
    gpus: int
    it_power_kw: float
    facility_power_kw: float
    energy_mwh: float
    co2e_t: float
    cost_usd_per_year: float
    note: str


@dataclass(frozen=True)
class BenchmarkRow:
    pool: str
    accelerator: str
    metric: str
    expected: float | None
    measured: float | None

    @property
    def ratio(self) -> float | None:
        return self.measured / self.expected if self.measured is not None and self.expected else None


@dataclass(frozen=True)
class ReviewPack:
    design: str
    description: str
    project: str
    env: str
    purpose: str
    today: dt.date
    tool_version: str
    refused: str | None
    resources: tuple[ResourceRow, ...]
    facts: dict[str, tuple[str, ...]]
    rules: tuple[RuleRow, ...]
    outcomes: dict[str, int]
    failing: tuple[FindingRow, ...]
    waived: tuple[FindingRow, ...]
    not_evaluated: tuple[FindingRow, ...]
    offline_limits: tuple[str, ...]
    waivers: tuple[WaiverRow, ...]
    placements: tuple[Placement, ...]
    data_stores: tuple[Placement, ...]
    flows: tuple[Flow, ...]
    attestations: tuple[AttestationRow, ...]
    changes: PlanChanges | None
    environments: tuple[CapacityRow, ...]
    sites: tuple[CapacityRow, ...]
    benchmarks: tuple[BenchmarkRow, ...]
    benchmark_note: str
    standing: int = 0
    plan_warnings: tuple[str, ...] = field(default=())

    @property
    def cross_border(self) -> tuple[Flow, ...]:
        return tuple(f for f in self.flows if f.crossing == "cross-border")


# --- building it ----------------------------------------------------------------------------------------


def build_review(
    stack_dir: Path,
    env: str,
    *,
    today: dt.date,
    packs: PackSet | None = None,
    baseline: Plan | None = None,
    baseline_name: str = "",
    results: dict[str, Any] | None = None,
) -> ReviewPack:
    """Everything the pack shows for stack ``env``. Raises :class:`InputError` for unusable input."""
    from aifab.policy.gate import check_stack
    from aifab.preview.facts import facts
    from aifab.preview.resources import stack_resources
    from aifab.preview.stack import environments, is_stack, preview_stack

    if not is_stack(stack_dir):
        raise InputError(
            "not a stack folder: the review pack needs a Pulumi project (a folder with Pulumi.yaml)",
            file=str(stack_dir),
        )
    preview = preview_stack(stack_dir, env, today=today)  # unknown env: an InputError naming the known ones
    loaded = load_design(stack_dir, env=env)
    cat = load_catalogue(loaded.catalogue_file)
    packs = packs if packs is not None else load_packs(builtin_policies_dir())
    check = check_stack(loaded, packs, catalogue=cat, today=today, resources=stack_resources(loaded, env, today))
    if check.input_errors:
        raise InputError.combine(
            [InputError(d.message, field=d.component) for d in check.input_errors],
            "the design names things that do not exist",
        )
    design = loaded.design
    model = EnvironmentModel.of(design)
    plan = preview.plan
    places = _Places(design, cat)
    found = facts(plan, cat) if plan is not None else None
    deployed = model.deployed_by(env)
    stores = [c for c in deployed if c.kind in DATA_STORES]
    estimates = {e: _estimate(stack_dir, e, cat) for e in environments(stack_dir)}
    return ReviewPack(
        design=design.name,
        description=design.description.strip().split("\n\n")[0].replace("\n", " "),
        project=plan.project if plan is not None else stack_dir.name,
        env=env,
        purpose=model.environments[env].purpose if env in model.environments else "production",
        today=today,
        tool_version=__version__,
        refused=preview.refused,
        resources=_resources(plan, places, found) if plan is not None else (),
        facts={
            "stateful": found.stateful if found else (),
            "protected": found.protected if found else (),
            "public": found.public if found else (),
            "GPU-bearing": found.gpu if found else (),
        },
        rules=_rules(check.findings, packs),
        outcomes=dict(sorted(Counter(f.status for f in check.findings).items())),
        failing=_findings([f for f in check.findings if f.status in ("fail", "error")], stack_dir),
        waived=_findings([f for f in check.findings if f.status == "waived"], stack_dir),
        not_evaluated=_findings([f for f in check.findings if f.status == "not_evaluated"], stack_dir),
        offline_limits=_offline_limits(plan),
        waivers=_waivers(check),
        placements=tuple(Placement(c.id, c.kind, places.of(c), "") for c in deployed if c.kind != "environment"),
        data_stores=tuple(Placement(c.id, c.kind, places.of(c), _store_detail(c)) for c in stores),
        flows=_flows(deployed, design, model, places, env),
        attestations=_attestations(design, today),
        changes=_changes(baseline, plan, baseline_name) if baseline is not None and plan is not None else None,
        environments=tuple(_env_row(e, est) for e, est in estimates.items()),
        sites=tuple(_site_rows(estimates.get(env))),
        benchmarks=_benchmarks(estimates.get(env), cat, results),
        benchmark_note=_benchmark_note(results),
        standing=sum(1 for f in check.findings if f.standing),
        plan_warnings=plan.warnings if plan is not None else (),
    )


class _Places:
    """Where a component sits: its site, the region (site's or key region), the boundary's jurisdiction."""

    def __init__(self, design: Design, catalogue: Catalogue) -> None:
        self.design = design
        self.catalogue = catalogue
        self.by_id = {c.id: c for c in design.components}

    def of(self, component: Component | None, region: str | None = None) -> Place:
        if component is None:
            return Place("-", region or "-", self._jurisdiction(None, region), "-")
        site = self._get(getattr(component, "site", None))
        site_name = site.id if site is not None else "-"
        if component.kind == "edge_site":  # an edge site is its own place
            site_name = f"edge {component.id}"
        region = region or getattr(site, "region", None) or getattr(component, "key_region", None)
        inside = getattr(component, "inside", None) or getattr(site, "inside", None)
        boundary = self._get(inside)
        return Place(site_name, region or "-", self._jurisdiction(boundary, region), boundary.id if boundary else "-")

    def _get(self, ref: Any) -> Component | None:
        return self.by_id.get(ref) if isinstance(ref, str) else None

    def _jurisdiction(self, boundary: Component | None, region: str | None) -> str:
        stated = getattr(boundary, "jurisdiction", None)
        if isinstance(stated, str):
            return stated
        if region:
            try:
                return self.catalogue.region(region).jurisdiction
            except UnknownNameError:
                return "-"
        return "-"


def _resources(plan: Plan, places: _Places, found: Any) -> tuple[ResourceRow, ...]:
    flagged: dict[str, list[str]] = {}
    for label, items in (
        ("stateful", found.stateful),
        ("protected", found.protected),
        ("public", found.public),
        ("GPU", found.gpu),
    ):
        for item in items:
            flagged.setdefault(item.split(": ", 1)[0], []).append(label)  # "<type> <name>: why"
    rows = []
    for r in plan.created():
        region = _provider_region(plan, r)
        place = places.of(places.by_id.get(r.component) if r.component else None, region)
        labels = tuple(dict.fromkeys(flagged.get(f"{r.type} {r.name}", [])))
        rows.append(ResourceRow(r.type, r.name, r.component or "-", place, tuple(settings(r)), labels))
    return tuple(rows)


def _provider_region(plan: Plan, r: PlannedResource) -> str | None:
    if r.provider is None:
        return None
    try:
        region = plan.resource(r.provider).inputs.get("region")
    except KeyError:
        return None
    return region if isinstance(region, str) else None


def _frameworks(refs: Sequence[Any]) -> str:
    return ", ".join(ref.tag + ("" if ref.verified else " (unverified)") for ref in refs)


def _rules(findings: Sequence[Finding], packs: PackSet) -> tuple[RuleRow, ...]:
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    rows = []
    for rule_id in sorted(by_rule):
        group = by_rule[rule_id]
        counts = Counter(f.status.replace("_", " ") for f in group)
        try:
            why = packs.rule(rule_id).why
        except (KeyError, InputError):
            why = ""
        first = group[0]
        rows.append(
            RuleRow(
                id=rule_id,
                title=first.title,
                severity=first.severity,
                pack=first.pack,
                enforcement=first.enforcement,
                outcomes=", ".join(f"{n} {s}" for s, n in sorted(counts.items())),
                frameworks=_frameworks(first.frameworks),
                why=" ".join(why.split()),
            )
        )
    return tuple(rows)


def _where(f: Finding, stack_dir: Path) -> str:
    file = f.location.file
    if file is None:
        return "-"
    path = Path(file)
    try:
        shown = path.resolve().relative_to(stack_dir.resolve().parent).as_posix()
    except ValueError:
        shown = path.name
    return f"{shown}:{f.location.line}" if f.location.line is not None else shown


def _findings(found: Sequence[Finding], stack_dir: Path) -> tuple[FindingRow, ...]:
    ordered = sorted(found, key=lambda f: (f.rule_id, f.component or "", f.message))
    return tuple(
        FindingRow(
            rule=f.rule_id,
            title=f.title,
            severity=f.severity,
            enforcement=f.enforcement,
            status=f.status.replace("_", " "),
            target=f.target,
            message=" ".join(f.message.split()),
            frameworks=_frameworks(f.frameworks),
            where=_where(f, stack_dir),
            remediation=" ".join(f.remediation.split()),
        )
        for f in ordered
    )


def _offline_limits(plan: Plan | None) -> tuple[str, ...]:
    if plan is None:
        return ("the program refused: no resources were planned, so no resource-level rule judged anything",)
    unknown = [(r, p) for r in plan.created() for p in r.unknown_paths]
    notes = [
        "values known only at apply (ids, ARNs, generated names) read [unknown]: "
        f"{len(unknown)} input(s) of {len({r.urn for r, _ in unknown})} resource(s); a rule that needs one of "
        "them judges what is sent, not what the provider returns",
        "provider defaults are assumed for inputs the plan does not send",
        "nothing the cloud account already holds (existing resources, SCPs, IAM outside the stack) is read: "
        "the attestations below record what code cannot show",
    ]
    return tuple(notes)


def _waivers(check: DesignCheck) -> tuple[WaiverRow, ...]:
    rows: dict[tuple[str, str], WaiverRow] = {}
    for f in check.findings:
        w = f.waiver
        if w is None:
            continue
        state = "applied" if w.active else f"not applied: {w.why_inactive or 'inactive'}"
        rows[(w.rule, w.target)] = WaiverRow(
            w.rule, w.target, " ".join(w.reason.split()), w.owner, w.expires.isoformat(), w.ticket or "-", state
        )
    for unused in check.unused_waivers:
        uw = unused.waiver
        rows.setdefault(
            (uw.rule, uw.target),
            WaiverRow(
                uw.rule,
                uw.target,
                " ".join(uw.reason.split()),
                uw.owner,
                uw.expires.isoformat(),
                uw.ticket or "-",
                f"unused: {unused.reason}",
            ),
        )
    return tuple(rows[k] for k in sorted(rows))


def _store_detail(c: Component) -> str:
    parts = []
    for name in ("data_classification", "encrypted_by", "engine", "replicas", "data_repository"):
        value = getattr(c, name, None)
        if value not in (None, ""):
            parts.append(f"{name.replace('_', ' ')}: {value}")
    return "; ".join(parts)


def _flows(
    deployed: Sequence[Component], design: Design, model: EnvironmentModel, places: _Places, env: str
) -> tuple[Flow, ...]:
    flows = []
    for c in deployed:
        for link in c.links():
            if link.field in PLACING:
                continue
            target = places.by_id.get(link.target)
            if target is None or target.kind in ("site", "sovereign_boundary", "environment"):
                continue
            origin, destination = places.of(c), places.of(target)
            theirs = model.deployer(target)
            note = f"stack {theirs!r} deploys it (a stack reference)" if theirs not in (None, env) else ""
            crossing = _crossing(origin, destination) or ("cross-stack" if note else "")
            if not crossing:
                continue
            flows.append(Flow(c.id, link.field, target.id, origin, destination, crossing, note))
    return tuple(sorted(flows, key=lambda f: (f.crossing != "cross-border", f.source, f.link, f.target)))


def _crossing(a: Place, b: Place) -> str:
    if "-" not in (a.jurisdiction, b.jurisdiction) and a.jurisdiction != b.jurisdiction:
        return "cross-border"
    if "-" not in (a.region, b.region) and a.region != b.region:
        return "cross-region"
    if "-" not in (a.site, b.site) and a.site != b.site:
        return "cross-site"
    return ""


def _attestations(design: Design, today: dt.date) -> tuple[AttestationRow, ...]:
    rows = []
    for boundary in design.of_kind("sovereign_boundary"):
        for a in getattr(boundary, "attestations", ()) or ():
            days = (a.expires - today).days
            state = f"expired {-days} day(s) ago" if days < 0 else f"valid, {days} day(s) left"
            status = a.status if a.accepted_by is None else f"{a.status} by {a.accepted_by}"
            rows.append(
                AttestationRow(
                    boundary.id, " ".join(a.obligation.split()), status, a.evidence, a.expires.isoformat(), state
                )
            )
    return tuple(rows)


def _changes(baseline: Plan, plan: Plan, name: str) -> PlanChanges:
    from aifab.preview.diff import diff_plans, to_json

    data = to_json(diff_plans(baseline, plan))
    rows = []
    for r in data["resources"]:
        detail = [
            f"{c['path']}: {c['shown']}" + ("" if c["verdict"] == "update" else f" [{c['verdict']}]")
            for c in r["changes"]
        ]
        detail += [f"option {o['name']}: {json.dumps(o['old'])} -> {json.dumps(o['new'])}" for o in r["options"]]
        detail += [f"why: {why}" for why in r["reasons"]]
        rows.append(
            DiffRow(r["action"], r["type"], r["name"], r["component"] or "-", r["loses_data"], "; ".join(detail))
        )
    return PlanChanges(name, dict(data["counts"]), tuple(data["warnings"]), tuple(rows))


def _estimate(stack_dir: Path, env: str, catalogue: Catalogue) -> DesignEstimate | None:
    try:
        loaded: LoadedDesign = load_design(stack_dir, env=env)
        return estimate_design(stack_view(loaded.design, env), catalogue)
    except InputError:
        return None


def _env_row(env: str, est: DesignEstimate | None) -> CapacityRow:
    if est is None:
        return CapacityRow(env, 0, 0.0, 0.0, 0.0, 0.0, 0.0, "not estimated: the design does not resolve")
    notes = [
        n for n, ok in (("cost incomplete", est.cost_complete), ("carbon incomplete", est.carbon_complete)) if not ok
    ]
    return CapacityRow(
        env,
        est.gpus,
        est.it_power_kw,
        est.facility_power_kw,
        est.annual_energy_mwh,
        est.annual_co2e_t,
        est.cost_per_year_usd,
        ", ".join(notes),
    )


def _site_rows(est: DesignEstimate | None) -> list[CapacityRow]:
    if est is None:
        return []
    return [
        CapacityRow(
            s.id,
            s.gpus,
            s.it_power_kw,
            s.facility_power_kw,
            s.annual_energy_mwh,
            s.annual_co2e_t or 0.0,
            s.cost_usd_per_year,
            ", ".join(
                n
                for n, bad in (("cost incomplete", not s.cost_complete), ("no grid intensity", s.annual_co2e_t is None))
                if bad
            ),
        )
        for s in est.sites
    ]


def _benchmarks(est: DesignEstimate | None, cat: Catalogue, results: dict[str, Any] | None) -> tuple[BenchmarkRow, ...]:
    if est is None:
        return ()
    device = str((results or {}).get("device", "")).lower()
    rows = []
    for pool in est.pools:
        if pool.accelerator is None:
            continue
        matches = bool(device) and pool.accelerator.split("-")[0].lower() in device
        exp = pool.expected
        measured_gemm = None
        if matches and exp.gemm_dtype is not None:
            runs = [g for g in (results or {}).get("gemm", []) if g.get("dtype") == exp.gemm_dtype]
            measured_gemm = max((float(g["tflops"]) for g in runs), default=None)
        if exp.gemm_tflops_per_gpu is not None:
            metric = f"GEMM {exp.gemm_dtype} TFLOP/s per GPU"
            rows.append(BenchmarkRow(pool.id, pool.accelerator, metric, exp.gemm_tflops_per_gpu, measured_gemm))
        try:
            hbm = cat.accelerator(pool.accelerator).memory_bandwidth_tbs
        except UnknownNameError:
            hbm = None
        measured_hbm = (results or {}).get("hbm_copy_tbs") if matches else None
        rows.append(
            BenchmarkRow(
                pool.id,
                pool.accelerator,
                "HBM TB/s (catalogue peak)",
                hbm,
                float(measured_hbm) if measured_hbm else None,
            )
        )
        if exp.allreduce_busbw_gbs_1gib is not None:
            rows.append(
                BenchmarkRow(
                    pool.id, pool.accelerator, "all-reduce bus GB/s (1 GiB)", exp.allreduce_busbw_gbs_1gib, None
                )
            )
    return tuple(rows)


def _benchmark_note(results: dict[str, Any] | None) -> str:
    if results is None:
        return NOT_MEASURED
    on = results.get("measured_on", "an unstated date")
    return (
        f"measured on {results.get('device', 'an unnamed device')} ({on}); only pools with that accelerator are "
        "compared; all-reduce is not measured by this file"
    )


def load_results(path: str | Path) -> dict[str, Any]:
    """A benchmark results file (the JSON ``benchmarks/gpu_calibration.py`` prints); InputError if unusable."""
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no such results file", file=str(file)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read the results: {exc}", file=str(file)) from None
    if not isinstance(data, dict) or "skipped" in data or not isinstance(data.get("gemm"), list):
        raise InputError("not a benchmark results file: expected gpu_calibration.py's JSON with 'gemm'", file=str(file))
    return data


# --- rendering ------------------------------------------------------------------------------------------

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""Nothing the page names can be fetched: styles are inline, charts inline SVG, images only data URLs."""


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _cell(text: object) -> str:
    return md_cell(text)


def render_markdown(pack: ReviewPack) -> str:
    env = template_environment("aifab.report", cell=_cell, code=md_code, num=_num)
    return env.get_template("review.md.j2").render(p=pack)


def render_html(pack: ReviewPack) -> str:
    """One self-contained page: inline CSS, charts as inline SVG, a CSP that forbids every fetch."""
    from markupsafe import Markup

    env = template_environment("aifab.report", num=_num)
    env.autoescape = True  # unlike the Markdown, every value is escaped here
    return env.get_template("review.html.j2").render(p=pack, csp=CSP, charts=_charts(pack, Markup))


def _charts(pack: ReviewPack, markup: Any) -> dict[str, Any]:
    from .review_charts import bar_chart

    names = [e.name for e in pack.environments]
    capacity = [
        bar_chart(
            "Power per environment",
            "kW",
            names,
            {
                "IT": [e.it_power_kw for e in pack.environments],
                "facility": [e.facility_power_kw for e in pack.environments],
            },
        ),
        bar_chart(
            "Running cost per environment",
            "million USD / year",
            names,
            {"cost": [e.cost_usd_per_year / 1e6 for e in pack.environments]},
        ),
        bar_chart("Carbon per environment", "tCO2e / year", names, {"carbon": [e.co2e_t for e in pack.environments]}),
    ]
    if len(pack.sites) > 1:
        sites = [s.name for s in pack.sites]
        capacity.append(
            bar_chart(
                f"Facility power per site ({pack.env})",
                "kW",
                sites,
                {"facility": [s.facility_power_kw for s in pack.sites]},
            )
        )
    measured = [b for b in pack.benchmarks if b.ratio is not None]
    benchmarks = None
    if measured:
        benchmarks = markup(
            bar_chart(
                "Measured / expected",
                "ratio",
                [f"{b.pool} {b.metric.split(' ')[0]}" for b in measured],
                {"measured / expected": [b.ratio for b in measured]},
            )
        )
    return {"capacity": [markup(svg) for svg in capacity], "benchmarks": benchmarks}


def render_review(pack: ReviewPack) -> dict[str, str]:
    """``{"review.md": ..., "review.html": ...}``, both rendered before anything is written."""
    return {"review.md": render_markdown(pack), "review.html": render_html(pack)}


__all__ = [
    "CSP",
    "DATA_STORES",
    "NOT_MEASURED",
    "ReviewPack",
    "build_review",
    "load_results",
    "render_html",
    "render_markdown",
    "render_review",
]
