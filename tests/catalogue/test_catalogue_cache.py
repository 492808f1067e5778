"""The catalogue is read once per process: the built-in data once, an overrides file again only when it changes."""

from __future__ import annotations

import os
from pathlib import Path

from aifab.catalogue import load_catalogue


def test_an_overrides_file_is_read_once_until_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text("accelerators:\n  h100-sxm:\n    tdp_w: 650\n", encoding="utf-8")
    first = load_catalogue(path)
    assert load_catalogue(path) is first
    assert load_catalogue(str(path)) is first
    path.write_text("accelerators:\n  h100-sxm:\n    tdp_w: 640\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a new mtime, however coarse the clock
    changed = load_catalogue(path)
    assert changed is not first
    assert changed.accelerator("h100-sxm").tdp_w == 640
    assert load_catalogue() is load_catalogue()
