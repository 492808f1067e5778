"""Partition rules (the EU sovereign profile, US ITAR): every AWS site is in one AWS partition."""

from __future__ import annotations

from collections.abc import Iterator

from aifab.blueprints import Site
from aifab.design.design import Design
from aifab.errors import InputError
from aifab.policy import PolicyContext, Rule, Verdict, example, fail, not_applicable, passed
from aifab.policy.frameworks import FrameworkRef
from aifab.policy.harness import EXAMPLE_TODAY

from .examples import boundary_example, site_example
from .jurisdictions import Jurisdiction
from .scope import scoped


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
        waivable=j.code == "EU",  # critical rules can be neither waived nor disabled
        disableable=j.code == "EU",
        target="design",
        check=check,
        requires=("catalogue",),
        frameworks=refs,
        remediation=f"Deploy to a region of partition {partition} (e.g. {home_region}).",
        passing=(
            example(boundary_example(j), site_example(j, home_region), params={switch: True}, today=EXAMPLE_TODAY),
        ),
        failing=(example(boundary_example(j), site_example(j), params={switch: True}, today=EXAMPLE_TODAY),),
    )
