from __future__ import annotations

import pytest
from pydantic import ValidationError

from aifab.blueprints import AccessControl, AuditLog, KeyManagement, Role


def test_roles_are_unique_and_queryable() -> None:
    with pytest.raises(ValidationError, match="repeated: admin"):
        AccessControl(id="a", identity_provider="okta", roles=(Role(name="admin", permissions=()),) * 2)
    rbac = AccessControl(
        id="a",
        identity_provider="okta",
        roles=(Role(name="ds", permissions=("train",)), Role(name="mle", permissions=("deploy", "train"))),
    )
    assert rbac.who_may("train") == ("ds", "mle")
    assert rbac.who_may("approve-models") == ()


def test_unknown_permission_is_rejected() -> None:
    with pytest.raises(ValidationError):
        Role(name="x", permissions=("delete-everything",))


def test_key_settings_bounds() -> None:
    with pytest.raises(ValidationError):
        KeyManagement(id="k", deletion_window_days=3)
    with pytest.raises(ValidationError):
        KeyManagement(id="k", rotation_days=30)


def test_cloudtrail_needs_a_bucket() -> None:
    assert AuditLog(id="t").check()[0].code == "missing-link"
    assert AuditLog(id="t", provider="onprem-siem").check() == []
