"""Load a design from a stack folder, a Python file or a YAML/JSON document, with an environment overlay.

>>> from aifab.design.loader import load_design
>>> loaded = load_design("stacks/uk-sovereign-training", env="prod")
>>> loaded.design.name
'uk-sovereign-training'

A stack folder holds ``design.py`` (or ``design.yaml``) beside ``Pulumi.yaml``; ``Pulumi.<env>.yaml``
overlays the design through its ``aifab:overrides`` config, a mapping of component id to settings.
Every problem is an :class:`~aifab.errors.InputError` naming the file, line and field.
"""

from __future__ import annotations

import difflib
import json
import os
import runpy
import sys
import traceback
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from aifab._gc import paused
from aifab.design.component import Component
from aifab.design.composite import Composite, composite_label
from aifab.design.design import USE_TAG, Design
from aifab.design.environments import EnvironmentModel
from aifab.design.yamlsource import LineMap, deep_merge, read_yaml_file
from aifab.errors import InputError, Location, UnknownNameError
from aifab.validation_errors import describe, field_path, input_error

DESIGN_FILES = ("design.py", "design.yaml", "design.yml", "design.json")
CATALOGUE_FILE = "catalogue.yaml"
"""Catalogue overrides beside a stack's design (prices for its region, its own hardware), used by every command."""
DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")
OVERRIDES_KEY = "aifab:overrides"


@dataclass(frozen=True)
class LoadedDesign:
    """A design with where it came from: the design file, the stack folder and the environment applied."""

    design: Design
    file: Path
    stack_dir: Path | None
    env: str | None

    @property
    def catalogue_file(self) -> Path | None:
        """The stack's catalogue overrides (``catalogue.yaml`` beside the design), when it has one."""
        candidate = (self.stack_dir or self.file.parent) / CATALOGUE_FILE
        return candidate if candidate.is_file() else None


def display(path: Path | str) -> str:
    """A path as the user would write it: relative to the working directory when below it."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    return os.path.relpath(absolute, cwd) if absolute.startswith(cwd + os.sep) else absolute


def resolve_design_file(path: Path | str) -> tuple[Path, Path | None]:
    """The design file for PATH and the stack folder it belongs to (the folder holding Pulumi.yaml)."""
    p = Path(path)
    if p.is_dir():
        for name in DESIGN_FILES:
            if (p / name).is_file():
                return p / name, p
        raise InputError(f"no design in this folder; expected one of {', '.join(DESIGN_FILES)}", file=display(p))
    if not p.exists():
        raise InputError("no such file or folder", file=display(p))
    if p.suffix not in (".py", *DOCUMENT_SUFFIXES):
        raise InputError(
            f"unsupported design file type {p.suffix or '(none)'!r}; expected .py, .yaml, .yml or .json",
            file=display(p),
        )
    stack_dir = p.parent if (p.parent / "Pulumi.yaml").is_file() else None
    return p, stack_dir


def load_design(path: Path | str, env: str | None = None) -> LoadedDesign:
    """Load the design at PATH (stack folder, ``.py`` or YAML/JSON) for environment ``env``.

    In a design with environments (see :mod:`aifab.design.environments`), ``env`` names one of them and
    its ``Pulumi.<env>.yaml`` overrides apply; with no ``env``, every environment's overrides apply (each
    touches only its own components, so together they are the design as all its stacks deploy it). In a
    design without environments, ``env`` names a ``Pulumi.<env>.yaml`` and no ``env`` means as written.
    """
    file, stack_dir = resolve_design_file(path)
    design = load_python(file) if file.suffix == ".py" else load_document(file)
    folder = stack_dir or file.parent
    model = EnvironmentModel.of(design)
    if model.has_environments:
        files = environment_files(folder)
        _check_stack_names(model, files)
        if env is not None and env not in model.environments:
            raise InputError(
                f"no environment {env!r} in the design; its environments (one Pulumi stack each): "
                f"{', '.join(model.environments)}",
                file=display(file),
            )
        for name in [env] if env is not None else list(files):
            if name in files:
                design = apply_environment(design, folder, name, model)
    elif env is not None:
        design = apply_environment(design, folder, env)
    return LoadedDesign(design=design, file=file, stack_dir=stack_dir, env=env)


def _check_stack_names(model: EnvironmentModel, files: dict[str, Path]) -> None:
    """Each stack file must be one of the design's environments: a stray one would deploy nothing."""
    problems = [
        InputError(
            f"stack {name!r} is not an environment of the design; a stack deploys the components of the "
            f"environment it is named after ({', '.join(model.environments)})",
            file=display(path),
        )
        for name, path in files.items()
        if name not in model.environments
    ]
    if problems:
        raise InputError.combine(problems, "stack files name environments the design does not have")


# --- YAML / JSON documents ------------------------------------------------------------------------


def load_document(file: Path) -> Design:
    data, lines = read_yaml_file(Path(display(file)))
    with paused():  # one model per component, no cycles: see aifab._gc
        return design_from_data(data, lines)


def design_from_data(data: Any, lines: LineMap) -> Design:
    """Validate a parsed document into a :class:`Design`, with every component located at its line."""
    if not isinstance(data, dict):
        raise InputError(
            f"expected a mapping with 'name' and 'components', got {_type_name(data)}",
            file=lines.file,
            line=lines.line_of(()),
        )
    try:
        design = Design.model_validate(data)
    except ValidationError as exc:
        raise _from_validation_error(exc, lines, data=data) from None
    _locate(design.components, data.get("components"), lines)
    return design.at(Location(file=lines.file, line=1))


def _locate(components: tuple[Component, ...], entries: Any, lines: LineMap) -> None:
    """Each component at its entry's line (and its fields at theirs); a composite's parts at the composite's."""
    position = 0
    fields: dict[int, dict[str, int]] = {}  # one pass over the line map, not one per component
    for path, line in lines.lines.items():
        if len(path) == 3 and path[0] == "components" and isinstance(path[1], int):
            fields.setdefault(path[1], {})[str(path[2])] = line
    for index, entry in enumerate(entries if isinstance(entries, list) else ()):
        where = Location(file=lines.file, line=lines.line_of(("components", index)))
        if isinstance(entry, dict) and "kind" not in entry and "use" in entry:
            label = composite_label(entry["use"], entry.get("id"))
            while position < len(components) and components[position].expanded_from == label:
                components[position].at(where)
                position += 1
            continue
        components[position].at(where, fields.get(index, {}))
        position += 1


# --- Python designs -------------------------------------------------------------------------------


DEFAULT_TIMEOUT = 60.0
"""Seconds a Python design may run (``AIFAB_DESIGN_TIMEOUT`` overrides it)."""
TIMEOUT_VARIABLE = "AIFAB_DESIGN_TIMEOUT"
_CACHE_SIZE = 64
_cache: dict[tuple[Any, ...], tuple[Any, str | None, str, dict[str, str | None]]] = {}


def design_timeout() -> float:
    """The time limit for a Python design, from ``AIFAB_DESIGN_TIMEOUT`` (seconds) or the default."""
    raw = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value < 1e6:
        raise InputError(f"{TIMEOUT_VARIABLE} must be a number of seconds above 0 (got {raw!r})")
    return value


def load_python(file: Path) -> Design:
    """Run a Python design file in a child process and take its module-level ``design`` (a :class:`Design`).

    The child (see :mod:`aifab.design.contained`) runs for at most :func:`design_timeout` seconds with its
    output captured, and sends the design back as its exported document with each component's location;
    the document is validated again here, so values set without validation are caught. Results are kept
    per file, the contents of the ``.py`` files beside it, the working directory and the environment.
    """
    from aifab.design.contained import run_contained

    shown = display(file)
    timeout = design_timeout()
    key = _cache_key(file, timeout)
    cached = _cache.get(key)
    if cached is None or not _same_environment(cached[3]):
        outcome = run_contained(_evaluate_python, (str(file),), timeout)
        data = json.loads(outcome.result) if outcome.result is not None else None
        read = data.get("environ") if isinstance(data, dict) else None
        names = sorted(os.environ) if read is None else read
        cached = (data, outcome.problem, outcome.output, {name: os.environ.get(name) for name in names})
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = cached
    data, problem, output, _ = cached
    if data is None:
        raise _with_output(InputError(f"the design {problem} instead of defining 'design'", file=shown), output)
    if "error" in data:
        raise _with_output(_error_from_data(data["error"]), output)
    with paused():  # one model per component, no cycles: see aifab._gc
        return _design_from_python_data(data["design"], data["locations"], file, shown)


def _same_environment(read: dict[str, str | None]) -> bool:
    """Whether the environment variables a design read (all of them, if it listed them) are as they were."""
    return all(os.environ.get(name) == value for name, value in read.items())


def _cache_key(file: Path, timeout: float) -> tuple[Any, ...]:
    folder = file.resolve().parent
    sources = []
    for source in sorted(folder.glob("*.py")):
        try:
            stat = source.stat()
            sources.append((source.name, stat.st_mtime_ns, stat.st_size, hash(source.read_bytes())))
        except OSError:
            sources.append((source.name, 0, 0, 0))
    return (str(file.resolve()), tuple(sources), os.getcwd(), timeout)


class _RecordingEnviron(os._Environ):  # type: ignore[type-arg]
    """``os.environ`` in the child: remembers which variables the design read (``None``: it listed them all)."""

    read: typing.ClassVar[set[str] | None] = set()

    def __getitem__(self, key: str) -> str:
        if _RecordingEnviron.read is not None:
            _RecordingEnviron.read.add(key)
        return str(super().__getitem__(key))

    def __iter__(self) -> Any:
        _RecordingEnviron.read = None
        return super().__iter__()


def _with_output(error: InputError, output: str) -> InputError:
    """The error with what the design printed, indented below the message."""
    if not output.strip():
        return error
    shown = "\n".join(f"    {line}" for line in output.rstrip().splitlines())
    message = f"{error.message}\n  the design's output:\n{shown}"
    return InputError(message, file=error.file, line=error.line, field=error.field, problems=error._problems)


def _error_data(error: InputError) -> dict[str, Any]:
    return {
        "message": error.message,
        "file": error.file,
        "line": error.line,
        "field": error.field,
        "problems": [_error_data(p) for p in error._problems],
    }


def _error_from_data(data: dict[str, Any]) -> InputError:
    return InputError(
        str(data["message"]),
        file=data.get("file"),
        line=data.get("line"),
        field=data.get("field"),
        problems=tuple(_error_from_data(p) for p in data.get("problems", ())),
    )


def _design_from_python_data(document: Any, locations: list[Any], file: Path, shown: str) -> Design:
    """Validate the document a Python design sent back, and put each component where it was written."""
    target = os.path.abspath(file)
    lines = LineMap(shown, {(): 1})
    for index, (where, line, _fields, _expanded) in enumerate(locations):
        if where == target and line is not None:
            lines.lines[("components", index)] = line
    try:
        design = Design.model_validate(document)
    except ValidationError as exc:
        raise _from_validation_error(exc, lines, data=document) from None
    if len(design.components) == len(locations):
        for component, (where, line, fields, expanded) in zip(design.components, locations, strict=True):
            location = Location(file=display(where), line=line) if where else Location(file=shown)
            component.at(location, dict(fields), expanded)
    return design.at(Location(file=shown, line=1))


def _evaluate_python(path: str) -> str:
    """In the child: run the design and return, as JSON, its document and locations or the error."""
    import warnings

    from aifab.design.export import design_document

    file = Path(path)
    cwd = os.getcwd()
    os.environ.__class__ = _RecordingEnviron
    try:
        design = _run_python(file, cwd)
    except InputError as exc:
        return json.dumps({"error": _error_data(exc), "environ": _environ_read()})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # values set without validation: the parent reports them
            document = design_document(design)
        locations = []
        for component in design.components:
            location = component.location if isinstance(component, Component) else Location()
            where = os.path.join(cwd, location.file) if location.file else None
            fields = dict(component._field_lines) if isinstance(component, Component) else {}
            expanded = component.expanded_from if isinstance(component, Component) else None
            locations.append((where, location.line, fields, expanded))
        return json.dumps({"design": document, "locations": locations, "environ": _environ_read()})
    except Exception as exc:  # a value that is not data is an input problem
        error = InputError(f"the design holds a value that cannot be sent back as data: {exc}", file=display(file))
        return json.dumps({"error": _error_data(error), "environ": _environ_read()})


def _environ_read() -> list[str] | None:
    read = _RecordingEnviron.read
    return None if read is None else sorted(read)


def _run_python(file: Path, cwd: str) -> Design:
    """Run a Python design file here and take its module-level ``design`` (a :class:`Design`)."""
    shown = display(file)
    folder = str(file.parent.resolve())
    added = folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    try:
        try:
            namespace = runpy.run_path(str(file), run_name="aifab_design")
        finally:
            os.chdir(cwd)  # a design that changed directory: messages are relative to the caller's
            if added and folder in sys.path:
                sys.path.remove(folder)
    except ValidationError as exc:
        raise _from_python_validation_error(exc, file) from None
    except InputError:
        raise
    except SystemExit as exc:
        raise InputError(f"the design called sys.exit({exc.code!r}) instead of defining 'design'", file=shown) from None
    except SyntaxError as exc:
        raise InputError(f"Python syntax error: {exc.msg}", file=shown, line=exc.lineno) from None
    except BaseException as exc:  # any failure in user code is an input problem, located
        line = _user_line(exc, file)
        raise InputError(f"the design raised {type(exc).__name__}: {exc}", file=shown, line=line) from None
    design = namespace.get("design")
    if not isinstance(design, Design):
        found = "nothing" if design is None else type(design).__name__
        raise InputError(
            f"a Python design must define a module-level 'design' holding an aifab Design (found {found})",
            file=shown,
        )
    return design.at(Location(file=shown, line=1))


def _user_line(exc: BaseException, file: Path) -> int | None:
    target = str(file.resolve())
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if os.path.abspath(frame.filename) == target:
            line = frame.lineno
    return line


# --- environment overlay --------------------------------------------------------------------------


def environment_files(folder: Path) -> dict[str, Path]:
    """The environments a stack declares: ``Pulumi.<env>.yaml`` files beside the design."""
    return {p.name[len("Pulumi.") : -len(".yaml")]: p for p in sorted(folder.glob("Pulumi.*.yaml"))}


def apply_environment(design: Design, folder: Path, env: str, model: EnvironmentModel | None = None) -> Design:
    """Overlay ``aifab:overrides`` from ``Pulumi.<env>.yaml``: ``{component id: {field: value}}``.

    With an environment ``model``, only the components stack ``env`` deploys may be overridden.
    """
    files = environment_files(folder)
    if env not in files:
        known = ", ".join(files) or "none"
        raise InputError(
            f"no environment {env!r} (Pulumi.{env}.yaml); known environments: {known}", file=display(folder)
        )
    data, lines = read_yaml_file(Path(display(files[env])))
    config = (data or {}).get("config", {}) if isinstance(data, dict) else None
    if not isinstance(config, dict):
        raise InputError("expected a 'config' mapping", file=lines.file, line=lines.line_of(("config",)))
    overrides = config.get(OVERRIDES_KEY, {})
    if not isinstance(overrides, dict):
        raise InputError(
            f"expected a mapping of component id to settings, got {_type_name(overrides)}",
            file=lines.file,
            line=lines.line_of(("config", OVERRIDES_KEY)),
            field=OVERRIDES_KEY,
        )
    ids = {c.id for c in design.components}
    problems: list[InputError] = []
    components: list[Component] = []
    for component in design.components:
        settings = overrides.get(component.id)
        if settings is None:
            components.append(component)
            continue
        base = ("config", OVERRIDES_KEY, component.id)
        if not isinstance(settings, dict):
            problems.append(
                InputError(
                    f"expected a mapping of settings, got {_type_name(settings)}",
                    file=lines.file,
                    line=lines.line_of(base),
                    field=f"{OVERRIDES_KEY}.{component.id}",
                )
            )
            continue
        outside = _not_deployed_by(model, env, component)
        if outside:
            problems.append(
                InputError(outside, file=lines.file, line=lines.line_of(base), field=f"{OVERRIDES_KEY}.{component.id}")
            )
            continue
        if "id" in settings or "kind" in settings:
            problems.append(
                InputError("an override cannot change 'id' or 'kind'", file=lines.file, line=lines.line_of(base))
            )
            continue
        merged = deep_merge(component.model_dump(mode="python", exclude_unset=True), settings)
        try:
            components.append(
                type(component)
                .model_validate(merged)
                .at(component.location, component._field_lines, component.expanded_from)
            )
        except ValidationError as exc:
            problems.extend(
                _from_validation_error(
                    exc, lines, prefix=base, display_prefix=f"{OVERRIDES_KEY}.{component.id}"
                ).problems
            )
    for unknown in sorted(set(overrides) - ids, key=str):
        problems.append(
            InputError(
                f"override for unknown component {unknown!r}",
                file=lines.file,
                line=lines.line_of(("config", OVERRIDES_KEY, unknown)),
                field=OVERRIDES_KEY,
            )
        )
    if problems:
        raise InputError.combine(problems, f"environment {env!r} cannot be applied")
    return Design.model_validate({**design.model_dump(exclude={"components"}), "components": components}).at(
        design.location
    )


def _not_deployed_by(model: EnvironmentModel | None, env: str, component: Component) -> str | None:
    """Why stack ``env`` may not override ``component`` (``None`` when it may)."""
    if model is None or model.deployer(component) == env:
        return None
    owner = model.deployer(component)
    whose = (
        f"belongs to environment {owner!r}"
        if model.owner(component) is not None
        else (f"is shared, deployed by {owner!r}" if owner else "is deployed by no stack")
    )
    return f"{component.kind} {component.id!r} {whose}; stack {env!r} overrides only the components it deploys"


# --- pydantic errors -> messages that point at the design -----------------------------------------


def _type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", type(None): "nothing"}.get(
        type(value), type(value).__name__
    )


def _strip_tags(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Drop the union tag pydantic inserts after a list index (``components.3.gpu_pool.x``, ``pools.0.gpu_pool``)."""
    out: list[str | int] = []
    for i, part in enumerate(loc):
        after_index = i >= 1 and isinstance(loc[i - 1], int)
        if after_index and isinstance(part, str) and (part in _kinds() or part.startswith(USE_TAG)):
            continue
        out.append(part)
    return tuple(out)


def _component_label(data: Any, loc: tuple[str | int, ...]) -> str:
    """``gpu_pool 'train': `` for an error inside a component of a document, so the reader knows which."""
    if not (isinstance(data, dict) and len(loc) > 2 and loc[0] == "components" and isinstance(loc[1], int)):
        return ""
    components = data.get("components")
    if not isinstance(components, list) or loc[1] >= len(components) or not isinstance(components[loc[1]], dict):
        return ""
    item = components[loc[1]]
    kind, cid = item.get("kind", item.get("use")), item.get("id")
    return f"{kind} {cid!r}: " if isinstance(kind, str) and isinstance(cid, str) else ""


def _kinds() -> frozenset[str]:
    from aifab.blueprints import registry

    return frozenset(registry())


def _composites() -> dict[str, type[Composite]]:
    from aifab.blueprints.composites import registry

    found: dict[str, type[Composite]] = registry()
    return found


def _model_of(tag: str | int) -> type[BaseModel] | None:
    """The kind or composite a union tag (or, from Python, a class name) stands for."""
    from aifab.blueprints import KINDS
    from aifab.blueprints.composites import COMPOSITES

    if isinstance(tag, str) and tag.startswith(USE_TAG):
        return _composites().get(tag[len(USE_TAG) :])
    return next(
        (
            c
            for c in (*KINDS, *COMPOSITES)
            if tag in (c.__name__, c.model_fields["kind" if issubclass(c, Component) else "use"].default)
        ),
        None,
    )


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _unknown_field(model: type[BaseModel] | None, path: tuple[str | int, ...]) -> str:
    """The message for an unknown field at ``path`` inside ``model``, suggesting the closest real fields."""
    models = [model] if model is not None else []
    for part in path[:-1]:  # follow nested settings (pools[0], locations.sheffield) to the model holding the field
        tagged = [m for m in models if _tag_of(m) == part]  # a union member chosen by its tag
        inner = [m for c in models if part in c.model_fields for m in _models_in(c.model_fields[str(part)].annotation)]
        models = tagged or inner or models
    known = sorted({name for m in models for name in m.model_fields})
    close = difflib.get_close_matches(str(path[-1]) if path else "", known, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(map(repr, close))}?" if close else "check the spelling"
    what = "composite" if models and all(issubclass(m, Composite) for m in models) else "kind"
    return f"unknown field (not part of this {what}; {hint})"


def _tag_of(model: type[BaseModel]) -> object:
    field = model.model_fields.get("kind")
    return field.default if field is not None else None


def _unknown_use(error: Any) -> str | None:
    """For an entry that uses no known composite: which ones come close."""
    entry = error.get("input")
    if error["type"] != "unknown_kind" or not isinstance(entry, dict) or "kind" in entry or "use" not in entry:
        return None
    return UnknownNameError("composite", str(entry["use"]), sorted(_composites())).message


def _describe(error: Any, model: type[BaseModel] | None = None, path: tuple[str | int, ...] = ()) -> str:
    if error["type"] == "extra_forbidden":
        return _unknown_field(model, path)
    return _unknown_use(error) or describe(error)


def _from_validation_error(
    exc: ValidationError,
    lines: LineMap,
    prefix: tuple[str | int, ...] = (),
    display_prefix: str = "",
    data: Any = None,
) -> InputError:
    def loc_of(error: Any) -> tuple[str | int, ...]:
        loc = _strip_tags(tuple(error["loc"]))
        return (*loc, "use") if _unknown_use(error) else loc  # point at the name that is wrong

    def field_of(error: Any) -> str:
        field = field_path(loc_of(error))
        return (f"{display_prefix}.{field}" if field else display_prefix) if display_prefix else field

    def describe_error(error: Any) -> str:
        raw, loc = tuple(error["loc"]), loc_of(error)
        tagged = len(raw) > 2 and raw[0] == "components" and len(loc) < len(raw)
        model, path = (_model_of(raw[2]), raw[3:]) if tagged else (None, raw)
        return _component_label(data, loc) + _describe(error, model, path)

    return input_error(
        exc,
        "design",
        file=lines.file,
        line_of=lambda error: lines.line_of((*prefix, *loc_of(error))),
        field_of=field_of,
        describe_error=describe_error,
    )


def _from_python_validation_error(exc: ValidationError, file: Path) -> InputError:
    line = _user_line(exc, file)
    return input_error(
        exc,
        "design",
        file=display(file),
        line_of=lambda _: line,
        field_of=lambda error: f"{exc.title}.{field_path(tuple(error['loc']))}" if error["loc"] else exc.title,
        describe_error=lambda error: _describe(error, _model_of(exc.title), tuple(error["loc"])),
    )
