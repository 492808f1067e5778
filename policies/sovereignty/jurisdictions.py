"""What differs between the sovereign packs: a :class:`Jurisdiction` profile each (names, example places,
framework references). The checks themselves are the same for every jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass, field

from aifab.policy.frameworks import FrameworkRef, ref


@dataclass(frozen=True)
class Jurisdiction:
    """What differs between the sovereign packs: names, example places and framework references."""

    code: str
    pack: str
    name: str
    home_region: str
    foreign_region: str
    home_country: str
    foreign_country: str
    refs: dict[str, tuple[FrameworkRef, ...]] = field(default_factory=dict)
    attestation_example: str = ""

    def rule_id(self, suffix: str) -> str:
        return f"SOV-{self.code}-{suffix}"


UK = Jurisdiction(
    code="UK",
    pack="sovereign-uk",
    name="the United Kingdom",
    home_region="eu-west-2",
    foreign_region="eu-west-1",
    home_country="GB",
    foreign_country="IE",
    attestation_example="Operator personnel are UK-based and security-screened (NCSC CSP 6); "
    "sub-processors are UK-only (NCSC CSP 8)",
    refs={
        "regions": (ref("uk-gdpr", "Art. 44"), ref("ncsc-csp", "2.1")),
        "replication": (ref("uk-gdpr", "Art. 44"), ref("ncsc-csp", "2.1")),
        "keys": (ref("ncsc-csp", "2.3"), ref("uk-gdpr", "Art. 32")),
        "public": (ref("ncsc-csp", "11"), ref("nist-800-53", "SC-7")),
        "guardrail": (ref("control-tower", "CT.MULTISERVICE.PV.1", verified=False), ref("ncsc-csp", "2.1")),
        "telemetry": (ref("ncsc-csp", "2.1"), ref("ncsc-csp", "13")),
        "egress": (ref("ncsc-csp", "11"), ref("nist-800-53", "SC-7(5)")),
        "attestations": (
            ref("ncsc-csp", "5"),
            ref("ncsc-csp", "6"),
            ref("ncsc-csp", "8"),
            ref("ncsc-csp", "12"),
            ref("uk-gdpr", "Art. 46"),
        ),
    },
)

EU = Jurisdiction(
    code="EU",
    pack="sovereign-eu",
    name="the European Union",
    home_region="eu-central-1",
    foreign_region="eu-west-2",
    home_country="DE",
    foreign_country="GB",
    attestation_example="Provider legal seat and immunity from non-EU law (SecNumCloud 19.6); administration "
    "from the EU (SecNumCloud 19.2); transfer basis GDPR Art. 46 SCCs",
    refs={
        "regions": (ref("gdpr", "Art. 44"), ref("gdpr", "Art. 46"), ref("eu-csf", "SOV-3", verified=False)),
        "replication": (ref("gdpr", "Art. 44"), ref("eu-csf", "SOV-3", verified=False)),
        "keys": (ref("gdpr", "Art. 32(1)(a)"), ref("eu-csf", "SOV-3", verified=False)),
        "public": (ref("gdpr", "Art. 32"), ref("nist-800-53", "SC-7")),
        "guardrail": (ref("control-tower", "CT.MULTISERVICE.PV.1", verified=False), ref("gdpr", "Art. 44")),
        "telemetry": (ref("eu-csf", "SOV-7", verified=False), ref("secnumcloud", "19.2.d", verified=False)),
        "egress": (ref("gdpr", "Art. 44"), ref("nist-800-53", "SC-7(5)")),
        "attestations": (
            ref("gdpr", "Art. 45"),
            ref("gdpr", "Art. 46"),
            ref("secnumcloud", "19.6", verified=False),
            ref("secnumcloud", "19.2.c", verified=False),
        ),
    },
)

US = Jurisdiction(
    code="US",
    pack="sovereign-us",
    name="the United States",
    home_region="us-east-1",
    foreign_region="eu-west-1",
    home_country="US",
    foreign_country="DE",
    attestation_example="FedRAMP Moderate P-ATO inherited by the system (package FR0000000000)",
    refs={
        "regions": (ref("nist-800-53", "SA-9(5)"), ref("itar", "22 CFR 120-130", verified=False)),
        "replication": (ref("nist-800-53", "SA-9(5)"),),
        "keys": (ref("nist-800-53", "SC-12"), ref("nist-800-53", "SC-28"), ref("cjis", "SC-13", verified=False)),
        "public": (ref("nist-800-53", "SC-7"),),
        "guardrail": (ref("control-tower", "CT.MULTISERVICE.PV.1", verified=False), ref("nist-800-53", "SA-9(5)")),
        "telemetry": (ref("nist-800-53", "SA-9(5)"), ref("nist-800-53", "AU-9")),
        "egress": (ref("nist-800-53", "SC-7(5)"),),
        "attestations": (
            ref("fedramp", "P-ATO/ATO"),
            ref("cjis", "PS-3", verified=False),
            ref("itar", "US persons", verified=False),
        ),
    },
)
