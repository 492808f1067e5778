"""Security and governance: key management, audit logging, and access control with separated roles.

>>> from aifab.blueprints.security import AccessControl, AuditLog, KeyManagement, Role
>>> kms = KeyManagement(id="kms", provider="aws-kms")
>>> trail = AuditLog(id="audit", provider="cloudtrail", encrypted_by=kms, stores_in="audit-lake")
>>> rbac = AccessControl(id="rbac", identity_provider="entra-id", roles=(
...     Role(name="data-scientist", permissions=("train", "read-experiment-data")),
...     Role(name="ml-engineer", permissions=("deploy",)),
...     Role(name="platform-admin", permissions=("administer-infrastructure",)),
...     Role(name="auditor", permissions=("read-audit-logs",)),
... ))
>>> rbac.who_may("deploy")
('ml-engineer',)
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, field_validator

from aifab.design.component import SPEC_CONFIG, Link, Ref, StrictNumbers
from aifab.errors import Diagnostic

from ._placement import ENCRYPTION_KEY, Placed

Permission = Literal[
    "train",
    "deploy",
    "modify-models",
    "approve-models",
    "register-models",
    "read-experiment-data",
    "read-production-data",
    "administer-infrastructure",
    "read-audit-logs",
]


class KeyManagement(Placed):
    """Customer-managed keys (KMS, an HSM, or an external key store)."""

    kind: Literal["key_management"] = "key_management"
    area: ClassVar[str] = "security"
    needs_site: ClassVar[bool] = False  # a cloud KMS is regional, not racked; custody is what matters
    catalogue_refs: ClassVar[dict[str, str]] = {"key_region": "region"}

    provider: Literal["aws-kms", "aws-cloudhsm", "external-key-store", "vault", "onprem-hsm"] = "aws-kms"
    rotation_days: Annotated[int | None, Field(ge=90, le=2560)] = 365
    multi_region: bool = False
    deletion_window_days: Annotated[int, Field(ge=7, le=30)] = 30
    key_region: str | None = Field(default=None, description="cloud region holding the key material")


class AuditLog(Placed):
    """Who did what, when: a tamper-evident, encrypted audit trail."""

    kind: Literal["audit_log"] = "audit_log"
    area: ClassVar[str] = "security"
    needs_site: ClassVar[bool] = False

    provider: Literal["cloudtrail", "onprem-siem", "splunk", "loki"] = "cloudtrail"
    multi_region: bool = True
    log_file_validation: bool = True
    data_events: bool = True
    retention_days: Annotated[int, Field(ge=1, le=36_500)] = 400

    encrypted_by: Annotated[Ref | None, ENCRYPTION_KEY] = None
    stores_in: Annotated[Ref | None, Link("stores_logs_in", ("data_lake",))] = None

    def check(self) -> list[Diagnostic]:
        problems = super().check()
        if self.provider == "cloudtrail" and self.stores_in is None:
            problems.append(
                self.problem("missing-link", "a CloudTrail trail needs a bucket to deliver to (field 'stores_in')")
            )
        return problems


class Role(StrictNumbers):
    """A role and what it may do. Separation of duties is checked by the governance policy pack."""

    model_config = SPEC_CONFIG

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,62}$")]
    permissions: tuple[Permission, ...]
    environments: tuple[str, ...] = ()
    members_group: str | None = None


class AccessControl(Placed):
    """Roles, the identity provider, and which components they govern."""

    kind: Literal["access_control"] = "access_control"
    area: ClassVar[str] = "security"
    needs_site: ClassVar[bool] = False

    identity_provider: Annotated[str, Field(min_length=2)]
    mfa_required: bool = True
    roles: Annotated[tuple[Role, ...], Field(min_length=1)]
    governs: Annotated[tuple[Ref, ...], Link("governs", ("*",))] = ()

    @field_validator("roles")
    @classmethod
    def _unique_roles(cls, roles: tuple[Role, ...]) -> tuple[Role, ...]:
        names = [r.name for r in roles]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"role names must be unique; repeated: {', '.join(dupes)}")
        return roles

    def who_may(self, permission: Permission) -> tuple[str, ...]:
        """Names of the roles granted ``permission``."""
        return tuple(r.name for r in self.roles if permission in r.permissions)
