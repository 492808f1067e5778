"""Networking: the accelerator fabric (InfiniBand, EFA, RoCE Ethernet) and the cluster's IP network.

>>> from aifab.blueprints.network import Fabric, Network
>>> ib = Fabric(id="ib", technology="infiniband", link_gbps=400, switch_model="quantum-2-qm9700",
...             topology="rail-optimised-fat-tree", scalable_unit_nodes=32)
>>> vpc = Network(id="vpc", provider="aws", cidr="10.20.0.0/16", availability_zones=3)
>>> ib.oversubscription
1.0
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from aifab.errors import Diagnostic

from ._placement import Placed

_LINK_SPEEDS_GBPS = {
    "infiniband": (100, 200, 400, 800),  # EDR, HDR, NDR, XDR (IBTA roadmap)
    "roce": (100, 200, 400, 800),
    "efa": (100, 200, 400, 800, 1600, 3200, 6400),  # per-instance aggregate or per-NIC rate
}


class Fabric(Placed):
    """The accelerator-to-accelerator network: one per training cluster, sized by the capacity models."""

    kind: Literal["fabric"] = "fabric"
    area: ClassVar[str] = "network"
    catalogue_refs: ClassVar[dict[str, str]] = {"switch_model": "switch"}

    technology: Literal["infiniband", "efa", "roce"]
    link_gbps: int = Field(description="per-port (per-rail) link speed in Gb/s")
    topology: Literal["rail-optimised-fat-tree", "fat-tree", "cloud-managed"] = "rail-optimised-fat-tree"
    switch_model: str | None = Field(default=None, description="catalogue switch; required for infiniband/roce")
    oversubscription: Annotated[float, Field(ge=1.0, le=16.0)] = 1.0
    scalable_unit_nodes: Annotated[int | None, Field(ge=1, le=1024)] = None
    in_network_reduction: bool = Field(default=False, description="SHARP-style reduction in the switches")

    @field_validator("link_gbps")
    @classmethod
    def _known_speed(cls, value: int) -> int:
        if value <= 0:
            raise ValueError(f"link_gbps must be > 0 (got {value})")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Fabric:
        speeds = _LINK_SPEEDS_GBPS[self.technology]
        if self.link_gbps not in speeds:
            raise ValueError(
                f"link_gbps {self.link_gbps} is not a {self.technology} link speed; expected one of {list(speeds)}"
            )
        if self.technology == "efa":
            if self.topology != "cloud-managed":
                raise ValueError("an 'efa' fabric is managed by AWS: set topology 'cloud-managed'")
            if self.switch_model is not None:
                raise ValueError("an 'efa' fabric has no switch_model (AWS owns the switches)")
        elif self.topology == "cloud-managed":
            raise ValueError(f"topology 'cloud-managed' is only for 'efa'; {self.technology} needs a fat tree")
        return self

    def check(self) -> list[Diagnostic]:
        problems = super().check()
        if self.technology != "efa" and self.switch_model is None:
            problems.append(
                self.problem(
                    "fabric-switch-unspecified",
                    f"an {self.technology} fabric needs switch_model (e.g. 'quantum-2-qm9700') to be sized",
                )
            )
        return problems


class Network(Placed):
    """The cluster's IP network: an AWS VPC with subnets per availability zone, or an on-prem network."""

    kind: Literal["network"] = "network"
    area: ClassVar[str] = "network"

    provider: Literal["aws", "onprem"]
    cidr: str
    availability_zones: Annotated[int, Field(ge=1, le=6)] = 2
    private_subnet_prefix: Annotated[int, Field(ge=16, le=28)] = 20
    public_subnets: bool = False
    flow_logs: bool = True

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        try:
            net = ipaddress.ip_network(value, strict=True)
        except ValueError as exc:
            raise ValueError(f"cidr must be an IPv4 network such as '10.0.0.0/16' (got {value!r})") from exc
        if net.version != 4 or not net.is_private:
            raise ValueError(f"cidr must be a private IPv4 range (RFC 1918), got {value!r}")
        if not 8 <= net.prefixlen <= 24:
            raise ValueError(f"cidr prefix must be between /8 and /24, got /{net.prefixlen}")
        return value

    @model_validator(mode="after")
    def _subnets_fit(self) -> Network:
        net = ipaddress.ip_network(self.cidr)
        if self.private_subnet_prefix <= net.prefixlen:
            raise ValueError(
                f"private_subnet_prefix /{self.private_subnet_prefix} must be smaller than the cidr /{net.prefixlen}"
            )
        fits = 2 ** (self.private_subnet_prefix - net.prefixlen)
        needed = self.availability_zones * (2 if self.public_subnets else 1)
        if needed > fits:
            raise ValueError(
                f"{needed} subnets of /{self.private_subnet_prefix} do not fit in {self.cidr} (room for {fits})"
            )
        return self
