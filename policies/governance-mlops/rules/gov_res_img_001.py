"""GOV-RES-IMG-001: Recorded production workloads pull images by digest."""

from aifab.blueprints import Environment, GpuPool, ModelServing
from aifab.policy import (
    Example,
    PolicyContext,
    ResourceSubject,
    Rule,
    Verdict,
    example,
    fail,
    not_applicable,
    not_evaluated,
    passed,
    ref,
)
from aifab.policy.resources import UNKNOWN, WORKLOADS, containers, purpose


def check(resource: ResourceSubject, ctx: PolicyContext) -> Verdict:
    found = list(containers(resource))
    if not found:
        return not_applicable("no container in the recorded pod spec")
    judged = purpose(resource, ctx)
    if judged is None:
        return not_evaluated("whether the workload runs in production needs the design")
    if judged != "production":
        return not_applicable(f"a workload of a {judged} environment")
    images = [(path, c.get("image")) for path, c in found]
    if any(image == UNKNOWN for _, image in images):
        return not_evaluated("an image is not known until apply")
    loose = [f"{image} ({path})" for path, image in images if "@sha256:" not in str(image or "")]
    if loose:
        return fail(f"not pinned by digest: {', '.join(loose)}")
    return passed(f"{len(images)} image(s) pinned by digest")


def _example(image: str, env: str, expect: str | None = None) -> Example:
    workload = {"spec": {"template": {"spec": {"containers": [{"name": "server", "image": image}]}}}}
    return example(
        Environment(id=env, purpose="production" if env == "prod" else "experimentation", hosts_shared=True),
        GpuPool(id="pool", role="inference", instance_type="p5.48xlarge", node_count=1, environment=env),
        ModelServing(id="serving", pool="pool", environment=env),
        resources=(ResourceSubject("kubernetes:apps/v1:Deployment", "serving", workload, component="serving"),),
        expect=expect,  # type: ignore[arg-type]
    )


DIGEST = "@sha256:" + "0" * 64

rule = Rule(
    id="GOV-RES-IMG-001",
    title="Recorded production workloads pull images by digest",
    why=(
        "A tag can be moved to other content at any time; only a digest names exactly the image that was "
        "scanned and approved, which the technical documentation of an AI system has to identify. Non-production "
        "environments may follow tags. Advisory (low) for now: the realisers pin images by tag, and the "
        "reviewed digests are not recorded yet; raise to medium once they are."
    ),
    severity="low",
    pack="governance-mlops",
    target="resource",
    applies_to=tuple(WORKLOADS),
    check=check,
    frameworks=(
        ref("checkov", "CKV_K8S_43"),
        ref("nist-800-53", "CM-2"),
        ref("nist-800-53", "SI-7"),
        ref("iso-42001", "A.6.2.3", verified=False, note="Annex A numbering from a public crosswalk"),
        ref("eu-ai-act", "Art. 11"),
    ),
    remediation="Reference every production image as repository@sha256:<digest> (resolve the tag at release).",
    passing=(
        _example(f"vllm/vllm-openai{DIGEST}", "prod"),
        _example("vllm/vllm-openai:v0.9.2", "dev", "not_applicable"),
    ),
    failing=(_example("vllm/vllm-openai:v0.9.2", "prod"),),
)
