"""What every realiser reads while a stack is built: the design, its estimate, config, and what is built.

One :class:`StackContext` per stack run. It hands out the explicit providers (one AWS provider per region,
pinned to the environment's account; one Kubernetes provider per cluster or edge site), resolves a link to
the thing it names — a component this stack built, or an export of the stack that deploys it, through a
``StackReference`` — and answers config values only a real deploy has.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from aifab.capacity.results import DesignEstimate
from aifab.catalogue import Catalogue
from aifab.design.component import Component
from aifab.design.design import Design
from aifab.design.environments import EnvironmentModel
from aifab.graph.build import DesignGraph

from .base import ConfigNeed, Realised

T = TypeVar("T", bound=Component)

PLACEHOLDER = "<set on deploy>"
"""The value a missing real-deploy-only config key has while previewing."""


def slug(text: str, limit: int = 63) -> str:
    """A DNS-label-safe form of ``text`` (Kubernetes names, AWS name prefixes)."""
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:limit].rstrip("-") or "x"


@dataclass
class StackContext:
    """The stack being built. Realisers read it; only the program and providers mutate ``built``."""

    design: Design
    env: str | None
    """The environment (= Pulumi stack) deployed, or None for a design without environments."""
    model: EnvironmentModel
    graph: DesignGraph
    estimate: DesignEstimate
    catalogue: Catalogue
    preview: bool
    today: dt.date
    config: pulumi.Config = field(default_factory=lambda: pulumi.Config("aifab"))
    built: dict[str, Realised[Any]] = field(default_factory=dict)
    _aws: dict[str, aws.Provider] = field(default_factory=dict)
    _k8s: dict[str, k8s.Provider] = field(default_factory=dict)
    _refs: dict[str, pulumi.StackReference] = field(default_factory=dict)

    # --- the design -------------------------------------------------------------------------------------

    def component(self, ref: str, kind: type[T] | None = None) -> T:
        found = self.design.component(ref)
        if kind is not None and not isinstance(found, kind):
            raise TypeError(f"{ref!r} is a {found.kind}, not a {kind.__name__}")
        return found  # type: ignore[return-value]

    def of_kind(self, *kinds: str) -> list[Component]:
        return self.design.of_kind(*kinds)

    def dependents(self, ref: str, *kinds: str, relations: tuple[str, ...] = ()) -> list[Component]:
        """Components that link to ``ref`` directly, optionally only of ``kinds`` or through links of
        ``relations`` (e.g. ``("runs_on", "joins")``: what runs on a cluster), in design order."""
        direct = {
            src
            for src, _, relation in self.graph.graph.in_edges(ref, data="relation")
            if not relations or relation in relations
        }
        return [c for c in self.design.components if c.id in direct and (not kinds or c.kind in kinds)]

    def environment_of(self, component: Component) -> str | None:
        """The environment whose stack deploys ``component``."""
        return self.model.deployer(component)

    def namespace(self, component: Component | None = None) -> str:
        """The Kubernetes namespace of ``component``'s environment (this stack's when None)."""
        env_id = self.environment_of(component) if component is not None else self.env
        env = self.model.environments.get(env_id) if env_id else None
        if env is not None and env.kubernetes_namespace:
            return str(env.kubernetes_namespace)
        return slug(f"{self.design.name}-{env_id}" if env_id else self.design.name)

    def site_of(self, component: Component) -> Component | None:
        site = getattr(component, "site", None)
        return self.design.component(site) if isinstance(site, str) else None

    def region_of(self, component: Component) -> str:
        """The AWS region ``component`` is deployed to: its site's, its key region, else ``aws:region``."""
        site = self.site_of(component)
        region = getattr(site, "region", None) or getattr(component, "key_region", None)
        if isinstance(region, str):
            return str(region)
        configured = pulumi.Config("aws").get("region")
        if configured:
            return configured
        regions = {str(r) for s in self.of_kind("site") if (r := getattr(s, "region", None))}
        if len(regions) == 1:
            return regions.pop()
        raise pulumi.RunError(
            f"{component.id}: no AWS region: give it a site with a region, or set `pulumi config set aws:region`"
        )

    def boundary_of(self, component: Component) -> Component | None:
        inside = getattr(component, "inside", None)
        if inside is None and (site := self.site_of(component)) is not None:
            inside = getattr(site, "inside", None)
        return self.design.component(inside) if isinstance(inside, str) else None

    def tags(self, component: Component, **extra: str) -> dict[str, str]:
        """Tags/labels every resource of ``component`` carries (AWS tags; Kubernetes labels use ``labels``)."""
        tags = {
            "aifab:design": self.design.name,
            "aifab:component": component.id,
            "aifab:kind": component.kind,
            "aifab:environment": self.environment_of(component) or "shared",
        }
        if (site := self.site_of(component)) is not None:
            tags["aifab:site"] = site.id
        return {**tags, **extra}

    def labels(self, component: Component, **extra: str) -> dict[str, str]:
        """Kubernetes labels for ``component``'s objects (label-safe keys and values)."""
        return {
            "app.kubernetes.io/part-of": slug(self.design.name),
            "app.kubernetes.io/managed-by": "aifab",
            "aifab.dev/component": slug(component.id),
            "aifab.dev/environment": slug(self.environment_of(component) or "shared"),
            **extra,
        }

    # --- what is built, here or in another stack --------------------------------------------------------

    def local(self, ref: str) -> Realised[Any] | None:
        """The component ``ref`` if this stack built it."""
        return self.built.get(ref)

    def output(self, ref: str, key: str) -> pulumi.Output[Any]:
        """Output ``key`` of component ``ref``: from this stack, or the export of the stack that deploys it."""
        here = self.built.get(ref)
        if here is not None:
            if key not in here.outputs:
                raise KeyError(f"{ref} publishes no output {key!r} (it has {', '.join(sorted(here.outputs))})")
            return pulumi.Output.from_input(here.outputs[key])
        owner = self.environment_of(self.design.component(ref))
        if owner is None or owner == self.env:
            raise pulumi.RunError(f"{ref} is deployed by this stack but is not built yet: a link out of order")
        reference = self._refs.get(owner)
        if reference is None:
            name = f"{pulumi.get_organization()}/{pulumi.get_project()}/{owner}"
            reference = self._refs[owner] = pulumi.StackReference(f"stack-{owner}", stack_name=name)
        return reference.get_output(ref).apply(lambda exported: (exported or {}).get(key))

    def depends_on(self, component: Component) -> list[pulumi.Resource]:
        """The components this stack built that ``component`` links to: explicit Pulumi dependencies."""
        targets = dict.fromkeys(link.target for link in component.links())
        return [self.built[t] for t in targets if t in self.built]

    # --- providers --------------------------------------------------------------------------------------

    def aws(self, component: Component) -> aws.Provider:
        """The AWS provider for ``component``'s region, pinned to its environment's account."""
        region = self.region_of(component)
        if region not in self._aws:
            env = self.model.environments.get(self.env) if self.env else None
            account = getattr(env, "aws_account_id", None)
            self._aws[region] = aws.Provider(
                f"aws-{region}",
                region=region,
                allowed_account_ids=[account] if account else None,
                default_tags=aws.ProviderDefaultTagsArgs(
                    tags={"aifab:design": self.design.name, "aifab:stack": self.env or pulumi.get_stack()}
                ),
            )
        return self._aws[region]

    def kubernetes(self, target: str) -> k8s.Provider:
        """The Kubernetes provider for cluster or edge site ``target`` (its published ``kubeconfig``)."""
        if target not in self._k8s:
            # The kubeconfig output carries the dependency on the cluster; no depends_on (the cluster's own
            # children use this provider, so depending on the component would wait on itself).
            self._k8s[target] = k8s.Provider(
                f"k8s-{target}",
                kubeconfig=pulumi.Output.secret(self.output(target, "kubeconfig")),
                enable_server_side_apply=True,
            )
        return self._k8s[target]

    # --- config a real deploy needs -----------------------------------------------------------------------

    def setting(self, need: ConfigNeed) -> pulumi.Output[str]:
        """The config value ``need`` names; while previewing without it, a placeholder (reported earlier)."""
        if need.secret:
            value = self.config.get_secret(need.key)
            return value if value is not None else pulumi.Output.secret(PLACEHOLDER)
        plain_value = self.config.get(need.key)
        return pulumi.Output.from_input(plain_value if plain_value is not None else PLACEHOLDER)

    def has_setting(self, key: str) -> bool:
        return self.config.get(key) is not None


def kubeconfig_json(name: str, endpoint: Any, ca_data: Any, cluster_name: Any, region: str) -> pulumi.Output[str]:
    """An EKS kubeconfig (exec credential via ``aws eks get-token``) as a secret JSON string."""

    def render(args: list[Any]) -> str:
        server, ca, cluster = args
        return json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": name, "cluster": {"server": server, "certificate-authority-data": ca}}],
                "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
                "current-context": name,
                "users": [
                    {
                        "name": name,
                        "user": {
                            "exec": {
                                "apiVersion": "client.authentication.k8s.io/v1beta1",
                                "command": "aws",
                                "args": ["eks", "get-token", "--cluster-name", cluster, "--region", region],
                            }
                        },
                    }
                ],
            }
        )

    return pulumi.Output.secret(pulumi.Output.all(endpoint, ca_data, cluster_name).apply(render))


__all__ = ["PLACEHOLDER", "StackContext", "kubeconfig_json", "slug"]
