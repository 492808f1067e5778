"""Policy packs: rules with their metadata beside them, enforcement, waivers, and the check engine.

Writing a rule (see :mod:`aifab.policy.rule` for the full format)::

    from aifab.policy import Rule, example, fail, passed, ref

    def check(cluster, ctx):
        if cluster.endpoint_public:
            return fail("the API endpoint is public", field="endpoint_public")
        return passed("the API endpoint is private")

    rule = Rule(id="SEC-EKS-001", title="...", why="...", severity="high", pack="baseline-security",
                applies_to=("kubernetes_cluster",), check=check, frameworks=(ref("fsbp", "EKS.1"),),
                passing=(example(...),), failing=(example(...),))

Running packs: :func:`load_packs`, :func:`load_policy_config`, :func:`load_waivers`, then
:func:`check_design`; :func:`run_examples` is the test harness behind ``aifab policy test``.
"""

from .config import PolicyConfig, load_policy_config
from .context import PolicyContext
from .engine import DesignCheck, check_design, run_rule
from .findings import AppliedWaiver, Enforcement, Finding, Status
from .frameworks import FrameworkRef, ref
from .harness import ExampleResult, run_examples
from .packs import Pack, PackSet, builtin_policies_dir, load_packs
from .rule import Example, ResourceSubject, Rule, Severity, example
from .verdict import Verdict, fail, not_applicable, not_evaluated, passed
from .waivers import UnusedWaiver, Waiver, WaiverFile, load_waivers

__all__ = [
    "AppliedWaiver",
    "DesignCheck",
    "Enforcement",
    "Example",
    "ExampleResult",
    "Finding",
    "FrameworkRef",
    "Pack",
    "PackSet",
    "PolicyConfig",
    "PolicyContext",
    "ResourceSubject",
    "Rule",
    "Severity",
    "Status",
    "UnusedWaiver",
    "Verdict",
    "Waiver",
    "WaiverFile",
    "builtin_policies_dir",
    "check_design",
    "example",
    "fail",
    "load_packs",
    "load_policy_config",
    "load_waivers",
    "not_applicable",
    "not_evaluated",
    "passed",
    "ref",
    "run_examples",
    "run_rule",
]
