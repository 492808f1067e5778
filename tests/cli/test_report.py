"""``aifab report``: the compliance review pack, for every reference stack and environment, offline.

The Markdown is pinned by golden files; the HTML is checked to be self-contained (nothing it names can be
fetched), to carry the CSP, to hold no secret, and to render in a real headless Chromium without a console
error or a network request.
"""

from __future__ import annotations

import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from aifab.cli.main import cli
from aifab.preview.plan import Plan
from aifab.report.review import CSP, NOT_MEASURED
from tests.conftest import ROOT, reference_stacks
from tests.golden import assert_golden

TODAY = ["--today", "2026-12-01"]
EU = ROOT / "stacks" / "eu-sovereign-inference"
CASES = [
    (stack, p.name[len("Pulumi.") : -len(".yaml")])
    for stack in reference_stacks()
    for p in sorted(stack.glob("Pulumi.*.yaml"))
]
SCREENSHOT = ROOT / "benchmarks" / "results" / "review-screenshot.png"


def _report(stack: Path, env: str, out: Path, *extra: str) -> Any:
    return CliRunner().invoke(cli, ["report", str(stack), "--env", env, "--out", str(out), *TODAY, *extra])


def _copy(tmp_path: Path, stack: Path) -> Path:
    target = tmp_path / stack.name
    shutil.copytree(stack, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


class _Refs(HTMLParser):
    """Every URL an element would fetch: src, href, srcset, xlink:href, and url() in styles."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.csp: list[str] = []
        self.tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table":
            self.tables += 1
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp.append(values.get("content") or "")
        for name, value in attrs:
            if name in ("src", "href", "srcset", "xlink:href", "action", "poster", "data") and value:
                self.urls.append(value)
            if name == "style" and value and "url(" in value:
                self.urls.append(value)

    def handle_data(self, data: str) -> None:
        if "url(" in data:
            self.urls.append(data[data.index("url(") :][:80])


def _fetchable(urls: list[str]) -> list[str]:
    """The URLs that would reach outside the document (fragment links and data: URLs stay inside)."""
    return [u for u in urls if not u.startswith("#") and not u.startswith("data:")]


@pytest.mark.parametrize(("stack", "env"), CASES, ids=[f"{s.name}-{e}" for s, e in CASES])
def test_every_reference_stack_and_environment_gets_a_pack(stack: Path, env: str, tmp_path: Path) -> None:
    result = _report(stack, env, tmp_path)
    assert result.exit_code == 0, result.output
    markdown = (tmp_path / "review.md").read_text(encoding="utf-8")
    html = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert markdown.startswith(f"# Compliance review pack: {stack.name} / {env}\n")
    for heading in ("## Policy results", "## Waivers", "## Data residency", "## Attestations", "## Power, cost"):
        assert heading in markdown
    assert NOT_MEASURED in markdown
    refs = _Refs()
    refs.feed(html)
    assert refs.csp == [CSP]
    assert _fetchable(refs.urls) == [], "the page names something a browser would fetch"
    assert refs.tables > 5
    for text in (markdown, html):
        assert str(ROOT) not in text and "/work/" not in text and str(tmp_path) not in text


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_eu_markdown_is_pinned(env: str, tmp_path: Path) -> None:
    assert _report(EU, env, tmp_path).exit_code == 0
    assert_golden(f"review/eu-sovereign-inference.{env}.md", (tmp_path / "review.md").read_text(encoding="utf-8"))


def test_output_is_byte_identical_across_runs_and_folders(tmp_path: Path) -> None:
    a, b = _copy(tmp_path / "a", EU), _copy(tmp_path / "b", EU)
    assert _report(a, "dev", tmp_path / "out-a").exit_code == 0
    assert _report(b, "dev", tmp_path / "out-b").exit_code == 0
    for name in ("review.md", "review.html"):
        assert (tmp_path / "out-a" / name).read_bytes() == (tmp_path / "out-b" / name).read_bytes(), name


def test_secrets_never_appear(tmp_path: Path) -> None:
    stack = _copy(tmp_path, ROOT / "stacks" / "uk-sovereign-training")
    config = stack / "Pulumi.prod.yaml"
    secret = "KNOWN-kubeconfig-7d1c0a5e"
    config.write_text(
        config.read_text(encoding="utf-8").replace("config:\n", f"config:\n  aifab:train-k8s-kubeconfig: {secret}\n"),
        encoding="utf-8",
    )
    assert secret in config.read_text(encoding="utf-8")
    assert _report(stack, "prod", tmp_path / "out").exit_code == 0
    for name in ("review.md", "review.html"):
        assert secret not in (tmp_path / "out" / name).read_text(encoding="utf-8"), name


def test_baseline_diff_is_shown_as_tables(tmp_path: Path) -> None:
    plan = Plan.load(ROOT / "tests" / "golden" / "plans" / "eu-sovereign-inference.dev.plan.json")
    first = plan.created()[0]
    older = plan.model_copy(update={"resources": tuple(r for r in plan.resources if r.urn != first.urn)})
    baseline = tmp_path / "approved.json"
    baseline.write_text(older.to_json(), encoding="utf-8")
    result = _report(EU, "dev", tmp_path / "out", "--baseline", str(baseline))
    assert result.exit_code == 0, result.output
    markdown = (tmp_path / "out" / "review.md").read_text(encoding="utf-8")
    assert "Against `approved.json`: 1 create" in markdown
    assert f"| create | `{first.type}` {first.name} |" in markdown


def test_measured_benchmarks_are_compared(tmp_path: Path) -> None:
    results = ROOT / "benchmarks" / "results" / "h200-2026-11-28.json"
    assert _report(EU, "prod", tmp_path, "--results", str(results)).exit_code == 0
    markdown = (tmp_path / "review.md").read_text(encoding="utf-8")
    assert "measured on NVIDIA H200 (2026-11-28)" in markdown
    assert "| `train` | h200-sxm | GEMM bf16 TFLOP/s per GPU |" in markdown
    assert "<svg" in (tmp_path / "review.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stacks", "--env", "prod"], "not a stack folder"),
        ([str(EU), "--env", "staging"], "no stack 'staging'"),
        ([str(EU), "--env", "prod", "--baseline", "no-such-plan.json"], "no such plan file"),
        ([str(EU), "--env", "prod", "--results", "no-such.json"], "no such results file"),
    ],
)
def test_unusable_input_exits_2_and_writes_nothing(args: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", *args, "--out", str(tmp_path / "out"), *TODAY])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "out").exists()


def test_an_unwritable_target_fails_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "review.md").mkdir()  # a folder where a file must go
    result = _report(EU, "prod", tmp_path)
    assert result.exit_code == 2
    assert "is a folder" in result.output
    assert not (tmp_path / "review.html").exists()


# --- the real browser -------------------------------------------------------------------------------


def _driver_paths() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


@pytest.mark.skipif(
    _driver_paths() is None, reason="needs chromium and chromedriver (apt-get install chromium chromium-driver)"
)
def test_html_renders_in_headless_chromium_without_errors_or_fetches(tmp_path: Path) -> None:
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install -e '.[dev]')")
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    assert _report(EU, "prod", tmp_path / "out", "--results", "benchmarks/results/h200-2026-11-28.json").exit_code == 0
    page = (tmp_path / "out" / "review.html").resolve()
    paths = _driver_paths()
    assert paths is not None
    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,2000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(paths[1]), options=options)
    try:
        driver.get(page.as_uri())
        assert driver.title == "Compliance review pack: eu-sovereign-inference / prod"
        assert driver.find_elements(By.TAG_NAME, "table")
        assert len(driver.find_elements(By.CSS_SELECTOR, ".charts svg")) >= 3
        driver.save_screenshot(str(tmp_path / "review.png"))
        driver.find_element(By.ID, "capacity").screenshot(str(tmp_path / "review-charts.png"))
        if os.environ.get("AIFAB_SAVE_SCREENSHOT") or not SCREENSHOT.exists():  # refreshed on request only
            shutil.copyfile(tmp_path / "review.png", SCREENSHOT)
            shutil.copyfile(tmp_path / "review-charts.png", SCREENSHOT.with_name("review-charts-screenshot.png"))
        console = driver.get_log("browser")
        performance = driver.get_log("performance")
    finally:
        driver.quit()
    assert (tmp_path / "review.png").stat().st_size > 10_000
    assert (tmp_path / "review-charts.png").stat().st_size > 10_000
    assert [e for e in console if e["level"] == "SEVERE"] == [], console
    requested = []
    for entry in performance:
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested.append(message["params"]["request"]["url"])
    assert [u for u in requested if u != page.as_uri()] == [], "the page fetched something"
