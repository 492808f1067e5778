"""Composites in Python: a London landing zone, an EKS GPU platform and a governed data lake."""

from aifab.blueprints import GpuPool, Site, SovereignBoundary
from aifab.blueprints.composites import EksGpuPlatform, GovernedDataLake, SovereignLandingZone
from aifab.design.design import Design

uk = SovereignLandingZone(
    id="uk-zone",
    boundary=SovereignBoundary(id="uk", jurisdiction="UK"),
    sites=(Site(id="london", provider="aws", region="eu-west-2"),),
)
data = GovernedDataLake(id="data", key_region="eu-west-2", site="london", inside="uk")
platform = EksGpuPlatform(
    id="gpu",
    cidr="10.0.0.0/16",
    efa_link_gbps=3200,
    encrypted_by=data.ref("key"),
    site="london",
    inside="uk",
    pools=(GpuPool(id="train", role="training", instance_type="p5.48xlarge", node_count=2),),
)

design = Design(name="composites", components=[uk, data, platform])
