"""Hostile output paths: ``--output`` never replaces what it should not, and writes all files or none."""

from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from aifab.cli.main import cli
from aifab.errors import InputError
from aifab.report import check_outputs, write_all

ROOT = Path(__file__).resolve().parents[2]
TODAY = ("--today", "2026-12-01")


@pytest.fixture(autouse=True)
def _no_github_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    """A copy of a compliant design with its own policy config and waivers, inside tmp_path."""
    folder = tmp_path / "stack"
    folder.mkdir()
    shutil.copy(ROOT / "tests/policy/fixtures/good.yaml", folder / "design.yaml")
    (folder / "policy.yaml").write_text("max_waiver_days: 365\n")
    (folder / "waivers.yaml").write_text("waivers: []\n")
    return folder


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", *args, *TODAY])
    return result.exit_code, result.stdout, result.stderr


def test_a_symlink_is_written_through_to_its_target(stack: Path, tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    code, _, err = check(str(stack), "--output", f"json={link}")
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["summary"]["exit_code"] == 0


def test_a_dangling_symlink_creates_its_target(stack: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.sarif"
    link.symlink_to(tmp_path / "made.sarif")
    code, _, _ = check(str(stack), "--output", f"sarif={link}")
    assert code == 0 and link.is_symlink()
    assert json.loads((tmp_path / "made.sarif").read_text())["version"] == "2.1.0"


def test_a_symlink_loop_is_refused(stack: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.symlink_to(b)
    b.symlink_to(a)
    code, _, err = check(str(stack), "--output", f"json={a}")
    assert code == 2
    assert "a.json" in err and "symbolic link" in err


def test_a_fifo_is_never_replaced(stack: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    code, _, err = check(str(stack), "--output", f"json={fifo}")
    assert code == 2
    assert "pipe.json" in err and "FIFO" in err
    assert fifo.is_fifo()


def test_a_symlink_to_a_fifo_is_refused(stack: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "out.xml"
    link.symlink_to(fifo)
    code, _, err = check(str(stack), "--output", f"junit={link}")
    assert code == 2 and "FIFO" in err
    assert fifo.is_fifo() and link.is_symlink()


def test_a_socket_is_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    if len(str(path)) > 100:
        pytest.skip("the temporary folder's path is too long for a unix socket")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(InputError, match="socket"):
            write_all({path: "text"})
        assert path.is_socket()
    finally:
        server.close()


def test_a_hard_linked_file_is_never_replaced(stack: Path, tmp_path: Path) -> None:
    original = tmp_path / "original.md"
    original.write_text("keep me")
    twin = tmp_path / "twin.md"
    os.link(original, twin)
    code, _, err = check(str(stack), "--output", f"markdown={twin}")
    assert code == 2
    assert "twin.md" in err and "hard links" in err
    assert original.read_text() == twin.read_text() == "keep me"
    assert os.stat(original).st_ino == os.stat(twin).st_ino


@pytest.mark.parametrize("name", ["design.yaml", "policy.yaml", "waivers.yaml"])
def test_an_input_is_never_written_over(stack: Path, name: str) -> None:
    before = (stack / name).read_text()
    code, _, err = check(str(stack), "--output", f"json={stack / name}")
    assert code == 2
    assert name in err and "inputs" in err
    assert (stack / name).read_text() == before


def test_an_input_reached_through_a_symlink_or_another_spelling_is_refused(stack: Path, tmp_path: Path) -> None:
    link = tmp_path / "innocent.json"
    link.symlink_to(stack / "waivers.yaml")
    code, _, err = check(str(stack), "--output", f"json={link}")
    assert code == 2 and "inputs" in err
    spelled = stack / ".." / "stack" / "." / "policy.yaml"
    code, _, err = check(str(stack), "--output", f"sarif={spelled}")
    assert code == 2 and "inputs" in err


def test_the_catalogue_file_is_an_input(stack: Path, tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text("{}\n")
    code, _, err = check(str(stack), "--catalogue", str(catalogue), "--output", f"json={catalogue}")
    assert code == 2 and "inputs" in err
    assert catalogue.read_text() == "{}\n"


def test_two_formats_naming_one_file_is_an_error(stack: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    code, _, err = check(str(stack), "--output", f"json={out}", "--output", f"sarif={out}")
    assert code == 2 and "out.txt" in err
    code, _, err = check(str(stack), "--output", f"json={out}", "--output", f"sarif={tmp_path}/./out.txt")
    assert code == 2 and "same file" in err
    link = tmp_path / "alias.txt"
    link.symlink_to(out)
    code, _, err = check(str(stack), "--output", f"json={out}", "--output", f"sarif={link}")
    assert code == 2 and "same file" in err
    assert not out.exists()


def test_dash_is_standard_output(stack: Path) -> None:
    code, out, _ = check(str(stack), "--output", "json=-")
    assert code == 0
    assert json.loads(out)["summary"]["exit_code"] == 0
    code, _, err = check(str(stack), "--output", "json=-", "--output", "sarif=-")
    assert code == 2 and "standard output" in err


def test_outputs_are_written_all_or_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second, third = (tmp_path / n for n in ("a.json", "b.json", "c.json"))
    first.write_text("old a")
    second.write_text("old b")
    real_replace = os.replace
    calls = {"n": 0}

    def failing_replace(src: str, dst: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # the third rename into place fails
            raise OSError(28, "No space left on device")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(InputError, match="no output was changed"):
        write_all({first: "new a", second: "new b", third: "new c"})
    monkeypatch.undo()
    assert first.read_text() == "old a" and second.read_text() == "old b"
    assert not third.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]  # no temporary file left


def test_a_bad_output_fails_before_any_file_is_written(stack: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    fifo = tmp_path / "bad.sarif"
    os.mkfifo(fifo)
    code, _, _ = check(str(stack), "--output", f"json={good}", "--output", f"sarif={fifo}")
    assert code == 2 and not good.exists()


def test_report_and_preview_never_write_over_their_baseline(tmp_path: Path) -> None:
    baseline = tmp_path / "plan.json"
    baseline.write_text("{}")
    with pytest.raises(InputError, match="inputs"):
        check_outputs([tmp_path / "plan.json"], inputs=[baseline])
    assert baseline.read_text() == "{}"


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder"):
        check_outputs([tmp_path])
