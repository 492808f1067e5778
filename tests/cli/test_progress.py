"""Long work shows progress on a terminal's stderr, and nothing at all when stderr is piped."""

from __future__ import annotations

import io
import re

import pytest
from click.testing import CliRunner
from rich.console import Console

from aifab.cli import _common
from aifab.cli.main import cli

ARTEFACTS = re.compile(r"\x1b\[|\r|[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏━]|checking|previewing|generating")


def _stderr(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stderr


def test_piped_check_has_no_progress_artefacts() -> None:
    code, err = _stderr(["check", "stacks", "--no-preview", "--today", "2026-12-01"])
    assert code in (0, 1)
    assert not ARTEFACTS.search(err), err


def test_piped_preview_has_no_progress_artefacts() -> None:
    code, err = _stderr(["preview", "stacks/eu-sovereign-inference", "--env", "dev", "--today", "2026-12-01"])
    assert code == 0
    assert err == ""


def test_a_terminal_sees_the_progress_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(_common, "err", Console(file=screen, force_terminal=True, width=100))
    code, _ = _stderr(["check", "stacks", "--no-preview", "--today", "2026-12-01"])
    assert code in (0, 1)
    assert "checking" in screen.getvalue() and "/3" in screen.getvalue()  # one step per reference stack


def test_progress_is_silent_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(_common, "err", Console(file=screen, force_terminal=False))
    with _common.progress("working", total=2) as step:
        step("a")
        step("b")
    assert screen.getvalue() == ""
