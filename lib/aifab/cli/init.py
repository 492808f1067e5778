"""``aifab init``: scaffold a stack folder from a reference architecture or a composite.

    aifab init my-platform                                   # the default template
    aifab init --template eu-sovereign-inference eu-platform
    aifab init --template composite:eks_platform gpu-platform

The folder gets the template's design (``design.py`` or ``design.yaml``) and any ``catalogue.yaml``, its
``Pulumi.<env>.yaml`` per environment, ``policy.yaml`` and ``waivers.yaml``, a ``Pulumi.yaml`` naming the
folder as the Pulumi project, and the two-line ``__main__.py`` every stack shares. Files are copied, never
referenced: the scaffold works wherever aifab is installed.

Templates are found, in order, under ``$AIFAB_STACKS`` (a folder of stack folders), the installed package
data (``aifab/stacks``, the repository's ``stacks/`` packaged as data) and a checkout's ``stacks/``.
Composite templates ship inside the package, under ``aifab/templates/composites``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import click
import yaml

from aifab.errors import InputError, UnknownNameError

from ._common import err, handle_errors

__all__ = ["DEFAULT_TEMPLATE", "init_command", "scaffold", "templates"]

DEFAULT_TEMPLATE = "uk-sovereign-training"
"""The smallest reference architecture: one boundary, two sites, a dev/prod pair."""

COMPOSITE_PREFIX = "composite:"

_COPIED = ("design.py", "design.yaml", "catalogue.yaml", "policy.yaml", "waivers.yaml")

MAIN_PY = "from pathlib import Path\nfrom aifab.program import run_stack\n\nstack = run_stack(Path(__file__).parent)\n"


def _stacks_root() -> Path | None:
    """The folder of reference stacks: ``$AIFAB_STACKS``, the installed package data, or the checkout's."""
    override = os.environ.get("AIFAB_STACKS")
    if override:
        return Path(override) if Path(override).is_dir() else None
    here = Path(__file__).resolve()  # .../aifab/cli/init.py
    for candidate in (here.parents[1] / "stacks", here.parents[3] / "stacks"):
        if candidate.is_dir():
            return candidate
    return None


def _composites_root() -> Path:
    return Path(__file__).resolve().parents[1] / "templates" / "composites"


def templates() -> dict[str, Path]:
    """Every template name and the folder it is copied from: the reference stacks, then ``composite:<name>``."""
    found: dict[str, Path] = {}
    root = _stacks_root()
    if root is not None:
        for folder in sorted(root.iterdir()):
            if (folder / "Pulumi.yaml").is_file() and any((folder / d).is_file() for d in ("design.py", "design.yaml")):
                found[folder.name] = folder
    for folder in sorted(_composites_root().iterdir()):
        if (folder / "Pulumi.yaml").is_file():
            found[COMPOSITE_PREFIX + folder.name] = folder
    return found


def _description(template: Path) -> str | None:
    data = yaml.safe_load((template / "Pulumi.yaml").read_text(encoding="utf-8")) or {}
    description = data.get("description") if isinstance(data, dict) else None
    return str(description) if description else None


def _pulumi_yaml(project: str, description: str | None) -> str:
    data: dict[str, object] = {"name": project}
    if description:
        data["description"] = description
    # The python on PATH (the one aifab is installed in) runs the program: no repository-relative virtualenv.
    data["runtime"] = "python"
    return yaml.safe_dump(data, sort_keys=False, width=1000)


def scaffold(name: str, target: Path, *, force: bool = False) -> list[Path]:
    """Write template ``name`` into ``target`` and return the files written (relative to ``target``).

    Refuses a non-empty ``target`` unless ``force`` (then the template's files replace same-named ones).
    Everything is written into a temporary folder beside ``target`` first and moved into place at the end,
    so a failure never leaves half a stack.
    """
    known = templates()
    if name not in known:
        if _stacks_root() is None and not name.startswith(COMPOSITE_PREFIX):
            hint = "set AIFAB_STACKS to a folder of stack folders (the repository's stacks/)"
            raise InputError(f"cannot find the reference stacks for template {name!r}; {hint}")
        raise UnknownNameError("template", name, list(known))
    template = known[name]
    if target.exists() and not target.is_dir():
        raise InputError("exists and is not a folder", file=str(target))
    if target.is_dir() and any(target.iterdir()) and not force:
        raise InputError("the folder is not empty; choose an empty folder or pass --force", file=str(target))
    project = target.resolve().name
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{project}-", dir=target.parent))
    try:
        for file in _COPIED:
            if (template / file).is_file():
                shutil.copyfile(template / file, staging / file)
        for env_file in sorted(template.glob("Pulumi.*.yaml")):
            shutil.copyfile(env_file, staging / env_file.name)
        (staging / "Pulumi.yaml").write_text(_pulumi_yaml(project, _description(template)), encoding="utf-8")
        (staging / "__main__.py").write_text(MAIN_PY, encoding="utf-8")
        written = sorted(p.relative_to(staging) for p in staging.iterdir())
        if target.is_dir():
            for rel in written:
                os.replace(staging / rel, target / rel)
            staging.rmdir()
        else:
            os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return written


def _template_help() -> str:
    return "Reference architecture (a stacks/ folder name) or composite:<name>; see --list."


@click.command(name="init")
@click.argument("directory", metavar="DIR", required=False)
@click.option(
    "--template", "template", metavar="NAME", default=DEFAULT_TEMPLATE, show_default=True, help=_template_help()
)
@click.option("--force", is_flag=True, help="Write into a non-empty DIR, replacing the template's files there.")
@click.option("--list", "list_templates", is_flag=True, help="List the templates and exit.")
@handle_errors()
def init_command(directory: str | None, template: str, force: bool, list_templates: bool) -> None:
    """Scaffold a stack folder DIR from a reference architecture or a composite.

    DIR gets the design, Pulumi.yaml (project named after DIR), the two-line __main__.py, one
    Pulumi.<env>.yaml per environment, policy.yaml and waivers.yaml; it validates and checks clean.
    """
    if list_templates:
        for name, folder in templates().items():
            click.echo(f"{name:32} {_description(folder) or ''}".rstrip())
        return
    if directory is None:
        raise click.UsageError("missing argument DIR")
    written = scaffold(template, Path(directory), force=force)
    err.print(f"scaffolded {directory} from {template}: {', '.join(str(p) for p in written)}", markup=False)
    click.echo(f"next: aifab check {directory}")
