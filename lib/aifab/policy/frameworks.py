"""Framework references: which control of which standard a rule implements.

>>> from aifab.policy.frameworks import ref
>>> r = ref("fsbp", "EKS.1")
>>> r.tag, r.name
('fsbp:EKS.1', 'AWS Foundational Security Best Practices')

A rule carries several references. ``verified=False`` marks a reference that could not be checked
against the primary source (paywalled text, a numbering taken from a public crosswalk); reports show
it with a warning sign and the rule's ``why`` says so.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# scheme -> (display name, where to read it). Unknown schemes are allowed (a user's own framework).
FRAMEWORKS: dict[str, tuple[str, str]] = {
    "fsbp": (
        "AWS Foundational Security Best Practices",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html",
    ),
    "cis-aws-3.0.0": (
        "CIS AWS Foundations Benchmark v3.0.0",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    "cis-eks": ("CIS Amazon EKS Benchmark", "https://www.cisecurity.org/benchmark/kubernetes"),
    "cis-kubernetes": ("CIS Kubernetes Benchmark v1.10", "https://www.cisecurity.org/benchmark/kubernetes"),
    "k8s-pss": (
        "Kubernetes Pod Security Standards",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
    ),
    "nist-800-53": ("NIST SP 800-53 Rev. 5", "https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final"),
    "nist-ai-rmf": ("NIST AI RMF 1.0 (AI 100-1)", "https://nvlpubs.nist.gov/nistpubs/ai/NIST.AI.100-1.pdf"),
    "iso-27001": ("ISO/IEC 27001:2022 Annex A", "https://www.iso.org/standard/27001"),
    "iso-42001": ("ISO/IEC 42001:2023 Annex A", "https://www.iso.org/standard/81230.html"),
    "ncsc-csp": (
        "NCSC Cloud Security Principles",
        "https://www.ncsc.gov.uk/collection/cloud/the-cloud-security-principles",
    ),
    "uk-gdpr": (
        "UK GDPR",
        "https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/international-transfers/",
    ),
    "gdpr": ("GDPR, Regulation (EU) 2016/679", "https://eur-lex.europa.eu/eli/reg/2016/679/oj"),
    "eu-ai-act": ("EU AI Act, Regulation (EU) 2024/1689", "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"),
    "eu-csf": (
        "EU Cloud Sovereignty Framework v1.2.1",
        "https://github.com/intuitem/ciso-assistant-community",
    ),
    "secnumcloud": ("ANSSI SecNumCloud 3.2", "https://cyber.gouv.fr/secnumcloud"),
    "itar": ("ITAR, 22 CFR 120-130", "https://www.ecfr.gov/current/title-22/chapter-I/subchapter-M"),
    "fedramp": ("FedRAMP Rev5 baselines", "https://www.fedramp.gov/"),
    "cjis": ("CJIS Security Policy v5.9.5", "https://le.fbi.gov/cjis-division/cjis-security-policy-resource-center"),
    "control-tower": (
        "AWS Control Tower controls",
        "https://docs.aws.amazon.com/controltower/latest/controlreference/controls.html",
    ),
    "aws-wa-sus": (
        "AWS Well-Architected Sustainability Pillar",
        "https://docs.aws.amazon.com/wellarchitected/latest/sustainability-pillar/sustainability-pillar.html",
    ),
    "aws-wa-rel": (
        "AWS Well-Architected Reliability Pillar",
        "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/welcome.html",
    ),
    "eed": ("EU Energy Efficiency Directive (EU) 2023/1791", "https://eur-lex.europa.eu/eli/dir/2023/1791/oj"),
    "iso-30134": ("ISO/IEC 30134 data-centre KPIs", "https://www.iso.org/standard/63451.html"),
    "eks-docs": ("Amazon EKS User Guide", "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html"),
    "nvidia-gpu-operator": (
        "NVIDIA GPU Operator documentation",
        "https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/",
    ),
    "cdk-nag": ("cdk-nag rule packs", "https://github.com/cdklabs/cdk-nag/blob/main/RULES.md"),
    "checkov": ("Checkov policy index", "https://www.checkov.io/5.Policy%20Index/terraform.html"),
}


class FrameworkRef(BaseModel):
    """One control of one framework, e.g. ``fsbp:EKS.1`` or ``nist-800-53:SC-28(1)``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scheme: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    control: str = Field(min_length=1)
    verified: bool = True
    note: str = ""

    @property
    def name(self) -> str:
        return FRAMEWORKS.get(self.scheme, (self.scheme, ""))[0]

    @property
    def url(self) -> str | None:
        return FRAMEWORKS.get(self.scheme, ("", ""))[1] or None

    @property
    def tag(self) -> str:
        """The ``scheme:control`` form used in CrossGuard tags and SARIF rule tags."""
        return f"{self.scheme}:{self.control}"

    def __str__(self) -> str:
        return f"{self.name} {self.control}" + ("" if self.verified else " (unverified)")


def ref(scheme: str, control: str, *, verified: bool = True, note: str = "") -> FrameworkRef:
    """A reference to ``control`` of framework ``scheme`` (a key of :data:`FRAMEWORKS` or your own)."""
    return FrameworkRef(scheme=scheme, control=control, verified=verified, note=note)
