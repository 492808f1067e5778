"""Loading designs from stack folders, Python files and documents; environment overlays; errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from aifab.design.loader import load_design
from aifab.errors import InputError

STACK = "stacks/uk-sovereign-training"


def test_yaml_components_remember_their_lines(fixtures: Path) -> None:
    design = load_design(fixtures / "minimal.yaml").design
    assert design.component("train").location.line == 25
    assert design.component("london").location.file == "tests/fixtures/designs/minimal.yaml"


def test_python_and_yaml_designs_are_equal(fixtures: Path) -> None:
    from_python = load_design(fixtures / "python_design.py").design
    from_yaml = load_design(fixtures / "minimal.yaml").design
    assert from_python == from_yaml
    assert from_python.component("train").location.file == "tests/fixtures/designs/python_design.py"


def test_stack_folder_finds_design_and_environments() -> None:
    loaded = load_design(STACK, env="dev")
    assert loaded.stack_dir is not None and loaded.file.name == "design.py"
    assert loaded.design.component("explore").node_count == 1  # type: ignore[attr-defined]  # Pulumi.dev.yaml
    assert load_design(STACK, env="prod").design.component("explore").node_count == 2  # type: ignore[attr-defined]


def test_overlay_keeps_the_original_location() -> None:
    base = load_design(STACK, env="prod").design.component("explore")
    dev = load_design(STACK, env="dev").design.component("explore")
    assert dev.location == base.location


def test_unknown_environment_lists_known_ones() -> None:
    with pytest.raises(
        InputError, match=r"no environment 'qa' in the design; its environments \(one Pulumi stack each\): dev, prod"
    ):
        load_design(STACK, env="qa")


def _stack(tmp_path: Path, overrides: str) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: t\nruntime: python\n")
    (tmp_path / "design.yaml").write_text((Path("tests/fixtures/designs/minimal.yaml")).read_text())
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aifab:overrides:\n" + overrides)
    return tmp_path


def test_overlay_errors_point_at_the_environment_file(tmp_path: Path) -> None:
    stack = _stack(tmp_path, "    train:\n      node_count: 0\n    ghost:\n      node_count: 1\n")
    with pytest.raises(InputError) as err:
        load_design(stack, env="dev")
    problems = {p.message: p for p in err.value.problems}
    bad_count = next(p for m, p in problems.items() if "greater than or equal to 1" in m)
    assert bad_count.file.endswith("Pulumi.dev.yaml") and bad_count.line == 4  # type: ignore[union-attr]
    assert bad_count.field == "aifab:overrides.train.node_count"
    assert any("unknown component 'ghost'" in m for m in problems)


def test_overlay_cannot_change_identity(tmp_path: Path) -> None:
    stack = _stack(tmp_path, "    train:\n      kind: cpu_pool\n")
    with pytest.raises(InputError, match="cannot change 'id' or 'kind'"):
        load_design(stack, env="dev")


def test_overlay_deep_merges_nested_settings(tmp_path: Path) -> None:
    stack = _stack(tmp_path, "    train:\n      workload:\n        parameters_billion: 7\n")
    pool = load_design(stack, env="dev").design.component("train")
    assert pool.workload.parameters_billion == 7  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("broken_syntax.yaml", r"broken_syntax.yaml:6: malformed YAML"),
        ("broken_types.yaml", r"broken_types.yaml:13: components\[1\].node_count: gpu_pool 'train': .*(got -4)"),
        ("broken_design.py", r"broken_design.py:7: GpuPool.node_count: .*greater than or equal to 1"),
    ],
)
def test_unusable_inputs_point_at_file_line_and_field(fixtures: Path, name: str, expected: str) -> None:
    with pytest.raises(InputError) as err:
        load_design(fixtures / name)
    assert any(__import__("re").search(expected, p.render()) for p in err.value.problems), err.value.render()


def test_every_type_problem_is_reported_at_once(fixtures: Path) -> None:
    with pytest.raises(InputError) as err:
        load_design(fixtures / "broken_types.yaml")
    fields = {p.field for p in err.value.problems}
    assert fields == {"components[1].node_count", "components[2].cidr", "components[2].gateway"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[1, 2]", "expected a mapping with 'name' and 'components', got a list"),
        ("name: x\ncomponents:\n  - kind: gpux\n    id: a\n", "'kind' must be one of"),
        ("name: x\ncomponents:\n  - id: a\n", "'kind' must be one of"),
        ("name: Bad Name\n", "name: String should match pattern"),
        ("name: x\nextra: 1\n", "extra: unknown field"),
    ],
)
def test_document_shape_errors(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(content)
    with pytest.raises(InputError) as err:
        load_design(path)
    assert expected in err.value.render()


def test_missing_and_unsupported_paths(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        load_design(tmp_path / "nope.yaml")
    (tmp_path / "d.toml").write_text("")
    with pytest.raises(InputError, match=r"unsupported design file type '\.toml'"):
        load_design(tmp_path / "d.toml")
    with pytest.raises(InputError, match="no design in this folder"):
        load_design(tmp_path)


def test_python_design_without_design_variable(tmp_path: Path) -> None:
    path = tmp_path / "d.py"
    path.write_text("x = 1\n")
    with pytest.raises(InputError, match=r"module-level 'design'.*found nothing"):
        load_design(path)


def test_python_design_that_raises_points_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "d.py"
    path.write_text("import os\n\nraise RuntimeError('boom')\n")
    with pytest.raises(InputError) as err:
        load_design(path)
    assert err.value.line == 3 and "RuntimeError: boom" in err.value.message


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_bytes(b"name: \xff\xfe\n")
    with pytest.raises(InputError, match="not UTF-8"):
        load_design(path)


def test_python_design_that_exits_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "d.py"
    path.write_text("import sys\nsys.exit(3)\n")
    with pytest.raises(InputError, match=r"called sys.exit\(3\)"):
        load_design(path)


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_numbers_must_be_finite(tmp_path: Path, value: str) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(f"name: x\ncomponents:\n  - kind: site\n    id: s\n    provider: colo\n    pue: {value}\n")
    with pytest.raises(InputError) as err:
        load_design(path)
    assert err.value.line == 6 and "finite number" in err.value.message
