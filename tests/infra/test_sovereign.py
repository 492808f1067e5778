"""A private cloud publishes its site's bill of materials, and writes it on a real deploy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aifab.design.loader import load_design

from .conftest import realise_design

FIXTURE = Path(__file__).parent / "fixtures" / "sovereign_colo.yaml"


def test_preview_publishes_the_bill_of_materials_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    capture = realise_design(load_design(FIXTURE).design, "onprem", preview=True)
    assert capture.types() == {"aifab:sovereign:PrivateCloud": 1}
    bom = capture.outputs["hall-cloud"]["bill_of_materials"]
    assert bom["site"] == "hall"
    assert bom["pools"] == [
        {
            "id": "train",
            "hardware": "dgx-h100",
            "accelerator": "h100-sxm",
            "nodes": 32,
            "accelerators": 256,
            "node_power_kw": 10.2,
            "node_rack_units": 8,
        }
    ]
    (fabric,) = bom["fabrics"]
    assert (fabric["id"], fabric["switch_model"], fabric["switches"]) == ("ib", "quantum-2-qm9700", 12)
    assert fabric["cables"] > 0 and fabric["transceivers"] > 0
    assert bom["file_systems"][0]["capacity_tib"] == 500
    assert bom["racks"]["total"] >= bom["racks"]["compute"] > 0
    assert bom["power"]["it_kw"] > 0
    assert not (tmp_path / "bom").exists()


def test_real_deploy_writes_the_same_bill_deterministically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    design = load_design(FIXTURE).design
    capture = realise_design(design, "onprem", preview=False)
    file = tmp_path / "bom" / "onprem-hall.json"
    first = file.read_text()
    assert json.loads(first) == capture.outputs["hall-cloud"]["bill_of_materials"]
    realise_design(design, "onprem", preview=False)
    assert file.read_text() == first
    assert [p.name for p in (tmp_path / "bom").iterdir()] == ["onprem-hall.json"]  # no temporary left
    assert capture.created_in_apply == []
