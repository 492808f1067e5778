"""An EKS GPU platform: a VPC, an EKS cluster and its GPU and CPU pools (with EFA for multi-node training).

>>> from aifab.blueprints import CpuPool, GpuPool
>>> from aifab.blueprints.composites import EksGpuPlatform
>>> exp = EksGpuPlatform(
...     id="exp", cidr="10.40.0.0/16", efa_link_gbps=3200, encrypted_by="kms", site="london",
...     pools=(GpuPool(id="explore", role="training", instance_type="p5.48xlarge", node_count=2),
...            CpuPool(id="prep", role="general", instance_type="c7i.48xlarge", node_count=4)))
>>> [c.id for c in exp.expand()]
['vpc-exp', 'eks-exp', 'efa-exp', 'explore', 'prep']
>>> explore = exp.expand()[3]
>>> explore.cluster, explore.fabric, explore.volumes_encrypted_by
('eks-exp', 'efa-exp', 'kms')
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from aifab.design.component import Component, Ref, Refs
from aifab.design.composite import PlacedComposite, given

from ..compute import AcceleratorPool, CpuPool, GpuPool, KubernetesCluster
from ..network import Fabric, Network

Pool = Annotated[GpuPool | AcceleratorPool | CpuPool, Field(discriminator="kind")]


class EksGpuPlatform(PlacedComposite):
    """An EKS cluster in its own VPC (``cidr``) or in an existing ``network``, with the ``pools`` that join it.

    Parts: ``network`` (``vpc-<id>``, unless ``network`` names an existing one), ``cluster`` (``eks-<id>``,
    the main part) and, with ``efa_link_gbps``, ``efa`` (``efa-<id>``), the fabric of every multi-node
    training pool that names none. Pools keep their ids; each joins the cluster and, where it leaves them
    unset, takes the platform's key for its volumes, its ``scratch`` file systems, its site, boundary and
    environment. ``encrypted_by`` encrypts the cluster's secrets and the pools' volumes.
    """

    use: Literal["eks-gpu-platform"] = "eks-gpu-platform"
    parts: ClassVar[dict[str, str]] = {"network": "vpc", "cluster": "eks", "efa": "efa"}
    main: ClassVar[str] = "cluster"

    cidr: str | None = None
    network: Ref | None = None
    availability_zones: int | None = None
    kubernetes_version: str | None = None
    efa_link_gbps: int | None = None
    encrypted_by: Ref | None = None
    scratch: Refs = ()
    pools: tuple[Pool, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _one_network(cls, data: object) -> object:
        if isinstance(data, dict) and (data.get("cidr") is None) == (data.get("network") is None):
            raise ValueError("set exactly one of cidr (a new VPC) or network (an existing one)")
        return data

    def components(self) -> Iterator[Component]:
        placed = self.placement()
        network = self.network
        if network is None:
            network = self.part_id("network")
            zones = given(availability_zones=self.availability_zones)
            yield self.build(Network, network, provider="aws", cidr=self.cidr, **zones, **placed)
        yield self.build(
            KubernetesCluster,
            self.part_id("cluster"),
            provider="eks",
            network=network,
            secrets_encrypted_by=self.encrypted_by,
            **given(version=self.kubernetes_version),
            renamed={"version": "kubernetes_version"},
            **placed,
        )
        efa = None
        if self.efa_link_gbps is not None:
            efa = self.part_id("efa")
            yield self.build(
                Fabric,
                efa,
                technology="efa",
                link_gbps=self.efa_link_gbps,
                topology="cloud-managed",
                renamed={"link_gbps": "efa_link_gbps"},
                **placed,
            )
        for index, pool in enumerate(self.pools):
            multi_node = pool.role == "training" and pool.node_count > 1 and not isinstance(pool, CpuPool)
            yield self.adopt(
                pool,
                ("pools", index),
                cluster=self.part_id("cluster"),
                fabric=efa if multi_node else None,
                volumes_encrypted_by=self.encrypted_by,
                scratch=self.scratch or None,
                **placed,
            )
