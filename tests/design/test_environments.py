"""The environment model: which stack deploys what, what is shared, and the purpose each is judged under."""

from __future__ import annotations

from pathlib import Path

import pytest

from aifab.blueprints import (
    DataLake,
    Environment,
    GpuPool,
    KeyManagement,
    KubernetesCluster,
    ModelServing,
    Monitoring,
    Network,
    Site,
    SovereignBoundary,
)
from aifab.design.design import Design
from aifab.design.environments import EnvironmentModel, stack_view
from aifab.design.loader import load_design
from aifab.errors import InputError
from aifab.validate import validate


def _design(*extra: object, host: bool = True) -> Design:
    uk = SovereignBoundary(id="uk", jurisdiction="UK")
    london = Site(id="london", provider="aws", region="eu-west-2", inside=uk)
    dev = Environment(id="dev", purpose="experimentation")
    prod = Environment(id="prod", purpose="production", hosts_shared=host)
    kms = KeyManagement(id="kms", inside=uk)
    at = {"site": london, "inside": uk}
    vpc_dev = Network(id="vpc-dev", provider="aws", cidr="10.1.0.0/16", environment=dev, **at)
    vpc_prod = Network(id="vpc-prod", provider="aws", cidr="10.2.0.0/16", environment=prod, **at)
    eks_dev = KubernetesCluster(id="eks-dev", provider="eks", network=vpc_dev, environment=dev, **at)
    eks_prod = KubernetesCluster(id="eks-prod", provider="eks", network=vpc_prod, environment=prod, **at)
    explore = GpuPool(
        id="explore",
        role="inference",
        instance_type="g6.48xlarge",
        node_count=1,
        cluster=eks_dev,
        environment=dev,
        **at,
    )
    serve = GpuPool(
        id="serve",
        role="inference",
        instance_type="g6.48xlarge",
        node_count=3,
        cluster=eks_prod,
        environment=prod,
        **at,
    )
    lake = DataLake(id="lake", encrypted_by=kms, environment=prod, **at)
    return Design(
        name="envs",
        components=[uk, london, dev, prod, kms, vpc_dev, vpc_prod, eks_dev, eks_prod, explore, serve, lake, *extra],
    )


def test_each_component_is_deployed_by_exactly_one_stack() -> None:
    model = EnvironmentModel.of(_design())
    assert [c.id for c in model.deployed_by("dev")] == ["vpc-dev", "eks-dev", "explore"]
    assert [c.id for c in model.deployed_by("prod")] == ["kms", "vpc-prod", "eks-prod", "serve", "lake"]
    deployable = {c.id for c in _design().components if c.deployable}
    assert {c.id for e in ("dev", "prod") for c in model.deployed_by(e)} == deployable
    assert not {"uk", "london", "dev", "prod"} & deployable  # where things sit: deployed by no stack


def test_purpose_is_the_components_own_environment_and_the_strictest_for_shared() -> None:
    design = _design()
    model = EnvironmentModel.of(design)
    assert model.purpose(design.component("explore")) == "experimentation"
    assert model.purpose(design.component("serve")) == "production"
    assert model.purpose(design.component("kms")) == "production"  # shared: serves production too
    assert model.purpose(None) == "production"  # design-wide
    only_dev = Design(name="d", components=[Environment(id="dev", purpose="experimentation", hosts_shared=True)])
    assert EnvironmentModel.of(only_dev).purpose(None) == "experimentation"


def test_a_design_without_environments_is_one_production_environment() -> None:
    lake = DataLake(id="lake")
    model = EnvironmentModel.of(Design(name="d", components=[lake]))
    assert model.purpose(lake) == "production"
    assert [c.id for c in model.deployed_by("anything")] == ["lake"]


def test_shared_components_need_exactly_one_host() -> None:
    codes = [d.code for d in validate(_design(host=False)).errors]
    assert codes == ["environment-unhosted"]  # kms: no stack would deploy it
    second = Environment(id="staging", purpose="staging", hosts_shared=True)
    errors = validate(_design(second)).errors
    assert [(d.code, d.component) for d in errors] == [("environment-hosts", "staging")]


def test_links_across_environments_are_called_out() -> None:
    # prod monitoring watching a dev pool: stack prod would depend on stack dev
    watch = Monitoring(
        id="mon", runs_on="eks-prod", monitors=("serve", "explore"), environment="prod", site="london", inside="uk"
    )
    result = validate(_design(watch))
    # (the capacity models also say the GPU-only cluster has no CPU node for monitoring: not this test's point)
    assert [(d.code, d.severity, d.component) for d in result.diagnostics if not d.code.startswith("capacity-")] == [
        ("environment-crossing", "warning", "mon")
    ]
    # a required link (an endpoint's pool) across environments is an error
    stray = ModelServing(id="stray", pool="serve", runs_on="eks-dev", environment="dev", site="london", inside="uk")
    codes = [(d.code, d.severity) for d in validate(_design(stray)).diagnostics if d.component == "stray"]
    assert ("environment-crossing", "error") in codes


def test_a_stack_view_sizes_only_what_the_stack_deploys() -> None:
    watch = Monitoring(
        id="mon", runs_on="eks-prod", monitors=("serve", "explore"), environment="prod", site="london", inside="uk"
    )
    view = stack_view(_design(watch), "prod")
    ids = {c.id for c in view.components}
    assert "explore" not in ids and "eks-dev" not in ids
    assert {"kms", "serve", "lake", "uk", "london", "dev", "prod"} <= ids
    assert view.component("mon").monitors == ("serve",)  # type: ignore[attr-defined]
    assert validate(view).valid
    assert stack_view(_design(), None) == _design()


def _stack(tmp_path: Path, design: str, **stacks: str) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: s\nruntime: python\n")
    (tmp_path / "design.yaml").write_text(design)
    for name, text in stacks.items():
        (tmp_path / f"Pulumi.{name}.yaml").write_text(text)
    return tmp_path


DESIGN = """\
name: s
components:
  - {kind: environment, id: dev, purpose: experimentation}
  - {kind: environment, id: prod, purpose: production, hosts_shared: true}
  - {kind: key_management, id: kms}
  - {kind: data_lake, id: a, environment: dev}
  - {kind: data_lake, id: b, environment: prod}
"""


def test_without_env_every_stacks_overrides_apply(tmp_path: Path) -> None:
    stack = _stack(
        tmp_path,
        DESIGN,
        dev="config:\n  aifab:overrides: {a: {versioning: false}}\n",
        prod="config:\n  aifab:overrides: {b: {public_access_blocked: false}, kms: {rotation_days: 90}}\n",
    )
    design = load_design(stack).design
    assert design.component("a").versioning is False  # type: ignore[attr-defined]
    assert design.component("b").public_access_blocked is False  # type: ignore[attr-defined]
    assert design.component("kms").rotation_days == 90  # type: ignore[attr-defined]  # the host overrides shared
    assert load_design(stack, env="dev").design.component("b").public_access_blocked is True  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("stacks", "env", "message"),
    [
        (
            {"dev": "config:\n  aifab:overrides: {kms: {rotation_days: 90}}\n"},
            "dev",
            "key_management 'kms' is shared, deployed by 'prod'; stack 'dev' overrides only",
        ),
        ({"staging": "config: {}\n"}, None, "stack 'staging' is not an environment of the design"),
        ({}, "qa", "no environment 'qa' in the design; its environments (one Pulumi stack each): dev, prod"),
    ],
    ids=["shared-from-guest", "stray-stack-file", "unknown-env"],
)
def test_stack_files_and_env_must_match_the_environments(
    tmp_path: Path, stacks: dict[str, str], env: str | None, message: str
) -> None:
    stack = _stack(tmp_path, DESIGN, **stacks)
    with pytest.raises(InputError) as caught:
        load_design(stack, env=env)
    assert message in caught.value.render()
