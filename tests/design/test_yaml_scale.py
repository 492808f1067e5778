"""The YAML reader at scale: libyaml's parser with every line kept, and an alias-bomb guard that counts only
what aliases add (a large exported design is written out in full and is never refused)."""

from __future__ import annotations

import pytest
import yaml

from aifab.design import yamlsource
from aifab.design.loader import design_from_data
from aifab.design.yamlsource import read_yaml
from aifab.errors import InputError


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")
def test_the_c_parser_is_used_when_pyyaml_has_it() -> None:
    assert issubclass(yamlsource._Parser, yaml.CSafeLoader)


def test_an_error_deep_in_a_design_names_its_line() -> None:
    entries = "".join(f"  - kind: sovereign_boundary\n    id: b{i}\n    jurisdiction: UK\n" for i in range(200))
    text = f"name: big\ncomponents:\n{entries}  - kind: gpu_pool\n    id: p\n    node_count: -1\n"
    data, lines = read_yaml(text, "big.yaml")
    assert lines.line_of(("components", 200, "node_count")) == 2 + 3 * 200 + 3
    assert lines.keys[("components", 200, "node_count")] == 2 + 3 * 200 + 3
    with pytest.raises(InputError) as err:
        design_from_data(data, lines)
    problems = err.value.problems or (err.value,)
    assert any(p.line == 605 and "node_count" in (p.field or "") for p in problems), [p.render() for p in problems]


def test_every_component_keeps_its_field_lines() -> None:
    entries = "".join(f"  - kind: sovereign_boundary\n    id: b{i}\n    jurisdiction: UK\n" for i in range(50))
    data, lines = read_yaml(f"name: many\ncomponents:\n{entries}", "many.yaml")
    design = design_from_data(data, lines)
    last = design.components[-1]
    assert last.location.line == 3 + 3 * 49
    assert last.field_location("jurisdiction").line == 5 + 3 * 49


def test_values_written_out_never_count_as_an_alias_bomb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsource, "MAX_ALIAS_VALUES", 10)
    text = "items:\n" + "".join(f"  - {{id: x{i}, size: {i}}}\n" for i in range(500))  # 1,500 values, no alias
    data, _ = read_yaml(text, "big.yaml")
    assert len(data["items"]) == 500
    merges = "".join(f"s{i}: {{<<: *b, id: s{i}}}\n" for i in range(2))  # the merges add 2 x 4 values
    shared = "base: &b {provider: aws, region: eu-west-2}\n" + merges
    assert read_yaml(shared, "merge.yaml")[0]["s1"] == {"provider": "aws", "region": "eu-west-2", "id": "s1"}


def test_what_aliases_add_is_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsource, "MAX_ALIAS_VALUES", 10)
    text = "a: &a [1, 2, 3, 4, 5]\nb: [*a, *a]\n"  # the aliases add 2 x 6 values
    with pytest.raises(InputError) as err:
        read_yaml(text, "bomb.yaml")
    assert "aliases expand the document by more than 10 values (alias bomb?)" in err.value.message
    assert err.value.line == 1  # the anchored value that is repeated


def test_a_real_alias_bomb_is_refused_quickly() -> None:
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        bomb += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]\n"  # 10^9 values once expanded
    with pytest.raises(InputError, match="alias bomb"):
        read_yaml(bomb, "bomb.yaml")
