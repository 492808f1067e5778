"""EU sovereign training and inference platform: reference architecture.

Everything runs in AWS Stockholm (eu-north-1: EU member state, low-carbon grid, p5en capacity) inside an
EU sovereignty boundary with customer-managed KMS keys and an egress allow-list. Production and
experimentation live in separate AWS accounts. Production trains on a 32-node p5en.48xlarge (H200) pool
on EFA with FSx for Lustre scratch hydrated from an object-locked, versioned data lake, and serves the
model with vLLM on a spread p5en inference pool, with a replicated vector database for retrieval.
MLflow is the model registry (approval required), Kubeflow runs the training pipelines, Prometheus and
DCGM watch every production pool, and a multi-Region CloudTrail lands in an object-locked audit bucket
in Stockholm. Experimentation has its own lake, file system, cluster, GPUs, keys and monitoring.

One region only: the catalogue prices GPU instances in no other EU region, so a second inference region
could be neither priced nor shown to offer the hardware; resilience is three availability zones.
"""

from aifab.blueprints import (
    AccessControl,
    Attestation,
    AuditLog,
    DataLake,
    Environment,
    ExperimentTracking,
    Fabric,
    FileSystem,
    GpuPool,
    KeyManagement,
    KubernetesCluster,
    LifecycleRule,
    Lineage,
    ModelServing,
    Monitoring,
    Network,
    Pipelines,
    Role,
    Site,
    SovereignBoundary,
    TrainingWorkload,
    VectorDatabase,
)
from aifab.design.design import Design

REGION = "eu-north-1"

# --- sovereignty and facilities -------------------------------------------------------------------
# The attestations record what infrastructure code cannot show. AWS is a US-parented provider: the first
# one records the assessment of that exposure, it does not claim immunity the commercial partition lacks.
eu = SovereignBoundary(
    id="eu",
    jurisdiction="EU",
    allowed_regions=(REGION,),
    key_custody="customer-managed-kms",
    egress="allow-list",
    # internal ranges only: AWS services are reached through in-region VPC endpoints
    egress_allow=("10.0.0.0/8",),
    attestations=(
        Attestation(
            obligation=(
                "Provider legal seat and exposure to non-EU law assessed against SecNumCloud 19.6 (immunity): "
                "AWS EMEA SARL (Luxembourg) contracts, US-parent access risk recorded in the transfer impact "
                "assessment and mitigated by customer-managed keys; not immune"
            ),
            evidence="https://compliance.example.eu/evidence/provider-legal-exposure-tia-2026",
            expires="2027-11-30",
            # A commercial-partition provider cannot meet the immunity criterion; the gap is recorded, not hidden.
            status="risk-accepted",
            accepted_by="data protection officer",
        ),
        Attestation(
            obligation=(
                "Platform administration from the EU (SecNumCloud 19.2): platform-admin and on-call staff are "
                "EU-resident and reach the accounts only from EU locations (conditional access)"
            ),
            evidence="https://compliance.example.eu/evidence/eu-administration-2026",
            expires="2027-11-30",
        ),
        Attestation(
            obligation=(
                "Transfer basis for provider sub-processing outside the EU: GDPR Art. 46 standard contractual "
                "clauses in the AWS DPA (GDPR Art. 45 EU-US Data Privacy Framework as a second basis)"
            ),
            evidence="https://compliance.example.eu/evidence/transfer-basis-2026",
            expires="2027-11-30",
        ),
        Attestation(
            obligation=(
                "Region-deny SCP (Control Tower CT.MULTISERVICE.PV.1) allowing only eu-north-1 attached to the "
                "experimentation and production OUs"
            ),
            evidence="https://compliance.example.eu/evidence/region-deny-scp-2026",
            expires="2027-11-30",
        ),
    ),
)
stockholm = Site(id="aws-stockholm", provider="aws", region=REGION, inside=eu)
at_stockholm = {"site": stockholm, "inside": eu}
# AI-system inventory labels (NIST AI RMF GOVERN 1.6, EU AI Act Art. 49) on everything that trains or serves.
inventory = {"owner": "ml-platform@example.eu", "ai-system-id": "eu-assistant-70b", "risk-tier": "limited"}

experimentation = Environment(
    id="dev", purpose="experimentation", aws_account_id="210987654321", kubernetes_namespace="exp"
)
production = Environment(
    id="prod",
    hosts_shared=True,
    purpose="production",
    aws_account_id="345678901234",
    kubernetes_namespace="prod",
    promotes_from=experimentation,
)
in_exp = {"environment": experimentation, **at_stockholm}
in_prod = {"environment": production, **at_stockholm}

# --- security and governance ----------------------------------------------------------------------
# One single-region customer-managed key per account, and one for the audit trail.
kms_prod = KeyManagement(id="kms-prod", provider="aws-kms", key_region=REGION, rotation_days=365, **in_prod)
kms_exp = KeyManagement(id="kms-exp", provider="aws-kms", key_region=REGION, rotation_days=365, **in_exp)
kms_audit = KeyManagement(id="kms-audit", provider="aws-kms", key_region=REGION, rotation_days=365, **in_prod)
audit_lake = DataLake(
    id="audit-lake",
    object_lock="compliance",
    object_lock_retention_days=2555,
    encrypted_by=kms_audit,
    data_classification="confidential",
    **in_prod,
)
# Multi-Region trail: it records API calls made in any region (the region-deny SCP should leave none)
# and delivers them all to the object-locked bucket in Stockholm.
audit = AuditLog(
    id="audit",
    provider="cloudtrail",
    retention_days=2555,
    encrypted_by=kms_audit,
    stores_in=audit_lake,
    **at_stockholm,
)

# --- networks and fabric --------------------------------------------------------------------------
vpc_exp = Network(id="vpc-exp", provider="aws", cidr="10.60.0.0/16", availability_zones=3, **in_exp)
vpc_prod = Network(id="vpc-prod", provider="aws", cidr="10.61.0.0/16", availability_zones=3, **in_prod)
efa_train = Fabric(id="efa-train", technology="efa", link_gbps=3200, topology="cloud-managed", **in_prod)
efa_exp = Fabric(id="efa-exp", technology="efa", link_gbps=3200, topology="cloud-managed", **in_exp)

# --- storage --------------------------------------------------------------------------------------
lake = DataLake(
    id="lake",
    object_lock="governance",
    object_lock_retention_days=365,
    lifecycle=(
        LifecycleRule(prefix="checkpoints/", expire_noncurrent_after_days=30),
        LifecycleRule(prefix="raw/", transition_to="GLACIER_IR", transition_after_days=180),
    ),
    lineage=Lineage(record_dataset_versions=True, tool="openlineage"),
    encrypted_by=kms_prod,
    logs_to=audit,
    data_classification="personal",
    **in_prod,
)
# Training scratch: 256 GPUs x 0.5 GB/s = 128 GB/s of reads; 56 x 2.34375 TiB at 1,000 MB/s/TiB = 131 GB/s.
fsx_train = FileSystem(
    id="fsx-train",
    engine="fsx-lustre",
    deployment_type="PERSISTENT_2",
    per_unit_throughput_mbps_per_tib=1000,
    capacity_tib=131.25,
    backup_retention_days=7,
    data_repository=lake,
    encrypted_by=kms_prod,
    network=vpc_prod,
    **in_prod,
)
# Experimentation reads its own, non-personal (anonymised or synthetic) copy, never the production lake.
exp_lake = DataLake(
    id="exp-lake",
    lifecycle=(LifecycleRule(prefix="scratch/", expire_noncurrent_after_days=14),),
    encrypted_by=kms_exp,
    logs_to=audit,
    data_classification="internal",
    **in_exp,
)
exp_fsx = FileSystem(
    id="exp-fsx",
    engine="fsx-lustre",
    deployment_type="PERSISTENT_2",
    per_unit_throughput_mbps_per_tib=250,
    capacity_tib=23.4375,
    data_repository=exp_lake,
    encrypted_by=kms_exp,
    network=vpc_exp,
    **in_exp,
)

# --- compute --------------------------------------------------------------------------------------
eks_exp = KubernetesCluster(id="eks-exp", provider="eks", network=vpc_exp, secrets_encrypted_by=kms_exp, **in_exp)
eks_train = KubernetesCluster(
    id="eks-train", provider="eks", network=vpc_prod, secrets_encrypted_by=kms_prod, **in_prod
)
eks_serve = KubernetesCluster(
    id="eks-serve", provider="eks", network=vpc_prod, secrets_encrypted_by=kms_prod, **in_prod
)
train = GpuPool(
    id="train",
    role="training",
    instance_type="p5en.48xlarge",
    node_count=32,
    capacity="reserved",
    fabric=efa_train,
    cluster=eks_train,
    scratch=(fsx_train,),
    volumes_encrypted_by=kms_prod,
    workload=TrainingWorkload(parameters_billion=70, tokens_billion=1000, checkpoint_write_target_s=120),
    labels=inventory,
    **in_prod,
)
explore = GpuPool(
    id="explore",
    role="training",
    instance_type="p5en.48xlarge",
    node_count=2,
    min_node_count=0,
    capacity="capacity-block",
    fabric=efa_exp,
    cluster=eks_exp,
    scratch=(exp_fsx,),
    volumes_encrypted_by=kms_exp,
    **in_exp,
)
infer = GpuPool(
    id="infer",
    role="inference",
    instance_type="p5en.48xlarge",
    node_count=4,
    min_node_count=2,
    placement="spread",
    cluster=eks_serve,
    volumes_encrypted_by=kms_prod,
    labels=inventory,
    **in_prod,
)
vectors = VectorDatabase(
    id="vectors",
    engine="qdrant",
    dimensions=1024,
    vector_count=20_000_000,
    replicas=3,
    encrypted_by=kms_prod,
    data_classification="personal",
    runs_on=eks_serve,
    network=vpc_prod,
    **in_prod,
)

# --- MLOps ----------------------------------------------------------------------------------------
mlflow = ExperimentTracking(id="mlflow", artifact_store=lake, runs_on=eks_serve, **in_prod)
kubeflow = Pipelines(
    id="kubeflow",
    runs_on=eks_train,
    reads_from=(lake, fsx_train),
    tracks_to=mlflow,
    submits_to=(train,),
    **in_prod,
)
serving = ModelServing(
    id="serving",
    engine="vllm",
    pool=infer,
    model_registry=mlflow,
    runs_on=eks_serve,
    min_replicas=2,
    max_replicas=8,
    latency_p99_ms_target=800,
    model_parameters_billion=70,
    labels=inventory,
    **in_prod,
)
monitoring = Monitoring(
    id="monitoring",
    runs_on=eks_serve,
    retention_days=395,
    monitors=(train, infer, eks_train, eks_serve, serving, fsx_train),
    **in_prod,
)
monitoring_exp = Monitoring(id="monitoring-exp", runs_on=eks_exp, monitors=(explore, eks_exp, exp_fsx), **in_exp)
rbac = AccessControl(
    id="rbac",
    identity_provider="keycloak",
    roles=(
        Role(
            name="data-scientist",
            permissions=("train", "read-experiment-data"),
            environments=("dev",),
            members_group="eu-ml-data-scientists",
        ),
        Role(
            name="ml-engineer",
            permissions=("deploy", "register-models"),
            environments=("prod",),
            members_group="eu-ml-engineers",
        ),
        Role(
            name="model-approver",
            permissions=("approve-models",),
            environments=("prod",),
            members_group="eu-ml-model-approvers",
        ),
        Role(name="platform-admin", permissions=("administer-infrastructure",), members_group="eu-platform-admins"),
        Role(name="auditor", permissions=("read-audit-logs",), members_group="eu-auditors"),
    ),
    governs=(mlflow, kubeflow, serving, vectors, lake, exp_lake, audit_lake, eks_exp, eks_train, eks_serve),
    inside=eu,
)

design = Design(
    name="eu-sovereign-inference",
    description=__doc__ or "",
    components=[
        eu,
        stockholm,
        experimentation,
        production,
        kms_prod,
        kms_exp,
        kms_audit,
        audit_lake,
        audit,
        rbac,
        vpc_exp,
        vpc_prod,
        efa_train,
        efa_exp,
        lake,
        exp_lake,
        fsx_train,
        exp_fsx,
        vectors,
        eks_exp,
        eks_train,
        eks_serve,
        train,
        explore,
        infer,
        mlflow,
        kubeflow,
        serving,
        monitoring,
        monitoring_exp,
    ],
)
