"""Shared sovereignty rules: one check each, instantiated per jurisdiction by the sovereign packs.

Each sovereign pack (``sovereign-uk``, ``-eu``, ``-us``) has one small module per rule that calls a
factory here with its :class:`Jurisdiction` profile, so the check logic exists once while each pack's
rules carry their own ids (``SOV-UK-GEN-001``), framework references and examples::

    from aifab.policy.sovereignty import UK, allowed_regions
    rule = allowed_regions(UK)

Scope: a pack judges the components inside sovereign boundaries whose jurisdiction is one of the
pack's ``jurisdictions`` parameter. A design with no such boundary fails ``GEN-001`` once, and the
other rules then judge the whole design, so a missing boundary never hides a public endpoint.

Allowed regions: the pack's ``allowed_regions`` parameter when set, else the catalogue's allow-list
for the boundary's jurisdiction (``UK``, ``UK-PLUS-ADEQUATE``...), narrowed by the boundary's own
``allowed_regions``. On-prem and colocation sites are judged by country (``allowed_countries``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from aifab.blueprints import (
    Attestation,
    AuditLog,
    DataLake,
    KeyManagement,
    KubernetesCluster,
    ModelServing,
    Monitoring,
    Network,
    Site,
    SovereignBoundary,
)
from aifab.design.component import Component
from aifab.design.design import Design
from aifab.errors import InputError

from .context import PolicyContext
from .frameworks import FrameworkRef, ref
from .harness import EXAMPLE_TODAY
from .rule import Example, Rule, example
from .verdict import Verdict, fail, not_applicable, passed


@dataclass(frozen=True)
class Jurisdiction:
    """What differs between the sovereign packs: names, example places and framework references."""

    code: str
    pack: str
    name: str
    home_region: str
    foreign_region: str
    home_country: str
    foreign_country: str
    refs: dict[str, tuple[FrameworkRef, ...]] = field(default_factory=dict)
    attestation_example: str = ""

    def rule_id(self, suffix: str) -> str:
        return f"SOV-{self.code}-{suffix}"


UK = Jurisdiction(
    code="UK",
    pack="sovereign-uk",
    name="the United Kingdom",
    home_region="eu-west-2",
    foreign_region="eu-west-1",
    home_country="GB",
    foreign_country="IE",
    attestation_example="Operator personnel are UK-based and security-screened (NCSC CSP 6); "
    "sub-processors are UK-only (NCSC CSP 8)",
    refs={
        "regions": (ref("uk-gdpr", "Art. 44"), ref("ncsc-csp", "2.1")),
        "replication": (ref("uk-gdpr", "Art. 44"), ref("ncsc-csp", "2.1")),
        "keys": (ref("ncsc-csp", "2.3"), ref("uk-gdpr", "Art. 32")),
        "public": (ref("ncsc-csp", "11"), ref("nist-800-53", "SC-7")),
        "guardrail": (ref("control-tower", "CT.MULTISERVICE.PV.1", verified=False), ref("ncsc-csp", "2.1")),
        "telemetry": (ref("ncsc-csp", "2.1"), ref("ncsc-csp", "13")),
        "egress": (ref("ncsc-csp", "11"), ref("nist-800-53", "SC-7(5)")),
        "attestations": (
            ref("ncsc-csp", "5"),
            ref("ncsc-csp", "6"),
            ref("ncsc-csp", "8"),
            ref("ncsc-csp", "12"),
            ref("uk-gdpr", "Art. 46"),
        ),
    },
)

EU = Jurisdiction(
    code="EU",
    pack="sovereign-eu",
    name="the European Union",
    home_region="eu-central-1",
    foreign_region="eu-west-2",
    home_country="DE",
    foreign_country="GB",
    attestation_example="Provider legal seat and immunity from non-EU law (SecNumCloud 19.6); administration "
    "from the EU (SecNumCloud 19.2); transfer basis GDPR Art. 46 SCCs",
    refs={
        "regions": (ref("gdpr", "Art. 44"), ref("gdpr", "Art. 46"), ref("eu-csf", "SOV-3", verified=False)),
        "replication": (ref("gdpr", "Art. 44"), ref("eu-csf", "SOV-3", verified=False)),
        "keys": (ref("gdpr", "Art. 32(1)(a)"), ref("eu-csf", "SOV-3", verified=False)),
        "public": (ref("gdpr", "Art. 32"), ref("nist-800-53", "SC-7")),
        "guardrail": (ref("control-tower", "CT.MULTISERVICE.PV.1", verified=False), ref("gdpr", "Art. 44")),
        "telemetry": (ref("eu-csf", "SOV-7", verified=False), ref("secnumcloud", "19.2.d", verified=False)),
        "egress": (ref("gdpr", "Art. 44"), ref("nist-800-53", "SC-7(5)")),
        "attestations": (
            ref("gdpr", "Art. 45"),
            ref("gdpr", "Art. 46"),
            ref("secnumcloud", "19.6", verified=False),
            ref("secnumcloud", "19.2.c", verified=False),
        ),
    },
)

US = Jurisdiction(
    code="US",
    pack="sovereign-us",
    name="the United States",
    home_region="us-east-1",
    foreign_region="eu-west-1",
    home_country="US",
    foreign_country="DE",
    attestation_example="FedRAMP Moderate P-ATO inherited by the system (package FR0000000000)",
    refs={
        "regions": (ref("nist-800-53", "SA-9(5)"), ref("itar", "22 CFR 120-130", verified=False)),
        "replication": (ref("nist-800-53", "SA-9(5)"),),
        "keys": (ref("nist-800-53", "SC-12"), ref("nist-800-53", "SC-28"), ref("cjis", "SC-13", verified=False)),
        "public": (ref("nist-800-53", "SC-7"),),
        "guardrail": (ref("control-tower", "CT.MULTISERVICE.PV.1", verified=False), ref("nist-800-53", "SA-9(5)")),
        "telemetry": (ref("nist-800-53", "SA-9(5)"), ref("nist-800-53", "AU-9")),
        "egress": (ref("nist-800-53", "SC-7(5)"),),
        "attestations": (
            ref("fedramp", "P-ATO/ATO"),
            ref("cjis", "PS-3", verified=False),
            ref("itar", "US persons", verified=False),
        ),
    },
)


# --- scope and allow-lists ----------------------------------------------------------------------------


def _codes(ctx: PolicyContext) -> set[str]:
    return {str(j).upper() for j in ctx.params.get("jurisdictions", [])}


def boundaries(ctx: PolicyContext) -> list[SovereignBoundary]:
    """The boundaries this pack judges."""
    codes = _codes(ctx)
    return [
        b
        for b in ctx.components("sovereign_boundary")
        if isinstance(b, SovereignBoundary) and b.jurisdiction.upper() in codes
    ]


def in_scope(ctx: PolicyContext, component: Component) -> bool:
    judged = boundaries(ctx)
    if not judged:
        return True
    boundary = ctx.boundary_of(component)
    return boundary is not None and boundary in judged


def scoped(ctx: PolicyContext, *kinds: str) -> list[Component]:
    return [c for c in ctx.components(*kinds) if in_scope(ctx, c)]


def allowed_regions(ctx: PolicyContext, boundary: SovereignBoundary | None) -> tuple[str, ...]:
    """The regions a component in ``boundary`` may use (see the module docstring)."""
    override = ctx.params.get("allowed_regions")
    if override:
        base = tuple(override)
    else:
        name = boundary.jurisdiction if boundary is not None else next(iter(sorted(_codes(ctx))), "")
        base = _catalogue_regions(ctx, name)
    if boundary is not None and boundary.allowed_regions is not None:
        return tuple(r for r in boundary.allowed_regions if r in base)
    return base


def _catalogue_regions(ctx: PolicyContext, jurisdiction: str) -> tuple[str, ...]:
    if ctx.catalogue is None:
        return ()
    try:
        return tuple(ctx.catalogue.jurisdiction(jurisdiction).allowed_regions)
    except InputError:
        return ()


def _region_text(regions: tuple[str, ...]) -> str:
    return ", ".join(regions) or "none"


def _attested(ctx: PolicyContext, needles: list[str]) -> list[Attestation]:
    """Unexpired attestations of met obligations, in the judged boundaries, that mention any of ``needles``."""
    found = []
    for boundary in boundaries(ctx):
        for a in boundary.attestations:
            text = a.obligation.lower()
            if a.expires >= ctx.today and a.status == "met" and any(n.lower() in text for n in needles):
                found.append(a)
    return found


# --- examples -----------------------------------------------------------------------------------------


def _boundary(j: Jurisdiction, **settings: object) -> SovereignBoundary:
    return SovereignBoundary(id="home", jurisdiction=j.code, **settings)


def _site(j: Jurisdiction, region: str | None = None) -> Site:
    return Site(id="region", provider="aws", region=region or j.home_region, inside="home")


def _example(*components: Component, expect: str | None = None) -> Example:
    return example(*components, today=EXAMPLE_TODAY, expect=expect)  # type: ignore[arg-type]


def _rule(j: Jurisdiction, suffix: str, refs: str, **fields: object) -> Rule:
    return Rule(id=j.rule_id(suffix), pack=j.pack, frameworks=j.refs.get(refs, ()), **fields)  # type: ignore[arg-type]


# --- GEN-001 allowed regions -------------------------------------------------------------------------


def regions_rule(j: Jurisdiction) -> Rule:
    def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
        judged = boundaries(ctx)
        if not judged:
            yield fail(
                f"the design declares no sovereign boundary in {j.name} "
                f"(jurisdiction one of {', '.join(sorted(_codes(ctx)))})"
            )
        countries = set(ctx.params.get("allowed_countries", []))
        for boundary in judged:
            base = (
                allowed_regions(ctx, None)
                if ctx.params.get("allowed_regions")
                else _catalogue_regions(ctx, boundary.jurisdiction)
            )
            outside = [r for r in boundary.allowed_regions or () if r not in base]
            if outside:
                yield fail(
                    f"allows {', '.join(outside)}, outside {j.name}'s allow-list ({_region_text(base)})",
                    component=boundary.id,
                    field="allowed_regions",
                )

        def judge_site(site: Site, allowed: tuple[str, ...], who: str, field: str | None) -> Verdict:
            where = "" if who == site.id else f"sits at site '{site.id}': "
            if site.provider == "aws":
                if site.region in allowed:
                    return passed(f"{where}region {site.region} is allowed", component=who)
                return fail(
                    f"{where}region {site.region} is outside the allow-list ({_region_text(allowed)})",
                    component=who,
                    field=field or "region",
                )
            if site.country is None:
                return fail(
                    f"{where}an on-prem or colocation site must state its country",
                    component=who,
                    field=field or "country",
                )
            if site.country in countries:
                return passed(f"{where}located in {site.country}", component=who)
            return fail(
                f"{where}located in {site.country}, outside {j.name} ({', '.join(sorted(countries))})",
                component=who,
                field=field or "country",
            )

        judged_sites = {s.id for s in scoped(ctx, "site")}
        for site in scoped(ctx, "site"):
            assert isinstance(site, Site)
            yield judge_site(site, allowed_regions(ctx, ctx.boundary_of(site)), site.id, None)
        # Data sits where its site is: a component inside the boundary at a site outside it is judged too.
        for component in ctx.design.components:
            site_id = getattr(component, "site", None)
            if site_id is None or site_id in judged_sites or not in_scope(ctx, component):
                continue
            try:
                site = ctx.graph.component(site_id)
            except KeyError:
                continue  # a dangling link: reported by validation
            if isinstance(site, Site):
                yield judge_site(site, allowed_regions(ctx, ctx.boundary_of(component)), component.id, "site")
        for key in scoped(ctx, "key_management"):
            assert isinstance(key, KeyManagement)
            if key.key_region is not None:
                allowed = allowed_regions(ctx, ctx.boundary_of(key))
                if key.key_region in allowed:
                    yield passed(f"key material in {key.key_region}", component=key.id)
                else:
                    yield fail(
                        f"key material in {key.key_region}, outside the allow-list",
                        component=key.id,
                        field="key_region",
                    )

    return _rule(
        j,
        "GEN-001",
        "regions",
        title=f"Everything stays in {j.name}'s allowed regions",
        why=(
            f"Data residency in {j.name} starts with where things run: every cloud site and key must be in a "
            "region on the jurisdiction's allow-list (from the catalogue, narrowed by the boundary), and every "
            "on-prem site in an allowed country. Global services (IAM, Route 53, CloudFront) keep configuration "
            "metadata outside any region and need review on their own."
        ),
        severity="critical",
        target="design",
        check=check,
        requires=("catalogue",),
        remediation="Move the site to an allowed region or country, or fix the boundary's allowed_regions.",
        passing=(_example(_boundary(j), _site(j)),),
        failing=(
            _example(_boundary(j), _site(j, j.foreign_region)),
            _example(_boundary(j), Site(id="hall", provider="colo", country=j.foreign_country, inside="home")),
            _example(Site(id="region", provider="aws", region=j.home_region)),
        ),
    )


# --- GEN-002 no replication out of the jurisdiction -------------------------------------------------------


def replication_rule(j: Jurisdiction) -> Rule:
    def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
        for lake in scoped(ctx, "data_lake"):
            assert isinstance(lake, DataLake)
            allowed = allowed_regions(ctx, ctx.boundary_of(lake))
            outside = [r for r in lake.replicate_to_regions if r not in allowed]
            if outside:
                yield fail(
                    f"replicates to {', '.join(outside)}, outside {j.name}",
                    component=lake.id,
                    field="replicate_to_regions",
                )
            elif lake.replicate_to_regions:
                yield passed(f"replicates only to {', '.join(lake.replicate_to_regions)}", component=lake.id)
            else:
                yield passed("no cross-region replication", component=lake.id)
        for key in scoped(ctx, "key_management"):
            assert isinstance(key, KeyManagement)
            if key.multi_region:
                yield fail(
                    "a multi-Region key can be replicated to any region later, outside the allow-list",
                    component=key.id,
                    field="multi_region",
                )
            else:
                yield passed("single-region key", component=key.id)

    return _rule(
        j,
        "GEN-002",
        "replication",
        title=f"No data or keys replicate out of {j.name}",
        why=(
            "Replication is how data quietly leaves a jurisdiction: bucket replication to another region, "
            "multi-Region keys, backup copies. Every replica must stay on the allow-list. Audit capture "
            "settings (a CloudTrail multi-Region trail) are not replication: they record activity in every "
            "region into the one bucket the telemetry rule checks."
        ),
        severity="critical",
        target="design",
        check=check,
        requires=("catalogue",),
        remediation="Replicate only to allowed regions (use multi-AZ for resilience) and use single-region keys.",
        passing=(
            _example(
                _boundary(j), DataLake(id="lake", encrypted_by="k", inside="home"), KeyManagement(id="k", inside="home")
            ),
        ),
        failing=(
            _example(
                _boundary(j),
                DataLake(id="lake", encrypted_by="k", inside="home", replicate_to_regions=(j.foreign_region,)),
            ),
            _example(_boundary(j), KeyManagement(id="k", multi_region=True, inside="home")),
        ),
    )


# --- GEN-003 keys under customer control in the jurisdiction -------------------------------------------

ENCRYPTION_LINKS = ("encrypted_by", "secrets_encrypted_by", "volumes_encrypted_by")
CUSTOMER_HELD = ("customer-hsm", "external-key-store")


def keys_rule(j: Jurisdiction) -> Rule:
    def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
        strict = bool(ctx.params.get("require_customer_held_keys", False))
        for boundary in boundaries(ctx):
            if boundary.key_custody == "provider-managed":
                yield fail(
                    "key custody is provider-managed: the provider, not you, controls decryption",
                    component=boundary.id,
                    field="key_custody",
                )
            elif strict and boundary.key_custody not in CUSTOMER_HELD:
                yield fail(
                    f"key custody {boundary.key_custody!r}; this pack requires keys held in your own HSM or "
                    "external key store",
                    component=boundary.id,
                    field="key_custody",
                )
            else:
                yield passed(f"key custody {boundary.key_custody}", component=boundary.id)
        for key in scoped(ctx, "key_management"):
            assert isinstance(key, KeyManagement)
            if key.provider in ("aws-kms", "aws-cloudhsm") and key.key_region is None:
                yield fail(
                    "a cloud key must state key_region so its location can be checked",
                    component=key.id,
                    field="key_region",
                )
        for component in scoped(ctx):
            for link in component.links():
                if link.field not in ENCRYPTION_LINKS:
                    continue
                target = ctx.component(link.target)
                if target is None:
                    continue
                if not in_scope(ctx, target):
                    yield fail(
                        f"encrypted with {target.id!r}, a key outside {j.name}'s boundary",
                        component=component.id,
                        field=link.field,
                    )
                else:
                    yield passed(f"encrypted with {target.id!r}, held inside the boundary", component=component.id)
            encryption = getattr(component, "encryption", "customer-managed-key")
            if encryption != "customer-managed-key":
                yield fail(
                    f"encryption is {encryption!r}: the provider holds the key",
                    component=component.id,
                    field="encryption",
                )

    return _rule(
        j,
        "GEN-003",
        "keys",
        title=f"Encryption keys are held by the customer inside {j.name}",
        why=(
            "Whoever controls the keys controls the data: keys must be customer-managed, their material in an "
            "allowed region, and every encrypted component must use a key inside the same boundary. With the "
            "pack parameter require_customer_held_keys, keys must also live in your own HSM or external key "
            "store (hold-your-own-key)."
        ),
        severity="high",
        target="design",
        check=check,
        remediation=(
            "Set key_custody to customer-managed-kms or stronger, state key_region, and link keys inside the boundary."
        ),
        passing=(
            _example(
                _boundary(j),
                KeyManagement(id="k", key_region=j.home_region, inside="home"),
                DataLake(id="lake", encrypted_by="k", inside="home"),
            ),
        ),
        failing=(
            _example(_boundary(j, key_custody="provider-managed")),
            _example(
                _boundary(j),
                KeyManagement(id="k", key_region=j.home_region),
                DataLake(id="lake", encrypted_by="k", inside="home"),
            ),
            _example(_boundary(j), KeyManagement(id="k", inside="home")),
        ),
    )


# --- GEN-004 no public endpoints ------------------------------------------------------------------------


def public_rule(j: Jurisdiction) -> Rule:
    def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
        exposures = (
            ("kubernetes_cluster", "endpoint_public", True, "the Kubernetes API is public"),
            ("model_serving", "public_endpoint", True, "the inference endpoint is public"),
            ("network", "public_subnets", True, "the network has public subnets"),
            ("data_lake", "public_access_blocked", False, "S3 Block Public Access is off"),
        )
        for kind, field_name, bad, message in exposures:
            for component in scoped(ctx, kind):
                if getattr(component, field_name) == bad:
                    yield fail(f"{message} inside {j.name}'s boundary", component=component.id, field=field_name)
                else:
                    yield passed("not exposed to the internet", component=component.id)

    return _rule(
        j,
        "GEN-004",
        "public",
        title=f"Nothing inside {j.name}'s boundary is exposed to the internet",
        why=(
            "A sovereign boundary is a network boundary too: a public control plane, endpoint, subnet or bucket "
            "lets anyone, anywhere, reach data that must stay inside. This overlaps the baseline rules on "
            "purpose: here it is a residency control with the jurisdiction's own references."
        ),
        severity="high",
        target="design",
        check=check,
        remediation="Make every endpoint private; publish services through an approved gateway inside the boundary.",
        passing=(_example(_boundary(j), KubernetesCluster(id="k8s", provider="eks", inside="home")),),
        failing=(
            _example(_boundary(j), ModelServing(id="serve", pool="gpu", public_endpoint=True, inside="home")),
            _example(
                _boundary(j), Network(id="vpc", provider="aws", cidr="10.0.0.0/16", public_subnets=True, inside="home")
            ),
        ),
    )


# --- GEN-005 preventive region guardrail ---------------------------------------------------------------


def guardrail_rule(j: Jurisdiction) -> Rule:
    def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
        cloud = [s for s in scoped(ctx, "site") if isinstance(s, Site) and s.provider == "aws"]
        if not cloud:
            yield not_applicable("no AWS site inside the boundary")
            return
        needles = list(ctx.params.get("guardrail_attestations", []))
        found = _attested(ctx, needles)
        target = boundaries(ctx)[0].id if boundaries(ctx) else None
        if found:
            yield passed(f"attested: {found[0].obligation} (until {found[0].expires})", component=target)
        else:
            yield fail(
                "no unexpired attestation of a region-deny guardrail (an SCP denying requests outside the "
                f"allow-list, e.g. Control Tower CT.MULTISERVICE.PV.1); looked for: {', '.join(needles)}",
                component=target,
                field="attestations",
            )

    guard = Attestation(
        obligation="Region-deny SCP (Control Tower CT.MULTISERVICE.PV.1) on workload OUs",
        evidence="https://example.org/scp",
        expires=dt.date(2030, 1, 1),
    )
    return _rule(
        j,
        "GEN-005",
        "guardrail",
        title=f"A preventive guardrail denies regions outside {j.name}",
        why=(
            "Design checks catch what is written down; a service control policy that denies every request "
            "outside the allow-list also stops what is not (a console click, a script in another region). The "
            "organisation's SCPs live outside this design, so the rule asks for an unexpired attestation that "
            "names the guardrail; a resource-level rule can check the SCP itself once it is in a stack."
        ),
        severity="high",
        target="design",
        check=check,
        remediation="Attach a region-deny SCP to the workload OUs and record it as an attestation on the boundary.",
        passing=(_example(_boundary(j, attestations=(guard,)), _site(j)),),
        failing=(_example(_boundary(j), _site(j)),),
    )


# --- GEN-006 telemetry stays in the jurisdiction ---------------------------------------------------------


def telemetry_rule(j: Jurisdiction) -> Rule:
    def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
        for trail in scoped(ctx, "audit_log"):
            assert isinstance(trail, AuditLog)
            stores = ctx.linked(trail, "stores_in")
            if trail.provider == "cloudtrail" and not stores:
                yield fail(
                    "the trail names no bucket, so where its logs land is unknown",
                    component=trail.id,
                    field="stores_in",
                )
                continue
            for store in stores:
                region = ctx.region_of(store)
                allowed = allowed_regions(ctx, ctx.boundary_of(store))
                if not in_scope(ctx, store):
                    yield fail(
                        f"delivers logs to {store.id!r}, outside the boundary", component=trail.id, field="stores_in"
                    )
                elif region is not None and region not in allowed:
                    yield fail(
                        f"delivers logs to {store.id!r} in {region}, outside the allow-list",
                        component=trail.id,
                        field="stores_in",
                    )
                else:
                    yield passed(f"logs land in {store.id!r} inside the boundary", component=trail.id)
        saas = set(ctx.params.get("allowed_telemetry_services", []))
        for monitoring in scoped(ctx, "monitoring"):
            assert isinstance(monitoring, Monitoring)
            if monitoring.stack == "datadog" and "datadog" not in saas:
                yield fail(
                    "metrics and logs go to a SaaS service outside the boundary (datadog)",
                    component=monitoring.id,
                    field="stack",
                )
            else:
                yield passed(f"telemetry stays in the boundary ({monitoring.stack})", component=monitoring.id)
        for lake in scoped(ctx, "data_lake"):
            for trail in ctx.linked(lake, "logs_to"):
                if not in_scope(ctx, trail):
                    yield fail(
                        f"access logs go to {trail.id!r}, outside the boundary", component=lake.id, field="logs_to"
                    )

    return _rule(
        j,
        "GEN-006",
        "telemetry",
        title=f"Logs and telemetry stay in {j.name}",
        why=(
            "Logs and metrics carry user identifiers, prompts and data paths; they are data too. Audit trails "
            "must land in a bucket inside the boundary and monitoring must not ship to an outside SaaS unless "
            "the pack parameter allowed_telemetry_services lists it."
        ),
        severity="high",
        target="design",
        check=check,
        requires=("catalogue",),
        remediation="Deliver audit logs to a bucket inside the boundary and run monitoring inside it.",
        passing=(
            _example(
                _boundary(j),
                _site(j),
                AuditLog(id="trail", stores_in="logs", inside="home"),
                DataLake(id="logs", encrypted_by="k", site="region", inside="home"),
            ),
        ),
        failing=(
            _example(
                _boundary(j),
                AuditLog(id="trail", stores_in="logs", inside="home"),
                DataLake(id="logs", encrypted_by="k"),
            ),
            _example(_boundary(j), Monitoring(id="mon", stack="datadog", monitors=("x",), inside="home")),
        ),
    )


# --- GEN-007 egress is controlled -------------------------------------------------------------------


def egress_rule(j: Jurisdiction) -> Rule:
    def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
        judged = boundaries(ctx)
        if not judged:
            yield not_applicable("no boundary to judge")
        for boundary in judged:
            if boundary.egress == "open":
                yield fail(
                    "egress is open: anything inside can send data anywhere", component=boundary.id, field="egress"
                )
            else:
                detail = f" to {', '.join(boundary.egress_allow)}" if boundary.egress_allow else ""
                yield passed(f"egress {boundary.egress}{detail}", component=boundary.id)

    return _rule(
        j,
        "GEN-007",
        "egress",
        title=f"Traffic leaving {j.name}'s boundary is controlled",
        why=(
            "Residency rules about where data is stored mean little if any workload can send it out; the "
            "boundary must deny egress by default or allow only listed destinations."
        ),
        severity="high",
        target="design",
        check=check,
        remediation="Set egress: deny-all, or allow-list with egress_allow naming the permitted destinations.",
        passing=(_example(_boundary(j)),),
        failing=(_example(_boundary(j, egress="open")),),
    )


# --- ATT-001 attestations present and unexpired --------------------------------------------------------


def attestations_rule(j: Jurisdiction) -> Rule:
    def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
        judged = boundaries(ctx)
        if not judged:
            yield fail(f"no sovereign boundary in {j.name} to hold attestations")
            return
        required = [str(r) for r in ctx.params.get("required_attestations", [])]
        for boundary in judged:
            expired = [a for a in boundary.attestations if a.expires < ctx.today]
            for a in expired:
                yield fail(
                    f"attestation expired on {a.expires}: {a.obligation}", component=boundary.id, field="attestations"
                )
            current = [a for a in boundary.attestations if a.expires >= ctx.today]

            def covering(requirement: str, pool: list[Attestation]) -> Attestation | None:
                alternatives = [alt.strip().lower() for alt in requirement.split("|")]
                return next((a for a in pool if any(alt in a.obligation.lower() for alt in alternatives)), None)

            met = [a for a in current if a.status == "met"]
            missing = [r for r in required if covering(r, met) is None]
            accepted = {r: covering(r, [a for a in current if a.status == "risk-accepted"]) for r in missing}
            for requirement, attestation in accepted.items():
                if attestation is not None:
                    yield fail(
                        f"not met, risk accepted by {attestation.accepted_by}: {requirement} "
                        f"(recorded until {attestation.expires})",
                        component=boundary.id,
                        field="attestations",
                    )
            unrecorded = [r for r, a in accepted.items() if a is None]
            if unrecorded:
                yield fail(
                    f"no unexpired attestation covers: {'; '.join(unrecorded)}",
                    component=boundary.id,
                    field="attestations",
                )
            if not missing and not expired:
                soonest = min((a.expires for a in boundary.attestations), default=None)
                yield passed(
                    f"{len(boundary.attestations)} attestations, all current"
                    + (f" (next expiry {soonest})" if soonest else ""),
                    component=boundary.id,
                )

    good = Attestation(
        obligation=j.attestation_example, evidence="https://example.org/evidence", expires=dt.date(2027, 6, 30)
    )
    old = Attestation(
        obligation=j.attestation_example, evidence="https://example.org/evidence", expires=dt.date(2026, 1, 31)
    )
    return _rule(
        j,
        "ATT-001",
        "attestations",
        title=f"Sovereignty attestations for {j.name} are recorded and current",
        why=(
            "Some obligations cannot be seen in infrastructure code: who operates the platform and where, the "
            "provider's legal exposure, the legal basis for any transfer. They are recorded as attestations "
            "with evidence and an expiry; the rule checks that each required one (pack parameter "
            "required_attestations; 'A|B' accepts either) is present and that none has expired. An obligation "
            "recorded as not met with the risk accepted (status risk-accepted, accepted_by) stays a finding, "
            "naming who accepted it. It checks the record exists, not that the claim is true."
        ),
        severity="low",
        target="design",
        check=check,
        remediation="Add or renew attestations on the sovereign boundary, with evidence links and expiry dates.",
        passing=(_example(_boundary(j, attestations=(good,))),),
        failing=(_example(_boundary(j, attestations=(old,))), _example(_boundary(j))),
    )


# --- partition rules (EU sovereign profile, US ITAR) ---------------------------------------------------


def partition_rule(
    j: Jurisdiction,
    suffix: str,
    *,
    switch: str,
    partition: str,
    title: str,
    why: str,
    refs: tuple[FrameworkRef, ...],
    home_region: str,
) -> Rule:
    def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
        if not ctx.params.get(switch):
            yield not_applicable(f"the pack parameter {switch} is off")
            return
        assert ctx.catalogue is not None
        cloud = [s for s in scoped(ctx, "site") if isinstance(s, Site) and s.provider == "aws"]
        if not cloud:
            yield not_applicable("no AWS site inside the boundary")
        for site in cloud:
            try:
                found = ctx.catalogue.region(site.region or "").partition
            except InputError:
                found = "unknown"
            if found == partition:
                yield passed(f"{site.region} is in partition {partition}", component=site.id)
            else:
                yield fail(f"{site.region} is in partition {found}, not {partition}", component=site.id, field="region")

    return Rule(
        id=j.rule_id(suffix),
        pack=j.pack,
        title=title,
        why=why,
        severity="high" if j.code == "EU" else "critical",
        target="design",
        check=check,
        requires=("catalogue",),
        frameworks=refs,
        remediation=f"Deploy to a region of partition {partition} (e.g. {home_region}).",
        passing=(example(_boundary(j), _site(j, home_region), params={switch: True}, today=EXAMPLE_TODAY),),
        failing=(example(_boundary(j), _site(j), params={switch: True}, today=EXAMPLE_TODAY),),
    )


__all__ = [
    "EU",
    "UK",
    "US",
    "Jurisdiction",
    "allowed_regions",
    "attestations_rule",
    "boundaries",
    "egress_rule",
    "guardrail_rule",
    "in_scope",
    "keys_rule",
    "partition_rule",
    "public_rule",
    "regions_rule",
    "replication_rule",
    "telemetry_rule",
]
