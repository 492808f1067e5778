"""What changes between an approved plan and a new one: creates, updates, replacements and deletes by resource.

:func:`diff_plans` compares two :class:`~aifab.preview.plan.Plan` objects (an approved ``plan.json`` and
the plan of the change under review) resource by resource. Whether a changed input replaces the resource
is the provider's decision, which an offline run cannot ask; :data:`REPLACEMENT_TABLE` records, with
sources, what the providers decide for the stateful types the stacks use. A changed property the table
marks as forcing a new resource makes a ``replace``; a changed property of a stateful type the table does
not know makes a ``may replace``, and says why. Replacing or deleting a stateful resource (a file system,
a bucket, a database, a cluster, a key, a GPU node group) loses what it holds; those are listed in
:attr:`PlanDiff.stateful_replacements`.

Secret values never appear: plans hold them masked, and a change touching a secret path is shown as
``[secret] changed`` on both sides.

>>> diff = diff_plans(Plan.load("approved/plan.json"), Plan.load("out/plan.json"))   # doctest: +SKIP
>>> print(render_text(diff))                                                            # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .facts import DATABASE_CHARTS, STATEFUL
from .plan import SECRET, UNKNOWN_VALUE, Plan, PlannedResource

Action = Literal["create", "delete", "update", "replace", "may replace", "same"]
Verdict = Literal["update", "replace", "may replace"]
ReplaceIf = Literal["", "decrease", "disable"]

ACTIONS: tuple[Action, ...] = ("create", "update", "may replace", "replace", "delete", "same")
"""Every action, in the order a reader sees them."""
STATEFUL_MARK = "[STATEFUL]"
SECRET_CHANGED = "[secret] changed"


# --- the replacement table --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """What the provider does when one property changes, and where that is written down."""

    verdict: Verdict
    source: str
    note: str = ""
    replace_if: ReplaceIf = ""
    """``decrease``: an update, but a smaller number replaces; ``disable``: an update, but true -> false
    replaces."""


@dataclass(frozen=True)
class TypeRules:
    """The known properties of one resource type; a property not listed is unknown to aifab."""

    properties: Mapping[str, Rule]
    updatable_prefixes: tuple[str, ...] = ("tags", "tagsAll")
    """Properties every resource of the type updates in place (tags are applied with TagResource)."""


_TF = "hashicorp/terraform-provider-aws"
_FSX = f"{_TF} internal/service/fsx/lustre_file_system.go (schema ForceNew; resourceLustreFileSystemUpdate)"
_FSX_TIER = (
    f"{_TF} CHANGELOG 'resource/aws_fsx_lustre_file_system: Allow per_unit_storage_throughput to be updated "
    "in-place' (#34932); AWS FSx for Lustre User Guide, 'Managing throughput capacity'"
)
_FSX_CAPACITY = f"{_TF} internal/service/fsx/lustre_file_system.go resourceLustreFileSystemSchemaCustomizeDiff"
_S3 = f"{_TF} internal/service/s3/bucket.go (schema: bucket, bucket_prefix, object_lock_enabled are ForceNew)"
_RDS = f"{_TF} internal/service/rds/instance.go (schema ForceNew)"
_EKS = f"{_TF} internal/service/eks/cluster.go (schema ForceNew; resourceClusterUpdate)"
_EKS_ENC = f"{_TF} internal/service/eks/cluster.go CustomizeDiff ForceNewIfChange(encryption_config)"
_NG = f"{_TF} internal/service/eks/node_group.go (schema ForceNew; resourceNodeGroupUpdate)"
# resourceNodeGroupUpdate: UpdateNodegroupVersion for launch_template, release_version and version;
# UpdateNodegroupConfig for labels, scaling_config, taint and update_config.
_OS = f"{_TF} internal/service/opensearch/domain.go (schema ForceNew; CustomizeDiff ForceNewIf)"
_KMS = f"{_TF} internal/service/kms/key.go (schema ForceNew; resourceKeyUpdate)"
_LT = (
    f"{_TF} internal/service/ec2/ec2_launch_template.go (name, name_prefix ForceNew; any other change creates a "
    "new launch template version)"
)
_LOGS = f"{_TF} internal/service/logs/group.go (name, name_prefix, log_group_class ForceNew)"
_K8S = "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (forceNew table; metadataForceNewProperties)"


def _replace(source: str, note: str = "") -> Rule:
    return Rule("replace", source, note)


def _update(source: str, note: str = "", replace_if: ReplaceIf = "") -> Rule:
    return Rule("update", source, note, replace_if)


def _may(source: str, note: str) -> Rule:
    return Rule("may replace", source, note)


def _rules(source: str, replace: Iterable[str] = (), update: Iterable[str] = (), **special: Rule) -> TypeRules:
    props: dict[str, Rule] = {p: _replace(source) for p in replace}
    props.update({p: _update(source) for p in update})
    props.update({k.replace("__", "."): v for k, v in special.items()})
    return TypeRules(props)


_K8S_META = {"metadata.name": _replace(_K8S), "metadata.namespace": _replace(_K8S)}

REPLACEMENT_TABLE: dict[str, TypeRules] = {
    "aws:s3/bucket:Bucket": _rules(
        _S3, replace=("bucket", "bucketPrefix", "objectLockEnabled"), update=("forceDestroy",)
    ),
    "aws:fsx/lustreFileSystem:LustreFileSystem": _rules(
        _FSX,
        replace=(
            "backupId",
            "copyTagsToBackups",
            "deploymentType",
            "driveCacheType",
            "exportPath",
            "fileSystemTypeVersion",
            "importPath",
            "importedFileChunkSize",
            "kmsKeyId",
            "securityGroupIds",
            "storageType",
            "subnetIds",
        ),
        update=(
            "autoImportPolicy",
            "automaticBackupRetentionDays",
            "dailyAutomaticBackupStartTime",
            "dataCompressionType",
            "logConfiguration",
            "rootSquashConfiguration",
            "weeklyMaintenanceStartTime",
        ),
        perUnitStorageThroughput=_update(_FSX_TIER, "a new throughput tier is applied in place (UpdateFileSystem)"),
        storageCapacity=_update(
            _FSX_CAPACITY, "growing is an update; shrinking (or any change on SCRATCH_1) replaces", "decrease"
        ),
    ),
    "aws:rds/instance:Instance": _rules(
        _RDS,
        replace=(
            "availabilityZone",
            "characterSetName",
            "dbName",
            "engine",
            "identifier",
            "identifierPrefix",
            "kmsKeyId",
            "ncharCharacterSetName",
            "restoreToPointInTime",
            "s3Import",
            "snapshotIdentifier",
            "storageEncrypted",
            "timezone",
            "username",
        ),
        update=(
            "allocatedStorage",
            "allowMajorVersionUpgrade",
            "applyImmediately",
            "autoMinorVersionUpgrade",
            "backupRetentionPeriod",
            "backupWindow",
            "caCertIdentifier",
            "copyTagsToSnapshot",
            "dbSubnetGroupName",
            "deleteAutomatedBackups",
            "deletionProtection",
            "enabledCloudwatchLogsExports",
            "engineVersion",
            "finalSnapshotIdentifier",
            "iamDatabaseAuthenticationEnabled",
            "instanceClass",
            "iops",
            "maintenanceWindow",
            "maxAllocatedStorage",
            "monitoringInterval",
            "monitoringRoleArn",
            "multiAz",
            "optionGroupName",
            "parameterGroupName",
            "password",
            "performanceInsightsEnabled",
            "performanceInsightsKmsKeyId",
            "performanceInsightsRetentionPeriod",
            "port",
            "publiclyAccessible",
            "skipFinalSnapshot",
            "storageType",
            "vpcSecurityGroupIds",
        ),
    ),
    "aws:eks/cluster:Cluster": _rules(
        _EKS,
        replace=(
            "name",
            "roleArn",
            "bootstrapSelfManagedAddons",
            "accessConfig.bootstrapClusterCreatorAdminPermissions",
            "kubernetesNetworkConfig.ipFamily",
            "kubernetesNetworkConfig.serviceIpv4Cidr",
            "outpostConfig",
        ),
        update=(
            "version",
            "enabledClusterLogTypes",
            "accessConfig.authenticationMode",
            "vpcConfig.endpointPrivateAccess",
            "vpcConfig.endpointPublicAccess",
            "vpcConfig.publicAccessCidrs",
            "vpcConfig.subnetIds",
            "vpcConfig.securityGroupIds",
            "upgradePolicy",
            "zonalShiftConfig",
            "computeConfig",
            "storageConfig",
            "deletionProtection",
            "forceUpdateVersion",
        ),
        encryptionConfig=_may(
            _EKS_ENC,
            "adding envelope encryption is an update (AssociateEncryptionConfig); removing it replaces the cluster; "
            "changing the key is not supported in place",
        ),
    ),
    "aws:eks/nodeGroup:NodeGroup": _rules(
        _NG,
        replace=(
            "amiType",
            "capacityType",
            "clusterName",
            "diskSize",
            "instanceTypes",
            "launchTemplate.id",
            "launchTemplate.name",
            "nodeGroupName",
            "nodeGroupNamePrefix",
            "nodeRoleArn",
            "remoteAccess",
            "subnetIds",
        ),
        update=(
            "forceUpdateVersion",
            "labels",
            "launchTemplate.version",
            "releaseVersion",
            "scalingConfig",
            "taints",
            "updateConfig",
            "version",
        ),
    ),
    "aws:opensearch/domain:Domain": _rules(
        _OS,
        replace=("domainName", "encryptAtRest.kmsKeyId", "advancedSecurityOptions.enabled"),
        update=(
            "accessPolicies",
            "advancedOptions",
            "autoTuneOptions",
            "clusterConfig",
            "cognitoOptions",
            "domainEndpointOptions",
            "ebsOptions",
            "logPublishingOptions",
            "snapshotOptions",
            "vpcOptions.securityGroupIds",
            "vpcOptions.subnetIds",
        ),
        encryptAtRest__enabled=_update(
            _OS, "disabling replaces; enabling replaces on engines without in-place encryption", "disable"
        ),
        nodeToNodeEncryption__enabled=_update(
            _OS, "disabling replaces; enabling replaces on engines without in-place encryption", "disable"
        ),
        engineVersion=_may(_OS, "an upgrade the domain supports is an update; any other version change replaces"),
        vpcOptions=_may(_OS, "adding or removing VPC access replaces the domain (vpc_options is ForceNew)"),
    ),
    "aws:kms/key:Key": _rules(
        _KMS,
        replace=("customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"),
        update=(
            "bypassPolicyLockoutSafetyCheck",
            "deletionWindowInDays",
            "description",
            "enableKeyRotation",
            "isEnabled",
            "policy",
            "rotationPeriodInDays",
        ),
    ),
    "aws:ec2/launchTemplate:LaunchTemplate": TypeRules(
        {"name": _replace(_LT), "namePrefix": _replace(_LT)},
        updatable_prefixes=("",),
    ),
    "aws:cloudwatch/logGroup:LogGroup": _rules(
        _LOGS,
        replace=("name", "namePrefix", "logGroupClass"),
        update=("kmsKeyId", "retentionInDays", "skipDestroy", "deletionProtectionEnabled"),
    ),
    "kubernetes:core/v1:PersistentVolumeClaim": TypeRules(
        {
            **_K8S_META,
            "spec.accessModes": _replace(_K8S),
            "spec.selector": _replace(_K8S),
            "spec.storageClassName": _replace(_K8S),
            "spec.volumeName": _replace(_K8S),
            "spec.resources": _update(_K8S, "the API server allows growing a claim; shrinking is refused"),
        },
        updatable_prefixes=("metadata.labels", "metadata.annotations"),
    ),
}
"""Type token -> what its provider does when a property (a dotted wire path, list indices dropped) changes.

Properties that are not listed, and every property of a stateful type that has no entry, are unknown to
aifab: a change to one of them on a stateful type is reported as ``may replace``."""

_GPU_FAMILIES = re.compile(r"^(p\d|g\d|trn\d|inf\d|dl\d)")


def stateful_reason(resource: PlannedResource) -> str:
    """What replacing or deleting the resource loses ('' when nothing: it holds no data)."""
    if resource.type == "aws:eks/nodeGroup:NodeGroup":
        types = resource.inputs.get("instanceTypes") or []
        ami = str(resource.inputs.get("amiType", ""))
        gpu = any(isinstance(t, str) and _GPU_FAMILIES.match(t) for t in types)
        if gpu or "NVIDIA" in ami or "NEURON" in ami:
            return "GPU nodes (running jobs and node-local data; the capacity may not come back)"
        return ""
    if resource.type == "kubernetes:helm.sh/v3:Release":
        chart = str(resource.inputs.get("chart", ""))
        return f"a {chart} database" if any(db in chart for db in DATABASE_CHARTS) else ""
    return STATEFUL.get(resource.type, "")


# --- the diff ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PropertyChange:
    """One changed input, at a dotted wire path (``vpcConfig.subnetIds``, ``tags["aifab:nodes"]``)."""

    path: str
    old: Any
    """The approved value; ``None`` when absent, ``[secret]`` for secrets, ``[unknown]`` when only known at apply."""
    new: Any
    verdict: Verdict
    reason: str
    secret: bool = False
    uncertain: bool = False
    """The value is unknown until apply on one side (or comes from a replaced resource): it may not change."""

    def shown(self) -> str:
        if self.secret:
            return SECRET_CHANGED
        return f"{_show(self.old)} -> {_show(self.new)}"


@dataclass(frozen=True)
class OptionChange:
    """A changed resource option (``protect``, ``retain_on_delete``, ...)."""

    name: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ResourceDiff:
    """What happens to one resource."""

    urn: str
    type: str
    name: str
    component: str | None
    action: Action
    stateful: str = ""
    """What replacing or deleting it loses ('' when it holds no data)."""
    changes: tuple[PropertyChange, ...] = ()
    options: tuple[OptionChange, ...] = ()
    provider: tuple[str | None, str | None] | None = None
    """``(old, new)`` explicit provider URNs when the provider changed."""
    reasons: tuple[str, ...] = ()
    """Why it is replaced, or may be."""
    old_urn: str | None = None
    """The approved resource's URN when it differs (its type changed under the same name)."""
    delete_before_replace: bool = False
    ignored: tuple[str, ...] = ()
    """Changed paths the engine ignores (``ignore_changes``)."""

    @property
    def loses_data(self) -> bool:
        return bool(self.stateful) and self.action in ("replace", "may replace", "delete")


@dataclass(frozen=True)
class PlanDiff:
    """Every resource of both plans with what happens to it, sorted by URN."""

    project: str
    old_stack: str
    new_stack: str
    resources: tuple[ResourceDiff, ...]
    warnings: tuple[str, ...] = field(default=())

    def by_action(self, action: Action) -> tuple[ResourceDiff, ...]:
        return tuple(r for r in self.resources if r.action == action)

    def counts(self) -> dict[str, int]:
        return {a: len(self.by_action(a)) for a in ACTIONS}

    @property
    def changed(self) -> tuple[ResourceDiff, ...]:
        return tuple(r for r in self.resources if r.action != "same")

    @property
    def has_changes(self) -> bool:
        return bool(self.changed)

    @property
    def stateful_replacements(self) -> tuple[ResourceDiff, ...]:
        """Stateful resources that are replaced, may be replaced, or deleted: what they hold is lost."""
        return tuple(r for r in self.resources if r.loses_data)

    def resource(self, urn: str) -> ResourceDiff:
        for r in self.resources:
            if r.urn == urn:
                return r
        raise KeyError(urn)

    def find(self, type_: str, name: str) -> ResourceDiff:
        found = [r for r in self.resources if r.type == type_ and r.name == name]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources of type {type_} named {name!r}")
        return found[0]


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """Compare the approved plan ``old`` with ``new``: per resource URN, what the engine would do."""
    olds = {r.urn: r for r in old.resources if r.operation == "create"}
    news = {r.urn: r for r in new.resources if r.operation == "create"}
    retyped = _retyped(olds, news)
    paired = {new_urn: olds[old_urn] for old_urn, new_urn in retyped.items()}
    diffs: dict[str, ResourceDiff] = {}
    for urn, r in news.items():
        before = olds.get(urn) or paired.get(urn)
        diffs[urn] = _created(r) if before is None else _compare(before, r)
    for urn, r in olds.items():
        if urn not in news and urn not in retyped:
            diffs[urn] = _deleted(r)
    _propagate(diffs, olds, paired, news)
    warnings = []
    if old.project != new.project:
        warnings.append(f"the plans are of different projects ({old.project} and {new.project})")
    if old.stack != new.stack:
        warnings.append(f"the plans are of different stacks ({old.stack} and {new.stack})")
    return PlanDiff(
        project=new.project,
        old_stack=old.stack,
        new_stack=new.stack,
        resources=tuple(diffs[u] for u in sorted(diffs)),
        warnings=tuple(warnings),
    )


def _created(r: PlannedResource) -> ResourceDiff:
    return ResourceDiff(r.urn, r.type, r.name, r.component, "create", stateful_reason(r))


def _deleted(r: PlannedResource) -> ResourceDiff:
    reasons = (
        ("retain_on_delete: the provider's resource is kept, only dropped from the stack",)
        if (r.options.retain_on_delete)
        else ()
    )
    return ResourceDiff(r.urn, r.type, r.name, r.component, "delete", stateful_reason(r), reasons=reasons)


def _retyped(olds: Mapping[str, PlannedResource], news: Mapping[str, PlannedResource]) -> dict[str, str]:
    """Old URN -> new URN for resources whose type changed under the same name, component and kind."""

    def key(r: PlannedResource) -> tuple[str, str | None, bool, str | None]:
        return (r.name, r.component, r.custom, _parent_name(r.parent))

    gone: dict[tuple[str, str | None, bool, str | None], list[str]] = {}
    for urn, r in olds.items():
        if urn not in news:
            gone.setdefault(key(r), []).append(urn)
    came: dict[tuple[str, str | None, bool, str | None], list[str]] = {}
    for urn, r in news.items():
        if urn not in olds:
            came.setdefault(key(r), []).append(urn)
    return {gone[k][0]: came[k][0] for k in gone if len(gone[k]) == 1 and len(came.get(k, ())) == 1}


def _parent_name(urn: str | None) -> str | None:
    return urn.rsplit("::", 1)[-1] if urn else None


def _compare(old: PlannedResource, new: PlannedResource) -> ResourceDiff:
    stateful = stateful_reason(new) or stateful_reason(old)
    reasons: list[str] = []
    if old.type != new.type:
        reasons.append(f"its type changed from {old.type} to {new.type} under the same name")
    secrets = set(old.secret_paths) | set(new.secret_paths)
    unknowns = set(old.unknown_paths) | set(new.unknown_paths)
    changes: list[PropertyChange] = []
    ignored: list[str] = []
    for path, before, after in _changed_leaves(old.inputs, new.inputs):
        if _matches_any(path, new.options.ignore_changes):
            ignored.append(path)
            continue
        secret = _under(path, secrets) or SECRET in (before, after)
        uncertain = UNKNOWN_VALUE in (before, after) or _under(path, unknowns)
        changes.append(_judge(new, old, path, before, after, secret, uncertain, stateful))
    options = _option_changes(old, new)
    provider = (old.provider, new.provider) if old.provider != new.provider else None
    if provider is not None:
        before, after = (p or "the default provider" for p in provider)
        reasons.append(
            f"its provider changed from {before} to {after}: the engine replaces it unless the two providers are "
            "configured alike"
        )
    return _decide(old, new, stateful, changes, options, provider, reasons, ignored)


def _decide(
    old: PlannedResource,
    new: PlannedResource,
    stateful: str,
    changes: list[PropertyChange],
    options: tuple[OptionChange, ...],
    provider: tuple[str | None, str | None] | None,
    reasons: list[str],
    ignored: list[str],
) -> ResourceDiff:
    replaced_by = [c for c in changes if c.verdict == "replace"]
    maybe_by = [c for c in changes if c.verdict == "may replace"]
    all_reasons = list(reasons) + [f"{c.path}: {c.reason}" for c in replaced_by + maybe_by]
    action: Action
    if old.type != new.type or replaced_by:
        action = "replace"
    elif maybe_by or provider is not None:
        action = "may replace"
    elif changes or options:
        action = "update"
    else:
        action = "same"
    dbr = bool(new.options.delete_before_replace) and action in ("replace", "may replace")
    return ResourceDiff(
        urn=new.urn,
        type=new.type,
        name=new.name,
        component=new.component,
        action=action,
        stateful=stateful,
        changes=tuple(sorted(changes, key=lambda c: c.path)),
        options=options,
        provider=provider,
        reasons=tuple(dict.fromkeys(all_reasons)),
        old_urn=old.urn if old.urn != new.urn else None,
        delete_before_replace=dbr,
        ignored=tuple(sorted(ignored)),
    )


def _judge(
    new: PlannedResource,
    old: PlannedResource,
    path: str,
    before: Any,
    after: Any,
    secret: bool,
    uncertain: bool,
    stateful: str,
) -> PropertyChange:
    shown_old, shown_new = (SECRET, SECRET) if secret else (before, after)
    verdict, reason = _verdict(new, old, path, before, after, stateful)
    if uncertain and verdict == "replace":
        verdict, reason = "may replace", f"{reason}; the value is known only at apply, so it may not change"
    return PropertyChange(path, shown_old, shown_new, verdict, reason, secret=secret, uncertain=uncertain)


def _verdict(
    new: PlannedResource, old: PlannedResource, path: str, before: Any, after: Any, stateful: str
) -> tuple[Verdict, str]:
    for pattern in (*new.options.replace_on_changes, *old.options.replace_on_changes):
        if _matches(path, pattern):
            return "replace", f"the resource option replace_on_changes lists {pattern!r}"
    if new.is_provider:
        return "may replace", (
            "a provider's configuration changed: the provider decides (DiffConfig) whether the resources it "
            "manages are replaced"
        )
    if new.type.startswith("kubernetes:") and _known(path, _K8S_META) is not None:
        return "replace", f"a Kubernetes object's name or namespace identifies it, per {_K8S}"
    rules = REPLACEMENT_TABLE.get(new.type)
    if rules is not None:
        found = _known(path, rules.properties)
        if found is not None:
            key, rule = found
            where = f"{new.type}.{key}"
            if rule.verdict == "replace":
                return "replace", f"{where} forces a new resource, per {rule.source}"
            if rule.verdict == "may replace":
                return "may replace", f"{where}: {rule.note}, per {rule.source}"
            if rule.replace_if == "decrease" and _smaller(after, before):
                return "replace", f"{where}: {rule.note}; it shrinks here, per {rule.source}"
            if rule.replace_if == "disable" and before is True and after is not True:
                return "replace", f"{where}: {rule.note}; it is disabled here, per {rule.source}"
            note = f": {rule.note}" if rule.note else ""
            return "update", f"{where} updates in place{note}, per {rule.source}"
        if any(_prefix_of(p, _strip(path)) for p in rules.updatable_prefixes):
            return "update", f"{new.type} updates it in place"
    if stateful:
        return "may replace", (
            f"{new.type}.{_strip(path)} is not in aifab's replacement table: the provider decides whether this "
            f"change replaces the resource, and it holds {stateful}"
        )
    return "update", "the provider decides; not a stateful type"


def _option_changes(old: PlannedResource, new: PlannedResource) -> tuple[OptionChange, ...]:
    out = []
    before, after = old.options.model_dump(), new.options.model_dump()
    for name in sorted(after):
        if before.get(name) != after[name]:
            out.append(OptionChange(name, before.get(name), after[name]))
    return tuple(out)


def _propagate(
    diffs: dict[str, ResourceDiff],
    olds: Mapping[str, PlannedResource],
    paired: Mapping[str, PlannedResource],
    news: Mapping[str, PlannedResource],
) -> None:
    """Inputs unknown until apply that come from a replaced or different resource change with it."""
    for _ in range(len(diffs) + 1):
        moved = {u for u, d in diffs.items() if d.action in ("replace", "may replace", "create")}
        grew = False
        for urn, d in list(diffs.items()):
            if d.action in ("create", "delete"):
                continue
            new = news[urn]
            old = olds.get(urn) or paired[urn]
            have = {c.path for c in d.changes}
            extra: list[PropertyChange] = []
            for path in new.unknown_paths:
                if path in have or any(_prefix_of(h, path) for h in have):
                    continue
                top = re.split(r"[.\[]", path, maxsplit=1)[0]
                deps = set(new.property_dependencies.get(top, ()))
                source = sorted(deps & moved) or (
                    sorted(deps) if deps != set(old.property_dependencies.get(top, ())) else []
                )
                if not source:
                    continue
                verdict, reason = _verdict(new, old, path, UNKNOWN_VALUE, UNKNOWN_VALUE, d.stateful)
                if verdict == "replace":
                    verdict = "may replace"
                why = f"comes from {', '.join(_short(s) for s in source)}, which is replaced or new; {reason}"
                extra.append(
                    PropertyChange(path, UNKNOWN_VALUE, UNKNOWN_VALUE, verdict, why, path in new.secret_paths, True)
                )
            if extra:
                grew = True
                changes = list(d.changes) + extra
                reasons = [r for r in d.reasons if not any(r.startswith(f"{c.path}: ") for c in d.changes)]
                diffs[urn] = _decide(old, new, d.stateful, changes, d.options, d.provider, reasons, list(d.ignored))
        if not grew:
            return


# --- paths and values -------------------------------------------------------------------------------


_PLAIN_KEY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$-]*$")


def _join(prefix: str, key: str) -> str:
    if _PLAIN_KEY.match(key):
        return f"{prefix}.{key}" if prefix else key
    return f"{prefix}[{json.dumps(key)}]"


def _changed_leaves(old: Any, new: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """``(path, old, new)`` for every leaf that differs; lists of unequal length are compared whole."""
    if old == new:
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(set(old) | set(new)):
            yield from _changed_leaves(old.get(key), new.get(key), _join(path, str(key)))
        return
    if isinstance(old, Mapping) and new is None:
        for key in sorted(old):
            yield from _changed_leaves(old[key], None, _join(path, str(key)))
        return
    if old is None and isinstance(new, Mapping):
        for key in sorted(new):
            yield from _changed_leaves(None, new[key], _join(path, str(key)))
        return
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from _changed_leaves(a, b, f"{path}[{i}]")
        return
    yield path, old, new


def _strip(path: str) -> str:
    """``blockDeviceMappings[0].ebs.kmsKeyId`` -> ``blockDeviceMappings.ebs.kmsKeyId`` (map keys dropped too)."""
    return re.sub(r"\[[^\]]*\]", "", path)


def _segments(path: str) -> list[str]:
    return [s for s in _strip(path).split(".") if s]


def _prefix_of(prefix: str, path: str) -> bool:
    """Whether ``prefix`` is ``path`` or one of its ancestors ('' is everyone's)."""
    if not prefix:
        return True
    a, b = _segments(prefix), _segments(path)
    return a == b[: len(a)]


def _known(path: str, table: Mapping[str, Rule]) -> tuple[str, Rule] | None:
    """The table entry for ``path``: the longest listed ancestor, or a listed descendant when ``path`` is a
    whole block (the strongest verdict among them)."""
    plain = _strip(path)
    ancestors = [k for k in table if _prefix_of(k, plain)]
    if ancestors:
        key = max(ancestors, key=len)
        return key, table[key]
    below = sorted(k for k in table if _prefix_of(plain, k))
    for verdict in ("replace", "may replace", "update"):
        for k in below:
            if table[k].verdict == verdict:
                return k, table[k]
    return None


def _under(path: str, paths: set[str]) -> bool:
    return any(
        path == p or path.startswith((f"{p}.", f"{p}[")) or p.startswith((f"{path}.", f"{path}[")) for p in paths
    )


def _matches(path: str, pattern: str) -> bool:
    """Pulumi property-path pattern (``*`` a segment or everything) against a changed path."""
    if pattern in ("*", "**"):
        return True
    pat = [s for s in re.sub(r"\[\*?\d*\]", "", pattern).split(".") if s]
    segs = _segments(path)
    n = min(len(pat), len(segs))
    return all(p in ("*", s) for p, s in zip(pat[:n], segs[:n], strict=True))


def _matches_any(path: str, patterns: Iterable[str]) -> bool:
    return any(_matches(path, p) for p in patterns)


def _smaller(after: Any, before: Any) -> bool:
    numbers = (int, float)
    return isinstance(after, numbers) and isinstance(before, numbers) and after < before


def _show(value: Any) -> str:
    if value is None:
        return "(absent)"
    if isinstance(value, str):
        return value if value in (SECRET, UNKNOWN_VALUE) else json.dumps(value)
    text = json.dumps(value, sort_keys=True)
    if len(text) <= 120:
        return text
    return f"[{len(value)} items]" if isinstance(value, list) else text[:117] + "..."


def _short(urn: str) -> str:
    type_chain, name = urn.split("::")[-2:]
    return f"{type_chain.rsplit('$', 1)[-1]} {name}"


# --- rendering --------------------------------------------------------------------------------------


_HEADINGS: tuple[tuple[Action, str], ...] = (
    ("create", "Creates"),
    ("update", "Updates"),
    ("replace", "Replacements"),
    ("may replace", "May replace (the provider decides)"),
    ("delete", "Deletes"),
)


def render_text(diff: PlanDiff) -> str:
    """The diff as a person reads it: counts, stateful losses, then each kind of change by component."""
    counts = diff.counts()
    lines = [f"plan diff: {diff.project} ({diff.old_stack} -> {diff.new_stack})"]
    lines.append(
        "  "
        + ", ".join(f"{counts[a]} to {a}" for a in ("create", "update", "replace", "may replace", "delete"))
        + f", {counts['same']} unchanged"
    )
    lines += [f"  warning: {w}" for w in diff.warnings]
    if not diff.has_changes:
        lines.append("no changes")
        return "\n".join(lines) + "\n"
    lost = diff.stateful_replacements
    if lost:
        lines.append("")
        lines.append(f"{STATEFUL_MARK} stateful resources replaced or deleted (what they hold is lost):")
        for r in lost:
            lines.append(f"  {STATEFUL_MARK} {r.action}: {r.type} {r.name} ({r.component or '-'}): {r.stateful}")
    for action, heading in _HEADINGS:
        group = diff.by_action(action)
        if not group:
            continue
        lines.append("")
        lines.append(f"{heading} ({len(group)}):")
        for component in sorted({r.component or "" for r in group}):
            lines.append(f"  component {component or '(none)'}:")
            for r in (r for r in group if (r.component or "") == component):
                lines += _render_resource(r)
    return "\n".join(lines) + "\n"


def _render_resource(r: ResourceDiff) -> list[str]:
    mark = f"{STATEFUL_MARK} " if r.loses_data else ""
    out = [f"    {mark}{r.type} {r.name}"]
    if r.old_urn:
        out.append(f"      was {r.old_urn}")
    if r.delete_before_replace:
        out.append("      deleted before its replacement is created (delete_before_replace)")
    for reason in r.reasons:
        out.append(f"      why: {reason}")
    for c in r.changes:
        flag = "" if c.verdict == "update" else f" [{c.verdict}]"
        out.append(f"      {c.path}: {c.shown()}{flag}")
    for o in r.options:
        out.append(f"      option {o.name}: {_show(o.old)} -> {_show(o.new)}")
    for path in r.ignored:
        out.append(f"      {path}: changed, ignored (ignore_changes)")
    return out


def to_json(diff: PlanDiff) -> dict[str, Any]:
    """The diff as plain JSON data: deterministic (resources by URN, changes by path), secrets masked."""
    return {
        "format": "aifab.plan-diff/v1",
        "project": diff.project,
        "old_stack": diff.old_stack,
        "new_stack": diff.new_stack,
        "counts": diff.counts(),
        "warnings": list(diff.warnings),
        "stateful_replacements": [r.urn for r in diff.stateful_replacements],
        "resources": [_resource_json(r) for r in diff.changed],
    }


def _resource_json(r: ResourceDiff) -> dict[str, Any]:
    return {
        "urn": r.urn,
        "old_urn": r.old_urn,
        "type": r.type,
        "name": r.name,
        "component": r.component,
        "action": r.action,
        "stateful": r.stateful,
        "loses_data": r.loses_data,
        "delete_before_replace": r.delete_before_replace,
        "reasons": list(r.reasons),
        "changes": [
            {
                "path": c.path,
                "old": SECRET if c.secret else c.old,
                "new": SECRET if c.secret else c.new,
                "shown": c.shown(),
                "verdict": c.verdict,
                "reason": c.reason,
                "secret": c.secret,
                "uncertain": c.uncertain,
            }
            for c in r.changes
        ],
        "options": [{"name": o.name, "old": o.old, "new": o.new} for o in r.options],
        "provider": {"old": r.provider[0], "new": r.provider[1]} if r.provider else None,
        "ignored": list(r.ignored),
    }


__all__ = [
    "ACTIONS",
    "REPLACEMENT_TABLE",
    "STATEFUL",
    "STATEFUL_MARK",
    "Action",
    "OptionChange",
    "PlanDiff",
    "PropertyChange",
    "ResourceDiff",
    "Rule",
    "TypeRules",
    "diff_plans",
    "render_text",
    "stateful_reason",
    "to_json",
]
