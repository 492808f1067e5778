"""Offline runs of a Pulumi program under the SDK's mock monitor, recorded the way the engine sees them.

The stock :class:`pulumi.runtime.MockMonitor` only hands mocks a resource's type, name and inputs; the
engine also sees its parent, provider, dependencies and options. :class:`CaptureMonitor` records the whole
``RegisterResourceRequest`` with engine-faithful URNs (the stock monitor keeps only the last parent type)
and refuses duplicate URNs as the engine does. :class:`FabricatingMocks` answers invokes and autonames
resources as providers do; in preview mode computed outputs stay unknown (real preview semantics), in
resolve mode every declared output is fabricated from the SDK classes so every ``apply`` runs.

>>> from pathlib import Path
>>> capture = run_program(Path("stacks/eu-sovereign-inference"), "dev")   # doctest: +SKIP
>>> capture.types()["aws:eks/cluster:Cluster"]                              # doctest: +SKIP
1
"""

from __future__ import annotations

import asyncio
import collections.abc
import contextlib
import contextvars
import hashlib
import json
import logging
import os
import runpy
import sys
import threading
import types
import typing
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
import yaml
from google.protobuf import json_format
from pulumi.runtime import config as rconfig
from pulumi.runtime import mocks as mocks_module
from pulumi.runtime import settings as rsettings
from pulumi.runtime import stack as pulumi_stack
from pulumi.runtime import sync_await as sync_await_module
from pulumi.runtime.mocks import MockEngine, MockMonitor
from pulumi.runtime.proto import engine_pb2

SECRET_SIG = "4dabf18193072939515e22adb298388d"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
STACK_TYPE = "pulumi:pulumi:Stack"


class ProgramFailed(Exception):
    """The program raised (a refusal, a config error or a bug); ``message`` is what the engine would print."""

    def __init__(self, message: str, capture: Capture) -> None:
        super().__init__(message)
        self.message = message
        self.capture = capture


@dataclass(frozen=True)
class Record:
    """One registered resource, as the engine receives it."""

    urn: str
    type: str
    name: str
    parent: str
    """The parent's URN; empty for a resource at the top (the engine's parent is then the stack)."""
    custom: bool
    provider: str
    dependencies: tuple[str, ...]
    property_dependencies: Mapping[str, tuple[str, ...]]
    protect: bool | None
    retain_on_delete: bool | None
    wire: Mapping[str, Any]
    """Inputs exactly as sent (camelCase, secret envelopes, unknown sentinels)."""
    inputs: Mapping[str, Any]
    """Inputs in plain form: secrets unwrapped, unknowns as ``"<unknown>"``, integral floats as ints."""
    secret_paths: tuple[str, ...]
    unknown_paths: tuple[str, ...]
    read: bool = False
    """Read from the engine's state or another stack (a ``StackReference``), not created."""
    ignore_changes: tuple[str, ...] = ()
    replace_on_changes: tuple[str, ...] = ()
    delete_before_replace: bool | None = None
    additional_secret_outputs: tuple[str, ...] = ()
    version: str = ""
    """The provider package version the resource was registered with (``7.51.1``)."""

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")


@dataclass
class Capture:
    """Everything one program run registered, in registration order, and what it exported."""

    project: str
    stack: str
    preview: bool
    records: dict[str, Record] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    """Stack exports (plain form)."""
    output_secret_paths: tuple[str, ...] = ()
    """Paths of the stack exports that are secrets (``mlflow.kubeconfig`` ...)."""
    component_outputs: dict[str, Any] = field(default_factory=dict)
    created_in_apply: list[str] = field(default_factory=list)
    """``type::name`` of resources constructed inside an ``apply`` (the engine cannot preview them)."""
    warnings: list[str] = field(default_factory=list)
    """Warnings the program logged (``pulumi.log.warn``) and the recorder's own notes."""
    errors: list[str] = field(default_factory=list)
    invokes: list[str] = field(default_factory=list)

    def resources(self, *, providers: bool = False) -> list[Record]:
        return [r for r in self.records.values() if providers or not r.is_provider]

    def types(self) -> Counter[str]:
        return Counter(r.type for r in self.resources())

    def by_type(self, type_: str) -> list[Record]:
        return [r for r in self.records.values() if r.type == type_]

    def one(self, type_: str, name: str) -> Record:
        found = [r for r in self.records.values() if r.type == type_ and r.name == name]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources of type {type_} named {name!r}")
        return found[0]

    def children(self, parent: Record | str) -> list[Record]:
        urn = parent if isinstance(parent, str) else parent.urn
        return [r for r in self.records.values() if r.parent == urn]

    def descendants(self, parent: Record | str) -> list[Record]:
        out: list[Record] = []
        for child in self.children(parent):
            out.append(child)
            out.extend(self.descendants(child))
        return out


def plain(value: Any, path: str = "", secrets: list[str] | None = None, unknowns: list[str] | None = None) -> Any:
    """Wire value -> plain value, collecting the paths of secrets and unknowns."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG) == "1b47061264138c4ac30d75fd1eb44270":
            if secrets is not None:
                secrets.append(path)
            return plain(value.get("value"), path, secrets, unknowns)
        return {k: plain(v, f"{path}.{k}" if path else k, secrets, unknowns) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v, f"{path}[{i}]", secrets, unknowns) for i, v in enumerate(value)]
    if value == UNKNOWN:
        if unknowns is not None:
            unknowns.append(path)
        return "<unknown>"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class CaptureMonitor(MockMonitor):
    """A mock monitor that records what the engine would see, with the engine's URNs."""

    def __init__(self, mocks: pulumi.runtime.Mocks, capture: Capture) -> None:
        super().__init__(mocks)
        self.capture = capture
        self._lock = threading.Lock()
        self._claimed: set[str] = set()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        if parent and (qualified := parent.split("::")[2]) != STACK_TYPE:
            type_ = f"{qualified}${type_}"
        return f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::{type_}::{name}"

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        with self._lock:  # registrations run in worker threads: check and claim the URN in one step
            if request.type != STACK_TYPE and urn in self._claimed:
                raise Exception(f"Duplicate resource URN '{urn}'; try giving it a unique name")
            self._claimed.add(urn)
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type == STACK_TYPE:
            return response
        wire = json_format.MessageToDict(request.object)
        secrets: list[str] = []
        unknowns: list[str] = []
        inputs = plain(wire, "", secrets, unknowns)
        self.capture.records[response.urn] = Record(
            urn=response.urn,
            type=request.type,
            name=request.name,
            parent="" if not request.parent or request.parent.split("::")[2] == STACK_TYPE else request.parent,
            custom=request.custom,
            provider=request.provider,
            dependencies=tuple(request.dependencies),
            property_dependencies={k: tuple(v.urns) for k, v in request.propertyDependencies.items()},
            protect=request.protect if request.HasField("protect") else None,
            retain_on_delete=request.retainOnDelete if request.HasField("retainOnDelete") else None,
            wire=wire,
            inputs=inputs,
            secret_paths=tuple(secrets),
            unknown_paths=tuple(unknowns),
            ignore_changes=tuple(request.ignoreChanges),
            replace_on_changes=tuple(request.replaceOnChanges),
            delete_before_replace=request.deleteBeforeReplace if request.deleteBeforeReplaceDefined else None,
            additional_secret_outputs=tuple(request.additionalSecretOutputs),
            version=request.version,
        )
        return response

    def ReadResource(self, request: Any) -> Any:
        """A read (a ``StackReference``, a ``get`` of an existing resource): recorded, marked as a read."""
        response = super().ReadResource(request)  # type: ignore[no-untyped-call]
        wire = json_format.MessageToDict(request.properties)
        self.capture.records[response.urn] = Record(
            urn=response.urn,
            type=request.type,
            name=request.name,
            parent="" if not request.parent or request.parent.split("::")[2] == STACK_TYPE else request.parent,
            custom=True,
            provider=request.provider,
            dependencies=tuple(request.dependencies),
            property_dependencies={},
            protect=None,
            retain_on_delete=None,
            wire=wire,
            inputs=plain(wire),
            secret_paths=(),
            unknown_paths=(),
            read=True,
        )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        secrets: list[str] = []
        outputs = plain(json_format.MessageToDict(request.outputs), "", secrets)
        if request.urn.split("::")[2] == STACK_TYPE:
            self.capture.outputs = outputs
            self.capture.output_secret_paths = tuple(secrets)
        else:
            self.capture.component_outputs[request.urn] = outputs
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


# What the AWS invokes return, under their wire names; the account id is the design's when it names one.
def _invoke_table(account: str, region: str) -> dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]]:
    return {
        "aws:index/getCallerIdentity:getCallerIdentity": lambda a: {
            "accountId": account,
            "arn": f"arn:aws:iam::{account}:user/preview",
            "userId": "AIDAPREVIEW",
            "id": account,
        },
        "aws:index/getRegion:getRegion": lambda a: {"name": region, "region": region, "id": region},
        "aws:index/getPartition:getPartition": lambda a: {
            "partition": "aws-us-gov" if region.startswith("us-gov-") else "aws",
            "dnsSuffix": "amazonaws.com",
            "id": "aws",
        },
        "aws:index/getAvailabilityZones:getAvailabilityZones": lambda a: {
            "names": [f"{region}{z}" for z in "abcdef"],
            "zoneIds": [f"{region[:3]}{region[-1]}-az{i}" for i in range(1, 7)],
            "id": region,
        },
    }


_CLASSES: dict[str, type[pulumi.Resource]] = {}


def _resource_class(token: str) -> type[pulumi.Resource] | None:
    """The SDK class for ``token`` (provider modules load lazily, so walk again on a miss)."""
    if token not in _CLASSES:
        stack: list[type[Any]] = [pulumi.CustomResource]
        while stack:
            cls = stack.pop()
            found = getattr(cls, "pulumi_type", None)
            if isinstance(found, str):
                _CLASSES.setdefault(found, cls)
            stack.extend(cls.__subclasses__())
    return _CLASSES.get(token)


def _declared_outputs(token: str) -> dict[str, Any]:
    """Wire name -> the value type of every output property the SDK class declares."""
    cls = _resource_class(token)
    if cls is None:
        return {}
    out: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        for member in vars(klass).values():
            fget = getattr(member, "fget", None)
            wire = getattr(fget, "_pulumi_name", None)
            if isinstance(wire, str):
                returned = getattr(fget, "__annotations__", {}).get("return")
                args = typing.get_args(returned)
                out[wire] = args[0] if args else Any
    return out


def _fabricate(value_type: Any, name: str, wire: str) -> Any:
    args = typing.get_args(value_type)
    if typing.get_origin(value_type) in (typing.Union, types.UnionType):
        value_type = next((a for a in args if a is not type(None)), Any)
    origin = typing.get_origin(value_type) or value_type
    if origin in (list, collections.abc.Sequence):
        return []
    if origin in (dict, collections.abc.Mapping):
        return {}
    if value_type is bool:
        return False
    if value_type is int:
        return 1
    if value_type is float:
        return 1.0
    if value_type is str or value_type is Any:
        return f"{name}-{wire}"
    return {}  # an output object type


def _hash7(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:7]


class FabricatingMocks(pulumi.runtime.Mocks):
    """Echo inputs, autoname like providers do, answer known invokes; fabricate outputs when resolving."""

    def __init__(
        self, capture: Capture, *, preview: bool, account: str, region: str, stack_outputs: Mapping[str, Any]
    ) -> None:
        self.capture = capture
        self.preview = preview
        self.invokes = _invoke_table(account, region)
        self.stack_outputs = stack_outputs

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        state = dict(args.inputs)
        if args.typ == "pulumi:pulumi:StackReference":
            ref = str(state.get("name", args.name))
            outputs = self.stack_outputs.get(ref.rsplit("/", 1)[-1])
            if outputs is None:
                self.capture.warnings.append(f"stack reference {ref}: no outputs given; its values are unknown")
                if self.preview:
                    return ref, {"name": ref}  # outputs unknown, as for a stack not deployed yet
            return ref, {"name": ref, "outputs": dict(outputs or {})}
        if args.typ.startswith("kubernetes:") and not args.typ.startswith("kubernetes:helm"):
            meta = dict(state.get("metadata") or {})
            if "name" not in meta and "kind" in state:
                meta["name"] = f"{args.name.rsplit('/', 1)[-1]}-{_hash7(args.name)}"
                state["metadata"] = meta
        declared = _declared_outputs(args.typ)
        for autoname in ("name", "bucket"):
            if autoname in declared and autoname not in state:
                state[autoname] = f"{args.name}-{_hash7(args.name)}"
        if self.preview:
            return "", state  # a resource not created yet has no id: unknown, as in a real preview
        for wire, value_type in declared.items():
            state.setdefault(wire, _fabricate(value_type, args.name, wire))
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        self.capture.invokes.append(args.token)
        answer = self.invokes.get(args.token)
        if answer is None:
            raise NotImplementedError(f"offline preview has no answer for invoke {args.token}")
        return answer(args.args), []


class _RecordingEngine(MockEngine):
    """The engine's log: warnings and errors land in the capture (as ``pulumi preview`` prints them)."""

    def __init__(self, capture: Capture) -> None:
        super().__init__(logging.getLogger("aifab.preview"))
        self.capture = capture

    def Log(self, request: Any) -> None:
        if request.severity == engine_pb2.WARNING:
            self.capture.warnings.append(request.message)
        elif request.severity == engine_pb2.ERROR:
            self.capture.errors.append(request.message)


_IN_APPLY: contextvars.ContextVar[bool] = contextvars.ContextVar("aifab_in_apply", default=False)


@contextlib.contextmanager
def _watch_applies(capture: Capture) -> Iterator[None]:
    """Record resources constructed inside ``Output.apply`` (a real preview cannot show them)."""
    original_apply = pulumi.Output.apply
    original_init = pulumi.Resource.__init__

    def apply(self: pulumi.Output[Any], func: Callable[[Any], Any], run_with_unknowns: bool = False) -> Any:
        def flagged(value: Any) -> Any:
            token = _IN_APPLY.set(True)
            try:
                return func(value)
            finally:
                _IN_APPLY.reset(token)

        return original_apply(self, flagged, run_with_unknowns)

    def init(self: pulumi.Resource, t: str, name: str, *args: Any, **kwargs: Any) -> None:
        if _IN_APPLY.get():
            capture.created_in_apply.append(f"{t}::{name}")
        original_init(self, t, name, *args, **kwargs)

    pulumi.Output.apply = apply  # type: ignore[method-assign]
    pulumi.Resource.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        pulumi.Output.apply = original_apply  # type: ignore[method-assign]
        pulumi.Resource.__init__ = original_init  # type: ignore[method-assign]


@contextlib.contextmanager
def _thread_loops_closed() -> Iterator[None]:
    """The mock monitor makes an event loop in each worker thread it runs in and never closes it; close them."""
    created: list[asyncio.AbstractEventLoop] = []

    def ensure() -> asyncio.AbstractEventLoop:
        try:
            return asyncio.get_event_loop()
        except RuntimeError:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            created.append(loop)
            return loop

    modules = (vars(mocks_module), vars(sync_await_module))
    originals = [module["_ensure_event_loop"] for module in modules]
    for module in modules:
        module["_ensure_event_loop"] = ensure
    try:
        yield
    finally:
        for module, original in zip(modules, originals, strict=True):
            module["_ensure_event_loop"] = original
        for loop in created:
            if not loop.is_running():
                loop.close()


async def _wait_for_rpcs(await_all_outstanding_tasks: bool = True) -> None:
    """The SDK's ``wait_for_rpcs`` with one change: outstanding outputs are awaited in batches
    (``ALL_COMPLETED``) instead of one completion at a time, which re-arms a callback on every pending task
    after each completion and makes long dependency chains quadratic (pulumi-offline.md, section 1.5)."""
    rpc_manager = rsettings._get_rpc_manager()
    settings = rsettings.SETTINGS
    while True:
        while rpc_manager.rpcs:
            await asyncio.sleep(0)
            try:
                await rpc_manager.rpcs.pop()
            except Exception as exn:
                if rpc_manager.unhandled_exception is not None:
                    raise exn from rpc_manager.unhandled_exception.with_traceback(rpc_manager.exception_traceback)
                raise
        if rpc_manager.unhandled_exception is not None:
            raise rpc_manager.unhandled_exception.with_traceback(rpc_manager.exception_traceback)
        if await_all_outstanding_tasks:
            while True:
                with settings.lock:
                    if not settings.outputs:
                        break
                    pending = list(settings.outputs)
                    settings.outputs.clear()
                await asyncio.wait(pending)
                for task in pending:
                    await task  # re-raise a failure here, as the SDK does
        if not rpc_manager.rpcs:
            break


@contextlib.contextmanager
def _batched_waits() -> Iterator[None]:
    original = pulumi_stack.wait_for_rpcs
    pulumi_stack.wait_for_rpcs = _wait_for_rpcs
    try:
        yield
    finally:
        pulumi_stack.wait_for_rpcs = original


def stack_config(stack_dir: Path, stack: str) -> dict[str, str]:
    """``Pulumi.<stack>.yaml``'s config as the engine passes it: full keys, objects as JSON strings."""
    file = stack_dir / f"Pulumi.{stack}.yaml"
    data = yaml.safe_load(file.read_text()) if file.is_file() else None
    config = (data or {}).get("config") or {}
    out: dict[str, str] = {}
    for key, value in config.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            continue  # encrypted with the stack's secrets provider: not readable offline
        out[key] = value if isinstance(value, str) else json.dumps(value)
    return out


def stack_project(stack_dir: Path) -> str:
    """The Pulumi project name in ``stack_dir/Pulumi.yaml``."""
    return str(yaml.safe_load((stack_dir / "Pulumi.yaml").read_text())["name"])


def run_program(
    stack_dir: Path,
    stack: str,
    *,
    preview: bool = True,
    config: Mapping[str, str] | None = None,
    stack_outputs: Mapping[str, Any] | None = None,
) -> Capture:
    """Run ``stack_dir/__main__.py`` as stack ``stack`` under mocks and record it.

    ``config`` adds or replaces full config keys (``aifab:train-k8s-kubeconfig``) on top of the stack's
    ``Pulumi.<stack>.yaml``; ``stack_outputs`` gives the exports of other stacks, by stack name, for
    ``StackReference``. Raises :class:`ProgramFailed` when the program raises. One run at a time per process.
    """
    stack_dir = stack_dir.resolve()
    project = stack_project(stack_dir)
    values = {**stack_config(stack_dir, stack), **(config or {})}
    before_path = list(sys.path)
    before_modules = set(sys.modules)
    sys.path.insert(0, str(stack_dir))
    try:
        return run_function(
            lambda: runpy.run_path(str(stack_dir / "__main__.py"), run_name="__main__"),
            project=project,
            stack=stack,
            preview=preview,
            config=values,
            stack_outputs=stack_outputs,
            cwd=stack_dir,
        )
    finally:
        sys.path[:] = before_path
        for name in set(sys.modules) - before_modules:
            module = sys.modules.get(name)
            if module is not None and str(getattr(module, "__file__", "") or "").startswith(str(stack_dir)):
                del sys.modules[name]


def run_function(
    program: Callable[[], object],
    *,
    project: str,
    stack: str,
    preview: bool = True,
    config: Mapping[str, str] | None = None,
    stack_outputs: Mapping[str, Any] | None = None,
    cwd: Path | None = None,
) -> Capture:
    """Run ``program`` as the Pulumi program of ``project``/``stack`` under mocks and record it.

    ``config`` holds full keys (``aws:region``, ``aifab:...``) with string values, as the engine passes them.
    """
    values = dict(config or {})
    capture = Capture(project=project, stack=stack, preview=preview)
    region = values.get("aws:region", "us-east-1")
    mocks = FabricatingMocks(
        capture, preview=preview, account="123456789012", region=region, stack_outputs=stack_outputs or {}
    )
    monitor = CaptureMonitor(mocks, capture)
    settings = rsettings.Settings(
        project=project,
        stack=stack,
        monitor=monitor,
        engine=_RecordingEngine(capture),
        dry_run=preview,
        organization="organization",
        root_directory=str(cwd or Path.cwd()),
    )
    rsettings.configure(settings)
    rsettings.SETTINGS.monitor_features = set(monitor.GetDeploymentInfo(None).supportedFeatures)  # type: ignore[no-untyped-call]
    rsettings.SETTINGS.callbacks = None
    rsettings.ROOT.set(None)
    rconfig.set_all_config(values, [])
    before_cwd = os.getcwd()
    _close_spare_loop()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    if cwd is not None:
        os.chdir(cwd)
    try:
        with _watch_applies(capture), _thread_loops_closed(), _batched_waits():
            loop.run_until_complete(pulumi.runtime.stack.run_in_stack(program))  # type: ignore[arg-type]
    except Exception as exc:  # the program's own error, as the engine would report it
        raise ProgramFailed(str(exc), capture) from exc
    finally:
        _shut_down(loop)
        _leave_spare_loop()
        os.chdir(before_cwd)
        rconfig.set_all_config({}, [])
    return capture


_spare: list[asyncio.AbstractEventLoop] = []


def _shut_down(loop: asyncio.AbstractEventLoop) -> None:
    """Close the run's loop and collect the loops the SDK's mock monitor left in its executor threads."""
    with contextlib.suppress(Exception):
        loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()


def _leave_spare_loop() -> None:
    """Leave an open current loop (not None: a later ``set_mocks`` needs one); closed by the next run."""
    spare = asyncio.new_event_loop()
    _spare.append(spare)
    asyncio.set_event_loop(spare)


def _close_spare_loop() -> None:
    while _spare:
        _spare.pop().close()


__all__ = [
    "Capture",
    "CaptureMonitor",
    "FabricatingMocks",
    "ProgramFailed",
    "Record",
    "run_function",
    "run_program",
    "stack_config",
]
