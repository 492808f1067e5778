"""Realisers for the security area: keys, the audit trail, and access control from the design's roles.

* ``key_management``: a customer-managed KMS key (rotation, deletion window and multi-Region as the design
  says) with an alias and a key policy that lets the services the design wires to it use it; in a CloudHSM
  or external key store the store's id comes from stack config. Vault and on-prem HSMs create nothing in
  AWS: their key reference comes from config.
* ``audit_log``: a CloudTrail trail into the audit data lake, encrypted by the design's key, with log-file
  validation and a CloudWatch log group kept ``retention_days``; when the lake is built in this stack, the
  bucket policy that lets CloudTrail write to it. Other providers (a SIEM, Splunk, Loki) are outside AWS.
* ``access_control``: one IAM role per governance role, least privilege over the governed components
  (:data:`PERMISSIONS` maps each permission to actions), and Kubernetes RBAC on every governed cluster this
  stack builds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from aifab.blueprints import security as bp
from aifab.blueprints.security import Permission
from aifab.design.component import Component

from .base import ConfigNeed, Realised, realises
from .context import StackContext, slug
from .network import account_id, cloudwatch_retention, partition, trust_policy

AWS_KEY_PROVIDERS = ("aws-kms", "aws-cloudhsm", "external-key-store")
"""Key providers realised as a KMS key (the key material may live in a custom key store)."""


def _document(*statements: dict[str, Any]) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _known(values: list[pulumi.Output[Any]], template: str = "{}") -> pulumi.Output[list[str]]:
    """``values`` formatted with ``template``, leaving out those another stack has not exported yet (None)."""
    return pulumi.Output.all(*values).apply(lambda found: [template.format(v) for v in found if v is not None])


# --- key management ---------------------------------------------------------------------------------


def key_needs(key: bp.KeyManagement) -> list[ConfigNeed]:
    """The config a real deploy of ``key`` reads: the custom key store (and external key) id, or a key ref."""
    if key.provider == "aws-cloudhsm":
        return [ConfigNeed(f"{key.id}-custom-key-store-id", "the CloudHSM custom key store id", key.id, secret=False)]
    if key.provider == "external-key-store":
        return [
            ConfigNeed(f"{key.id}-xks-key-store-id", "the external key store (XKS) custom key store id", key.id, False),
            ConfigNeed(f"{key.id}-xks-key-id", "the key's id in the external key manager", key.id, secret=False),
        ]
    if key.provider in ("vault", "onprem-hsm"):
        return [ConfigNeed(f"{key.id}-key-ref", f"the {key.provider} key reference", key.id, secret=False)]
    return []


@realises("key_management")
class KeyManagement(Realised[bp.KeyManagement]):
    """A KMS key and alias (key material in KMS, CloudHSM or an external key store), or a key reference."""

    @classmethod
    def needs(cls, component: bp.KeyManagement, ctx: StackContext) -> list[ConfigNeed]:
        return key_needs(component)

    def build(self) -> None:
        key = self.component
        needs = {need.key: need for need in key_needs(key)}
        if key.provider not in AWS_KEY_PROVIDERS:
            self.publish(provider=key.provider, key_ref=self.ctx.setting(needs[f"{key.id}-key-ref"]))
            return
        provider = self.ctx.aws(key)
        opts = self.child(provider=provider)
        store: dict[str, Any] = {}
        if key.provider == "aws-cloudhsm":
            store = {"custom_key_store_id": self.ctx.setting(needs[f"{key.id}-custom-key-store-id"])}
        elif key.provider == "external-key-store":
            store = {
                "custom_key_store_id": self.ctx.setting(needs[f"{key.id}-xks-key-store-id"]),
                "xks_key_id": self.ctx.setting(needs[f"{key.id}-xks-key-id"]),
            }
        # KMS rotates only keys whose material it holds; in a custom key store rotation is the store's job.
        rotates = key.provider == "aws-kms" and key.rotation_days is not None
        tags = self.ctx.tags(key)
        if key.provider != "aws-kms" and key.rotation_days is not None:
            tags["aifab:rotation"] = f"manual, every {key.rotation_days} days (custom key store)"
        kms_key = aws.kms.Key(
            self.name("key"),
            description=f"{self.ctx.design.name}: {key.id} ({key.provider})",
            enable_key_rotation=rotates,
            rotation_period_in_days=key.rotation_days if rotates else None,
            deletion_window_in_days=key.deletion_window_days,
            multi_region=key.multi_region,
            policy=self._policy(provider),
            tags=tags,
            opts=opts,
            **store,
        )
        alias = aws.kms.Alias(
            self.name("alias"),
            name=f"alias/{slug(self.ctx.design.name)}/{slug(key.id)}",
            target_key_id=kms_key.key_id,
            opts=opts,
        )
        self.publish(key_arn=kms_key.arn, key_id=kms_key.key_id, alias_name=alias.name)

    def _policy(self, provider: aws.Provider) -> pulumi.Output[str]:
        """The account administers the key through IAM; services the design wires to it may use it."""
        key = self.component
        account, part = account_id(provider), partition(provider)
        region = self.ctx.region_of(key)
        statements: list[dict[str, Any]] = [
            {
                "Sid": "AccountAdministersThroughIam",
                "Effect": "Allow",
                "Principal": {"AWS": pulumi.Output.format("arn:{0}:iam::{1}:root", part, account)},
                "Action": "kms:*",
                "Resource": "*",
            }
        ]
        users = self.ctx.dependents(key.id)
        if any(isinstance(c, bp.AuditLog) and c.provider == "cloudtrail" for c in users):
            trails = pulumi.Output.format("arn:{0}:cloudtrail:*:{1}:trail/*", part, account)
            statements += [
                {
                    "Sid": "CloudTrailEncryptsLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "kms:GenerateDataKey*",
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account},
                        "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trails},
                    },
                },
                {
                    "Sid": "CloudTrailDescribesKey",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "kms:DescribeKey",
                    "Resource": "*",
                },
                {
                    "Sid": "CloudWatchLogsEncryptsAuditLogGroups",
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                    "Action": [
                        "kms:Encrypt*",
                        "kms:Decrypt*",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:Describe*",
                    ],
                    "Resource": "*",
                    "Condition": {
                        "ArnLike": {
                            "kms:EncryptionContext:aws:logs:arn": pulumi.Output.format(
                                "arn:{0}:logs:{1}:{2}:log-group:*", part, region, account
                            )
                        }
                    },
                },
            ]
        if any(getattr(c, "volumes_encrypted_by", None) == key.id for c in users):
            # EKS managed node groups launch through Auto Scaling, whose service-linked role needs the key for EBS.
            autoscaling = pulumi.Output.format(
                "arn:{0}:iam::{1}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
                part,
                account,
            )
            statements += [
                {
                    "Sid": "AutoScalingUsesKeyForNodeVolumes",
                    "Effect": "Allow",
                    "Principal": {"AWS": autoscaling},
                    "Action": [
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:DescribeKey",
                    ],
                    "Resource": "*",
                },
                {
                    "Sid": "AutoScalingGrantsKeyToVolumes",
                    "Effect": "Allow",
                    "Principal": {"AWS": autoscaling},
                    "Action": "kms:CreateGrant",
                    "Resource": "*",
                    "Condition": {"Bool": {"kms:GrantIsForAWSResource": True}},
                },
            ]
        return _document(*statements)


# --- audit log --------------------------------------------------------------------------------------


@realises("audit_log")
class AuditLog(Realised[bp.AuditLog]):
    """A CloudTrail trail into the audit lake plus its CloudWatch log group; other providers are outside AWS."""

    def build(self) -> None:
        audit = self.component
        if audit.provider != "cloudtrail" or audit.stores_in is None:
            self.publish(provider=audit.provider, retention_days=audit.retention_days)
            return
        provider = self.ctx.aws(audit)
        opts = self.child(provider=provider)
        tags = self.ctx.tags(audit)
        account, part = account_id(provider), partition(provider)
        region = self.ctx.region_of(audit)
        key_arn = self.ctx.output(audit.encrypted_by, "key_arn") if audit.encrypted_by else None
        lake = audit.stores_in
        bucket_name = self.ctx.output(lake, "bucket_name")
        bucket_arn = self.ctx.output(lake, "bucket_arn")
        trail_name = slug(f"{self.ctx.design.name}-{audit.id}", 128)
        trail_arn = pulumi.Output.format("arn:{0}:cloudtrail:{1}:{2}:trail/{3}", part, region, account, trail_name)

        waits: list[pulumi.Resource] = []
        if self.ctx.local(lake) is not None:
            # The lake is built here: grant CloudTrail delivery on it. (A lake another stack builds must carry
            # this grant in that stack; CloudTrail refuses to create a trail until the bucket allows it.)
            waits.append(
                aws.s3.BucketPolicy(
                    self.name("delivery"),
                    bucket=bucket_name,
                    policy=delivery_policy(
                        bucket_arn,
                        trail_arn,
                        account,
                        access_logs=bool(self.ctx.dependents(audit.id, "data_lake")),  # lakes logging here
                    ),
                    opts=opts,
                )
            )
        group = aws.cloudwatch.LogGroup(
            self.name("trail"),
            name=f"/aifab/{self.ctx.design.name}/{audit.id}/cloudtrail",
            retention_in_days=cloudwatch_retention(audit.retention_days),
            kms_key_id=key_arn,
            tags=tags,
            opts=opts,
        )
        role = aws.iam.Role(
            self.name("trail-logs"),
            assume_role_policy=trust_policy("cloudtrail.amazonaws.com", account),
            tags=tags,
            opts=opts,
        )
        waits.append(
            aws.iam.RolePolicy(
                self.name("trail-logs"),
                role=role.id,
                policy=_document(
                    {
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                        "Resource": pulumi.Output.concat(group.arn, ":log-stream:*"),
                    }
                ),
                opts=opts,
            )
        )
        selectors = (
            [
                aws.cloudtrail.TrailAdvancedEventSelectorArgs(
                    name="Management events",
                    field_selectors=[
                        aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs(
                            field="eventCategory", equals=["Management"]
                        )
                    ],
                ),
                aws.cloudtrail.TrailAdvancedEventSelectorArgs(
                    name="S3 data events, except the trail's own deliveries",
                    field_selectors=[
                        aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs(
                            field="eventCategory", equals=["Data"]
                        ),
                        aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs(
                            field="resources.type", equals=["AWS::S3::Object"]
                        ),
                        aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs(
                            field="resources.ARN", not_starts_withs=[pulumi.Output.concat(bucket_arn, "/")]
                        ),
                    ],
                ),
            ]
            if audit.data_events
            else None
        )
        trail = aws.cloudtrail.Trail(
            self.name("trail"),
            name=trail_name,
            s3_bucket_name=bucket_name,
            kms_key_id=key_arn,
            is_multi_region_trail=audit.multi_region,
            include_global_service_events=True,
            enable_log_file_validation=audit.log_file_validation,
            enable_logging=True,
            cloud_watch_logs_group_arn=pulumi.Output.concat(group.arn, ":*"),
            cloud_watch_logs_role_arn=role.arn,
            advanced_event_selectors=selectors,
            tags=tags,
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=waits)),
        )
        self.publish(trail_arn=trail.arn, trail_name=trail.name, log_group_name=group.name, bucket_name=bucket_name)


def delivery_policy(
    bucket_arn: pulumi.Input[str],
    trail_arn: pulumi.Input[str],
    account: pulumi.Input[str],
    *,
    access_logs: bool = False,
) -> pulumi.Output[str]:
    """The audit lake's bucket policy: CloudTrail delivers one trail's logs (scoped to that trail's ARN), S3
    delivers the other lakes' server access logs under ``s3-access/`` when ``access_logs``, TLS only."""
    access: list[dict[str, Any]] = []
    if access_logs:
        access.append(
            {
                "Sid": "S3ServerAccessLogs",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": pulumi.Output.concat(bucket_arn, "/s3-access/*"),
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            }
        )
    return _document(
        *access,
        {
            "Sid": "CloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn,
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
        },
        {
            "Sid": "CloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": pulumi.Output.format("{0}/AWSLogs/{1}/*", bucket_arn, account),
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}},
        },
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    )


# --- access control ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One Kubernetes RBAC rule (namespaced to the environment's namespace unless ``cluster_wide``)."""

    api_groups: tuple[str, ...]
    resources: tuple[str, ...]
    verbs: tuple[str, ...]
    cluster_wide: bool = False


@dataclass(frozen=True)
class Grant:
    """What one permission allows: AWS actions on governed components of a kind, and Kubernetes rules."""

    s3_read: str | None = None
    """Which governed data lakes it reads: ``experiment`` (non-production), ``production``, ``audit``."""
    eks_actions: tuple[str, ...] = ()
    """Actions on governed EKS clusters."""
    trail_read: bool = False
    kubernetes: tuple[Rule, ...] = ()
    kubernetes_admin: bool = False
    """Bind the built-in ``admin`` ClusterRole in the environment's namespace."""
    note: str = ""


READ = ("get", "list", "watch")
WRITE = (*READ, "create", "update", "patch", "delete")

PERMISSIONS: dict[Permission, Grant] = {
    "train": Grant(
        eks_actions=("eks:DescribeCluster",),
        kubernetes=(
            Rule(("kubeflow.org",), ("pytorchjobs", "mpijobs", "tfjobs", "xgboostjobs"), WRITE),
            Rule(("trainer.kubeflow.org",), ("trainjobs",), WRITE),
            Rule(("batch",), ("jobs",), WRITE),
            Rule(("",), ("pods", "pods/log", "events"), READ),
        ),
    ),
    "deploy": Grant(
        eks_actions=("eks:DescribeCluster",),
        kubernetes=(
            Rule(("apps",), ("deployments",), WRITE),
            Rule(("autoscaling",), ("horizontalpodautoscalers",), WRITE),
            Rule(("serving.kserve.io",), ("inferenceservices",), WRITE),
            Rule(("",), ("services", "configmaps"), WRITE),
            Rule(("",), ("pods", "pods/log", "events"), READ),
        ),
    ),
    "read-experiment-data": Grant(s3_read="experiment"),
    "read-production-data": Grant(s3_read="production"),
    "read-audit-logs": Grant(s3_read="audit", trail_read=True),
    "administer-infrastructure": Grant(
        eks_actions=(
            "eks:DescribeCluster",
            "eks:ListNodegroups",
            "eks:DescribeNodegroup",
            "eks:UpdateNodegroupConfig",
            "eks:ListAddons",
            "eks:DescribeAddon",
        ),
        kubernetes=(Rule(("",), ("nodes",), (*READ, "patch"), cluster_wide=True),),
        kubernetes_admin=True,
    ),
    "register-models": Grant(note="MLflow registry permission: granted in MLflow, not in AWS or Kubernetes"),
    "modify-models": Grant(note="MLflow registry permission: granted in MLflow, not in AWS or Kubernetes"),
    "approve-models": Grant(note="MLflow registry permission: granted in MLflow, not in AWS or Kubernetes"),
}
"""Each permission of a governance role as least-privilege AWS actions and Kubernetes rules (data, reviewed)."""


def applies(role: bp.Role, ctx: StackContext, component: Component) -> bool:
    """Whether ``role`` reaches ``component``: its environments list names the component's (shared: always)."""
    owner = ctx.model.owner(component)
    return not role.environments or owner is None or owner in role.environments


def lake_class(ctx: StackContext, lake: Component) -> str:
    """``audit`` (an audit log stores in it), ``production`` or ``experiment``, by the lake's environment."""
    if ctx.dependents(lake.id, "audit_log"):
        return "audit"
    return "production" if ctx.model.purpose(lake) == "production" else "experiment"


@realises("access_control")
class AccessControl(Realised[bp.AccessControl]):
    """One IAM role per governance role (least privilege), and Kubernetes RBAC on the governed clusters."""

    def build(self) -> None:
        access = self.component
        provider = self.ctx.aws(access)
        opts = self.child(provider=provider)
        account, part = account_id(provider), partition(provider)
        governed: list[Component] = [self.ctx.component(ref) for ref in dict.fromkeys(access.governs)]
        trust: dict[str, Any] = {
            "Effect": "Allow",
            "Principal": {"AWS": pulumi.Output.format("arn:{0}:iam::{1}:root", part, account)},
            "Action": "sts:AssumeRole",
        }
        if access.mfa_required:
            trust["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        role_arns: dict[str, pulumi.Output[str]] = {}
        iam_roles: dict[str, aws.iam.Role] = {}
        for role in access.roles:
            iam_role = aws.iam.Role(
                self.name(role.name),
                description=f"{self.ctx.design.name} governance role {role.name} ({access.identity_provider})",
                assume_role_policy=_document(trust),
                max_session_duration=3600,
                tags=self.ctx.tags(access, **{"aifab:role": role.name}),
                opts=opts,
            )
            statements = self._statements(role, [c for c in governed if applies(role, self.ctx, c)], part)
            if statements:
                aws.iam.RolePolicy(self.name(role.name), role=iam_role.id, policy=_document(*statements), opts=opts)
            role_arns[role.name] = iam_role.arn
            iam_roles[role.name] = iam_role
        for cluster in governed:
            if cluster.kind == "kubernetes_cluster" and self.ctx.local(cluster.id) is not None:
                self._rbac(cluster, iam_roles, opts)
        self.publish(role_arns=role_arns)

    def _statements(self, role: bp.Role, governed: list[Component], part: pulumi.Output[str]) -> list[dict[str, Any]]:
        grants = [PERMISSIONS[p] for p in role.permissions]
        out: list[dict[str, Any]] = []
        reads = {g.s3_read for g in grants if g.s3_read}
        lakes = [c for c in governed if c.kind == "data_lake" and getattr(c, "provider", None) == "s3"]
        lakes = [c for c in lakes if lake_class(self.ctx, c) in reads]
        if lakes:
            arns = [self.ctx.output(c.id, "bucket_arn") for c in lakes]
            out.append({"Sid": "ListLakes", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": _known(arns)})
            out.append(
                {
                    "Sid": "ReadLakeObjects",
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:GetObjectVersion"],
                    "Resource": _known(arns, "{}/*"),
                }
            )
            keys = dict.fromkeys(k for c in lakes if isinstance(k := getattr(c, "encrypted_by", None), str))
            if keys:
                out.append(
                    {
                        "Sid": "DecryptLakeObjects",
                        "Effect": "Allow",
                        "Action": "kms:Decrypt",
                        "Resource": _known([self.ctx.output(k, "key_arn") for k in keys]),
                        "Condition": {"StringLike": {"kms:ViaService": "s3.*.amazonaws.com"}},
                    }
                )
        actions = sorted({a for g in grants for a in g.eks_actions})
        clusters = [c for c in governed if c.kind == "kubernetes_cluster" and getattr(c, "provider", None) == "eks"]
        if actions and clusters:
            out.append(
                {
                    "Sid": "GovernedClusters",
                    "Effect": "Allow",
                    "Action": actions,
                    "Resource": _known([self._cluster_arn(c, part) for c in clusters]),
                }
            )
            if "eks:ListNodegroups" in actions or "eks:DescribeNodegroup" in actions:
                out.append(
                    {
                        "Sid": "GovernedNodegroups",
                        "Effect": "Allow",
                        "Action": [a for a in actions if "Nodegroup" in a or "Addon" in a],
                        "Resource": _known(
                            [self._cluster_arn(c, part, kind) for kind in ("nodegroup", "addon") for c in clusters],
                            "{}/*",
                        ),
                    }
                )
        if any(g.trail_read for g in grants):
            out.append(
                {
                    "Sid": "ReadTrails",
                    "Effect": "Allow",
                    "Action": ["cloudtrail:LookupEvents", "cloudtrail:GetTrailStatus", "cloudtrail:DescribeTrails"],
                    "Resource": "*",  # LookupEvents supports no resource-level permissions
                }
            )
        return out

    def _cluster_arn(
        self, cluster: Component, part: pulumi.Output[str], kind: str = "cluster"
    ) -> pulumi.Output[str | None]:
        """The ARN of a governed EKS cluster (``kind`` ``nodegroup``/``addon``: their ARN prefix)."""
        env = self.ctx.model.environments.get(self.ctx.environment_of(cluster) or "")
        account: pulumi.Input[str] = getattr(env, "aws_account_id", None) or account_id(self.ctx.aws(self.component))
        region = self.ctx.region_of(cluster)
        return pulumi.Output.all(part, account, self.ctx.output(cluster.id, "cluster_name")).apply(
            lambda v: f"arn:{v[0]}:eks:{region}:{v[1]}:{kind}/{v[2]}" if v[2] is not None else None
        )

    def _rbac(self, cluster: Component, iam_roles: dict[str, aws.iam.Role], aws_opts: pulumi.ResourceOptions) -> None:
        """Roles and bindings for the design's roles in the cluster's environment namespace."""
        access = self.component
        k8s_opts = self.child(provider=self.ctx.kubernetes(cluster.id))
        namespace = self.ctx.namespace(cluster)
        labels = self.ctx.labels(access)
        for role in access.roles:
            if not applies(role, self.ctx, cluster):
                continue
            grants = [PERMISSIONS[p] for p in role.permissions]
            rules = [r for g in grants for r in g.kubernetes]
            admin = any(g.kubernetes_admin for g in grants)
            if not rules and not admin:
                continue
            group = role.members_group or role.name
            if getattr(cluster, "provider", None) == "eks":
                aws.eks.AccessEntry(
                    self.name(f"{cluster.id}-{role.name}"),
                    cluster_name=self.ctx.output(cluster.id, "cluster_name"),
                    principal_arn=iam_roles[role.name].arn,
                    kubernetes_groups=[group],
                    type="STANDARD",
                    opts=aws_opts,
                )
            subject = k8s.rbac.v1.SubjectArgs(kind="Group", name=group, api_group="rbac.authorization.k8s.io")
            name = f"aifab-{role.name}"
            prefix = self.name(f"{cluster.id}-{role.name}")
            namespaced = [r for r in rules if not r.cluster_wide]
            wide = [r for r in rules if r.cluster_wide]
            if namespaced:
                k8s.rbac.v1.Role(
                    prefix,
                    metadata=k8s.meta.v1.ObjectMetaArgs(name=name, namespace=namespace, labels=labels),
                    rules=[_rule(r) for r in namespaced],
                    opts=k8s_opts,
                )
                self._binding(prefix, name, "Role", namespace, subject, labels, k8s_opts)
            if admin:
                self._binding(
                    f"{prefix}-admin", f"{name}-admin", "ClusterRole", namespace, subject, labels, k8s_opts, "admin"
                )
            if wide:
                k8s.rbac.v1.ClusterRole(
                    prefix,
                    metadata=k8s.meta.v1.ObjectMetaArgs(name=f"{name}-{slug(namespace)}", labels=labels),
                    rules=[_rule(r) for r in wide],
                    opts=k8s_opts,
                )
                k8s.rbac.v1.ClusterRoleBinding(
                    prefix,
                    metadata=k8s.meta.v1.ObjectMetaArgs(name=f"{name}-{slug(namespace)}", labels=labels),
                    role_ref=k8s.rbac.v1.RoleRefArgs(
                        api_group="rbac.authorization.k8s.io", kind="ClusterRole", name=f"{name}-{slug(namespace)}"
                    ),
                    subjects=[subject],
                    opts=k8s_opts,
                )

    @staticmethod
    def _binding(
        resource: str,
        name: str,
        kind: str,
        namespace: str,
        subject: k8s.rbac.v1.SubjectArgs,
        labels: dict[str, str],
        opts: pulumi.ResourceOptions,
        role_name: str | None = None,
    ) -> None:
        k8s.rbac.v1.RoleBinding(
            resource,
            metadata=k8s.meta.v1.ObjectMetaArgs(name=name, namespace=namespace, labels=labels),
            role_ref=k8s.rbac.v1.RoleRefArgs(api_group="rbac.authorization.k8s.io", kind=kind, name=role_name or name),
            subjects=[subject],
            opts=opts,
        )


def _rule(rule: Rule) -> k8s.rbac.v1.PolicyRuleArgs:
    return k8s.rbac.v1.PolicyRuleArgs(
        api_groups=list(rule.api_groups), resources=list(rule.resources), verbs=list(rule.verbs)
    )


__all__ = [
    "AWS_KEY_PROVIDERS",
    "PERMISSIONS",
    "AccessControl",
    "AuditLog",
    "Grant",
    "KeyManagement",
    "Rule",
    "delivery_policy",
    "key_needs",
]
