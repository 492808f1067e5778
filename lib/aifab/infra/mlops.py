"""Realisers for the mlops area: MLflow tracking and registry, pipelines, monitoring and model serving.

Every Kubernetes object goes to the ``runs_on`` cluster (its provider, ``ctx.kubernetes(cluster id)``), in the
namespace of the component's environment, which the cluster created with Pod Security ``restricted`` and a
default-deny NetworkPolicy; each service adds the allows its links need. Pods are restricted-compliant
(non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp) and carry requests
and limits. On EKS, service accounts get IAM roles (IRSA) with least privilege on the buckets they use.

Node agents that need the host (Prometheus node exporter, DCGM exporter, the Datadog agent) cannot run
under ``restricted``: :class:`Monitoring` puts them in their own ``<namespace>-node-agents`` namespace,
enforced ``privileged`` (audited and warned at ``restricted``), where nothing else runs.

Left out: Kubeflow Pipelines itself (no upstream Helm chart; ``engine: kubeflow`` installs the Kubeflow
Trainer), and SageMaker serving (the program refuses it, naming the component).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pulumi_random as random

from aifab.blueprints.compute import KubernetesCluster
from aifab.blueprints.mlops import ExperimentTracking, ModelServing, Monitoring, Pipelines
from aifab.blueprints.storage import DataLake

from . import kubernetes as kube
from .base import ConfigNeed, Realised, realises
from .context import StackContext, slug

# --- shared pod building blocks (edge.py uses them too) --------------------------------------------------

POOL_LABEL = "aifab.dev/pool"
"""Node label the compute realiser puts on every pool's nodes (value: the pool id)."""
GPU_TAINT_KEY = "nvidia.com/gpu"
"""GPU nodes are tainted ``nvidia.com/gpu=present:NoSchedule``; serving pods tolerate it."""
RUN_AS = 1000

SERVING_IMAGES: dict[str, str] = {
    "vllm": "vllm/vllm-openai:v0.9.2",
    "triton": "nvcr.io/nvidia/tritonserver:25.06-py3",
    "kserve": "kserve/huggingfaceserver:v0.15.2",
}
"""Serving engine -> container image, pinned by tag."""
SERVING_PORTS: dict[str, int] = {"vllm": 8000, "triton": 8000, "kserve": 8080}
MODEL_DIR = "/models"
MAX_GPUS_PER_REPLICA = 8
"""No serving replica asks for more GPUs than one 8-GPU node holds."""


def mlflow_image(version: str) -> str:
    """The MLflow image for tracking ``version`` (``3.1`` -> ``ghcr.io/mlflow/mlflow:v3.1.0``)."""
    parts = version.split(".")
    return f"ghcr.io/mlflow/mlflow:v{'.'.join([*parts, '0'][:3])}"


def pod_security() -> k8s.core.v1.PodSecurityContextArgs:
    return k8s.core.v1.PodSecurityContextArgs(
        run_as_non_root=True,
        run_as_user=RUN_AS,
        run_as_group=RUN_AS,
        fs_group=RUN_AS,
        seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"),
    )


def container_security() -> k8s.core.v1.SecurityContextArgs:
    return k8s.core.v1.SecurityContextArgs(
        run_as_non_root=True,
        allow_privilege_escalation=False,
        capabilities=k8s.core.v1.CapabilitiesArgs(drop=["ALL"]),
        seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"),
    )


def helm_security() -> dict[str, Any]:
    """The same restricted contexts as Helm values (``podSecurityContext`` / ``securityContext``)."""
    return {
        "podSecurityContext": {
            "runAsNonRoot": True,
            "runAsUser": RUN_AS,
            "fsGroup": RUN_AS,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "securityContext": {
            "runAsNonRoot": True,
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
    }


def resources(cpu: str, memory: str, gpus: int = 0) -> k8s.core.v1.ResourceRequirementsArgs:
    """Requests = limits (Guaranteed QoS); GPUs as ``nvidia.com/gpu`` when asked."""
    amounts = {"cpu": cpu, "memory": memory, **({"nvidia.com/gpu": str(gpus)} if gpus else {})}
    return k8s.core.v1.ResourceRequirementsArgs(requests=dict(amounts), limits=dict(amounts))


def gpu_tolerations() -> list[k8s.core.v1.TolerationArgs]:
    return [k8s.core.v1.TolerationArgs(key=GPU_TAINT_KEY, operator="Equal", value="present", effect="NoSchedule")]


def allow_policy(
    resource_name: str,
    name: str,
    namespace_name: str,
    labels: dict[str, str],
    selector: dict[str, str],
    *,
    ingress_ports: Sequence[int],
    egress_ports: Sequence[int],
    public: bool = False,
    opts: pulumi.ResourceOptions,
) -> k8s.networking.v1.NetworkPolicy:
    """The allows a service's links need on top of the namespace's default-deny: ingress on its ports
    (from its own namespace, or anywhere when ``public``), egress on ``egress_ports``."""
    source = (
        []
        if public
        else [
            k8s.networking.v1.NetworkPolicyPeerArgs(
                namespace_selector=k8s.meta.v1.LabelSelectorArgs(
                    match_labels={"kubernetes.io/metadata.name": namespace_name}
                )
            )
        ]
    )
    return k8s.networking.v1.NetworkPolicy(
        resource_name,
        metadata=k8s.meta.v1.ObjectMetaArgs(name=name, namespace=namespace_name, labels=labels),
        spec=k8s.networking.v1.NetworkPolicySpecArgs(
            pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector),
            policy_types=["Ingress", "Egress"],
            ingress=[
                k8s.networking.v1.NetworkPolicyIngressRuleArgs(
                    from_=source or None,
                    ports=[k8s.networking.v1.NetworkPolicyPortArgs(protocol="TCP", port=p) for p in ingress_ports],
                )
            ]
            if ingress_ports
            else [],
            egress=[
                k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                    ports=[k8s.networking.v1.NetworkPolicyPortArgs(protocol="TCP", port=p) for p in egress_ports]
                )
            ]
            if egress_ports
            else [],
        ),
        opts=opts,
    )


def registry_sync_container(
    image: str, tracking_uri: pulumi.Input[str], model_name: str, alias: str, target: str
) -> k8s.core.v1.ContainerArgs:
    """A container that downloads registered model ``model_name@alias`` from MLflow into ``target``."""
    script = "import mlflow, sys; mlflow.artifacts.download_artifacts(artifact_uri=sys.argv[1], dst_path=sys.argv[2])"
    return k8s.core.v1.ContainerArgs(
        name="sync-model",
        image=image,
        command=["python", "-c", script, f"models:/{model_name}@{alias}", target],
        env=[
            k8s.core.v1.EnvVarArgs(name="MLFLOW_TRACKING_URI", value=tracking_uri),
            k8s.core.v1.EnvVarArgs(name="HOME", value="/tmp"),
        ],
        volume_mounts=[
            k8s.core.v1.VolumeMountArgs(name="models", mount_path=MODEL_DIR),
            k8s.core.v1.VolumeMountArgs(name="tmp", mount_path="/tmp"),
        ],
        resources=resources("500m", "2Gi"),
        security_context=container_security(),
    )


def serving_args(engine: str, model_path: str) -> list[str]:
    if engine == "vllm":
        return ["--model", model_path, "--host", "0.0.0.0", "--port", str(SERVING_PORTS[engine])]
    if engine == "triton":
        return ["tritonserver", f"--model-repository={model_path}", f"--http-port={SERVING_PORTS[engine]}"]
    return ["--model_dir", model_path, "--model_name", "model", "--http_port", str(SERVING_PORTS[engine])]


def irsa_role(
    owner: Realised[Any],
    cluster: KubernetesCluster,
    namespace_name: str,
    service_account: str,
    provider: aws.Provider,
) -> aws.iam.Role:
    """An IAM role only ``system:serviceaccount:<namespace>:<service_account>`` of ``cluster`` can assume."""
    ctx = owner.ctx
    issuer = ctx.output(cluster.id, "oidc_issuer").apply(lambda url: str(url).removeprefix("https://"))
    condition = issuer.apply(
        lambda host: {
            f"{host}:sub": f"system:serviceaccount:{namespace_name}:{service_account}",
            f"{host}:aud": "sts.amazonaws.com",
        }
    )
    trust = pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": ctx.output(cluster.id, "oidc_provider_arn")},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {"StringEquals": condition},
                }
            ],
        }
    )
    return aws.iam.Role(
        owner.name(f"{service_account}-irsa"),
        name_prefix=slug(f"{owner.component.id}-{service_account}", 30) + "-",
        assume_role_policy=trust,
        tags=ctx.tags(owner.component),
        opts=owner.child(provider=provider),
    )


def lake_statements(ctx: StackContext, lakes: Sequence[str], *, write: bool, prefix: str = "") -> list[Any]:
    """Least-privilege S3 (and KMS for encrypted lakes) statements on ``lakes``, under ``prefix``."""
    statements: list[Any] = []
    for lake_id in lakes:
        arn = ctx.output(lake_id, "bucket_arn")
        objects = pulumi.Output.concat(arn, "/", prefix, "*")
        actions = ["s3:GetObject", *(["s3:PutObject", "s3:DeleteObject"] if write else [])]
        listing: dict[str, Any] = {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [arn]}
        if prefix:
            listing["Condition"] = {"StringLike": {"s3:prefix": [f"{prefix}*"]}}
        statements += [listing, {"Effect": "Allow", "Action": actions, "Resource": [objects]}]
        key = getattr(ctx.component(lake_id), "encrypted_by", None)
        if isinstance(key, str):
            kms_actions = ["kms:Decrypt", *(["kms:GenerateDataKey"] if write else [])]
            statements.append({"Effect": "Allow", "Action": kms_actions, "Resource": [ctx.output(key, "key_arn")]})
    return statements


class _OnCluster(Realised[Any]):
    """A service on its ``runs_on`` cluster: the provider, the namespace and the cluster's kind."""

    def cluster(self) -> KubernetesCluster:
        return self.ctx.component(str(self.component.runs_on), KubernetesCluster)

    def k8s_opts(self, **options: Any) -> pulumi.ResourceOptions:
        return self.child(provider=self.ctx.kubernetes(self.cluster().id), **options)

    def aws_opts(self) -> pulumi.ResourceOptions:
        return self.child(provider=self.ctx.aws(self.component))

    @property
    def ns(self) -> str:
        return self.ctx.namespace(self.component)

    @property
    def app(self) -> str:
        return slug(self.component.id, 40)

    def labels(self, **extra: str) -> dict[str, str]:
        return self.ctx.labels(self.component, **extra)

    def meta(self, name: str, **annotations: pulumi.Input[str]) -> k8s.meta.v1.ObjectMetaArgs:
        return k8s.meta.v1.ObjectMetaArgs(
            name=name, namespace=self.ns, labels=self.labels(), annotations=annotations or None
        )

    def service_account(self, name: str, role: aws.iam.Role | None) -> k8s.core.v1.ServiceAccount:
        annotations = {"eks.amazonaws.com/role-arn": role.arn} if role is not None else {}
        return k8s.core.v1.ServiceAccount(
            self.name(f"sa-{name}"),
            metadata=self.meta(name, **annotations),
            automount_service_account_token=False,
            opts=self.k8s_opts(),
        )

    def password(self, suffix: str) -> random.RandomPassword:
        return random.RandomPassword(self.name(suffix), length=32, special=False, opts=self.child())


# --- experiment tracking ------------------------------------------------------------------------------------


@realises("experiment_tracking")
class ExperimentTrackingRealised(_OnCluster):
    """MLflow tracking server and model registry (community-charts ``mlflow``), artifacts in the lake.

    Backend store: an encrypted RDS PostgreSQL in the cluster network's private subnets on EKS (password
    generated, handed to MLflow in a Kubernetes Secret), an in-cluster PostgreSQL release on-prem.
    """

    PORT = 5000

    def build(self) -> None:
        c: ExperimentTracking = self.component
        cluster = self.cluster()
        lake = self.ctx.component(str(c.artifact_store), DataLake)
        bucket = self.ctx.output(lake.id, "bucket_name")
        artifacts = pulumi.Output.concat("s3://", bucket, f"/mlflow/{self.app}")
        password = self.password("db-password")
        db_secret_name = f"{self.app}-db"
        if cluster.provider == "eks":
            host: pulumi.Input[str] = self.rds(cluster, lake, password).address
            irsa = irsa_role(self, cluster, self.ns, self.app, self.ctx.aws(c))
            role: aws.iam.Role | None = irsa
            aws.iam.RolePolicy(
                self.name("artifacts"),
                role=irsa.id,
                policy=pulumi.Output.json_dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": lake_statements(self.ctx, [lake.id], write=True, prefix=f"mlflow/{self.app}/"),
                    }
                ),
                opts=self.aws_opts(),
            )
        else:
            role = None
            host = f"{self.app}-postgresql.{self.ns}.svc.cluster.local"
        db_secret = k8s.core.v1.Secret(
            self.name("db"),
            metadata=self.meta(db_secret_name),
            type="Opaque",
            string_data={
                "username": "mlflow",
                "password": password.result,
                "postgres-password": password.result,
            },
            opts=self.k8s_opts(),
        )
        depends: list[pulumi.Resource] = [db_secret]
        if cluster.provider != "eks":
            depends.append(self.in_cluster_postgres(db_secret_name, db_secret))
        account = self.service_account(self.app, role)
        kube.release(
            self.app,
            "mlflow",
            namespace_name=self.ns,
            values={
                "fullnameOverride": self.app,
                "replicaCount": c.replicas,
                "image": {"repository": "ghcr.io/mlflow/mlflow", "tag": mlflow_image(c.version).rsplit(":", 1)[1]},
                "serviceAccount": {"create": False, "name": self.app},
                "service": {"type": "ClusterIP", "port": self.PORT},
                "backendStore": {
                    "databaseMigration": True,
                    "postgres": {"enabled": True, "host": host, "port": 5432, "database": "mlflow"},
                    "existingDatabaseSecret": {
                        "name": db_secret_name,
                        "usernameKey": "username",
                        "passwordKey": "password",
                    },
                },
                "artifactRoot": {
                    "proxiedArtifactStorage": True,
                    "defaultArtifactsDestination": artifacts,
                    "s3": {"enabled": True, "bucket": bucket, "path": f"mlflow/{self.app}"},
                },
                "extraArgs": {"serve-artifacts": "true"} if c.model_registry else {},
                "resources": {
                    "requests": {"cpu": "500m", "memory": "1Gi"},
                    "limits": {"cpu": "2", "memory": "4Gi"},
                },
                "podLabels": self.labels(),
                **helm_security(),
            },
            opts=self.k8s_opts(depends_on=[*depends, account]),
        )
        allow_policy(
            self.name("allow"),
            f"{self.app}-allow",
            self.ns,
            self.labels(),
            {"app.kubernetes.io/instance": self.app},
            ingress_ports=[self.PORT],
            egress_ports=[443, 5432],
            opts=self.k8s_opts(),
        )
        self.publish(
            tracking_uri=f"http://{self.app}.{self.ns}.svc.cluster.local:{self.PORT}",
            namespace=self.ns,
        )

    def rds(self, cluster: KubernetesCluster, lake: DataLake, password: random.RandomPassword) -> aws.rds.Instance:
        c: ExperimentTracking = self.component
        network = str(cluster.network)
        subnets = aws.rds.SubnetGroup(
            self.name("db-subnets"),
            subnet_ids=self.ctx.output(network, "private_subnet_ids"),
            tags=self.ctx.tags(c),
            opts=self.aws_opts(),
        )
        firewall = aws.ec2.SecurityGroup(
            self.name("db"),
            description=f"PostgreSQL of {c.id}: from the {cluster.id} cluster only",
            vpc_id=self.ctx.output(network, "vpc_id"),
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(
                    protocol="tcp",
                    from_port=5432,
                    to_port=5432,
                    security_groups=[self.ctx.output(cluster.id, "cluster_security_group_id")],
                    description="PostgreSQL from the cluster",
                )
            ],
            tags=self.ctx.tags(c),
            opts=self.aws_opts(),
        )
        key_arn = self.ctx.output(lake.encrypted_by, "key_arn") if lake.encrypted_by else None
        return aws.rds.Instance(
            self.name("db"),
            identifier_prefix=slug(f"{c.id}-", 40),
            engine="postgres",
            engine_version="16",
            instance_class="db.m7g.large" if c.replicas > 2 else "db.t4g.medium",
            allocated_storage=50,
            max_allocated_storage=500,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=key_arn,
            db_name="mlflow",
            username="mlflow",
            password=password.result,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[firewall.id],
            publicly_accessible=False,
            multi_az=c.replicas > 1,
            deletion_protection=True,
            backup_retention_period=7,
            copy_tags_to_snapshot=True,
            skip_final_snapshot=False,
            final_snapshot_identifier=slug(f"{c.id}-final", 60),
            tags=self.ctx.tags(c),
            opts=self.aws_opts(),
        )

    def in_cluster_postgres(self, secret_name: str, secret: k8s.core.v1.Secret) -> k8s.helm.v3.Release:
        return kube.release(
            f"{self.app}-postgresql",
            "postgresql",
            namespace_name=self.ns,
            values={
                "fullnameOverride": f"{self.app}-postgresql",
                "auth": {
                    "username": "mlflow",
                    "database": "mlflow",
                    "existingSecret": secret_name,
                    "secretKeys": {"adminPasswordKey": "postgres-password", "userPasswordKey": "password"},
                },
                "primary": {
                    "persistence": {"enabled": True, "size": "50Gi"},
                    "resources": {
                        "requests": {"cpu": "500m", "memory": "1Gi"},
                        "limits": {"cpu": "2", "memory": "4Gi"},
                    },
                    "podSecurityContext": helm_security()["podSecurityContext"],
                    "containerSecurityContext": helm_security()["securityContext"],
                    "podLabels": self.labels(),
                },
                "networkPolicy": {"enabled": True, "allowExternal": False},
            },
            opts=self.k8s_opts(depends_on=[secret]),
        )


# --- pipelines ------------------------------------------------------------------------------------------------


@realises("pipelines")
class PipelinesRealised(_OnCluster):
    """Pipeline engine releases (Kubeflow Trainer / Argo Workflows / Airflow) and a runner service account
    that reads the ``reads_from`` lakes (through IRSA on EKS)."""

    def build(self) -> None:
        c: Pipelines = self.component
        cluster = self.cluster()
        runner = f"{self.app}-runner"
        lakes = [ref for ref in c.reads_from if self.ctx.component(ref).kind == "data_lake"]
        role: aws.iam.Role | None = None
        if cluster.provider == "eks":
            role = irsa_role(self, cluster, self.ns, runner, self.ctx.aws(c))
            if lakes:
                aws.iam.RolePolicy(
                    self.name("reads"),
                    role=role.id,
                    policy=pulumi.Output.json_dumps(
                        {"Version": "2012-10-17", "Statement": lake_statements(self.ctx, lakes, write=False)}
                    ),
                    opts=self.aws_opts(),
                )
        account = self.service_account(runner, role)
        security = helm_security()
        if c.engine == "kubeflow":
            if c.training_operator:
                kube.release(
                    f"{self.app}-trainer",
                    "kubeflow-trainer",
                    namespace_name=self.ns,
                    values={"runtimes": {"defaultEnabled": True}},
                    opts=self.k8s_opts(depends_on=[account]),
                )
        elif c.engine == "argo-workflows":
            kube.release(
                self.app,
                "argo-workflows",
                namespace_name=self.ns,
                values={
                    "fullnameOverride": self.app,
                    "singleNamespace": True,
                    "controller": {
                        "workflowNamespaces": [self.ns],
                        "podSecurityContext": security["podSecurityContext"],
                        "securityContext": security["securityContext"],
                        "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
                    },
                    "workflow": {"serviceAccount": {"create": False, "name": runner}},
                    "server": {"enabled": True, "authModes": ["sso", "client"]},
                },
                opts=self.k8s_opts(depends_on=[account]),
            )
        else:
            kube.release(
                self.app,
                "airflow",
                namespace_name=self.ns,
                values={
                    "executor": "KubernetesExecutor",
                    "uid": RUN_AS,
                    "gid": RUN_AS,
                    "securityContexts": {
                        "pod": security["podSecurityContext"],
                        "containers": security["securityContext"],
                    },
                    "workers": {"serviceAccount": {"create": False, "name": runner}},
                    "labels": self.labels(),
                },
                opts=self.k8s_opts(depends_on=[account]),
            )
        self.publish(namespace=self.ns, service_account=runner)


# --- monitoring ------------------------------------------------------------------------------------------------


@realises("monitoring")
class MonitoringRealised(_OnCluster):
    """kube-prometheus-stack (+ DCGM exporter), the CloudWatch observability add-on, or the Datadog agent."""

    @classmethod
    def needs(cls, component: Any, ctx: StackContext) -> list[ConfigNeed]:
        if component.stack != "datadog":
            return []
        return [ConfigNeed(f"{component.id}-datadog-api-key", "the Datadog API key", component.id)]

    @property
    def agents_ns(self) -> str:
        return slug(f"{self.ns}-node-agents")

    def agents_namespace(self) -> k8s.core.v1.Namespace:
        return kube.namespace(
            self.agents_ns,
            self.labels(),
            enforce="privileged",
            opts=self.k8s_opts(),
            resource_name=self.name("node-agents"),
        )

    def build(self) -> None:
        c: Monitoring = self.component
        cluster = self.cluster()
        if c.stack == "cloudwatch":
            self.publish(namespace=self.cloudwatch(cluster))
            return
        agents = self.agents_namespace()
        if c.stack == "datadog":
            self.datadog(cluster, agents)
        else:
            self.prometheus(agents)
        if c.gpu_telemetry == "dcgm-exporter" and c.stack == "prometheus-grafana":
            kube.release(
                f"{self.app}-dcgm",
                "dcgm-exporter",
                namespace_name=self.agents_ns,
                values={
                    "serviceMonitor": {"enabled": True, "additionalLabels": {"release": f"{self.app}-kps"}},
                    "tolerations": [
                        {"key": GPU_TAINT_KEY, "operator": "Equal", "value": "present", "effect": "NoSchedule"}
                    ],
                    "nodeSelector": {"nvidia.com/gpu.present": "true"},
                    "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                },
                opts=self.k8s_opts(depends_on=[agents]),
            )
        self.publish(namespace=self.ns)

    def prometheus(self, agents: k8s.core.v1.Namespace) -> None:
        c: Monitoring = self.component
        admin = self.password("grafana-admin")
        secret_name = f"{self.app}-grafana-admin"
        secret = k8s.core.v1.Secret(
            self.name("grafana-admin"),
            metadata=self.meta(secret_name),
            type="Opaque",
            string_data={"admin-user": "admin", "admin-password": admin.result},
            opts=self.k8s_opts(),
        )
        security = helm_security()
        kube.release(
            f"{self.app}-kps",
            "kube-prometheus-stack",
            namespace_name=self.ns,
            values={
                "fullnameOverride": f"{self.app}-kps",
                "commonLabels": self.labels(),
                "defaultRules": {"create": c.alerting},
                "alertmanager": {"enabled": c.alerting},
                "prometheus": {
                    "prometheusSpec": {
                        "retention": f"{c.retention_days}d",
                        "serviceMonitorSelectorNilUsesHelmValues": False,
                        "securityContext": security["podSecurityContext"],
                        "resources": {"requests": {"cpu": "1", "memory": "4Gi"}, "limits": {"memory": "8Gi"}},
                    }
                },
                "grafana": {
                    "admin": {"existingSecret": secret_name, "userKey": "admin-user", "passwordKey": "admin-password"},
                    "securityContext": security["podSecurityContext"],
                    "containerSecurityContext": security["securityContext"],
                },
                "prometheus-node-exporter": {"namespaceOverride": self.agents_ns},
            },
            opts=self.k8s_opts(depends_on=[secret, agents]),
        )

    def datadog(self, cluster: KubernetesCluster, agents: k8s.core.v1.Namespace) -> None:
        c: Monitoring = self.component
        need = self.needs(c, self.ctx)[0]
        secret = k8s.core.v1.Secret(
            self.name("datadog-api-key"),
            metadata=k8s.meta.v1.ObjectMetaArgs(name="datadog-api-key", namespace=self.agents_ns, labels=self.labels()),
            type="Opaque",
            string_data={"api-key": self.ctx.setting(need)},
            opts=self.k8s_opts(depends_on=[agents]),
        )
        kube.release(
            f"{self.app}-datadog",
            "datadog",
            namespace_name=self.agents_ns,
            values={
                "targetSystem": "linux",
                "datadog": {
                    "apiKeyExistingSecret": "datadog-api-key",
                    "clusterName": slug(cluster.id, 40),
                    "tags": [f"aifab_component:{c.id}", f"env:{self.ctx.environment_of(c) or 'shared'}"],
                },
                "agents": {
                    "tolerations": [
                        {"key": GPU_TAINT_KEY, "operator": "Equal", "value": "present", "effect": "NoSchedule"}
                    ]
                },
            },
            opts=self.k8s_opts(depends_on=[secret]),
        )

    def cloudwatch(self, cluster: KubernetesCluster) -> str:
        c: Monitoring = self.component
        if cluster.provider != "eks":
            raise pulumi.RunError(
                f"{c.id}: stack 'cloudwatch' is the EKS CloudWatch observability add-on; cluster {cluster.id!r} "
                "is not EKS (use prometheus-grafana or datadog)"
            )
        namespace_name = "amazon-cloudwatch"
        role = irsa_role(self, cluster, namespace_name, "cloudwatch-agent", self.ctx.aws(c))
        attached = aws.iam.RolePolicyAttachment(
            self.name("cloudwatch-agent"),
            role=role.name,
            policy_arn="arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
            opts=self.aws_opts(),
        )
        aws.eks.Addon(
            self.name("cloudwatch"),
            cluster_name=self.ctx.output(cluster.id, "cluster_name"),
            addon_name="amazon-cloudwatch-observability",
            service_account_role_arn=role.arn,
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            configuration_values=json.dumps(
                {"containerLogs": {"enabled": True}, "agent": {"config": {"logs": {"metrics_collected": {}}}}}
            ),
            tags=self.ctx.tags(c),
            opts=self.child(provider=self.ctx.aws(c), depends_on=[attached]),
        )
        return namespace_name


# --- model serving ------------------------------------------------------------------------------------------


@realises("model_serving")
class ModelServingRealised(_OnCluster):
    """A serving Deployment on the pool's GPU nodes, pulling its approved model from the registry at start;
    a Service, an autoscaler (min..max replicas) and a disruption budget."""

    def gpus_per_replica(self) -> int:
        c: ModelServing = self.component
        pool = self.ctx.estimate.pool(str(c.pool))
        fitted = [s.accelerators_per_replica for s in pool.serving if s.serving == c.id]
        wanted = fitted[0] if fitted else pool.accelerators_per_node
        return max(0, min(wanted, pool.accelerators_per_node, MAX_GPUS_PER_REPLICA))

    def build(self) -> None:
        c: ModelServing = self.component
        if c.engine == "sagemaker":
            raise pulumi.RunError(
                f"{c.id}: engine 'sagemaker' is not realised by aifab yet; choose vllm, triton or kserve "
                "(nothing was registered)"
            )
        port = SERVING_PORTS[c.engine]
        gpus = self.gpus_per_replica()
        selector = {"app.kubernetes.io/name": self.app, "aifab.dev/component": slug(c.id)}
        pod_labels = self.labels(**{"app.kubernetes.io/name": self.app})
        model_path = f"{MODEL_DIR}/model"
        init: list[k8s.core.v1.ContainerArgs] = []
        env = [
            k8s.core.v1.EnvVarArgs(name="HOME", value="/tmp"),
            k8s.core.v1.EnvVarArgs(name="HF_HOME", value="/tmp/hf"),
        ]
        if c.model_registry is not None:
            registry = self.ctx.component(c.model_registry, ExperimentTracking)
            tracking_uri = self.ctx.output(registry.id, "tracking_uri")
            env.append(k8s.core.v1.EnvVarArgs(name="MLFLOW_TRACKING_URI", value=tracking_uri))
            alias = "production" if registry.production_requires_approval else "latest"
            init.append(registry_sync_container(mlflow_image(registry.version), tracking_uri, c.id, alias, model_path))
        cpu, memory = (f"{max(4, 8 * gpus)}", f"{max(16, 64 * gpus)}Gi")
        container = k8s.core.v1.ContainerArgs(
            name=c.engine,
            image=SERVING_IMAGES[c.engine],
            args=serving_args(c.engine, model_path),
            ports=[k8s.core.v1.ContainerPortArgs(name="http", container_port=port)],
            env=env,
            resources=resources(cpu, memory, gpus),
            security_context=container_security(),
            readiness_probe=k8s.core.v1.ProbeArgs(
                http_get=k8s.core.v1.HTTPGetActionArgs(
                    path="/health" if c.engine == "vllm" else "/v2/health/ready", port=port
                ),
                period_seconds=10,
                failure_threshold=60,
            ),
            volume_mounts=[
                k8s.core.v1.VolumeMountArgs(name="models", mount_path=MODEL_DIR, read_only=True),
                k8s.core.v1.VolumeMountArgs(name="tmp", mount_path="/tmp"),
                k8s.core.v1.VolumeMountArgs(name="shm", mount_path="/dev/shm"),
            ],
        )
        deployment = k8s.apps.v1.Deployment(
            self.name("deployment"),
            metadata=self.meta(self.app),
            spec=k8s.apps.v1.DeploymentSpecArgs(
                replicas=max(1, c.min_replicas),
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector),
                template=k8s.core.v1.PodTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels=pod_labels),
                    spec=k8s.core.v1.PodSpecArgs(
                        automount_service_account_token=False,
                        security_context=pod_security(),
                        node_selector={POOL_LABEL: str(c.pool)},
                        tolerations=gpu_tolerations() if gpus else None,
                        init_containers=init or None,
                        containers=[container],
                        volumes=[
                            k8s.core.v1.VolumeArgs(name="models", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs()),
                            k8s.core.v1.VolumeArgs(name="tmp", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs()),
                            k8s.core.v1.VolumeArgs(
                                name="shm",
                                empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs(medium="Memory", size_limit="16Gi"),
                            ),
                        ],
                    ),
                ),
            ),
            opts=self.k8s_opts(ignore_changes=["spec.replicas"]),
        )
        service = k8s.core.v1.Service(
            self.name("service"),
            metadata=self.meta(self.app),
            spec=k8s.core.v1.ServiceSpecArgs(
                type="LoadBalancer" if c.public_endpoint else "ClusterIP",
                selector=selector,
                ports=[k8s.core.v1.ServicePortArgs(name="http", port=80, target_port=port, protocol="TCP")],
            ),
            opts=self.k8s_opts(),
        )
        k8s.autoscaling.v2.HorizontalPodAutoscaler(
            self.name("autoscaler"),
            metadata=self.meta(self.app),
            spec=k8s.autoscaling.v2.HorizontalPodAutoscalerSpecArgs(
                scale_target_ref=k8s.autoscaling.v2.CrossVersionObjectReferenceArgs(
                    api_version="apps/v1", kind="Deployment", name=self.app
                ),
                min_replicas=max(1, c.min_replicas),
                max_replicas=c.max_replicas,
                metrics=[
                    k8s.autoscaling.v2.MetricSpecArgs(
                        type="Resource",
                        resource=k8s.autoscaling.v2.ResourceMetricSourceArgs(
                            name="cpu",
                            target=k8s.autoscaling.v2.MetricTargetArgs(type="Utilization", average_utilization=70),
                        ),
                    )
                ],
            ),
            opts=self.k8s_opts(depends_on=[deployment]),
        )
        k8s.policy.v1.PodDisruptionBudget(
            self.name("pdb"),
            metadata=self.meta(self.app),
            spec=k8s.policy.v1.PodDisruptionBudgetSpecArgs(
                max_unavailable=1, selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector)
            ),
            opts=self.k8s_opts(),
        )
        allow_policy(
            self.name("allow"),
            f"{self.app}-allow",
            self.ns,
            self.labels(),
            selector,
            ingress_ports=[port],
            egress_ports=[443, ExperimentTrackingRealised.PORT],
            public=c.public_endpoint,
            opts=self.k8s_opts(),
        )
        internal = f"http://{self.app}.{self.ns}.svc.cluster.local"
        self.publish(service_name=self.app, endpoint=service.status.apply(_endpoint) if c.public_endpoint else internal)


def _endpoint(status: Any) -> str | None:
    """The load balancer's address of a public Service (None until it has one)."""
    ingress = (getattr(getattr(status, "load_balancer", None), "ingress", None) or [None])[0]
    address = getattr(ingress, "hostname", None) or getattr(ingress, "ip", None)
    return f"http://{address}" if address else None


__all__ = [
    "GPU_TAINT_KEY",
    "POOL_LABEL",
    "SERVING_IMAGES",
    "ExperimentTrackingRealised",
    "ModelServingRealised",
    "MonitoringRealised",
    "PipelinesRealised",
]
