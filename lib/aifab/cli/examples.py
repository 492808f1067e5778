"""The examples that end every command's ``--help``, kept in one table.

:func:`add_examples` sets each command's ``epilog`` (a ``\\b`` block, so click keeps the line breaks) from
:data:`EXAMPLES`, keyed by the command's path (``"policy test"``). A command that already ends its help
with examples keeps its own. ``tests/cli/test_help.py`` walks every command and fails when one has none,
so a new command cannot ship without them.
"""

from __future__ import annotations

import click

__all__ = ["EXAMPLES", "add_examples", "epilog"]

_STACK = "stacks/uk-sovereign-training"

EXAMPLES: dict[str, tuple[str, ...]] = {
    "": (
        "aifab init my-platform",
        "aifab check my-platform",
        "aifab catalogue list instance-types",
    ),
    "validate": (f"aifab validate {_STACK}", f"aifab validate {_STACK} --env prod --format json"),
    "estimate": (f"aifab estimate {_STACK} --env prod", f"aifab estimate {_STACK} --format json"),
    "check": (
        "aifab check stacks",
        f"aifab check {_STACK} --env prod --format sarif --output sarif=check.sarif",
        f"aifab check {_STACK} --today 2026-12-01 --no-preview",
    ),
    "graph": (
        f"aifab graph {_STACK} --format mermaid",
        f"aifab graph {_STACK} --format dot --links uses,joins,mounts",
        f"aifab graph {_STACK} --deployment-order",
    ),
    "preview": (f"aifab preview {_STACK} --env prod", f"aifab preview {_STACK} --env prod --out plan/"),
    "report": (f"aifab report {_STACK} --env prod --out review/",),
    "docs": ("aifab docs", "aifab docs --check"),
    "up": (f"aifab up {_STACK} --env dev --backend file://~/.pulumi-state",),
    "destroy": (f"aifab destroy {_STACK} --env dev --backend file://~/.pulumi-state",),
    "policy": ("aifab policy list", "aifab policy test", "aifab policy docs --output docs/policies.md"),
    "policy list": ("aifab policy list --pack sovereign-uk", "aifab policy list --format markdown"),
    "policy test": ("aifab policy test", "aifab policy test my-policies/house-rules --format json"),
    "policy docs": (
        "aifab policy docs --output docs/policies.md",
        "aifab policy docs --output docs/policies.md --check",
    ),
    "design": (f"aifab design export {_STACK} --format json", "aifab design schema > design.schema.json"),
    "design export": (f"aifab design export {_STACK}", f"aifab design export {_STACK} --env prod --format json"),
    "design schema": ("aifab design schema > design.schema.json",),
    "design reference": ("aifab design reference > blueprints.md",),
    "size": ("aifab size fabric --nodes 128 --gpus-per-node 8 --link-gbps 400 --radix 64",),
    "size fabric": (
        "aifab size fabric --nodes 128 --gpus-per-node 8 --link-gbps 400 --radix 64",
        "aifab size fabric --nodes 1024 --gpus-per-node 8 --link-gbps 400 --radix 64 --format json",
    ),
    "catalogue": (
        "aifab catalogue list",
        "aifab catalogue show instance-type p5.48xlarge",
        "aifab catalogue search h100",
    ),
    "catalogue list": (
        "aifab catalogue list",
        "aifab catalogue list instance-types",
        "aifab catalogue list regions --format json",
    ),
    "catalogue show": (
        "aifab catalogue show instance-type p5.48xlarge",
        "aifab catalogue show jurisdiction UK --format json",
    ),
    "catalogue search": ("aifab catalogue search london", "aifab catalogue search h100 --format json"),
    "init": (
        "aifab init my-platform",
        "aifab init --template eu-sovereign-inference eu-platform",
        "aifab init --template composite:eks_platform gpu-platform",
        "aifab init --list",
    ),
    "bench": ("aifab bench run --local --quick --out bench-runs/laptop", "aifab bench verify bench-runs/laptop"),
    "bench run": (
        "aifab bench run --local --quick --out bench-runs/laptop",
        "aifab bench run --local --suite gemm",
        f"aifab bench run {_STACK} --env prod --out bench-runs/prod",
    ),
    "bench verify": (
        "aifab bench verify bench-runs/laptop --plots bench-runs/laptop/plots",
        f"aifab bench verify bench-runs/prod --design {_STACK} --env prod --output junit=bench.xml",
        "aifab bench verify bench-runs/laptop --tolerance gemm=0.1 --output markdown=- --no-mlflow",
    ),
}


def epilog(lines: tuple[str, ...]) -> str:
    """An ``Examples:`` block click prints as written.

    >>> print(epilog(("aifab docs",)))
    Examples:
    <BLANKLINE>
    \b
      aifab docs
    """
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in lines)


def add_examples(command: click.Command, path: str = "") -> None:
    """Give ``command`` and every subcommand the examples :data:`EXAMPLES` lists for them."""
    if path in EXAMPLES and "Examples:" not in (command.epilog or ""):
        command.epilog = epilog(EXAMPLES[path])
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            add_examples(sub, f"{path} {name}".strip())
