"""UK sovereign training cluster: reference architecture.

A 32-node DGX H100 training scalable unit on NDR InfiniBand in a UK colocation hall (direct liquid
cooling), an experimentation platform, production inference and a CPU data-preparation pool in AWS
London (eu-west-2), a data lake with object lock and lineage, MLflow/Kubeflow/monitoring, customer-held
keys, audit logging with separated roles, and an edge inference site — all inside a UK sovereignty
boundary.
"""

from aifab.blueprints import (
    AccessControl,
    Attestation,
    AuditLog,
    CpuPool,
    DataLake,
    EdgeSite,
    Environment,
    ExperimentTracking,
    Fabric,
    FileSystem,
    GpuPool,
    KeyManagement,
    KubernetesCluster,
    LifecycleRule,
    ModelServing,
    Monitoring,
    Network,
    Pipelines,
    PrivateCloud,
    Role,
    Site,
    SovereignBoundary,
    TrainingWorkload,
    VectorDatabase,
)
from aifab.design.design import Design

# --- sovereignty and facilities -------------------------------------------------------------------
uk = SovereignBoundary(
    id="uk",
    jurisdiction="UK",
    key_custody="customer-hsm",
    egress="allow-list",
    egress_allow=("10.0.0.0/8",),
    attestations=(
        Attestation(
            obligation="Operator personnel are UK-based and security-screened (NCSC CSP 6)",
            evidence="https://compliance.example.org/evidence/personnel-screening-2026",
            expires="2027-09-30",
        ),
        Attestation(
            obligation="Supplier and sub-processor locations are recorded and UK-only (NCSC CSP 8)",
            evidence="https://compliance.example.org/evidence/sub-processors-2026",
            expires="2027-09-30",
        ),
        Attestation(
            obligation="Region-deny SCP (Control Tower CT.MULTISERVICE.PV.1) attached to the workload OUs",
            evidence="https://compliance.example.org/evidence/region-deny-scp-2026",
            expires="2027-09-30",
        ),
    ),
)
london = Site(id="aws-london", provider="aws", region="eu-west-2", inside=uk)
slough = Site(
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
    inside=uk,
)
at_london = {"site": london, "inside": uk}
# AI-system inventory labels (NIST AI RMF GOVERN 1.6) on everything that trains or serves the model.
inventory = {"owner": "ml-platform@example.org", "ai-system-id": "uk-llm-70b", "risk-tier": "limited"}
at_slough = {"site": slough, "inside": uk}

experimentation = Environment(
    id="dev", purpose="experimentation", aws_account_id="111122223333", kubernetes_namespace="exp"
)
production = Environment(
    id="prod",
    hosts_shared=True,
    purpose="production",
    aws_account_id="444455556666",
    kubernetes_namespace="prod",
    promotes_from=experimentation,
)
private_cloud = PrivateCloud(
    id="slough-private-cloud", platform="bare-metal-kubernetes", operator="platform team", **at_slough
)

# --- security and governance ----------------------------------------------------------------------
keys = KeyManagement(id="hsm-keys", provider="aws-cloudhsm", key_region="eu-west-2", inside=uk)
audit_lake = DataLake(
    id="audit-lake",
    object_lock="compliance",
    object_lock_retention_days=2555,
    encrypted_by=keys,
    data_classification="confidential",
    environment=production,
    **at_london,
)
audit = AuditLog(id="audit", provider="cloudtrail", encrypted_by=keys, stores_in=audit_lake, inside=uk)

# --- networks and fabric --------------------------------------------------------------------------
vpc_exp = Network(
    id="vpc-exp", provider="aws", cidr="10.40.0.0/16", availability_zones=3, environment=experimentation, **at_london
)
vpc_prod = Network(
    id="vpc-prod", provider="aws", cidr="10.41.0.0/16", availability_zones=3, environment=production, **at_london
)
colo_net = Network(id="colo-net", provider="onprem", cidr="10.50.0.0/16", environment=production, **at_slough)
ib = Fabric(
    id="ib-ndr",
    technology="infiniband",
    link_gbps=400,
    switch_model="quantum-2-qm9700",
    topology="rail-optimised-fat-tree",
    scalable_unit_nodes=32,
    in_network_reduction=True,
    **at_slough,
)
efa = Fabric(
    id="efa-exp", technology="efa", link_gbps=3200, topology="cloud-managed", environment=experimentation, **at_london
)

# --- storage --------------------------------------------------------------------------------------
lake = DataLake(
    id="lake",
    object_lock="governance",
    object_lock_retention_days=365,
    lifecycle=(
        LifecycleRule(prefix="checkpoints/", expire_noncurrent_after_days=30),
        LifecycleRule(prefix="raw/", transition_to="GLACIER_IR", transition_after_days=180),
    ),
    encrypted_by=keys,
    logs_to=audit,
    data_classification="personal",
    environment=production,
    **at_london,
)
lustre = FileSystem(
    id="lustre",
    engine="lustre",
    capacity_tib=1000,
    throughput_gbs=400,
    data_repository=lake,
    encrypted_by=keys,
    network=colo_net,
    environment=production,
    **at_slough,
)
# Experimentation reads its own, non-personal copy of the data, never the production lake.
exp_lake = DataLake(
    id="exp-lake",
    lifecycle=(LifecycleRule(prefix="scratch/", expire_noncurrent_after_days=14),),
    encrypted_by=keys,
    logs_to=audit,
    data_classification="internal",
    environment=experimentation,
    **at_london,
)
exp_fsx = FileSystem(
    id="exp-fsx",
    engine="fsx-lustre",
    deployment_type="PERSISTENT_2",
    per_unit_throughput_mbps_per_tib=250,
    capacity_tib=48,
    data_repository=exp_lake,
    encrypted_by=keys,
    network=vpc_exp,
    environment=experimentation,
    **at_london,
)

# --- compute --------------------------------------------------------------------------------------
train_k8s = KubernetesCluster(
    id="train-k8s",
    provider="onprem",
    network=colo_net,
    private_cloud=private_cloud,
    secrets_encrypted_by=keys,
    environment=production,
    **at_slough,
)
eks_exp = KubernetesCluster(
    id="eks-exp", provider="eks", network=vpc_exp, secrets_encrypted_by=keys, environment=experimentation, **at_london
)
eks_prod = KubernetesCluster(
    id="eks-prod", provider="eks", network=vpc_prod, secrets_encrypted_by=keys, environment=production, **at_london
)
train = GpuPool(
    id="train",
    role="training",
    node_model="dgx-h100",
    node_count=32,
    capacity="owned",
    fabric=ib,
    cluster=train_k8s,
    scratch=(lustre,),
    volumes_encrypted_by=keys,
    workload=TrainingWorkload(parameters_billion=70, tokens_billion=2000, checkpoint_write_target_s=120),
    labels=inventory,
    environment=production,
    **at_slough,
)
explore = GpuPool(
    id="explore",
    role="training",
    instance_type="p5.48xlarge",
    node_count=2,
    min_node_count=0,
    capacity="capacity-block",
    fabric=efa,
    cluster=eks_exp,
    scratch=(exp_fsx,),
    volumes_encrypted_by=keys,
    environment=experimentation,
    **at_london,
)
infer = GpuPool(
    id="infer",
    role="inference",
    instance_type="g6e.48xlarge",
    node_count=4,
    min_node_count=2,
    placement="spread",
    labels=inventory,
    cluster=eks_prod,
    volumes_encrypted_by=keys,
    environment=production,
    **at_london,
)
# CPU-only nodes for data preparation and tokenisation ahead of training; no accelerators, so no fabric.
data_prep = CpuPool(
    id="data-prep",
    role="general",
    instance_type="c7i.48xlarge",
    node_count=4,
    min_node_count=1,
    placement="none",
    cluster=eks_prod,
    volumes_encrypted_by=keys,
    environment=production,
    **at_london,
)
vectors = VectorDatabase(
    id="vectors",
    engine="opensearch",
    dimensions=1024,
    vector_count=50_000_000,
    replicas=2,
    encrypted_by=keys,
    runs_on=eks_prod,
    network=vpc_prod,
    environment=production,
    **at_london,
)

# --- MLOps ----------------------------------------------------------------------------------------
mlflow = ExperimentTracking(id="mlflow", artifact_store=lake, runs_on=eks_prod, environment=production, **at_london)
kubeflow = Pipelines(
    id="kubeflow",
    runs_on=train_k8s,
    reads_from=(lake, lustre),
    tracks_to=mlflow,
    submits_to=(train,),
    environment=production,
    **at_slough,
)
serving = ModelServing(
    id="serving",
    engine="vllm",
    pool=infer,
    model_registry=mlflow,
    runs_on=eks_prod,
    min_replicas=2,
    max_replicas=8,
    latency_p99_ms_target=800,
    model_parameters_billion=70,
    labels=inventory,
    environment=production,
    **at_london,
)
monitoring = Monitoring(
    id="monitoring",
    runs_on=eks_prod,
    retention_days=395,
    monitors=(train, infer, data_prep, train_k8s, eks_prod, serving, lustre),
    environment=production,
    **at_london,
)
# Each stack monitors what it deploys: the dev stack cannot depend on a production service.
monitoring_exp = Monitoring(
    id="monitoring-exp",
    runs_on=eks_exp,
    retention_days=30,
    monitors=(explore, eks_exp, exp_fsx),
    environment=experimentation,
    **at_london,
)
rbac = AccessControl(
    id="rbac",
    identity_provider="entra-id",
    roles=(
        Role(name="data-scientist", permissions=("train", "read-experiment-data"), environments=("dev",)),
        Role(name="ml-engineer", permissions=("deploy", "register-models"), environments=("prod",)),
        Role(name="model-approver", permissions=("approve-models",), environments=("prod",)),
        Role(name="platform-admin", permissions=("administer-infrastructure",)),
        Role(name="auditor", permissions=("read-audit-logs",)),
    ),
    governs=(mlflow, kubeflow, serving, train_k8s, eks_exp, eks_prod),
    inside=uk,
)

# --- edge -----------------------------------------------------------------------------------------
sheffield = EdgeSite(
    id="edge-sheffield",
    location_name="Sheffield plant",
    latency_target_ms=20,
    accelerator="l4",
    node_count=2,
    upstream_round_trip_ms=9,
    syncs_models_from=mlflow,
    inside=uk,
    environment=production,
)

design = Design(
    name="uk-sovereign-training",
    description=__doc__ or "",
    components=[
        uk,
        london,
        slough,
        experimentation,
        production,
        private_cloud,
        keys,
        audit_lake,
        audit,
        rbac,
        vpc_exp,
        vpc_prod,
        colo_net,
        ib,
        efa,
        lake,
        exp_lake,
        lustre,
        exp_fsx,
        vectors,
        train_k8s,
        eks_exp,
        eks_prod,
        train,
        explore,
        infer,
        data_prep,
        mlflow,
        kubeflow,
        serving,
        monitoring,
        monitoring_exp,
        sheffield,
    ],
)
