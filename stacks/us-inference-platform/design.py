"""US inference platform: reference architecture.

An LLM assistant with retrieval, served in AWS US East (us-east-1) and, for regulated data, in AWS GovCloud
(US-West, us-gov-west-1). Three environments, one Pulumi stack each, each in its own AWS account:

- ``dev`` (experimentation, us-east-1): a small EKS platform on spot capacity (one-GPU L40S nodes that
  scale to zero, an 8B model), its own synthetic-data lake, vector database, MLflow and monitoring; keys
  with a short deletion window. ``Pulumi.dev.yaml`` shrinks the registry and the vector database to one
  replica.
- ``prod`` (production, us-east-1, hosts the shared audit trail and access control): vLLM serving a 70B
  model on an on-demand, zone-spread g6e.48xlarge (8 x L40S) pool that autoscales between 2 and 8
  replicas, a CPU pool for system services, an OpenSearch vector database indexed from the object-locked
  data lake by the retrieval pipelines, MLflow as the model registry (approval required), Prometheus and
  DCGM monitoring, and edge sites in stores and factories whose small L4 nodes sync models from MLflow.
- ``gov`` (production, GovCloud, its own account and sovereignty boundary): the regulated-data variant.
  The personal data, its lake and its customer-managed keys live only here, with their own CloudTrail
  into an object-locked audit lake (GovCloud is a separate partition: the commercial trail cannot see
  it), their own access control for US persons, and the same serving shape on on-demand p5.48xlarge
  (H100) nodes, the GPU type the catalogue prices in GovCloud.

Every network is private (no public subnets, private EKS 1.35 endpoints) and every store, cluster secret
and node volume is encrypted with a customer-managed key of its own environment.
"""

from aifab import blueprints as bp
from aifab.blueprints import composites as cp
from aifab.design.design import Design

EAST, GOV_WEST = "us-east-1", "us-gov-west-1"
K8S = "1.35"

# --- sovereignty, sites and environments -----------------------------------------------------------
# Two boundaries: the commercial partition (US) and GovCloud (US-GOV), a separate partition with its own
# IAM, so nothing crosses between them; the attestations record what infrastructure code cannot show.
us = bp.SovereignBoundary(
    id="us",
    jurisdiction="US",
    allowed_regions=(EAST,),
    egress="allow-list",
    # internal ranges only: AWS services are reached through in-region VPC endpoints
    egress_allow=("10.0.0.0/8",),
    attestations=(
        bp.Attestation(
            obligation=(
                "FedRAMP Moderate: the system security plan inherits the AWS US East/West P-ATO controls and the "
                "customer-responsibility controls are assessed yearly"
            ),
            evidence="https://compliance.example.com/evidence/fedramp-moderate-ssp-2026",
            expires="2027-11-30",
        ),
        bp.Attestation(
            obligation=(
                "Region-deny SCP (Control Tower CT.MULTISERVICE.PV.1) allowing only us-east-1 attached to the "
                "dev and prod OUs"
            ),
            evidence="https://compliance.example.com/evidence/region-deny-scp-commercial-2026",
            expires="2027-11-30",
        ),
    ),
)
us_gov = bp.SovereignBoundary(
    id="us-gov",
    jurisdiction="US-GOV",
    allowed_regions=(GOV_WEST,),
    egress="allow-list",
    egress_allow=("10.0.0.0/8",),
    attestations=(
        bp.Attestation(
            obligation=(
                "FedRAMP High: the AWS GovCloud (US) P-ATO is inherited and the agency ATO covers the regulated-data "
                "inference system"
            ),
            evidence="https://compliance.example.com/evidence/fedramp-high-ato-2026",
            expires="2027-11-30",
        ),
        bp.Attestation(
            obligation=(
                "GovCloud account owners, platform administrators and on-call staff are vetted US persons "
                "(ITAR 22 CFR 120.62; AWS GovCloud account eligibility)"
            ),
            evidence="https://compliance.example.com/evidence/us-person-vetting-2026",
            expires="2027-11-30",
        ),
        bp.Attestation(
            obligation=(
                "Region-deny SCP (Control Tower CT.MULTISERVICE.PV.1) allowing only us-gov-west-1 attached to the "
                "GovCloud workload OU"
            ),
            evidence="https://compliance.example.com/evidence/region-deny-scp-govcloud-2026",
            expires="2027-11-30",
        ),
    ),
)
east = bp.Site(id="aws-us-east-1", provider="aws", region=EAST)
gov_west = bp.Site(id="aws-us-gov-west-1", provider="aws", region=GOV_WEST)

dev = bp.Environment(id="dev", purpose="experimentation", aws_account_id="510000000001", kubernetes_namespace="exp")
prod = bp.Environment(
    id="prod", hosts_shared=True, purpose="production", aws_account_id="520000000002", kubernetes_namespace="prod"
)
# A GovCloud account is a different account (and partition); models are promoted into it from prod.
gov = bp.Environment(
    id="gov", purpose="production", aws_account_id="530000000003", kubernetes_namespace="gov", promotes_from=prod
)
us_zone = cp.SovereignLandingZone(id="us-zone", boundary=us, sites=(east,), environments=(dev, prod))
gov_zone = cp.SovereignLandingZone(id="gov-zone", boundary=us_gov, sites=(gov_west,), environments=(gov,))
in_dev = {"environment": dev, "site": east, "inside": us}
in_prod = {"environment": prod, "site": east, "inside": us}
in_gov = {"environment": gov, "site": gov_west, "inside": us_gov}
# AI-system inventory labels (NIST AI RMF GOVERN 1.6) on everything that serves the model in production.
inventory = {"owner": "ml-platform@example.com", "ai-system-id": "us-assistant-70b", "risk-tier": "limited"}
gov_inventory = {"owner": "ml-platform@example.com", "ai-system-id": "us-gov-assistant-70b", "risk-tier": "high"}

# --- security and storage: commercial ---------------------------------------------------------------
# prod: its key, the shared multi-Region CloudTrail (dev and prod accounts) with its own key into an
# object-locked audit lake, and the retrieval corpus (product manuals, policies: confidential, not personal).
data = cp.GovernedDataLake(
    id="prod",
    ids={"audit_key": "kms-audit", "audit_lake": "audit-lake", "audit": "audit", "lake": "lake"},
    key_region=EAST,
    separate_audit_key=True,
    audit_retention_days=2555,
    object_lock="governance",
    object_lock_retention_days=365,
    lifecycle=(
        bp.LifecycleRule(prefix="embeddings/", expire_noncurrent_after_days=30),
        bp.LifecycleRule(prefix="raw/", transition_to="GLACIER_IR", transition_after_days=180),
    ),
    lineage=bp.Lineage(record_dataset_versions=True, tool="openlineage"),
    data_classification="confidential",
    **in_prod,
)
kms_prod, lake = data.ref("key"), data.ref()
# dev: its own key (a short deletion window: experiments are torn down often) and a synthetic-data lake.
kms_dev = bp.KeyManagement(id="kms-dev", provider="aws-kms", key_region=EAST, deletion_window_days=7, **in_dev)
dev_lake = bp.DataLake(
    id="lake-dev",
    lifecycle=(bp.LifecycleRule(prefix="scratch/", expire_noncurrent_after_days=14),),
    encrypted_by=kms_dev,
    logs_to=data.ref("audit"),
    data_classification="internal",
    **in_dev,
)

# --- security and storage: GovCloud (regulated data, nothing shared with the commercial partition) ------
kms_gov = bp.KeyManagement(id="kms-gov", provider="aws-kms", key_region=GOV_WEST, **in_gov)
kms_audit_gov = bp.KeyManagement(id="kms-audit-gov", provider="aws-kms", key_region=GOV_WEST, **in_gov)
audit_lake_gov = bp.DataLake(
    id="audit-lake-gov",
    object_lock="compliance",
    object_lock_retention_days=2555,
    encrypted_by=kms_audit_gov,
    data_classification="confidential",
    **in_gov,
)
audit_gov = bp.AuditLog(
    id="audit-gov",
    provider="cloudtrail",
    retention_days=2555,
    encrypted_by=kms_audit_gov,
    stores_in=audit_lake_gov,
    **in_gov,
)
gov_lake = bp.DataLake(
    id="lake-gov",
    object_lock="governance",
    object_lock_retention_days=365,
    lifecycle=(bp.LifecycleRule(prefix="embeddings/", expire_noncurrent_after_days=30),),
    lineage=bp.Lineage(record_dataset_versions=True, tool="openlineage"),
    encrypted_by=kms_gov,
    logs_to=audit_gov,
    data_classification="personal",
    **in_gov,
)

# --- compute: one EKS platform per environment ---------------------------------------------------------
# Each has GPU inference nodes and a CPU pool for system services (ingress, OpenSearch, MLflow, Argo).
dev_infer = bp.GpuPool(
    id="infer-dev",
    role="inference",
    instance_type="g6e.xlarge",
    node_count=2,
    min_node_count=0,
    placement="none",
    capacity="spot",
)
dev_system = bp.CpuPool(
    id="system-dev", role="general", instance_type="m7i.24xlarge", node_count=1, placement="none", capacity="spot"
)
dev_platform = cp.EksGpuPlatform(
    id="dev",
    cidr="10.70.0.0/16",
    availability_zones=2,
    kubernetes_version=K8S,
    encrypted_by=kms_dev,
    pools=(dev_infer, dev_system),
    **in_dev,
)
infer = bp.GpuPool(
    id="infer",
    role="inference",
    instance_type="g6e.48xlarge",
    node_count=4,
    min_node_count=2,
    placement="spread",
    labels=inventory,
)
system = bp.CpuPool(
    id="system", role="general", instance_type="m7i.24xlarge", node_count=3, min_node_count=3, placement="spread"
)
platform = cp.EksGpuPlatform(
    id="prod",
    cidr="10.71.0.0/16",
    availability_zones=3,
    kubernetes_version=K8S,
    encrypted_by=kms_prod,
    pools=(infer, system),
    **in_prod,
)
gov_infer = bp.GpuPool(
    id="infer-gov",
    role="inference",
    instance_type="p5.48xlarge",
    node_count=3,
    min_node_count=2,
    placement="spread",
    labels=gov_inventory,
)
gov_system = bp.CpuPool(
    id="system-gov", role="general", instance_type="m7i.24xlarge", node_count=3, min_node_count=3, placement="spread"
)
gov_platform = cp.EksGpuPlatform(
    id="gov",
    cidr="10.72.0.0/16",
    availability_zones=3,
    kubernetes_version=K8S,
    encrypted_by=kms_gov,
    pools=(gov_infer, gov_system),
    **in_gov,
)

# --- retrieval: an OpenSearch vector database per environment, indexed from that environment's lake --------
# The embedding pipelines of each MLOps platform below read the lake and write these indexes.
vector_shape = {"engine": "opensearch", "dimensions": 1024, "index": "hnsw"}
dev_vectors = bp.VectorDatabase(
    id="vectors-dev",
    **vector_shape,
    vector_count=1_000_000,
    data_classification="internal",
    runs_on=dev_platform,
    network=dev_platform.ref("network"),
    encrypted_by=kms_dev,
    indexes=("lake-dev",),
    **in_dev,
)
vectors = bp.VectorDatabase(
    id="vectors",
    **vector_shape,
    vector_count=50_000_000,
    replicas=3,
    data_classification="confidential",
    runs_on=platform,
    network=platform.ref("network"),
    encrypted_by=kms_prod,
    indexes=("lake",),
    **in_prod,
)
gov_vectors = bp.VectorDatabase(
    id="vectors-gov",
    **vector_shape,
    vector_count=20_000_000,
    replicas=3,
    data_classification="personal",
    runs_on=gov_platform,
    network=gov_platform.ref("network"),
    encrypted_by=kms_gov,
    indexes=("lake-gov",),
    **in_gov,
)

# --- MLOps: registry, retrieval pipelines, autoscaled vLLM serving and monitoring per environment -----
dev_mlops = cp.MlopsPlatform(
    id="dev",
    cluster=dev_platform,
    artifact_store=dev_lake,
    pipelines_engine="argo-workflows",
    reads_from=(dev_lake,),
    serve_on=dev_infer,
    min_replicas=0,
    max_replicas=2,
    latency_p99_ms_target=2000,
    model_parameters_billion=8,
    monitoring_retention_days=30,
    monitors=(dev_infer, dev_platform),
    **in_dev,
)
stores = cp.EdgeFleet(
    id="store",
    locations={
        "dallas-0142": cp.EdgeLocation(location_name="Dallas store 0142", upstream_round_trip_ms=38),
        "atlanta-0317": cp.EdgeLocation(location_name="Atlanta store 0317", upstream_round_trip_ms=22),
    },
    accelerator="l4",
    nodes_per_site=1,
    node_power_kw=0.6,
    latency_target_ms=50,
    offline_operation="degraded",
    syncs_models_from="mlflow",
    inside=us,
    environment=prod,
)
factories = cp.EdgeFleet(
    id="factory",
    locations={
        "detroit": cp.EdgeLocation(location_name="Detroit assembly plant", upstream_round_trip_ms=24),
        "columbus": cp.EdgeLocation(location_name="Columbus parts plant", upstream_round_trip_ms=18),
    },
    accelerator="l4",
    nodes_per_site=2,
    node_power_kw=0.6,
    latency_target_ms=20,
    offline_operation="full",
    syncs_models_from="mlflow",
    inside=us,
    environment=prod,
)
edge_sites = tuple(site.id for fleet in (stores, factories) for site in fleet.expand())
mlops = cp.MlopsPlatform(
    id="prod",
    ids={"tracking": "mlflow", "pipelines": "pipelines", "serving": "serving", "monitoring": "monitoring"},
    cluster=platform,
    artifact_store=lake,
    pipelines_engine="argo-workflows",
    reads_from=(lake,),
    serve_on=infer,
    min_replicas=2,
    max_replicas=8,
    latency_p99_ms_target=1500,
    model_parameters_billion=70,
    serving_labels=inventory,
    monitoring_retention_days=395,
    monitors=(infer, system, platform, "serving", *edge_sites),
    **in_prod,
)
gov_mlops = cp.MlopsPlatform(
    id="gov",
    cluster=gov_platform,
    artifact_store=gov_lake,
    pipelines_engine="argo-workflows",
    reads_from=(gov_lake,),
    serve_on=gov_infer,
    min_replicas=2,
    max_replicas=6,
    latency_p99_ms_target=1000,
    model_parameters_billion=70,
    serving_labels=gov_inventory,
    monitoring_retention_days=395,
    monitors=(gov_infer, gov_system, gov_platform),
    **in_gov,
)

# --- access control with separated duties: one per partition ------------------------------------------
rbac = bp.AccessControl(
    id="rbac",
    identity_provider="okta",
    roles=tuple(
        bp.Role(name=name, permissions=permissions, environments=environments, members_group=f"us-{group}")
        for name, permissions, environments, group in (
            ("data-scientist", ("train", "read-experiment-data"), ("dev",), "ml-data-scientists"),
            ("ml-engineer", ("deploy", "register-models"), ("prod",), "ml-engineers"),
            ("model-approver", ("approve-models",), ("prod",), "ml-model-approvers"),
            ("platform-admin", ("administer-infrastructure",), (), "platform-admins"),
            ("auditor", ("read-audit-logs",), (), "auditors"),
        )
    ),
    governs=(
        "mlflow",
        "mlflow-dev",
        "serving",
        "serving-dev",
        vectors,
        dev_vectors,
        lake,
        dev_lake,
        "audit-lake",
        dev_platform,
        platform,
        *edge_sites,
    ),
    inside=us,
)
# GovCloud IAM is separate from the commercial partition's: its own identity provider and US-person groups.
rbac_gov = bp.AccessControl(
    id="rbac-gov",
    identity_provider="entra-id-government",
    roles=tuple(
        bp.Role(name=name, permissions=permissions, environments=("gov",), members_group=f"us-gov-{group}")
        for name, permissions, group in (
            ("ml-engineer", ("deploy", "register-models"), "ml-engineers"),
            ("model-approver", ("approve-models",), "ml-model-approvers"),
            ("platform-admin", ("administer-infrastructure",), "platform-admins"),
            ("auditor", ("read-audit-logs",), "auditors"),
        )
    ),
    governs=("mlflow-gov", "serving-gov", gov_vectors, gov_lake, audit_lake_gov, gov_platform),
    **in_gov,
)

commercial = [us_zone, data, kms_dev, dev_lake, rbac, dev_vectors, vectors]
govcloud = [gov_zone, kms_gov, kms_audit_gov, audit_lake_gov, audit_gov, gov_lake, rbac_gov, gov_vectors]
design = Design(
    name="us-inference-platform",
    description=__doc__ or "",
    components=[
        *commercial,
        *govcloud,
        dev_platform,
        platform,
        gov_platform,
        dev_mlops,
        mlops,
        gov_mlops,
        stores,
        factories,
    ],
)
