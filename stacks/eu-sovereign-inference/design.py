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

from aifab import blueprints as bp
from aifab.blueprints import composites as cp
from aifab.design.design import Design

REGION = "eu-north-1"

# --- sovereignty and facilities -------------------------------------------------------------------
# The attestations record what infrastructure code cannot show. AWS is a US-parented provider: the first
# one records the assessment of that exposure, it does not claim immunity the commercial partition lacks.
eu = bp.SovereignBoundary(
    id="eu",
    jurisdiction="EU",
    allowed_regions=(REGION,),
    egress="allow-list",
    # internal ranges only: AWS services are reached through in-region VPC endpoints
    egress_allow=("10.0.0.0/8",),
    attestations=(
        bp.Attestation(
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
        bp.Attestation(
            obligation=(
                "Platform administration from the EU (SecNumCloud 19.2): platform-admin and on-call staff are "
                "EU-resident and reach the accounts only from EU locations (conditional access)"
            ),
            evidence="https://compliance.example.eu/evidence/eu-administration-2026",
            expires="2027-11-30",
        ),
        bp.Attestation(
            obligation=(
                "Transfer basis for provider sub-processing outside the EU: GDPR Art. 46 standard contractual "
                "clauses in the AWS DPA (GDPR Art. 45 EU-US Data Privacy Framework as a second basis)"
            ),
            evidence="https://compliance.example.eu/evidence/transfer-basis-2026",
            expires="2027-11-30",
        ),
        bp.Attestation(
            obligation=(
                "Region-deny SCP (Control Tower CT.MULTISERVICE.PV.1) allowing only eu-north-1 attached to the "
                "experimentation and production OUs"
            ),
            evidence="https://compliance.example.eu/evidence/region-deny-scp-2026",
            expires="2027-11-30",
        ),
    ),
)
stockholm = bp.Site(id="aws-stockholm", provider="aws", region=REGION)
at_stockholm = {"site": stockholm, "inside": eu}
# AI-system inventory labels (NIST AI RMF GOVERN 1.6, EU AI Act Art. 49) on everything that trains or serves.
inventory = {"owner": "ml-platform@example.eu", "ai-system-id": "eu-assistant-70b", "risk-tier": "limited"}

dev = bp.Environment(id="dev", purpose="experimentation", aws_account_id="210987654321", kubernetes_namespace="exp")
prod = bp.Environment(
    id="prod", hosts_shared=True, purpose="production", aws_account_id="345678901234", kubernetes_namespace="prod"
)
zone = cp.SovereignLandingZone(id="eu-zone", boundary=eu, sites=(stockholm,), environments=(dev, prod))
in_exp, in_prod = {"environment": dev, **at_stockholm}, {"environment": prod, **at_stockholm}
fsx = {"engine": "fsx-lustre", "deployment_type": "PERSISTENT_2"}

# --- security, governance and storage -------------------------------------------------------------
# One single-region customer-managed key per account, and one for the audit trail. The multi-Region
# trail records API calls made in any region (the region-deny SCP should leave none) and delivers them
# all to the object-locked audit bucket in Stockholm.
data = cp.GovernedDataLake(
    id="prod",
    ids={"audit_key": "kms-audit", "audit_lake": "audit-lake", "audit": "audit", "lake": "lake"},
    key_region=REGION,
    separate_audit_key=True,
    audit_retention_days=2555,
    object_lock="governance",
    object_lock_retention_days=365,
    lifecycle=(
        bp.LifecycleRule(prefix="checkpoints/", expire_noncurrent_after_days=30),
        bp.LifecycleRule(prefix="raw/", transition_to="GLACIER_IR", transition_after_days=180),
    ),
    lineage=bp.Lineage(record_dataset_versions=True, tool="openlineage"),
    data_classification="personal",
    **in_prod,
)
kms_prod, lake = data.ref("key"), data.ref()
kms_exp = bp.KeyManagement(id="kms-exp", provider="aws-kms", key_region=REGION, rotation_days=365, **in_exp)
exp_keyed, prod_keyed = {"encrypted_by": kms_exp, **in_exp}, {"encrypted_by": kms_prod, **in_prod}
# Training scratch: 256 GPUs x 0.5 GB/s = 128 GB/s of reads; 56 x 2.34375 TiB at 1,000 MB/s/TiB = 131 GB/s.
fsx_train = bp.FileSystem(
    id="fsx-train",
    **fsx,
    per_unit_throughput_mbps_per_tib=1000,
    capacity_tib=131.25,
    backup_retention_days=7,
    data_repository=lake,
    network="vpc-prod",
    **prod_keyed,
)
# Experimentation reads its own, non-personal (anonymised or synthetic) copy, never the production lake.
exp_lake = bp.DataLake(
    id="exp-lake",
    lifecycle=(bp.LifecycleRule(prefix="scratch/", expire_noncurrent_after_days=14),),
    logs_to=data.ref("audit"),
    data_classification="internal",
    **exp_keyed,
)
exp_fsx = bp.FileSystem(
    id="exp-fsx",
    **fsx,
    per_unit_throughput_mbps_per_tib=250,
    capacity_tib=23.4375,
    data_repository=exp_lake,
    network="vpc-exp",
    **exp_keyed,
)

# --- compute: one platform for experimentation, one for training and one for serving (sharing its VPC) ----
p5en = "p5en.48xlarge"
explore = bp.GpuPool(
    id="explore", role="training", instance_type=p5en, node_count=2, min_node_count=0, capacity="capacity-block"
)
exp = cp.EksGpuPlatform(
    id="exp",
    cidr="10.60.0.0/16",
    availability_zones=3,
    efa_link_gbps=3200,
    scratch=(exp_fsx,),
    pools=(explore, bp.CpuPool(id="system-exp", role="general", instance_type="m7i.24xlarge", node_count=1)),
    **exp_keyed,
)
train = cp.EksGpuPlatform(
    id="train", ids={"network": "vpc-prod"}, cidr="10.61.0.0/16", availability_zones=3, encrypted_by=kms_prod, **in_prod
)
train_unit = cp.GpuScalableUnit(
    id="train",
    instance_type=p5en,
    node_count=32,
    capacity="reserved",
    technology="efa",
    link_gbps=3200,
    cluster=train,
    scratch=(fsx_train,),
    volumes_encrypted_by=kms_prod,
    workload=bp.TrainingWorkload(parameters_billion=70, tokens_billion=1000, checkpoint_write_target_s=120),
    labels=inventory,
    **in_prod,
)
infer = bp.GpuPool(
    id="infer",
    role="inference",
    instance_type=p5en,
    node_count=4,
    min_node_count=2,
    placement="spread",
    labels=inventory,
)
# MLflow, the vector database and monitoring are CPU services: they get their own nodes, not the GPUs'.
system = bp.CpuPool(
    id="system", role="general", instance_type="m7i.24xlarge", node_count=3, placement="spread", labels=inventory
)
serve = cp.EksGpuPlatform(
    id="serve", network=train.ref("network"), encrypted_by=kms_prod, pools=(infer, system), **in_prod
)
vectors = bp.VectorDatabase(
    id="vectors",
    engine="qdrant",
    dimensions=1024,
    vector_count=20_000_000,
    replicas=3,
    data_classification="personal",
    runs_on=serve,
    network=train.ref("network"),
    indexes=("lake",),
    **prod_keyed,
)

# --- MLOps ----------------------------------------------------------------------------------------
mlops = cp.MlopsPlatform(
    id="mlops",
    ids={"tracking": "mlflow", "pipelines": "kubeflow", "serving": "serving", "monitoring": "monitoring"},
    cluster=serve,
    artifact_store=lake,
    pipelines_cluster=train,
    reads_from=(lake, fsx_train),
    submits_to=(train_unit,),
    serve_on=infer,
    min_replicas=2,
    max_replicas=16,  # a 70B replica takes 2 H200s: 16 replicas fill the 4 nodes' 32 GPUs
    latency_p99_ms_target=800,
    model_parameters_billion=70,
    serving_labels=inventory,
    monitoring_retention_days=395,
    monitors=(train_unit, infer, train, serve, "serving", fsx_train),
    **in_prod,
)
monitoring_exp = bp.Monitoring(id="monitoring-exp", runs_on=exp, monitors=(explore, exp, exp_fsx), **in_exp)
rbac = bp.AccessControl(
    id="rbac",
    identity_provider="keycloak",
    roles=tuple(
        bp.Role(name=name, permissions=permissions, environments=environments, members_group=f"eu-{group}")
        for name, permissions, environments, group in (
            ("data-scientist", ("train", "read-experiment-data"), ("dev",), "ml-data-scientists"),
            ("ml-engineer", ("deploy", "register-models"), ("prod",), "ml-engineers"),
            ("model-approver", ("approve-models",), ("prod",), "ml-model-approvers"),
            ("platform-admin", ("administer-infrastructure",), (), "platform-admins"),
            ("auditor", ("read-audit-logs",), (), "auditors"),
        )
    ),
    governs=("mlflow", "kubeflow", "serving", vectors, lake, exp_lake, "audit-lake", exp, train, serve),
    inside=eu,
)

foundations = [zone, data, kms_exp, rbac, exp_lake, fsx_train, exp_fsx, vectors]
design = Design(
    name="eu-sovereign-inference",
    description=__doc__ or "",
    components=[*foundations, exp, train, train_unit, serve, mlops, monitoring_exp],
)
