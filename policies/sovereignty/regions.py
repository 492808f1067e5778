"""GEN-001: everything stays in the jurisdiction's allowed regions (cloud sites, keys) and countries (on-prem)."""

from __future__ import annotations

from collections.abc import Iterator

from aifab.blueprints import KeyManagement, Site
from aifab.design.design import Design
from aifab.policy import PolicyContext, Rule, Verdict, fail, passed

from .examples import boundary_example, jurisdiction_rule, site_example, sovereign_example
from .jurisdictions import Jurisdiction
from .scope import allowed_regions, boundaries, codes, in_scope, region_text, scoped


def regions_rule(j: Jurisdiction) -> Rule:
    def check(design: Design, ctx: PolicyContext) -> Iterator[Verdict]:
        judged = boundaries(ctx)
        if not judged:
            yield fail(
                f"the design declares no sovereign boundary in {j.name} "
                f"(jurisdiction one of {', '.join(sorted(codes(ctx)))})"
            )
        countries = set(ctx.params.get("allowed_countries", []))
        for boundary in judged:
            base = (
                allowed_regions(ctx, None)
                if ctx.params.get("allowed_regions")
                else ctx.jurisdiction_regions(boundary.jurisdiction)
            )
            outside = [r for r in boundary.allowed_regions or () if r not in base]
            if outside:
                yield fail(
                    f"allows {', '.join(outside)}, outside {j.name}'s allow-list ({region_text(base)})",
                    component=boundary.id,
                    field="allowed_regions",
                )

        def judge_site(site: Site, allowed: tuple[str, ...], who: str, field: str | None) -> Verdict:
            where = "" if who == site.id else f"sits at site '{site.id}': "
            if site.provider == "aws":
                if site.region in allowed:
                    return passed(f"{where}region {site.region} is allowed", component=who)
                return fail(
                    f"{where}region {site.region} is outside the allow-list ({region_text(allowed)})",
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

    return jurisdiction_rule(
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
        passing=(sovereign_example(boundary_example(j), site_example(j)),),
        failing=(
            sovereign_example(boundary_example(j), site_example(j, j.foreign_region)),
            sovereign_example(
                boundary_example(j), Site(id="hall", provider="colo", country=j.foreign_country, inside="home")
            ),
            sovereign_example(Site(id="region", provider="aws", region=j.home_region)),
        ),
    )
