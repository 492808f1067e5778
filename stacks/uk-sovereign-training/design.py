"""UK sovereign training cluster: reference architecture.

A 32-node DGX H100 training scalable unit on NDR InfiniBand in a UK colocation hall (direct liquid
cooling), an experimentation platform, production inference and a CPU data-preparation pool in AWS
London (eu-west-2), a data lake with object lock and lineage, MLflow/Kubeflow/monitoring, customer-held
keys, audit logging with separated roles, and an edge inference site — all inside a UK sovereignty
boundary.
"""

from aifab import blueprints as bp
from aifab.blueprints import composites as cp
from aifab.design.design import Design

# --- sovereignty and facilities -------------------------------------------------------------------
uk = bp.SovereignBoundary(
    id="uk",
    jurisdiction="UK",
    key_custody="customer-hsm",
    egress="allow-list",
    egress_allow=("10.0.0.0/8",),
    attestations=(
        bp.Attestation(
            obligation="Operator personnel are UK-based and security-screened (NCSC CSP 6)",
            evidence="https://compliance.example.org/evidence/personnel-screening-2026",
            expires="2027-09-30",
        ),
        bp.Attestation(
            obligation="Supplier and sub-processor locations are recorded and UK-only (NCSC CSP 8)",
            evidence="https://compliance.example.org/evidence/sub-processors-2026",
            expires="2027-09-30",
        ),
        bp.Attestation(
            obligation="Region-deny SCP (Control Tower CT.MULTISERVICE.PV.1) attached to the workload OUs",
            evidence="https://compliance.example.org/evidence/region-deny-scp-2026",
            expires="2027-09-30",
        ),
    ),
)
london = bp.Site(id="aws-london", provider="aws", region="eu-west-2")
slough = bp.Site(
    id="slough-colo",
    provider="colo",
    country="GB",
    grid_zone="GB",
    power_budget_kw=1200,
    cooling="direct-liquid",
    max_kw_per_rack=80,
    pue=1.3,
    renewable_share=0.5,
    energy_usd_per_mwh=190,
)
dev = bp.Environment(id="dev", purpose="experimentation", aws_account_id="111122223333", kubernetes_namespace="exp")
prod = bp.Environment(
    id="prod", hosts_shared=True, purpose="production", aws_account_id="444455556666", kubernetes_namespace="prod"
)
zone = cp.SovereignLandingZone(id="uk-zone", boundary=uk, sites=(london, slough), environments=(dev, prod))
at_london, at_slough = {"site": london, "inside": uk}, {"site": slough, "inside": uk}
in_dev = {"environment": dev, **at_london}
in_prod, prod_slough = {"environment": prod, **at_london}, {"environment": prod, **at_slough}
# AI-system inventory labels (NIST AI RMF GOVERN 1.6) on everything that trains or serves the model.
inventory = {"owner": "ml-platform@example.org", "ai-system-id": "uk-llm-70b", "risk-tier": "limited"}
private_cloud = bp.PrivateCloud(
    id="slough-private-cloud", platform="bare-metal-kubernetes", operator="platform team", **at_slough
)

# --- security, governance and storage -------------------------------------------------------------
keys = bp.KeyManagement(id="hsm-keys", provider="aws-cloudhsm", key_region="eu-west-2", inside=uk)
data = cp.GovernedDataLake(
    id="data",
    ids={"audit_lake": "audit-lake", "audit": "audit", "lake": "lake"},
    key=keys,
    object_lock="governance",
    object_lock_retention_days=365,
    lifecycle=(
        bp.LifecycleRule(prefix="checkpoints/", expire_noncurrent_after_days=30),
        bp.LifecycleRule(prefix="raw/", transition_to="GLACIER_IR", transition_after_days=180),
    ),
    data_classification="personal",
    **in_prod,
)
lake = data.ref()
colo_net = bp.Network(id="colo-net", provider="onprem", cidr="10.50.0.0/16", **prod_slough)
lustre = bp.FileSystem(
    id="lustre",
    engine="lustre",
    capacity_tib=1000,
    throughput_gbs=400,
    data_repository=lake,
    encrypted_by=keys,
    network=colo_net,
    **prod_slough,
)
# Experimentation reads its own, non-personal copy of the data, never the production lake.
exp_lake = bp.DataLake(
    id="exp-lake",
    lifecycle=(bp.LifecycleRule(prefix="scratch/", expire_noncurrent_after_days=14),),
    encrypted_by=keys,
    logs_to=data.ref("audit"),
    data_classification="internal",
    **in_dev,
)

# --- compute --------------------------------------------------------------------------------------
train_k8s = bp.KubernetesCluster(
    id="train-k8s",
    provider="onprem",
    network=colo_net,
    private_cloud=private_cloud,
    secrets_encrypted_by=keys,
    **prod_slough,
)
train = cp.GpuScalableUnit(
    id="train",
    ids={"fabric": "ib-ndr"},
    node_model="dgx-h100",
    node_count=32,
    capacity="owned",
    technology="infiniband",
    link_gbps=400,
    switch_model="quantum-2-qm9700",
    in_network_reduction=True,
    cluster=train_k8s,
    scratch=(lustre,),
    volumes_encrypted_by=keys,
    workload=bp.TrainingWorkload(parameters_billion=70, tokens_billion=2000, checkpoint_write_target_s=120),
    labels=inventory,
    **prod_slough,
)
explore = bp.GpuPool(
    id="explore",
    role="training",
    instance_type="p5.48xlarge",
    node_count=2,
    min_node_count=0,
    capacity="capacity-block",
    scratch=("exp-fsx",),
)
exp = cp.EksGpuPlatform(
    id="exp",
    cidr="10.40.0.0/16",
    availability_zones=3,
    efa_link_gbps=3200,
    encrypted_by=keys,
    # monitoring is a CPU service: one CPU node keeps it off the GPUs
    pools=(explore, bp.CpuPool(id="system-exp", role="general", instance_type="m7i.24xlarge", node_count=1)),
    **in_dev,
)
exp_fsx = bp.FileSystem(
    id="exp-fsx",
    engine="fsx-lustre",
    deployment_type="PERSISTENT_2",
    per_unit_throughput_mbps_per_tib=250,
    capacity_tib=48,
    data_repository=exp_lake,
    encrypted_by=keys,
    network=exp.ref("network"),
    **in_dev,
)
# 8 x L4 nodes: g6e (L40S) is not offered in London (no eu-west-2 row in the catalogue's commercial list), and
# a 70B model in bf16 fits one g6.48xlarge (192 GB) with tensor parallelism 8: one replica per node.
infer = bp.GpuPool(
    id="infer",
    role="inference",
    instance_type="g6.48xlarge",
    node_count=8,
    min_node_count=2,
    placement="spread",
    labels=inventory,
)
# CPU-only nodes for data preparation and tokenisation ahead of training; no accelerators, so no fabric.
data_prep = bp.CpuPool(
    id="data-prep", role="general", instance_type="c7i.48xlarge", node_count=4, min_node_count=1, placement="none"
)
platform = cp.EksGpuPlatform(
    id="prod", cidr="10.41.0.0/16", availability_zones=3, encrypted_by=keys, pools=(infer, data_prep), **in_prod
)
vectors = bp.VectorDatabase(
    id="vectors",
    engine="opensearch",
    dimensions=1024,
    vector_count=50_000_000,
    replicas=2,
    encrypted_by=keys,
    runs_on=platform,
    network=platform.ref("network"),
    indexes=("lake",),
    **in_prod,
)

# --- MLOps ----------------------------------------------------------------------------------------
mlops = cp.MlopsPlatform(
    id="mlops",
    ids={"tracking": "mlflow", "pipelines": "kubeflow", "serving": "serving", "monitoring": "monitoring"},
    cluster=platform,
    artifact_store=lake,
    pipelines_cluster=train_k8s,
    pipelines_site=slough,
    reads_from=(lake, lustre),
    submits_to=(train,),
    serve_on=infer,
    min_replicas=2,
    max_replicas=8,
    latency_p99_ms_target=800,
    model_parameters_billion=70,
    serving_labels=inventory,
    monitoring_retention_days=395,
    monitors=(train, infer, data_prep, train_k8s, platform, "serving", lustre),
    **in_prod,
)
# Each stack monitors what it deploys: the dev stack cannot depend on a production service.
monitoring_exp = bp.Monitoring(
    id="monitoring-exp", runs_on=exp, retention_days=30, monitors=(explore, exp, exp_fsx), **in_dev
)
rbac = bp.AccessControl(
    id="rbac",
    identity_provider="entra-id",
    roles=(
        bp.Role(name="data-scientist", permissions=("train", "read-experiment-data"), environments=("dev",)),
        bp.Role(name="ml-engineer", permissions=("deploy", "register-models"), environments=("prod",)),
        bp.Role(name="model-approver", permissions=("approve-models",), environments=("prod",)),
        bp.Role(name="platform-admin", permissions=("administer-infrastructure",)),
        bp.Role(name="auditor", permissions=("read-audit-logs",)),
    ),
    governs=("mlflow", "kubeflow", "serving", train_k8s, exp, platform),
    inside=uk,
)
edge = cp.EdgeFleet(
    id="edge",
    locations={"sheffield": cp.EdgeLocation(location_name="Sheffield plant", upstream_round_trip_ms=9)},
    accelerator="l4",
    nodes_per_site=2,
    latency_target_ms=20,
    syncs_models_from=mlops,
    inside=uk,
    environment=prod,
)

foundations = [zone, private_cloud, keys, data, rbac, colo_net, exp_lake, lustre, exp_fsx, vectors, train_k8s]
design = Design(
    name="uk-sovereign-training",
    description=__doc__ or "",
    components=[*foundations, train, exp, platform, mlops, monitoring_exp, edge],
)
