"""GEN-006: logs and telemetry stay in the jurisdiction."""

from __future__ import annotations

from collections.abc import Iterator

from aifab.blueprints import AuditLog, DataLake, Monitoring
from aifab.design.design import Design
from aifab.policy import PolicyContext, Rule, Verdict, fail, passed

from .examples import boundary_example, jurisdiction_rule, site_example, sovereign_example
from .jurisdictions import Jurisdiction
from .scope import allowed_regions, in_scope, scoped


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

    return jurisdiction_rule(
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
            sovereign_example(
                boundary_example(j),
                site_example(j),
                AuditLog(id="trail", stores_in="logs", inside="home"),
                DataLake(id="logs", encrypted_by="k", site="region", inside="home"),
            ),
        ),
        failing=(
            sovereign_example(
                boundary_example(j),
                AuditLog(id="trail", stores_in="logs", inside="home"),
                DataLake(id="logs", encrypted_by="k"),
            ),
            sovereign_example(
                boundary_example(j), Monitoring(id="mon", stack="datadog", monitors=("x",), inside="home")
            ),
        ),
    )
