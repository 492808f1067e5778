"""The security-relevant settings of a planned resource, by type: one table, read by the review pack.

Each entry names a setting as a reviewer says it and the wire path it is read from (``a.b[0].c``). A value
the plan does not send is the provider's default; one known only at apply reads ``[unknown]``; secrets stay
``[secret]`` (plans mask them before anything reads them).

>>> from aifab.preview.plan import PlannedResource
>>> r = PlannedResource(urn="u", type="aws:kms/key:Key", name="k", inputs={"enableKeyRotation": True})
>>> [(s.name, s.value) for s in settings(r)][:2]
[('key rotation', 'true'), ('rotation period (days)', 'provider default')]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aifab.preview.plan import UNKNOWN_VALUE, PlannedResource

DEFAULT = "provider default"

_CONTAINER = "spec.template.spec.containers[0].securityContext"
_SSE = "rules[0].applyServerSideEncryptionByDefault"

SETTINGS: dict[str, tuple[tuple[str, str], ...]] = {
    "aws:cloudtrail/trail:Trail": (
        ("logging", "enableLogging"),
        ("multi-region", "isMultiRegionTrail"),
        ("log file validation", "enableLogFileValidation"),
        ("encryption key", "kmsKeyId"),
    ),
    "aws:cloudwatch/logGroup:LogGroup": (("encryption key", "kmsKeyId"), ("retention (days)", "retentionInDays")),
    "aws:ec2/flowLog:FlowLog": (("traffic logged", "trafficType"), ("destination", "logDestinationType")),
    "aws:ec2/launchTemplate:LaunchTemplate": (
        ("IMDSv2 (http tokens)", "metadataOptions.httpTokens"),
        ("IMDS hop limit", "metadataOptions.httpPutResponseHopLimit"),
        ("volume encrypted", "blockDeviceMappings[0].ebs.encrypted"),
        ("volume key", "blockDeviceMappings[0].ebs.kmsKeyId"),
    ),
    "aws:ec2/securityGroup:SecurityGroup": (
        ("ingress CIDRs", "ingress[*].cidrBlocks"),
        ("egress CIDRs", "egress[*].cidrBlocks"),
    ),
    "aws:ec2/subnet:Subnet": (("public IP on launch", "mapPublicIpOnLaunch"),),
    "aws:ec2/vpcEndpoint:VpcEndpoint": (
        ("service", "serviceName"),
        ("type", "vpcEndpointType"),
        ("private DNS", "privateDnsEnabled"),
    ),
    "aws:eks/cluster:Cluster": (
        ("public endpoint", "vpcConfig.endpointPublicAccess"),
        ("private endpoint", "vpcConfig.endpointPrivateAccess"),
        ("public access CIDRs", "vpcConfig.publicAccessCidrs"),
        ("secrets encryption key", "encryptionConfig.provider.keyArn"),
        ("control-plane logs", "enabledClusterLogTypes"),
        ("authentication mode", "accessConfig.authenticationMode"),
    ),
    "aws:eks/accessEntry:AccessEntry": (("type", "type"), ("Kubernetes groups", "kubernetesGroups")),
    "aws:eks/nodeGroup:NodeGroup": (
        ("instance types", "instanceTypes"),
        ("capacity", "capacityType"),
        ("nodes", "scalingConfig.desiredSize"),
    ),
    "aws:fsx/lustreFileSystem:LustreFileSystem": (
        ("encryption key", "kmsKeyId"),
        ("deployment", "deploymentType"),
        ("backup retention (days)", "automaticBackupRetentionDays"),
    ),
    "aws:iam/role:Role": (("max session (s)", "maxSessionDuration"),),
    "aws:kms/key:Key": (
        ("key rotation", "enableKeyRotation"),
        ("rotation period (days)", "rotationPeriodInDays"),
        ("multi-region", "multiRegion"),
        ("deletion window (days)", "deletionWindowInDays"),
        ("custom key store", "customKeyStoreId"),
    ),
    "aws:opensearch/domain:Domain": (
        ("encrypted at rest", "encryptAtRest.enabled"),
        ("encryption key", "encryptAtRest.kmsKeyId"),
        ("node-to-node encryption", "nodeToNodeEncryption.enabled"),
        ("HTTPS enforced", "domainEndpointOptions.enforceHttps"),
        ("TLS policy", "domainEndpointOptions.tlsSecurityPolicy"),
        ("VPC subnets", "vpcOptions.subnetIds"),
    ),
    "aws:rds/instance:Instance": (
        ("storage encrypted", "storageEncrypted"),
        ("encryption key", "kmsKeyId"),
        ("publicly accessible", "publiclyAccessible"),
        ("deletion protection", "deletionProtection"),
        ("backup retention (days)", "backupRetentionPeriod"),
        ("multi-AZ", "multiAz"),
        ("password", "password"),
    ),
    "aws:s3/bucket:Bucket": (("object lock", "objectLockEnabled"),),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        ("algorithm", f"{_SSE}.sseAlgorithm"),
        ("encryption key", f"{_SSE}.kmsMasterKeyId"),
        ("bucket key", "rules[0].bucketKeyEnabled"),
    ),
    "aws:s3/bucketLogging:BucketLogging": (("access logs to", "targetBucket"),),
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": (
        ("lock mode", "rule.defaultRetention.mode"),
        ("retention (days)", "rule.defaultRetention.days"),
    ),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": (("object ownership", "rule.objectOwnership"),),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (
        ("block public ACLs", "blockPublicAcls"),
        ("block public policy", "blockPublicPolicy"),
        ("ignore public ACLs", "ignorePublicAcls"),
        ("restrict public buckets", "restrictPublicBuckets"),
    ),
    "aws:s3/bucketVersioning:BucketVersioning": (("versioning", "versioningConfiguration.status"),),
    "kubernetes:apps/v1:Deployment": (
        ("run as non-root", "spec.template.spec.securityContext.runAsNonRoot"),
        ("privilege escalation", f"{_CONTAINER}.allowPrivilegeEscalation"),
        ("read-only root", f"{_CONTAINER}.readOnlyRootFilesystem"),
    ),
    "kubernetes:core/v1:Service": (("service type", "spec.type"),),
    "kubernetes:core/v1:ServiceAccount": (("token automount", "automountServiceAccountToken"),),
    "kubernetes:core/v1:Secret": (("type", "type"),),
    "kubernetes:core/v1:PersistentVolumeClaim": (("storage class", "spec.storageClassName"),),
    "kubernetes:helm.sh/v3:Release": (
        ("chart", "chart"),
        ("version", "version"),
        ("repository", "repositoryOpts.repo"),
    ),
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": (("policy types", "spec.policyTypes"),),
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": (("role", "roleRef.name"),),
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": (("role", "roleRef.name"),),
    "pulumi:pulumi:StackReference": (("reads stack", "name"),),
}
"""Resource type -> (setting, wire path). Types not listed show only their options."""


@dataclass(frozen=True)
class Setting:
    name: str
    value: str


def settings(resource: PlannedResource) -> list[Setting]:
    """The resource's security-relevant settings, then ``protect`` and ``retain_on_delete`` when set."""
    found = [Setting(name, show(read(resource.inputs, path))) for name, path in SETTINGS.get(resource.type, ())]
    if resource.options.protect is not None:
        found.append(Setting("protect", show(resource.options.protect)))
    if resource.options.retain_on_delete is not None:
        found.append(Setting("retain on delete", show(resource.options.retain_on_delete)))
    return found


_MARK = object()
_PART = re.compile(r"([^.\[]+)|\[(\d+|\*)\]")


def read(data: Any, path: str) -> Any:
    """The value at ``path`` (``a.b[0].c``; ``[*]`` collects from every item), or None when absent."""
    values: list[Any] = [data]
    collect = False  # a [*] was met: the answer is a list (empty when the items name nothing)
    for name, index in _PART.findall(path):
        nxt: list[Any] = []
        for value in values:
            if value is _MARK:
                nxt.append(value)
            elif name:
                if isinstance(value, dict) and name in value:
                    nxt.append(value[name])
            elif isinstance(value, list):
                if index == "*":
                    collect = True
                    nxt.extend(value)
                    nxt.append(_MARK)  # the list was there, even if empty
                elif int(index) < len(value):
                    nxt.append(value[int(index)])
        values = nxt
    if collect:
        if not values:
            return None  # no list at all: the provider's default
        flat = [v for value in values if value is not _MARK for v in (value if isinstance(value, list) else [value])]
        return sorted({json.dumps(v) if not isinstance(v, str) else v for v in flat})
    return values[0] if values else None


def show(value: Any) -> str:
    if value is None:
        return DEFAULT
    if value == UNKNOWN_VALUE:
        return "known at apply"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(show(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


__all__ = ["DEFAULT", "SETTINGS", "Setting", "read", "settings", "show"]
