"""Messages a user understands (issue 15): no internal class names, no unlocated overflow, no doubled "(got ...)",
and a ``--set`` value that cannot be read is exit 2, never an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import field_validator

from aifab.cli.main import cli
from aifab.errors import InputError
from aifab.models import FabricSizingInput
from aifab.models._base import FrozenModel

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "docs/examples/minimal.yaml"

SERVING = """\
api_version: aifab/v1
name: serving
components:
  - {kind: site, id: london, provider: aws, region: eu-west-2}
  - {kind: network, id: vpc, provider: aws, cidr: 10.0.0.0/16, site: london}
  - {kind: kubernetes_cluster, id: eks, provider: eks, network: vpc, site: london}
  - {kind: gpu_pool, id: infer, role: inference, instance_type: p5.48xlarge, node_count: 1, cluster: eks, site: london}
  - kind: model_serving
    id: llm
    pool: infer
    runs_on: eks
    site: london
    model_parameters_billion: 5.0e-324
    min_replicas: 1
    max_replicas: 1
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout + result.stderr


def test_an_overflowing_serving_estimate_is_located_on_the_component(tmp_path: Path) -> None:
    design = tmp_path / "design.yaml"
    design.write_text(SERVING)
    code, out = run("estimate", str(design))
    assert code == 2
    assert "InferenceCapacity" not in out and "problems" not in out
    # refused where it is read (a range check) or where it overflows: either way on the line that wrote it
    assert f"{design}:13: " in out and "model_parameters_billion" in out and "model_serving 'llm'" in out


def test_an_overflowing_energy_estimate_is_located_on_the_site() -> None:
    code, out = run("estimate", str(MINIMAL), "--set", "hours_per_year=1e308")
    assert code == 2
    assert "EnergyEstimate" not in out and "problems" not in out
    # refused as an option (a range check) or located on the site whose energy overflows
    assert "hours_per_year" in out or (f"{MINIMAL}:5: site 'london': annual energy" in out and "1e+308 hours" in out)


def test_a_result_model_names_what_cannot_be_worked_out_not_its_class() -> None:
    class InferenceCapacityLike(FrozenModel):
        tokens_per_s: float
        bytes_per_s: float

    with pytest.raises(InputError) as caught:
        InferenceCapacityLike(tokens_per_s=float("inf"), bytes_per_s=float("inf"))
    text = str(caught.value)
    assert "InferenceCapacityLike" not in text and "problems" not in text
    assert text.startswith("the inference capacity like cannot be worked out: tokens_per_s, bytes_per_s would be inf")


def test_an_input_model_still_reports_each_value_the_user_gave() -> None:
    with pytest.raises(InputError) as caught:
        FabricSizingInput(nodes=4, gpus_per_node=8, link_gbps=float("inf"), switch_radix=64)
    assert "link_gbps: input should be a finite number (got inf)" in str(caught.value)
    assert "FabricSizingInput" not in str(caught.value)


def test_got_is_said_once_when_a_validator_already_says_it() -> None:
    class Named(FrozenModel):
        name: str

        @field_validator("name")
        @classmethod
        def _not_empty(cls, value: str) -> str:
            if not value:
                raise ValueError(f"a name is needed (got {value!r})")
            return value

    with pytest.raises(InputError) as caught:
        Named(name="")
    assert str(caught.value).count("(got ''") == 1, str(caught.value)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("2026-13-45", "month must be in 1..12"),  # a date YAML cannot build: ValueError, was exit 3
        ("[" * 3000 + "]" * 3000, "nested too deeply"),  # RecursionError, was exit 3
        ("[", "cannot read the value"),
    ],
)
def test_a_set_value_that_cannot_be_read_is_an_input_error(value: str, says: str) -> None:
    code, out = run("estimate", str(MINIMAL), "--set", f"utilisation={value}")
    assert code == 2, out
    assert "internal error" not in out and says in out
    assert "--set" in out
