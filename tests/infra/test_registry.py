"""Every deployable blueprint kind has exactly one realiser, with the ``aifab:<area>:<Kind>`` type token."""

from __future__ import annotations

from aifab.blueprints import KINDS
from aifab.infra import REALISERS


def test_every_deployable_kind_is_realised_and_nothing_else() -> None:
    deployable = {cls.model_fields["kind"].default for cls in KINDS if cls.deployable}
    assert set(REALISERS) == deployable


def test_realisers_are_named_after_their_blueprint() -> None:
    for cls in KINDS:
        kind = cls.model_fields["kind"].default
        if kind in REALISERS:
            realiser = REALISERS[kind]
            assert realiser.__module__ == f"aifab.infra.{cls.area}", (kind, realiser.__module__)
