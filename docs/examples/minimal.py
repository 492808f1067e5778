"""The smallest useful design, in Python: two p5 nodes on EFA in a London EKS cluster."""

from aifab.blueprints import Fabric, GpuPool, KubernetesCluster, Network, Site
from aifab.design.design import Design

london = Site(id="london", provider="aws", region="eu-west-2")
vpc = Network(id="vpc", provider="aws", cidr="10.0.0.0/16", site=london)
eks = KubernetesCluster(id="eks", provider="eks", network=vpc, site=london)
efa = Fabric(id="efa", technology="efa", link_gbps=3200, topology="cloud-managed", site=london)
train = GpuPool(
    id="train",
    role="training",
    instance_type="p5.48xlarge",
    node_count=2,
    fabric=efa,
    cluster=eks,
    site=london,
)

design = Design(name="minimal", components=[london, vpc, eks, efa, train])
