"""The YAML reader: values with lines, and no document that can crash it."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from aifab.design.loader import design_from_data
from aifab.design.yamlsource import read_yaml
from aifab.errors import InputError


def test_lines_of_nested_values() -> None:
    text = "name: x\ncomponents:\n  - kind: site\n    id: a\n  - kind: site\n    id: b\n"
    data, lines = read_yaml(text, "d.yaml")
    assert data["components"][1]["id"] == "b"
    assert lines.line_of(("components", 1)) == 5
    assert lines.line_of(("components", 1, "id")) == 6
    # an unknown path falls back to its nearest known parent
    assert lines.line_of(("components", 1, "nope", 3)) == 5


def test_duplicate_keys_are_an_error_with_the_line() -> None:
    with pytest.raises(InputError) as err:
        read_yaml("name: a\ncomponents: []\nname: b\n", "d.yaml")
    assert err.value.line == 3
    assert "duplicate key 'name'" in err.value.message


def test_malformed_yaml_names_file_and_line() -> None:
    with pytest.raises(InputError) as err:
        read_yaml("a: [1, 2\nb: 3\n", "bad.yaml")
    assert err.value.file == "bad.yaml"
    assert err.value.line is not None
    assert "malformed YAML" in err.value.message


def test_recursive_alias_is_rejected() -> None:
    with pytest.raises(InputError, match="recursive alias"):
        read_yaml("a: &x [1, *x]\n", "r.yaml")


def test_alias_bomb_is_rejected() -> None:
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
    for i, name in enumerate("bcdefg"):
        prev = "abcdefg"[i]
        bomb += f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    with pytest.raises(InputError, match="alias bomb"):
        read_yaml(bomb, "bomb.yaml")


def test_merge_keys_are_resolved() -> None:
    data, _ = read_yaml("base: &b {provider: aws}\nsite: {<<: *b, id: x}\n", "m.yaml")
    assert data["site"] == {"provider": "aws", "id": "x"}


def test_local_keys_override_merged_ones() -> None:
    data, _ = read_yaml("base: &b {provider: aws, note: a}\nsite: {<<: *b, note: b}\n", "m.yaml")
    assert data["site"] == {"provider": "aws", "note": "b"}
    with pytest.raises(InputError, match="duplicate key 'note'"):
        read_yaml("base: &b {provider: aws}\nsite: {<<: *b, note: b, note: c}\n", "m.yaml")


def test_empty_document_is_none() -> None:
    assert read_yaml("", "e.yaml")[0] is None


# --- property tests: no generated document can crash the loader --------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["site", "gpu_pool", "fabric", "data_lake", "environment", "eu-west-2", "p5.48xlarge"]),
)
keys = st.one_of(
    st.sampled_from(["kind", "id", "name", "components", "node_count", "fabric", "site", "api_version"]),
    st.text(max_size=10),
)
documents = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5), max_leaves=25
)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_any_structured_document_loads_or_gives_input_error(doc: object) -> None:
    try:
        text = yaml.safe_dump(doc)
    except yaml.YAMLError:
        return
    try:
        data, lines = read_yaml(text, "gen.yaml")
        design_from_data(data, lines)
    except InputError as exc:
        assert exc.render()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_loads_or_gives_input_error(text: str) -> None:
    try:
        data, lines = read_yaml(text, "gen.yaml")
        design_from_data(data, lines)
    except InputError as exc:
        assert exc.render()


component_like = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["site", "gpu_pool", "fabric", "network", "environment", "data_lake", "bogus"]),
        "id": st.one_of(st.text(max_size=8), st.sampled_from(["a", "b", "train"])),
    },
    optional={
        "node_count": st.one_of(st.integers(-5, 10), st.text(max_size=3)),
        "provider": st.sampled_from(["aws", "onprem", "colo", "x"]),
        "region": st.text(max_size=6),
        "cidr": st.sampled_from(["10.0.0.0/16", "300.1.1.1/8", "x"]),
        "fabric": st.text(max_size=5),
        "purpose": st.sampled_from(["production", "nope"]),
    },
)


@settings(max_examples=300, deadline=None)
@given(st.lists(component_like, max_size=5))
def test_design_like_documents_never_crash(components: list[dict[str, object]]) -> None:
    text = yaml.safe_dump({"name": "gen", "components": components})
    try:
        data, lines = read_yaml(text, "gen.yaml")
        design = design_from_data(data, lines)
    except InputError as exc:
        assert exc.render()
        return
    assert design.name == "gen"
