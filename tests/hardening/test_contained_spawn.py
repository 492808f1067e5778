"""Contained Python designs (issue 15) on the two ways a child starts, and inside a running Pulumi program.

``spawn`` is the fallback where the platform has no ``fork``; the tests force it by replacing the start-method
choice. multiprocessing's own spawn runs the caller's ``__main__`` again in the child (as ``__mp_main__``): for
a Pulumi program that is the whole program, which then fails ("Root resource is not an instance of 'Stack'")
and the design with it. ``fork`` is the default, and in a Pulumi program it happens in a process with threads
(the SDK's, and here four more that take a lock and write to stderr and logging all the time); each such run
is a separate process with a time limit, so a deadlock fails the test instead of hanging it.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

from aifab.design import contained
from aifab.design.loader import load_design
from aifab.errors import InputError

DESIGN = """\
import os

from aifab.blueprints import Network, Site
from aifab.design.design import Design

london = Site(id="london", provider="aws", region="eu-west-2")
vpc = Network(id="vpc", provider="aws", cidr="10.0.0.0/16", site=london)
print("design output stays in the child")
design = Design(name=f"pid{os.getpid()}", components=[london, vpc])
"""


@pytest.fixture
def spawn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contained, "_start_method", lambda: "spawn")


def write(folder: Path, body: str, name: str = "design.py") -> Path:
    path = folder / name
    path.write_text(body)
    return path


def test_a_normal_design_loads_through_spawn(tmp_path: Path, spawn: None) -> None:
    design = load_design(write(tmp_path, DESIGN)).design
    assert [c.id for c in design.components] == ["london", "vpc"]
    assert [c.location.line for c in design.components] == [6, 7]
    assert design.name != f"pid{os.getpid()}"  # it ran in another process


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("x = 1\nraise ValueError('nope')\n", "the design raised ValueError: nope"),
        ("import sys\nsys.exit(3)\n", "sys.exit(3)"),
        ("import os\nos._exit(0)\n", "ended its process (exit status 0)"),
        ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", "was ended by SIGKILL"),
        ("design = 42\n", "found int"),
        ("import atexit\n\natexit.register(lambda: 1 / 0)\n" + DESIGN, "atexit hook raised ZeroDivisionError"),
    ],
)
def test_an_erroring_design_is_an_input_error_through_spawn(
    tmp_path: Path, spawn: None, body: str, expected: str
) -> None:
    path = write(tmp_path, "print('CLUE-7')\n" + body)
    with pytest.raises(InputError) as caught:
        load_design(path)
    assert expected in caught.value.render(), caught.value.render()
    assert caught.value.file is not None and caught.value.file.endswith("design.py")
    if expected.startswith("the design raised"):
        assert caught.value.line == 3 and "CLUE-7" in caught.value.render()


def test_an_endless_design_times_out_through_spawn(
    tmp_path: Path, spawn: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIFAB_DESIGN_TIMEOUT", "4")
    with pytest.raises(InputError) as caught:
        load_design(write(tmp_path, "while True:\n    pass\n"))
    assert "did not finish within 4 s" in caught.value.message


def test_spawn_does_not_run_the_callers_main_again(
    tmp_path: Path, spawn: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A caller's ``__main__`` with module-level effects (a Pulumi program, a script without a guard)."""
    marker = tmp_path / "main-ran-again"
    script = write(tmp_path, f"open({str(marker)!r}, 'w').close()\n", name="caller.py")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    main.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", main)
    outcome = contained.run_contained(str.upper, ("abc",), timeout=60)
    assert (outcome.result, outcome.problem) == ("ABC", None)
    assert not marker.exists()
    assert [c.id for c in load_design(write(tmp_path, DESIGN)).design.components] == ["london", "vpc"]
    assert not marker.exists()


def test_the_guard_touches_only_our_children(spawn: None) -> None:
    contained._context()
    import multiprocessing.spawn

    ours = multiprocessing.spawn.get_preparation_data(contained._PROCESS_NAME)
    theirs = multiprocessing.spawn.get_preparation_data("someone-else")
    assert "init_main_from_path" not in ours and "init_main_from_name" not in ours
    assert {k: v for k, v in theirs.items() if not k.startswith("init_main")} == {**ours, "name": "someone-else"}


def test_a_spawned_run_returns_text_and_keeps_the_cwd(tmp_path: Path, spawn: None) -> None:
    before = os.getcwd()
    outcome = contained.run_contained(shlex.join, (["echo", "HELLO-CHILD"],), timeout=60)
    assert outcome.result == "echo HELLO-CHILD" and outcome.output == ""
    body = f"import os\nos.chdir({str(tmp_path.parent)!r})\n" + DESIGN
    load_design(write(tmp_path, body))
    assert os.getcwd() == before


PROGRAM = """\
import logging
import os
import sys
import threading
from pathlib import Path

import pulumi

from aifab.design.loader import load_design

HERE = Path(__file__).parent
stop = threading.Event()
busy = threading.Lock()


def chatter() -> None:  # a fork may land while one of these holds a lock or writes
    while not stop.is_set():
        with busy:
            logging.getLogger("chatter").warning("tick")
            print("", end="", file=sys.stderr, flush=True)


for _ in range(4):
    threading.Thread(target=chatter, daemon=True).start()
threads = threading.active_count()
loaded = load_design(HERE / "design.py")
# more forks while the threads run: each copy is another file, so another child (no cached result)
copies = [load_design(path).design.name for path in sorted(HERE.glob("copy*.py"))]
pulumi.export("copies", len(set(copies)))
pulumi.export("ids", [c.id for c in loaded.design.components])
pulumi.export("threads", threads)
pulumi.export("names", [loaded.design.name, f"pid{os.getpid()}"])


def again(_: object) -> list[object]:  # inside the SDK's event loop, its worker threads running
    design = load_design(HERE / "design_again.py").design
    stop.set()
    return [c.id for c in design.components] + [design.name]


pulumi.export("in_apply", pulumi.Output.from_input(1).apply(again))
"""

RUN = """\
import json, sys
from pathlib import Path
import aifab.design.contained as contained
if sys.argv[2] == "spawn":
    contained._start_method = lambda: "spawn"
from aifab.preview.capture import run_program
capture = run_program(Path(sys.argv[1]), "dev")
print(json.dumps({"outputs": capture.outputs, "errors": capture.errors}))
"""


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_pulumi_program_loads_a_python_design_contained(tmp_path: Path, method: str) -> None:
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "Pulumi.yaml").write_text("name: contained\nruntime: python\n")
    (stack / "Pulumi.dev.yaml").write_text("config: {}\n")
    (stack / "__main__.py").write_text(PROGRAM)
    write(stack, DESIGN)
    write(stack, DESIGN, name="design_again.py")
    copies = 12 if method == "fork" else 1  # a fork costs milliseconds, a spawn an interpreter start
    for n in range(copies):
        write(stack, DESIGN, name=f"copy{n}.py")
    env = {**os.environ, "AIFAB_DESIGN_TIMEOUT": "30"}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(RUN), str(stack), method],
        capture_output=True,
        text=True,
        timeout=120,  # a deadlock fails here instead of hanging the suite
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])
    outputs = result["outputs"]
    assert result["errors"] == []
    assert outputs["threads"] >= 5  # the program's four and the main thread, at least
    assert outputs["ids"] == ["london", "vpc"]
    assert outputs["copies"] == copies  # each in a process of its own
    child, parent = outputs["names"]
    assert child != parent  # evaluated in a child process, not in the program's own
    assert outputs["in_apply"][:2] == ["london", "vpc"] and outputs["in_apply"][2] not in (child, parent)
    assert "design output stays in the child" not in done.stdout
