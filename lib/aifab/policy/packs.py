"""Policy packs: one folder per pack, one module per rule, found explicitly and loaded by path.

::

    policies/
      baseline-security/
        pack.yaml            name, title, description, default enforcement, parameters
        rules/sec_eks_001.py a module-level ``rule`` (file named after the rule id)
        PulumiPolicy.yaml    the same pack as a CrossGuard pack (``__main__.py``)

>>> packs = load_packs(builtin_policies_dir())
>>> packs.rule("SEC-EKS-001").pack
'baseline-security'

Loading runs each rule module in a fresh namespace and reads its ``rule``; nothing registers itself on
import, and loading twice gives new objects. A duplicate rule id, a file not named after its rule, a
rule that names another pack, or a module that fails to import is an :class:`InputError` naming the file.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from aifab.design.loader import display
from aifab.errors import InputError, UnknownNameError

from ._yaml import read_document, validate_model
from .enforcement import EnforcementSpec, check_spec_keys
from .rule import Rule, RuleDefinitionError

PACK_FILE = "pack.yaml"
PACK_NAME = r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$"


class PackParam(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    default: Any = None
    description: Annotated[str, Field(min_length=3)]
    type: Literal["number", "string", "bool", "list", "strings", "mapping"] | None = None
    """The value's kind, for parameters whose default (null) does not show it."""


class PackInfo(BaseModel):
    """The contents of ``pack.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, Field(pattern=PACK_NAME)]
    title: Annotated[str, Field(min_length=3)]
    description: Annotated[str, Field(min_length=3)]
    version: str = "0.1.0"
    enforcement: Annotated[EnforcementSpec | None, AfterValidator(check_spec_keys)] = None
    """The pack's default enforcement (``by-severity`` when unset)."""
    default: bool = True
    """Whether the pack runs when the project's policy config does not list packs. A pack with a
    ``jurisdictions`` parameter runs by default only for designs with a boundary in one of them."""
    params: dict[str, PackParam] = Field(default_factory=dict)
    max_waiver_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    """The longest a waiver for one of the pack's rules may run (the policy config's horizon when shorter)."""


@dataclass(frozen=True)
class Pack:
    info: PackInfo
    path: Path
    rules: tuple[Rule, ...]

    @property
    def name(self) -> str:
        return self.info.name

    def defaults(self) -> dict[str, Any]:
        return {name: p.default for name, p in self.info.params.items()}


@dataclass(frozen=True)
class PackSet:
    """Loaded packs by name, and every rule by id."""

    packs: Mapping[str, Pack]
    rules: Mapping[str, Rule]

    def pack(self, name: str) -> Pack:
        if name not in self.packs:
            raise UnknownNameError("policy pack", name, list(self.packs))
        return self.packs[name]

    def rule(self, rule_id: str) -> Rule:
        if rule_id not in self.rules:
            raise UnknownNameError("rule", rule_id, list(self.rules))
        return self.rules[rule_id]

    def __iter__(self) -> Iterator[Pack]:
        return iter(self.packs.values())


def builtin_policies_dir() -> Path:
    """Where the shipped packs live: ``$AIFAB_POLICIES``, else the ``policies/`` folder of this checkout."""
    override = os.environ.get("AIFAB_POLICIES")
    if override:
        return Path(override)
    here = Path(__file__).resolve()
    for candidate in (here.parents[1] / "policies", here.parents[3] / "policies"):
        if candidate.is_dir():
            return candidate
    raise InputError(
        "cannot find the built-in policy packs; set AIFAB_POLICIES to the policies/ folder",
        file=str(here.parents[3] / "policies"),
    )


def pack_folders(root: Path) -> list[Path]:
    """A pack folder itself, or every pack folder directly under ``root``."""
    if (root / PACK_FILE).is_file():
        return [root]
    if not root.is_dir():
        raise InputError("no such policy folder", file=display(root))
    return sorted(p.parent for p in root.glob(f"*/{PACK_FILE}"))


def load_packs(*roots: Path) -> PackSet:
    """Load every pack under ``roots`` (folders of packs, or pack folders). Duplicates are errors."""
    packs: dict[str, Pack] = {}
    rules: dict[str, Rule] = {}
    origin: dict[str, Path] = {}
    seen: set[Path] = set()
    for root in roots:
        for folder in pack_folders(root):
            if folder.resolve() in seen:
                continue  # the same folder reached twice (a pack inside a policies folder also given)
            seen.add(folder.resolve())
            pack = load_pack(folder)
            if pack.name in packs:
                raise InputError(
                    f"pack {pack.name!r} is defined twice (also in {display(packs[pack.name].path)})",
                    file=display(folder / PACK_FILE),
                )
            packs[pack.name] = pack
            for rule in pack.rules:
                if rule.id in rules:
                    raise InputError(
                        f"duplicate rule id {rule.id!r}: also defined in {display(origin[rule.id])}",
                        file=display(folder / "rules" / f"{rule.slug}.py"),
                    )
                rules[rule.id] = rule
                origin[rule.id] = folder / "rules" / f"{rule.slug}.py"
    return PackSet(packs=MappingProxyType(packs), rules=MappingProxyType(rules))


def load_pack(folder: Path) -> Pack:
    data, lines = read_document(folder / PACK_FILE)
    info = validate_model(PackInfo, data, lines, "pack file")
    if info.name != folder.name:
        raise InputError(
            f"pack name {info.name!r} must match its folder name {folder.name!r}",
            file=lines.file,
            line=lines.line_of(("name",)),
            field="name",
        )
    rules = tuple(load_rule_file(path, pack=info.name) for path in rule_files(folder))
    return Pack(info=info, path=folder, rules=rules)


def rule_files(folder: Path) -> list[Path]:
    rules_dir = folder / "rules" if (folder / "rules").is_dir() else folder
    return sorted(p for p in rules_dir.glob("*.py") if not p.name.startswith("_"))


def load_rule_file(path: Path, pack: str | None = None) -> Rule:
    """Run one rule module by path and return its module-level ``rule``."""
    shown = display(path)
    module_name = f"_aifab_rules.{pack or 'local'}.{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise InputError("cannot load this file as a Python module", file=shown)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and pydantic look classes up by module while it runs
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise InputError(f"Python syntax error: {exc.msg}", file=shown, line=exc.lineno) from None
    except RuleDefinitionError as exc:
        raise InputError(str(exc), file=shown, line=_line_in(exc, path)) from None
    except InputError:
        raise
    except Exception as exc:
        raise InputError(
            f"the rule module raised {type(exc).__name__}: {exc}", file=shown, line=_line_in(exc, path)
        ) from None
    finally:
        sys.modules.pop(module_name, None)
    rule = getattr(module, "rule", None)
    if not isinstance(rule, Rule):
        found = "nothing" if rule is None else type(rule).__name__
        raise InputError(f"a rule module must define a module-level 'rule' (a Rule); found {found}", file=shown)
    if path.stem != rule.slug:
        raise InputError(f"the file of rule {rule.id} must be named {rule.slug}.py", file=shown)
    if pack is not None and rule.pack != pack:
        raise InputError(f"rule {rule.id} says pack {rule.pack!r} but lives in pack {pack!r}", file=shown)
    return rule


def _line_in(exc: BaseException, path: Path) -> int | None:
    target = str(path.resolve())
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if os.path.abspath(frame.filename) == target:
            line = frame.lineno
    return line
