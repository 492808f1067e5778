"""Every workload stays standalone: a Kubernetes Job gets the workloads folder on PYTHONPATH and nothing
else of aifab, and a machine without the engine must get a failed result, not an ImportError."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import aifab.bench.workloads as package

FOLDER = Path(package.__file__).parent
MODULES = sorted(p for p in FOLDER.glob("*.py") if p.name != "__init__.py")
# model_server is not a workload but the model server the serving workload starts as a process; it
# needs torch to exist at all and says so when imported without it.
WORKLOADS = [p for p in MODULES if p.stem != "model_server"]
ENGINES = {"torch", "numpy"}
OWN = "aifab.bench.workloads"


def _imports(tree: ast.AST, *, top_level: bool) -> set[str]:
    nodes = ast.iter_child_nodes(tree) if top_level else ast.walk(tree)
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_imports_only_stdlib_engines_and_the_workloads_package(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for name in _imports(tree, top_level=False):
        root = name.split(".")[0]
        assert root in sys.stdlib_module_names or root in ENGINES or name.startswith(OWN), (path.name, name)
    # Engines only inside functions: importing the module must work where torch/numpy are absent.
    for name in _imports(tree, top_level=True):
        assert name.split(".")[0] not in ENGINES, (path.name, name)


def test_workloads_import_with_no_engine_and_no_rest_of_aifab(tmp_path: Path) -> None:
    # Copy the folder as a Job would get it, then import every module with torch, numpy and pydantic
    # made unimportable.
    target = tmp_path / "aifab" / "bench" / "workloads"
    target.mkdir(parents=True)
    for folder in (tmp_path / "aifab", tmp_path / "aifab" / "bench"):
        (folder / "__init__.py").write_text("")
    for path in [FOLDER / "__init__.py", *MODULES]:
        (target / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    code = (
        "import importlib, sys\n"
        "for name in ('torch', 'numpy', 'pydantic', 'rich', 'yaml'):\n"
        "    sys.modules[name] = None\n"
        f"for stem in {[p.stem for p in WORKLOADS]!r}:\n"
        "    importlib.import_module('aifab.bench.workloads.' + stem)\n"
        "print('ok')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n" + code],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
