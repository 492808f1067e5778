"""Realisers for the edge area: an edge site's own Kubernetes (kubeconfig from config), its serving workload
sized by the site, and a CronJob that syncs approved models from the registry.

The site's cluster exists already (hardware is not provisioned by Pulumi): its kubeconfig comes from
``pulumi config set --secret aifab:<id>-kubeconfig``, is published as a secret, and builds the site's own
provider. On it: the environment's namespace (Pod Security ``restricted``, default-deny plus the allows the
workload needs), a models volume, the serving Deployment (one replica per node, one GPU each when the site
has accelerators) and the sync CronJob. Every pod is restricted-compliant with requests and limits.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from aifab.blueprints.edge import EdgeSite
from aifab.blueprints.mlops import ExperimentTracking

from . import kubernetes as kube
from .base import ConfigNeed, Realised, realises
from .context import StackContext, slug
from .mlops import (
    MODEL_DIR,
    SERVING_IMAGES,
    SERVING_PORTS,
    allow_policy,
    container_security,
    gpu_tolerations,
    mlflow_image,
    pod_security,
    registry_sync_container,
    resources,
    serving_args,
)

SYNC_SCHEDULE = "*/15 * * * *"
"""How often an edge site pulls newly approved models from the registry."""
MODEL_STORE = "200Gi"
"""The site's model store (a ReadWriteMany claim on the site's default storage class)."""


@realises("edge_site")
class EdgeSiteRealised(Realised[Any]):
    """An edge site's serving workload and model sync, on its own cluster."""

    @classmethod
    def needs(cls, component: Any, ctx: StackContext) -> list[ConfigNeed]:
        if component.node_count == 0:  # no local cluster: it is served from upstream
            return []
        return [ConfigNeed(f"{component.id}-kubeconfig", "the edge site's kubeconfig", component.id)]

    def engine(self) -> str:
        """The serving engine the registry's core serving uses (vLLM when none, or none that runs here)."""
        c: EdgeSite = self.component
        if c.syncs_models_from is not None:
            for serving in self.ctx.dependents(c.syncs_models_from, "model_serving"):
                engine = str(getattr(serving, "engine", ""))
                if engine in SERVING_IMAGES:
                    return engine
        return "vllm"

    def build(self) -> None:
        c: EdgeSite = self.component
        if c.node_count == 0:
            return  # served from upstream: no cluster, nothing to publish
        (need,) = self.needs(c, self.ctx)
        self.publish(kubeconfig=pulumi.Output.secret(self.ctx.setting(need)))
        provider = self.ctx.kubernetes(c.id)
        ns = self.ctx.namespace(c)
        labels = self.ctx.labels(c)
        app = slug(c.id, 40)

        def opts(*after: pulumi.Resource) -> pulumi.ResourceOptions:
            return self.child(provider=provider, depends_on=list(after))

        namespace = kube.namespace(ns, labels, opts=opts(), resource_name=self.name("namespace"))
        kube.default_deny(self.name("default-deny"), ns, labels, opts=opts(namespace))

        def meta(name: str) -> k8s.meta.v1.ObjectMetaArgs:
            return k8s.meta.v1.ObjectMetaArgs(name=name, namespace=ns, labels=labels)

        store = k8s.core.v1.PersistentVolumeClaim(
            self.name("models"),
            metadata=meta(f"{app}-models"),
            spec=k8s.core.v1.PersistentVolumeClaimSpecArgs(
                access_modes=["ReadWriteMany"],
                resources=k8s.core.v1.VolumeResourceRequirementsArgs(requests={"storage": MODEL_STORE}),
            ),
            opts=opts(namespace),
        )
        models = k8s.core.v1.VolumeArgs(
            name="models",
            persistent_volume_claim=k8s.core.v1.PersistentVolumeClaimVolumeSourceArgs(claim_name=f"{app}-models"),
        )
        tmp = k8s.core.v1.VolumeArgs(name="tmp", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs())
        engine = self.engine()
        port = SERVING_PORTS[engine]
        gpus = 1 if c.accelerator else 0
        selector = {"app.kubernetes.io/name": app, "aifab.dev/component": slug(c.id)}
        model_path = f"{MODEL_DIR}/{app}"
        container = k8s.core.v1.ContainerArgs(
            name=engine,
            image=SERVING_IMAGES[engine],
            args=serving_args(engine, model_path),
            ports=[k8s.core.v1.ContainerPortArgs(name="http", container_port=port)],
            env=[k8s.core.v1.EnvVarArgs(name="HOME", value="/tmp")],
            resources=resources("4", "16Gi", gpus),
            security_context=container_security(),
            volume_mounts=[
                k8s.core.v1.VolumeMountArgs(name="models", mount_path=MODEL_DIR, read_only=True),
                k8s.core.v1.VolumeMountArgs(name="tmp", mount_path="/tmp"),
            ],
        )
        k8s.apps.v1.Deployment(
            self.name("serving"),
            metadata=meta(app),
            spec=k8s.apps.v1.DeploymentSpecArgs(
                replicas=c.node_count,
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector),
                template=k8s.core.v1.PodTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels={**labels, **selector}),
                    spec=k8s.core.v1.PodSpecArgs(
                        automount_service_account_token=False,
                        security_context=pod_security(),
                        tolerations=gpu_tolerations() if gpus else None,
                        topology_spread_constraints=[
                            k8s.core.v1.TopologySpreadConstraintArgs(
                                max_skew=1,
                                topology_key="kubernetes.io/hostname",
                                when_unsatisfiable="DoNotSchedule",
                                label_selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector),
                            )
                        ],
                        containers=[container],
                        volumes=[models, tmp],
                    ),
                ),
            ),
            opts=opts(namespace, store),
        )
        k8s.core.v1.Service(
            self.name("service"),
            metadata=meta(app),
            spec=k8s.core.v1.ServiceSpecArgs(
                type="ClusterIP",
                selector=selector,
                ports=[k8s.core.v1.ServicePortArgs(name="http", port=80, target_port=port, protocol="TCP")],
            ),
            opts=opts(namespace),
        )
        allow_policy(
            self.name("allow-serving"),
            f"{app}-allow",
            ns,
            labels,
            selector,
            ingress_ports=[port],
            egress_ports=[],
            opts=opts(namespace),
        )
        if c.syncs_models_from is not None:
            self.model_sync(app, ns, labels, models, tmp, opts(namespace, store))
        self.publish(namespace=ns)

    def model_sync(
        self,
        app: str,
        ns: str,
        labels: dict[str, str],
        models: k8s.core.v1.VolumeArgs,
        tmp: k8s.core.v1.VolumeArgs,
        opts: pulumi.ResourceOptions,
    ) -> None:
        """A CronJob that downloads the registry's approved model for this site into the models volume."""
        c: EdgeSite = self.component
        registry = self.ctx.component(str(c.syncs_models_from), ExperimentTracking)
        tracking_uri = self.ctx.output(registry.id, "tracking_uri")
        alias = "production" if registry.production_requires_approval else "latest"
        sync = registry_sync_container(mlflow_image(registry.version), tracking_uri, app, alias, f"{MODEL_DIR}/{app}")
        selector = {"app.kubernetes.io/name": f"{app}-sync", "aifab.dev/component": slug(c.id)}
        k8s.batch.v1.CronJob(
            self.name("model-sync"),
            metadata=k8s.meta.v1.ObjectMetaArgs(name=f"{app}-model-sync", namespace=ns, labels=labels),
            spec=k8s.batch.v1.CronJobSpecArgs(
                schedule=SYNC_SCHEDULE,
                concurrency_policy="Forbid",
                successful_jobs_history_limit=3,
                failed_jobs_history_limit=3,
                job_template=k8s.batch.v1.JobTemplateSpecArgs(
                    spec=k8s.batch.v1.JobSpecArgs(
                        backoff_limit=2,
                        active_deadline_seconds=3600,
                        ttl_seconds_after_finished=86_400,
                        template=k8s.core.v1.PodTemplateSpecArgs(
                            metadata=k8s.meta.v1.ObjectMetaArgs(labels={**labels, **selector}),
                            spec=k8s.core.v1.PodSpecArgs(
                                restart_policy="OnFailure",
                                automount_service_account_token=False,
                                security_context=pod_security(),
                                containers=[sync],
                                volumes=[models, tmp],
                            ),
                        ),
                    )
                ),
            ),
            opts=opts,
        )
        allow_policy(
            self.name("allow-sync"),
            f"{app}-sync-allow",
            ns,
            labels,
            selector,
            ingress_ports=[],
            egress_ports=[443, 5000],
            opts=opts,
        )


__all__ = ["MODEL_STORE", "SYNC_SCHEDULE", "EdgeSiteRealised"]
