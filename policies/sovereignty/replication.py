"""GEN-002: no data or keys replicate out of the jurisdiction."""

from __future__ import annotations

from collections.abc import Iterator

from aifab.blueprints import DataLake, KeyManagement
from aifab.design.design import Design
from aifab.policy import PolicyContext, Rule, Verdict, fail, passed

from .examples import boundary_example, jurisdiction_rule, sovereign_example
from .jurisdictions import Jurisdiction
from .scope import allowed_regions, scoped


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

    return jurisdiction_rule(
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
            sovereign_example(
                boundary_example(j),
                DataLake(id="lake", encrypted_by="k", inside="home"),
                KeyManagement(id="k", inside="home"),
            ),
        ),
        failing=(
            sovereign_example(
                boundary_example(j),
                DataLake(id="lake", encrypted_by="k", inside="home", replicate_to_regions=(j.foreign_region,)),
            ),
            sovereign_example(boundary_example(j), KeyManagement(id="k", multi_region=True, inside="home")),
        ),
    )
