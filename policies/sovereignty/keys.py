"""GEN-003: encryption keys are held by the customer, inside the boundary.

A store encrypted with a provider-managed key instead of a customer-managed one is reported by the
baseline-security rules that own it (SEC-S3-002 for data lakes, SEC-FSX-001 for file systems and vector
databases), not again here: this rule judges the boundary's key custody, where keys are, and whether every
encrypted component uses a key inside the boundary.
"""

from __future__ import annotations

from collections.abc import Iterator

from aifab.blueprints import DataLake, KeyManagement
from aifab.design.design import Design
from aifab.policy import PolicyContext, Rule, Verdict, fail, passed

from .examples import boundary_example, jurisdiction_rule, sovereign_example
from .jurisdictions import Jurisdiction
from .scope import boundaries, in_scope, scoped

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

    return jurisdiction_rule(
        j,
        "GEN-003",
        "keys",
        title=f"Encryption keys are held by the customer inside {j.name}",
        why=(
            "Whoever controls the keys controls the data: keys must be customer-managed, their material in an "
            "allowed region, and every encrypted component must use a key inside the same boundary. With the "
            "pack parameter require_customer_held_keys, keys must also live in your own HSM or external key "
            "store (hold-your-own-key). A store encrypted with a provider-managed key is reported by the "
            "baseline-security rule that owns it (SEC-S3-002, SEC-FSX-001), not again here."
        ),
        severity="high",
        target="design",
        check=check,
        remediation=(
            "Set key_custody to customer-managed-kms or stronger, state key_region, and link keys inside the boundary."
        ),
        passing=(
            sovereign_example(
                boundary_example(j),
                KeyManagement(id="k", key_region=j.home_region, inside="home"),
                DataLake(id="lake", encrypted_by="k", inside="home"),
            ),
        ),
        failing=(
            sovereign_example(boundary_example(j, key_custody="provider-managed")),
            sovereign_example(
                boundary_example(j),
                KeyManagement(id="k", key_region=j.home_region),
                DataLake(id="lake", encrypted_by="k", inside="home"),
            ),
            sovereign_example(boundary_example(j), KeyManagement(id="k", inside="home")),
        ),
    )
