"""``aifab docs``: a generated page per reference architecture, and ``--check`` keeps them current in CI."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from aifab.capacity import estimate_design
from aifab.catalogue import load_catalogue
from aifab.cli.main import cli
from aifab.design.environments import stack_view
from aifab.design.loader import load_design
from aifab.report.reference import generate, topology

from .conftest import ROOT, STACKS, reference_stacks

TODAY = dt.date(2026, 12, 1)
"""The day the committed pages are generated for (and CI checks them with)."""
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def pages() -> dict[Path, str]:
    return generate(STACKS, DOCS, today=TODAY)


def _page(pages: dict[Path, str], stack: Path) -> str:
    return pages[DOCS / "reference" / f"{stack.name}.md"]


def test_every_reference_stack_gets_a_page_and_the_index_links_it(pages: dict[Path, str]) -> None:
    expected = {DOCS / "reference" / f"{s.name}.md" for s in reference_stacks()}
    assert set(pages) == expected | {DOCS / "index.md"}
    index = pages[DOCS / "index.md"]
    for stack in reference_stacks():
        assert f"(reference/{stack.name}.md)" in index
    for guide in sorted(DOCS.glob("*.md")):
        if guide.name != "index.md":
            assert f"]({guide.name})" in index, f"the index does not link {guide.name}"


def test_committed_pages_are_current() -> None:
    # The CI freshness check: regenerate with `aifab docs --today 2026-12-01` when this fails.
    result = CliRunner().invoke(cli, ["docs", "--check", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("stack", reference_stacks(), ids=lambda p: p.name)
def test_page_holds_the_estimate_of_every_environment_side_by_side(pages: dict[Path, str], stack: Path) -> None:
    page = _page(pages, stack)
    envs = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stack.glob("Pulumi.*.yaml"))
    assert "| |" + "".join(f" `{e}` |" for e in envs) in page  # one column per environment
    gpus, nodes = [], []
    for env in envs:
        loaded = load_design(stack, env=env)
        est = estimate_design(stack_view(loaded.design, env), load_catalogue(loaded.catalogue_file))
        gpus.append(f" {est.gpus:,} |")
        nodes.append(f" {est.nodes:,} ({est.cpu_nodes:,}) |")
        for pool in est.pools:
            assert f"| {env} | {pool.id} | {pool.role} | {pool.hardware} |" in page
    assert "| GPUs / accelerators |" + "".join(gpus) in page
    assert "| nodes (of which CPU-only) |" + "".join(nodes) in page


@pytest.mark.parametrize("stack", reference_stacks(), ids=lambda p: p.name)
def test_page_has_every_section_and_no_host_paths(pages: dict[Path, str], stack: Path) -> None:
    page = _page(pages, stack)
    for heading in (
        "## Purpose and scope",
        "## Topology",
        "## Environments side by side",
        "## Bill of materials",
        "## Power, cooling, racks, energy and carbon",
        "## Running cost",
        "## Expected benchmark figures",
        "## Policy posture",
        "### Waivers",
        "### Sovereignty and attestations",
        "## How to deploy it",
    ):
        assert heading in page
    assert str(ROOT) not in page and "/tmp/" not in page
    assert f"cd stacks/{stack.name}\n" in page


NODE = re.compile(r'^(?P<id>[A-Za-z][A-Za-z0-9_]*)\["[^"]*"\]:::[a-z]+$')
SUBGRAPH = re.compile(r'^subgraph (?P<id>[A-Za-z][A-Za-z0-9_]*)\["[^"]*"\]$')
EDGE = re.compile(r"^(?P<src>[A-Za-z][A-Za-z0-9_]*) -->\|[a-z_]+\| (?P<dst>[A-Za-z][A-Za-z0-9_]*)$")
STYLE = re.compile(r"^(classDef [a-z]+|style [A-Za-z][A-Za-z0-9_]*) fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6}$")


def _check_mermaid(text: str) -> tuple[set[str], set[str], int]:
    """Parse the subset of Mermaid the pages use; return (nodes, subgraphs, edges) or fail on anything else."""
    lines = [line.strip() for line in text.strip().splitlines()]
    assert lines[0] == "flowchart LR"
    nodes: set[str] = set()
    groups: set[str] = set()
    depth, edges, styled = 0, 0, set()
    for line in lines[1:]:
        if m := SUBGRAPH.match(line):
            assert m["id"] not in groups | nodes, f"duplicate id {m['id']}"
            groups.add(m["id"])
            depth += 1
        elif line == "end":
            depth -= 1
            assert depth >= 0, "end without subgraph"
        elif m := NODE.match(line):
            assert m["id"] not in groups | nodes, f"duplicate id {m['id']}"
            nodes.add(m["id"])
        elif m := EDGE.match(line):
            assert {m["src"], m["dst"]} <= nodes, f"edge to an undeclared node: {line}"
            edges += 1
        elif m := STYLE.match(line):
            styled.add(line.split()[1])
        else:
            pytest.fail(f"unexpected Mermaid line: {line!r}")
    assert depth == 0, "unbalanced subgraph/end"
    assert groups <= styled
    return nodes, groups, edges


@pytest.mark.parametrize("stack", reference_stacks(), ids=lambda p: p.name)
def test_topology_is_well_formed_mermaid_nesting_boundary_site_environment(pages: dict[Path, str], stack: Path) -> None:
    block = re.search(r"```mermaid\n(?P<body>.*?)```", _page(pages, stack), re.S)
    assert block is not None
    nodes, groups, edges = _check_mermaid(block["body"])
    design = load_design(stack).design
    places = {"sovereign_boundary", "site", "environment"}
    assert len(nodes) == len({c.id for c in design.components if c.kind not in places})
    assert any(g.startswith("b_") for g in groups) and any("_s_" in g for g in groups)
    assert any("_e_" in g for g in groups)
    assert 0 < edges < 60  # only the links that matter


def test_topology_keeps_mermaid_keywords_out_of_ids() -> None:
    from aifab.blueprints import KubernetesCluster, Network, Site
    from aifab.design.design import Design

    site = Site(id="end", provider="aws", region="eu-west-2")
    net = Network(id="graph", provider="aws", cidr="10.0.0.0/16", site=site)
    design = Design(
        name="d", components=[site, net, KubernetesCluster(id="style", provider="eks", network=net, site=site)]
    )
    _check_mermaid(topology(design))


def _copy(tmp_path: Path, stack: str) -> tuple[Path, Path]:
    stacks, docs = tmp_path / "stacks", tmp_path / "docs"
    shutil.copytree(STACKS / stack, stacks / stack, ignore=shutil.ignore_patterns("__pycache__"))
    docs.mkdir()
    for guide in DOCS.glob("*.md"):
        shutil.copy(guide, docs / guide.name)
    return stacks, docs


def test_check_fails_on_a_missing_then_an_edited_page_and_docs_rewrites_it(tmp_path: Path) -> None:
    stacks, docs = _copy(tmp_path, "eu-sovereign-inference")
    args = ["docs", "--stacks", str(stacks), "--out", str(docs), "--today", TODAY.isoformat()]
    runner = CliRunner()

    missing = runner.invoke(cli, [*args, "--check"])
    assert missing.exit_code == 1
    assert "reference/eu-sovereign-inference.md: missing" in missing.stderr
    assert "aifab docs --today 2026-12-01" in missing.stderr
    assert not (docs / "reference").exists()  # --check writes nothing

    orphan = docs / "reference" / "gone.md"
    orphan.parent.mkdir()
    orphan.write_text("<!-- Generated by `aifab docs` ... -->\n")
    written = runner.invoke(cli, args)
    assert written.exit_code == 0, written.stderr
    assert not orphan.exists()
    page = docs / "reference" / "eu-sovereign-inference.md"
    assert page.read_text() == generate(STACKS, DOCS, today=TODAY)[DOCS / "reference" / page.name]
    assert runner.invoke(cli, [*args, "--check"]).exit_code == 0

    design = stacks / "eu-sovereign-inference" / "design.py"
    text = design.read_text()
    assert "node_count=32" in text
    design.write_text(text.replace("node_count=32", "node_count=16", 1))
    stale = runner.invoke(cli, [*args, "--check"])
    assert stale.exit_code == 1
    assert "reference/eu-sovereign-inference.md: stale" in stale.stderr
    assert runner.invoke(cli, args).exit_code == 0
    assert runner.invoke(cli, [*args, "--check"]).exit_code == 0


@pytest.mark.parametrize("bad", ["file", "missing-stacks"])
def test_unusable_out_or_stacks_is_exit_2(tmp_path: Path, bad: str) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    args = ["--out", str(a_file)] if bad == "file" else ["--stacks", str(tmp_path / "nowhere"), "--out", str(tmp_path)]
    result = CliRunner().invoke(cli, ["docs", "--today", TODAY.isoformat(), *args])
    assert result.exit_code == 2
    assert "error:" in result.stderr
    assert a_file.read_text() == "x"
