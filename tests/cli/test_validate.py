"""`aifab validate`: exit codes, text and JSON output, for valid and broken designs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from aifab.cli.main import cli

from ..conftest import reference_stacks


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("stack", reference_stacks(), ids=lambda p: p.name)
@pytest.mark.parametrize("env", [None, "dev", "prod"])
def test_reference_architectures_validate_clean(stack: Path, env: str | None) -> None:
    code, out, _ = run("validate", str(stack), *(["--env", env] if env else []), "--format", "json")
    data = json.loads(out)
    assert (code, data["valid"], data["errors"]) == (0, True, [])


@pytest.mark.parametrize(
    ("fixture", "code", "expected"),
    [
        ("minimal.yaml", 0, []),
        ("python_design.py", 0, []),
        (
            "broken_links.yaml",
            1,
            [
                ("missing-link", "lake", 19),
                ("missing-link", "train", 22),
                ("wrong-link-kind", "tune", 34),
                ("unknown-link-target", "mlflow", 39),
                ("duplicate-id", "vpc", 43),
            ],
        ),
        ("broken_cycle.yaml", 1, [("cycle", "production", 12)]),
        ("broken_placement.yaml", 1, [("outside-boundary", "lake", 16)]),
        (
            "broken_hardware_kind.yaml",
            1,
            [
                ("hardware-kind-mismatch", "prep", 22),
                ("hardware-kind-mismatch", "infer", 29),
                ("hardware-kind-mismatch", "neuron", 36),
            ],
        ),
        (
            "broken_catalogue.yaml",
            2,
            [("unknown-catalogue-name", "london", 8), ("unknown-catalogue-name", "infer", 22)],
        ),
    ],
)
def test_json_errors_point_at_component_and_line(fixtures: Path, fixture: str, code: int, expected: list) -> None:  # type: ignore[type-arg]
    exit_code, out, _ = run("validate", str(fixtures / fixture), "--format", "json")
    data = json.loads(out)
    assert exit_code == code
    assert data["valid"] is (code == 0)
    got = [(e["code"], e["component"], e["location"]["line"]) for e in data["errors"]]
    assert got == expected
    for e in data["errors"]:
        assert e["location"]["file"] == f"tests/fixtures/designs/{fixture}"
        assert set(e) == {"code", "message", "component", "location"}


@pytest.mark.parametrize("fixture", ["broken_types.yaml", "broken_syntax.yaml", "broken_design.py"])
def test_unusable_input_exits_2_with_json_and_a_message(fixtures: Path, fixture: str) -> None:
    code, out, err = run("validate", str(fixtures / fixture), "--format", "json")
    assert code == 2
    data = json.loads(out)
    assert data["valid"] is False and data["input_error"] is True
    assert all(e["location"]["file"].endswith(fixture) and e["location"]["line"] for e in data["errors"])
    assert err.startswith("error: ") and "Traceback" not in err


def test_text_output(fixtures: Path) -> None:
    code, out, _ = run("validate", str(fixtures / "broken_links.yaml"))
    assert code == 1
    assert "tests/fixtures/designs/broken_links.yaml:34 [wrong-link-kind] tune: fabric must link to a fabric" in out
    assert "invalid design 'broken-links'" in out
    code, out, _ = run("validate", str(fixtures / "minimal.yaml"))
    # its London p5.48xlarge price (Apache Libcloud, 2025-03-02) is stale: a warning, still a valid design
    assert code == 0 and "valid design 'minimal': 5 components, 7 links, 0 errors, 1 warnings" in out
    assert "[capacity-price-stale] train: the price of p5.48xlarge was seen on 2025-03-02" in out


def test_catalogue_suggestions(fixtures: Path) -> None:
    _, out, _ = run("validate", str(fixtures / "broken_catalogue.yaml"))
    assert "unknown instance type 'p5.48xl'; did you mean 'p5.48xlarge'" in out
    assert "unknown region 'eu-west-9'; did you mean" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validate"], "Missing argument 'PATH'"),
        (["validate", "x.yaml", "--format", "xml"], "Invalid value for '--format'"),
        (["validate", "nope/"], "no such file or folder"),
        (["validate", "stacks/uk-sovereign-training", "--env", "qa"], "no environment 'qa'"),
        (["frobnicate"], "No such command"),
    ],
)
def test_usage_and_missing_input_exit_2(args: list[str], expected: str) -> None:
    code, _, err = run(*args)
    assert code == 2 and expected in err


def test_help_and_version() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "validate" in out and "graph" in out and "design" in out
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("aifab, version ")


def test_catalogue_overrides_make_a_new_name_known(fixtures: Path, tmp_path: Path) -> None:
    overrides = tmp_path / "catalogue.yaml"
    overrides.write_text(
        "regions:\n  eu-west-9:\n    provider: aws\n    partition: aws\n    country: GB\n    jurisdiction: UK\n"
        "    location: Test\n    pue: 1.2\n"
    )
    code, out, _ = run("validate", str(fixtures / "broken_catalogue.yaml"), "--catalogue", str(overrides))
    assert code == 2 and "eu-west-9" not in out and "p5.48xl" in out
    code, _, err = run("validate", str(fixtures / "minimal.yaml"), "--catalogue", str(tmp_path / "missing.yaml"))
    assert code == 2 and "missing.yaml" in err


def test_a_stacks_catalogue_yaml_is_used_by_every_command(tmp_path: Path) -> None:
    import shutil

    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "Pulumi.yaml").write_text("name: stack\nruntime: python\n")
    shutil.copy("tests/fixtures/designs/broken_catalogue.yaml", stack / "design.yaml")
    code, out, _ = run("validate", str(stack), "--format", "json")
    assert code == 2
    (stack / "catalogue.yaml").write_text(
        "regions:\n  eu-west-9:\n    provider: aws\n    partition: aws\n    country: GB\n    jurisdiction: UK\n"
        "    location: Test\n    pue: 1.2\n"
    )
    _, out, _ = run("validate", str(stack), "--format", "json")
    messages = [e["message"] for e in json.loads(out)["errors"]]
    assert not any("eu-west-9" in m for m in messages) and any("p5.48xl" in m for m in messages)
    _, _, err = run("check", str(stack))
    assert "eu-west-9" not in err and "p5.48xl" in err


def test_text_summary_names_the_environment() -> None:
    code, out, _ = run("validate", "stacks/uk-sovereign-training", "--env", "prod")
    assert code == 0 and "valid design 'uk-sovereign-training' [prod]: " in out


def test_error_messages_keep_their_square_brackets(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(
        "name: x\ncomponents:\n  - kind: network\n    id: n\n    provider: aws\n    cidr: '[10.0.0.0/16]'\n"
    )
    code, _, err = run("validate", str(path))
    assert code == 2 and "(got '[10.0.0.0/16]')" in err
