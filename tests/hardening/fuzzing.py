"""Generators of hostile input for the fuzz suite (``test_fuzz.py``) and its larger run (``benchmarks/fuzz_inputs.py``).

Each strategy draws one :class:`Case`: the files to write into a fresh folder and the ``aifab`` arguments to
run on them. :func:`run_case` drives the real CLI in-process and :func:`verdict` says what, if anything,
went wrong: an exit code other than 0, 1 or 2, a traceback, an exception that escaped the command, or
JSON/SARIF output that does not parse.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import strategies as st

from aifab.capacity import EstimateOptions
from aifab.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
MINIMAL: dict[str, Any] = yaml.safe_load((ROOT / "docs/examples/minimal.yaml").read_text(encoding="utf-8"))
TODAY = ("--today", "2026-12-01")
ALLOWED_EXITS = frozenset({0, 1, 2})


@dataclass(frozen=True)
class Case:
    """Files (name -> text, relative to a fresh folder; ``{dir}`` in arguments is that folder) and arguments."""

    files: dict[str, str]
    args: tuple[str, ...]
    json_output: bool = False
    label: str = ""
    notes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None


# --- scalars ---------------------------------------------------------------------------------------------

FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([5e-324, -5e-324, 1e308, -1e308, 1.7976931348623157e308, 2.2250738585072014e-308, 0.0, -0.0]),
)
INTS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 2**31, 2**63, 2**64 + 1, 10**30]),
)
YAML_TEXT = st.sampled_from(
    ["", "~", "null", "true", "no", "on", "1:30", "0x1f", "0o17", "1e400", "-.inf", ".nan", "2026-13-45", "yes"]
)
TEXT = st.one_of(st.text(max_size=12), YAML_TEXT)
SCALARS: st.SearchStrategy[Any] = st.one_of(st.none(), st.booleans(), INTS, FLOATS, TEXT)
JUNK: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.one_of(TEXT, INTS, st.booleans()), inner, max_size=3)
    ),
    max_leaves=8,
)

KINDS = [
    *sorted({c["kind"] for c in MINIMAL["components"]}),
    "inference_pool",
    "storage",
    "sovereign_boundary",
    "environment",
    "no_such_kind",
    "",
]


def _dump(data: Any) -> str:
    """YAML for ``data``; values PyYAML cannot represent (inf/nan are fine) fall back to ``repr`` text."""
    try:
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    except yaml.YAMLError:
        return repr(data)


# --- designs -----------------------------------------------------------------------------------------------


@st.composite
def mutated_design(draw: st.DrawFn) -> dict[str, Any]:
    """The minimal design with a few mutations: dropped, duplicated, retyped or junk fields, unknown kinds,
    links to nothing, duplicated components."""
    design = copy.deepcopy(MINIMAL)
    components: list[dict[str, Any]] = design["components"]
    for _ in range(draw(st.integers(1, 4))):
        op = draw(
            st.sampled_from(["drop", "retype", "junk", "add", "kind", "link", "dup", "top", "number", "drop_component"])
        )
        if not components:
            components.append({"kind": draw(st.sampled_from(KINDS)), "id": draw(TEXT)})
        comp = draw(st.sampled_from(components))
        if not isinstance(comp, dict):
            continue
        keys = sorted(comp, key=repr)
        if op == "drop" and keys:
            comp.pop(draw(st.sampled_from(keys)))
        elif op == "retype" and keys:
            comp[draw(st.sampled_from(keys))] = draw(SCALARS)
        elif op == "junk" and keys:
            comp[draw(st.sampled_from(keys))] = draw(JUNK)
        elif op == "add":
            comp[draw(st.sampled_from(["extra", "node_count", "site", "power_budget_kw", "inside"]))] = draw(JUNK)
        elif op == "kind":
            comp["kind"] = draw(st.sampled_from(KINDS))
        elif op == "link":
            comp[draw(st.sampled_from(["site", "fabric", "cluster", "network", "inside"]))] = draw(
                st.sampled_from(["nowhere", "train", "london", "", "eks"])
            )
        elif op == "dup":
            components.append(copy.deepcopy(comp))
        elif op == "top":
            design[draw(st.sampled_from(["api_version", "name", "components", "environments", "junk"]))] = draw(JUNK)
            if not isinstance(design.get("components"), list):
                return design
            components = design["components"]
        elif op == "number":
            comp[draw(st.sampled_from(["node_count", "link_gbps", "power_budget_kw", "pue"]))] = draw(
                st.one_of(INTS, FLOATS)
            )
        elif op == "drop_component" and components:
            components.remove(comp)
    return design


RAW_TOKENS = [
    "2026-13-45",
    "1:30",
    "0x1f",
    "1e400",
    "-.inf",
    ".nan",
    "~",
    "yes",
    "=",
    "!!float x",
    "!!int 1.5",
    "!!python/object:os.system {}",
    "*nowhere",
    "&a",
    "[",
    "{",
    "'",
    '"',
    "@",
    "`",
    "%",
    "|",
    ">",
    "\t",
    "\x00",
    "\ufeff",
    "9" * 400,
    "0." + "0" * 330 + "1",
]


def damaged(draw: st.DrawFn, text: str) -> str:
    """``text`` as it is, or with raw damage: a cut, an unquoted token in place of a value, duplicate keys,
    odd characters at a random place (what ``safe_dump`` alone would never write)."""
    damage = draw(st.sampled_from(["none", "none", "none", "cut", "value", "value", "dupkey", "insert"]))
    lines = text.splitlines(keepends=True)
    if damage == "cut" and text:
        return text[: draw(st.integers(0, len(text)))]
    if damage == "value" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        head, sep, _ = lines[i].partition(": ")
        lines[i] = (head + sep if sep else lines[i].rstrip("\n") + ": ") + draw(st.sampled_from(RAW_TOKENS)) + "\n"
        return "".join(lines)
    if damage == "dupkey":
        return text + draw(st.sampled_from(["name: again\n", "1: a\ntrue: b\n", "? [a, b]\n: c\n", "&a x: *a\n"]))
    if damage == "insert":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.sampled_from([*RAW_TOKENS, ": :", "- ", "&a "])) + text[at:]
    return text


def design_text(draw: st.DrawFn) -> str:
    """A mutated design as YAML, sometimes damaged as text (:func:`damaged`)."""
    return damaged(draw, _dump(draw(mutated_design())))


@st.composite
def design_cases(draw: st.DrawFn) -> Case:
    command = draw(st.sampled_from(["validate", "check", "estimate", "graph"]))
    files = {"design.yaml": design_text(draw)}
    fmt_json = command != "graph" and draw(st.booleans())
    args: list[str] = [command, "{dir}/design.yaml"]
    if command == "check":
        args += ["--no-preview", *TODAY]
        if draw(st.booleans()):
            fmt = draw(st.sampled_from(["json", "sarif"]))
            args += ["--format", fmt]
            fmt_json = True
        else:
            fmt_json = False
    elif fmt_json:
        args += ["--format", "json"]
    return Case(files, tuple(args), fmt_json, f"design/{command}")


# --- catalogue overrides -------------------------------------------------------------------------------------

CATALOGUE_BASE: dict[str, Any] = {
    "instance_types": {
        "p5.48xlarge": {"prices": {"eu-west-2": 98.32}, "accelerators_per_node": 8, "network_gbps": 3200}
    },
    "accelerators": {"h100-sxm": {"tdp_w": 700, "memory_gb": 80, "peak_dense_tflops": {"bf16": 989.4}}},
    "regions": {"eu-west-2": {"grid_zone": "GB"}},
}


@st.composite
def catalogue_cases(draw: st.DrawFn) -> Case:
    cat = copy.deepcopy(CATALOGUE_BASE)
    for _ in range(draw(st.integers(1, 4))):
        section = draw(st.sampled_from([*sorted(cat), "switches", "no_such_section", "version"]))
        op = draw(st.sampled_from(["value", "junk", "number", "drop", "new_entry", "section_junk"]))
        body = cat.setdefault(section, {})
        if op == "section_junk" or not isinstance(body, dict):
            cat[section] = draw(JUNK)
            continue
        if op == "new_entry":
            body[draw(TEXT)] = draw(JUNK)
            continue
        if not body:
            continue
        name = draw(st.sampled_from(sorted(body, key=str)))
        entry = body[name]
        if not isinstance(entry, dict) or not entry:
            body[name] = draw(JUNK)
            continue
        key = draw(st.sampled_from(sorted(entry, key=str)))
        if op == "drop":
            entry.pop(key)
        elif op == "number":
            if isinstance(entry[key], dict) and entry[key]:
                entry[key][draw(st.sampled_from(sorted(entry[key], key=str)))] = draw(st.one_of(INTS, FLOATS))
            else:
                entry[key] = draw(st.one_of(INTS, FLOATS))
        elif op == "junk":
            entry[key] = draw(JUNK)
        else:
            entry[key] = draw(SCALARS)
    command = draw(st.sampled_from(["estimate", "validate"]))
    args = [command, "{dir}/design.yaml", "--catalogue", "{dir}/cat.yaml", "--format", "json"]
    files = {"design.yaml": _dump(MINIMAL), "cat.yaml": damaged(draw, _dump(cat))}
    return Case(files, tuple(args), True, f"catalogue/{command}")


# --- policy.yaml and waivers.yaml ------------------------------------------------------------------------------

PACKS = ["baseline-security", "governance-mlops", "production-readiness", "energy", "sovereign-uk", "no-such-pack"]
RULES = ["NRG-REG-001", "PRD-DUR-001", "SEC-EKS-001", "XXX-NOPE-999", ""]
ENFORCEMENT = st.one_of(
    st.sampled_from(["mandatory", "advisory", "disabled", "bogus"]),
    st.dictionaries(
        st.sampled_from(["production", "non-production", "prod", "x"]),
        st.sampled_from(["disabled", "advisory", "mandatory", "?"]),
        max_size=2,
    ),
    JUNK,
)
PARAMS = st.dictionaries(
    st.sampled_from(
        ["pue_target", "carbon_threshold_gco2e_per_kwh", "allowed_regions", "require_customer_held_keys", "nope"]
    ),
    st.one_of(SCALARS, JUNK, st.lists(TEXT, max_size=3)),
    max_size=3,
)
RECORD = st.fixed_dictionaries(
    {},
    optional={
        "reason": st.one_of(TEXT, st.just("the risk is accepted because the scratch tier is rebuilt nightly")),
        "owner": st.one_of(TEXT, st.just("platform-team@example.org")),
        "expires": st.one_of(TEXT, st.dates().map(str), st.just("2027-05-31")),
    },
)


@st.composite
def policy_document(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(JUNK)
    doc: dict[Any, Any] = {}
    if draw(st.booleans()):
        doc["packs"] = draw(
            st.one_of(
                st.dictionaries(
                    st.sampled_from(PACKS),
                    st.one_of(
                        st.just({}),
                        st.fixed_dictionaries({}, optional={"params": PARAMS, "enforcement": ENFORCEMENT}).flatmap(
                            lambda d: RECORD.map(lambda r: {**d, **r})
                        ),
                        JUNK,
                    ),
                    max_size=3,
                ),
                JUNK,
            )
        )
    if draw(st.booleans()):
        doc["rules"] = draw(
            st.dictionaries(
                st.sampled_from(RULES),
                st.one_of(
                    st.fixed_dictionaries({"enforcement": ENFORCEMENT}).flatmap(
                        lambda d: RECORD.map(lambda r: {**d, **r})
                    ),
                    JUNK,
                ),
                max_size=2,
            )
        )
    if draw(st.booleans()):
        doc["max_waiver_days"] = draw(st.one_of(INTS, FLOATS, TEXT))
    if draw(st.integers(0, 3)) == 0:
        doc[draw(TEXT)] = draw(JUNK)
    return doc


@st.composite
def waivers_document(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(JUNK)
    waiver = st.fixed_dictionaries(
        {},
        optional={
            "rule": st.one_of(st.sampled_from(RULES), JUNK),
            "target": st.one_of(st.sampled_from(["efa", "train", "london", "*", ""]), JUNK),
            "reason": st.one_of(TEXT, st.just("training scratch is rebuilt from the lake so loss is acceptable"), JUNK),
            "owner": st.one_of(TEXT, st.just("platform-team@example.org"), JUNK),
            "expires": st.one_of(TEXT, st.dates().map(str), INTS, JUNK),
            "ticket": TEXT,
            "extra": JUNK,
        },
    )
    return {"waivers": draw(st.one_of(st.lists(st.one_of(waiver, JUNK), max_size=3), JUNK))}


@st.composite
def governance_cases(draw: st.DrawFn) -> Case:
    design = (ROOT / "tests/policy/fixtures/good.yaml").read_text(encoding="utf-8")
    files = {
        "design.yaml": design,
        "policy.yaml": damaged(draw, _dump(draw(policy_document()))),
        "waivers.yaml": damaged(draw, _dump(draw(waivers_document()))),
    }
    fmt = draw(st.sampled_from(["json", "sarif", "text"]))
    args = ["check", "{dir}/design.yaml", "--no-preview", *TODAY, "--format", fmt]
    return Case(files, tuple(args), fmt != "text", "governance/check")


# --- estimate --set ------------------------------------------------------------------------------------------

OPTION_NAMES = sorted(EstimateOptions.model_fields)


@st.composite
def set_cases(draw: st.DrawFn) -> Case:
    settings = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(OPTION_NAMES)) if draw(st.integers(0, 5)) else draw(TEXT)
        value = draw(
            st.one_of(
                TEXT,
                INTS.map(str),
                FLOATS.map(repr),
                st.sampled_from(["1e308", "5e-324", "-1", "[1, 2]", "{a: 1}", "'0.5'", "[", "!!binary x", "1e-400"]),
            )
        )
        form = draw(st.sampled_from(["{n}={v}"] * 6 + ["{n}", "={v}", "{n}=={v}"]))
        settings += ["--set", form.format(n=name, v=value)]
    fmt_json = draw(st.booleans())
    args = ["estimate", "{dir}/design.yaml", *settings, *(["--format", "json"] if fmt_json else [])]
    return Case({"design.yaml": _dump(MINIMAL)}, tuple(args), fmt_json, "estimate/--set")


# --- running -------------------------------------------------------------------------------------------------


def run_case(case: Case, folder: Path) -> Outcome:
    """Write ``case``'s files into ``folder`` and run the CLI there, in-process."""
    for name, text in case.files.items():
        (folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    args = [a.replace("{dir}", str(folder)) for a in case.args]
    result = CliRunner().invoke(cli, args, env={"COLUMNS": "100", "GITHUB_ACTIONS": None})
    exception = result.exception if not isinstance(result.exception, SystemExit) else None
    return Outcome(result.exit_code, result.stdout, result.stderr, exception)


def verdict(case: Case, outcome: Outcome) -> str | None:
    """What went wrong, or None when the run ended as a CLI should."""
    if outcome.exception is not None:
        return f"exception escaped: {type(outcome.exception).__name__}: {outcome.exception}"
    if outcome.exit_code not in ALLOWED_EXITS:
        return f"exit {outcome.exit_code}: {outcome.stderr.strip()[-500:]}"
    if "Traceback" in outcome.stdout or "Traceback" in outcome.stderr:
        return "traceback in output"
    if case.json_output and outcome.exit_code in ALLOWED_EXITS and outcome.stdout.strip():
        try:
            json.loads(outcome.stdout)
        except ValueError as exc:
            return f"--format json/sarif output does not parse: {exc}"
    return None


STRATEGIES: dict[str, st.SearchStrategy[Case]] = {
    "design": design_cases(),
    "catalogue": catalogue_cases(),
    "governance": governance_cases(),
    "set": set_cases(),
}

__all__ = ["ALLOWED_EXITS", "STRATEGIES", "Case", "Outcome", "run_case", "verdict"]
