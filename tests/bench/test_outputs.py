"""The verdict as JUnit XML, Markdown, JSON and the terminal table; hostile text stays text."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

from rich.console import Console

from aifab.bench.expect import Expectation, Expectations, Requirement, ScopeExpectations
from aifab.bench.outputs import print_table, render
from aifab.bench.verify import Verification, verify
from tests.bench.test_verify import m, result

HOSTILE = "pool <b>|x</b> [link](https://e.org) `tick` \x00\x1b[31m \ud800 # head"


def _verification(allow_missing: bool = False) -> Verification:
    gemm = Expectation(
        scope="pool train",
        name="gemm.tflops",
        labels={"dtype": "bf16"},
        expected=100.0,
        unit="TFLOP/s",
        tolerance=0.2,
        source=f"design {HOSTILE}",
    )
    copy = Expectation(
        scope="pool train", name="memory.copy_gbs", expected=2000.0, unit="GB/s", tolerance=0.25, source="catalogue"
    )
    scope = ScopeExpectations(
        scope="pool train",
        fixed={gemm.key: gemm, copy.key: copy},
        required=(Requirement(name=copy.name, labels={}, expectation=copy),),
    )
    exp = Expectations(basis=f"design {HOSTILE}", scopes={"pool train": scope}, default_scope="pool train")
    results = [
        result(
            "gemm", [m("gemm.tflops", 50.0, "TFLOP/s", dtype="bf16"), m("gemm.tflops", 9.0, "TFLOP/s", dtype="fp32")]
        ),
        result(
            "collective",
            [m("collective.busbw_gbs", 3.0, "GB/s", op="all_reduce", message_bytes=str(2**k)) for k in (10, 20)],
        ),
        result("memory", [], error=f"workload crashed: {HOSTILE}"),
    ]
    return verify(results, exp, allow_missing=allow_missing)


def test_junit_has_a_suite_per_scope_and_workload_and_parses_whatever_the_text() -> None:
    xml = render(_verification(), "junit")
    root = ET.fromstring(xml.encode("utf-8"))  # well-formed despite NUL, ESC and a lone surrogate
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"pool train/gemm", "pool train/collective", "pool train/memory"}
    gemm = suites["pool train/gemm"]
    assert (gemm.get("tests"), gemm.get("failures"), gemm.get("skipped")) == ("2", "1", "1")
    failure = gemm.find("testcase[@name='gemm.tflops{dtype=bf16}']/failure")
    assert failure is not None and failure.get("type") == "fail"
    assert "expected at least 80 TFLOP/s" in (failure.get("message") or "")
    memory = suites["pool train/memory"]
    messages = [f.get("message") or "" for f in memory.iter("failure")]
    assert any(msg.startswith("workload memory failed: workload crashed: pool <b>|x</b>") for msg in messages)
    assert any("memory.copy_gbs" in (c.get("name") or "") for c in memory.iter("testcase"))  # missing = failure
    assert root.get("failures") == "3" and root.get("tests") == "6"
    assert "\x00" not in xml and "\x1b" not in xml


def test_junit_missing_allowed_is_skipped_not_failed() -> None:
    root = ET.fromstring(render(_verification(allow_missing=True), "junit").encode("utf-8"))
    memory = next(s for s in root.iter("testsuite") if s.get("name") == "pool train/memory")
    skipped = [s.get("message") or "" for s in memory.iter("skipped")]
    assert any(s.startswith("missing (allowed)") for s in skipped)
    assert root.get("failures") == "2"


def test_markdown_escapes_user_text() -> None:
    md = render(_verification(), "markdown")
    assert md.startswith("## ❌ Benchmarks against design pool &lt;b&gt;\\|x&lt;/b&gt; \\[link\\](https://e.org)")
    assert "<b>" not in md and "[link](" not in md  # no HTML, no link
    assert "\x00" not in md and "\x1b" not in md
    table = [line for line in md.splitlines() if line.startswith("| pool train |")]
    assert all(line.count(" | ") == 6 for line in table)  # no pipe from user text splits a row
    assert "| pool train | `gemm.tflops{dtype=bf16}` | 100 | 50 | TFLOP/s | 0.50 | fail |" in md
    assert "### What fell short" in md


def test_json_round_trips() -> None:
    data = json.loads(render(_verification(), "json"))
    assert data["format"] == "aifab.verdict/v1" and data["passed"] is False
    assert data["counts"] == {"pass": 0, "fail": 2, "missing": 1, "not-checked": 3}
    assert Verification.model_validate({k: v for k, v in data.items() if k not in ("passed", "counts")}).passed is False


def test_table_collapses_unchecked_sweeps_and_says_why_it_failed() -> None:
    buffer = io.StringIO()
    print_table(Console(file=buffer, width=160, color_system=None), _verification())
    text = buffer.getvalue()
    assert "collective.busbw_gbs{op=all_reduce}" in text and "max 3" in text
    assert "gemm.tflops{dtype=bf16}" in text and "0.50" in text
    assert "fail: pool train gemm.tflops{dtype=bf16}: measured 50 TFLOP/s" in text
    assert text.rstrip().endswith("FAIL: 0 pass, 2 fail, 1 missing, 3 not checked")


def test_per_node_results_say_which_node_fell_short() -> None:
    gemm = Expectation(
        scope="pool train",
        name="gemm.tflops",
        labels={"dtype": "bf16"},
        expected=100.0,
        unit="TFLOP/s",
        tolerance=0.2,
        source="design",
    )
    exp = Expectations(
        basis="design", scopes={"pool train": ScopeExpectations("pool train", {gemm.key: gemm}, ())}, default_scope=None
    )
    results = [
        result("gemm", [m("gemm.tflops", v, "TFLOP/s", dtype="bf16")], environment={"pool": "train", "node": node})
        for node, v in (("node-1", 99.0), ("node-2", 40.0))
    ]
    run = verify(results, exp)
    assert [(c.node, c.verdict) for c in run.checks] == [("node-1", "pass"), ("node-2", "fail")]
    root = ET.fromstring(render(run, "junit").encode("utf-8"))
    failed = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
    assert failed == ["gemm.tflops{dtype=bf16} on node-2"]
    assert "- pool train (node-2) `gemm.tflops{dtype=bf16}`: measured 40" in render(run, "markdown")
