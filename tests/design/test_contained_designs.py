"""Python designs run contained (issue 15): in a child process with a time limit, output captured, the
caller's working directory untouched, and the design sent back as data and validated again here."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from aifab.cli.main import cli
from aifab.design.loader import load_design
from aifab.errors import InputError
from aifab.graph.build import build_graph
from aifab.graph.checks import duplicate_ids

ROOT = Path(__file__).resolve().parents[2]

HEADER = """\
from aifab.blueprints import Fabric, GpuPool, KubernetesCluster, Network, Site
from aifab.design.design import Design

london = Site(id="london", provider="aws", region="eu-west-2")
vpc = Network(id="vpc", provider="aws", cidr="10.0.0.0/16", site=london)
"""
DESIGN = 'design = Design(name="tiny", components=[london, vpc])\n'


def write(tmp_path: Path, body: str, *, header: bool = True) -> Path:
    path = tmp_path / "design.py"
    path.write_text((HEADER if header else "") + body)
    return path


def load_error(path: Path) -> InputError:
    with pytest.raises(InputError) as err:
        load_design(path)
    return err.value


def test_a_normal_design_loads_with_its_lines(tmp_path: Path) -> None:
    path = write(tmp_path, DESIGN)
    design = load_design(path).design
    assert [c.id for c in design.components] == ["london", "vpc"]
    assert [c.location.line for c in design.components] == [4, 5]
    assert all(os.path.samefile(str(c.location.file), path) for c in design.components)
    assert design.location.line == 1


def test_a_design_that_raises_is_located(tmp_path: Path) -> None:
    error = load_error(write(tmp_path, "x = 1\nraise ValueError('nope')\n"))
    assert error.line == 7 and "ValueError: nope" in error.message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("import sys\nsys.exit(0)\n", r"sys.exit\(0\)"),
        ("import os\nos._exit(0)\n", r"ended its process \(exit status 0\)"),
        ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", "ended by SIGKILL"),
        ("raise KeyboardInterrupt\n", "KeyboardInterrupt"),
        (
            "import atexit\n\ndef boom():\n    raise RuntimeError('at exit')\n\natexit.register(boom)\n" + DESIGN,
            "atexit hook raised RuntimeError: at exit",
        ),
    ],
)
def test_every_other_ending_is_an_input_error(tmp_path: Path, body: str, expected: str) -> None:
    error = load_error(write(tmp_path, body))
    assert error.file is not None and error.file.endswith("design.py")
    assert re.search(expected, error.render()), error.render()


def test_an_endless_design_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIFAB_DESIGN_TIMEOUT", "2")
    started = time.monotonic()
    error = load_error(write(tmp_path, "while True:\n    pass\n"))
    assert time.monotonic() - started < 10
    assert "did not finish within 2 s" in error.message


def test_a_bad_timeout_setting_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIFAB_DESIGN_TIMEOUT", "soon")
    assert "AIFAB_DESIGN_TIMEOUT" in load_error(write(tmp_path, DESIGN)).message


def test_output_is_captured_and_shown_only_on_failure(tmp_path: Path) -> None:
    path = write(tmp_path, "print('HELLO-FROM-DESIGN')\nimport sys\nprint('OOPS', file=sys.stderr)\n" + DESIGN)
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json"])
    assert "HELLO-FROM-DESIGN" not in result.stdout and "OOPS" not in result.stdout
    json.loads(result.stdout)
    failing = write(tmp_path, "print('CLUE-42')\nraise SystemExit(5)\n")
    assert "CLUE-42" in load_error(failing).render()


def test_output_never_reaches_the_json_of_a_real_process(tmp_path: Path) -> None:
    path = write(tmp_path, "import os\nos.write(1, b'RAW-FD-WRITE')\nprint('HELLO')\n" + DESIGN)
    done = subprocess.run(
        [str(Path(sys.executable).with_name("aifab")), "check", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    assert "RAW-FD-WRITE" not in done.stdout and "HELLO" not in done.stdout
    json.loads(done.stdout)


def test_a_failing_design_exits_2_at_the_cli(tmp_path: Path) -> None:
    path = write(tmp_path, "import os\nos._exit(0)\n")
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json"])
    assert result.exit_code == 2


def test_changing_directory_inside_the_design_does_not_move_the_caller(tmp_path: Path) -> None:
    before = os.getcwd()
    design = load_design(write(tmp_path, f"import os\nos.chdir({str(tmp_path.parent)!r})\n" + DESIGN)).design
    assert os.getcwd() == before
    assert [c.location.line for c in design.components] == [4, 5]


def test_values_set_without_validation_are_caught(tmp_path: Path) -> None:
    body = (
        "efa = Fabric(id='efa', technology='efa', link_gbps=3200, topology='cloud-managed', site=london)\n"
        "eks = KubernetesCluster(id='eks', provider='eks', network=vpc, site=london)\n"
        "train = GpuPool(id='train', role='training', instance_type='p5.48xlarge', node_count=2, fabric=efa,\n"
        "                cluster=eks, site=london)\n"
        "bad = train.model_copy(update={'node_count': 'many'})\n"
        "design = Design(name='tiny', components=[london, vpc, efa, eks, bad])\n"
    )
    error = load_error(write(tmp_path, body))
    assert any(p.field == "components[4].node_count" and p.line == 8 for p in error.problems), error.render()
    constructed = "bad = Network.model_construct(id='vpc2', provider='aws', cidr=12)\n" + (
        "design = Design(name='tiny', components=[london, vpc, bad])\n"
    )
    error = load_error(write(tmp_path, constructed))
    assert "components[2]" in error.render()


def test_the_same_object_twice_is_a_duplicate_id(tmp_path: Path) -> None:
    design = load_design(write(tmp_path, 'design = Design(name="tiny", components=[london, vpc, vpc])\n')).design
    found = list(duplicate_ids(build_graph(design)))
    assert [d.code for d in found] == ["duplicate-id"] and found[0].component == "vpc"


def test_loads_are_cached_until_a_file_changes(tmp_path: Path) -> None:
    path = write(tmp_path, DESIGN)
    first = load_design(path).design
    assert load_design(path).design == first
    (tmp_path / "helper.py").write_text("X = 1\n")
    path.write_text(HEADER + 'design = Design(name="other", components=[london])\n')
    assert load_design(path).design.name == "other"


def test_the_cache_follows_the_environment_variables_a_design_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        tmp_path, 'import os\ndesign = Design(name=os.environ.get("TINY_NAME", "tiny"), components=[london])\n'
    )
    monkeypatch.setenv("TINY_NAME", "first")
    assert load_design(path).design.name == "first"
    monkeypatch.setenv("UNRELATED_VARIABLE", "x")
    assert load_design(path).design.name == "first"
    monkeypatch.setenv("TINY_NAME", "second")
    assert load_design(path).design.name == "second"
