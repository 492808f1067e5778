"""``aifab bench run`` and ``aifab bench verify``: measure the built infrastructure, and judge it against the design.

    aifab bench run --local --quick --out runs/laptop
    aifab bench run stacks/uk-sovereign-training --env prod --out runs/prod
    aifab bench verify runs/prod --design stacks/uk-sovereign-training --env prod --output junit=bench.xml

``run`` exit codes: 0 every workload produced its result, 1 a workload failed (its result still records the
error), 2 unusable input. ``verify`` exit codes: 0 every checked metric is within tolerance, 1 a metric
fell short, a workload failed or an expected metric is missing (unless ``--allow-missing``), 2 unusable
input (a result file, the design, a tolerance or an output that cannot be used), with the file and field.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from aifab.errors import InputError

from ._common import EXIT_FINDINGS, EXIT_OK, err, handle_errors, out, text_width

__all__ = ["bench_group"]

_OUTPUT_FORMATS = ("json", "junit", "markdown")


@click.group("bench")
def bench_group() -> None:
    """Run benchmark workloads and verify what they measure against the design's expected performance."""


# ------------------------------------------------------------------------------------------------------ run


@bench_group.command("run")
@click.argument("path", metavar="[PATH]", required=False)
@click.option(
    "--env", "env", metavar="ENV", default=None, help="Environment (stack) of PATH whose cluster runs the Jobs."
)
@click.option("--local", "local", is_flag=True, help="Run the workloads as processes on this machine.")
@click.option(
    "--suite", default="all", show_default=True, metavar="NAME", help="Which workloads (a suite name, or all)."
)
@click.option("--quick", is_flag=True, help="Small sizes and few samples (about two minutes for --local).")
@click.option(
    "--out", "out_dir", metavar="DIR", default=None, help="Where results go (default: bench-runs/<UTC time>)."
)
def run_command(path: str | None, env: str | None, local: bool, suite: str, quick: bool, out_dir: str | None) -> None:
    """Run the benchmark workloads on the cluster of stack PATH (--env ENV) or on this machine (--local).

    Each workload writes one JSON result (format aifab.bench/v1) into --out; a workload whose engine is
    missing (fio, iperf3, torch) fails with the package to install. Then: aifab bench verify DIR.

    Exit 0: every workload produced its result; 1: a workload failed; 2: unusable input.
    """
    if local == (path is not None):
        raise click.UsageError("give either PATH --env ENV (a deployed stack) or --local (this machine)")
    if path is not None and env is None:
        raise click.UsageError("PATH needs --env ENV: the environment whose cluster runs the benchmarks")
    if local and env is not None:
        raise click.UsageError("--env applies to a stack PATH, not to --local")
    folder = Path(out_dir) if out_dir else Path("bench-runs") / dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    _run(path, env, suite, quick, folder)


@handle_errors()
def _run(path: str | None, env: str | None, suite: str, quick: bool, folder: Path) -> None:
    from aifab.bench.result import BenchResult, read_results

    if folder.exists() and not folder.is_dir():
        raise InputError("is not a folder; --out names the folder results go into", file=str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    results: list[BenchResult]
    if path is None:
        from aifab.bench import local as local_runner

        suites = tuple(getattr(local_runner, "SUITES", ()) or ())
        if suites and suite not in suites:
            raise InputError(f"unknown suite {suite!r}; choose from {', '.join(suites)}", field="--suite")
        results = local_runner.run_local(suite, quick=quick, out_dir=folder, progress=err.is_terminal)
    else:
        from aifab.bench import cluster

        assert env is not None  # checked by the command
        results = cluster.run_cluster(Path(path), env, out_dir=folder, suite=suite, quick=quick)
    if not any(folder.rglob("*.json")):  # a runner that returned results without writing them: keep them
        for index, result in enumerate(results):
            target = folder / f"{index:02d}-{result.workload}.json"
            target.write_text(json.dumps(result.model_dump(mode="json"), indent=2) + "\n", encoding="utf-8")
    read_results([folder])  # what verify will read must be readable
    failed = [r for r in results if r.error is not None]
    metrics = sum(len(r.metrics) for r in results)
    out.print(f"results: {folder}", highlight=False)
    out.print(f"{len(results)} workload run(s), {metrics} metric(s), {len(failed)} failed", highlight=False)
    for r in failed:
        err.print(f"[bold red]failed:[/] {escape(r.workload)}: {escape(r.error or '')}", markup=True, highlight=False)
    out.print(f"next: aifab bench verify {folder}", highlight=False)
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


# --------------------------------------------------------------------------------------------------- verify


def parse_outputs(outputs: tuple[str, ...]) -> dict[str, str]:
    """``FORMAT=FILE`` options -> ``{format: file}``; ``-`` is standard output (one format at most)."""
    files: dict[str, str] = {}
    for spec in outputs:
        fmt, sep, target = spec.partition("=")
        if not sep or fmt not in _OUTPUT_FORMATS:
            raise click.BadParameter(
                f"expected FORMAT=FILE with FORMAT one of {', '.join(_OUTPUT_FORMATS)}, got {spec!r}",
                param_hint="--output",
            )
        if not target:
            raise click.BadParameter(f"no file given for {fmt}", param_hint="--output")
        if fmt in files:
            raise click.BadParameter(f"{fmt} is written twice", param_hint="--output")
        if target != "-" and target in files.values():
            raise click.BadParameter(
                f"{target} is named for two formats; give each its own file", param_hint="--output"
            )
        files[fmt] = target
    if list(files.values()).count("-") > 1:
        raise click.BadParameter("only one format can go to standard output ('-')", param_hint="--output")
    return files


@bench_group.command("verify")
@click.argument("results", nargs=-1, required=True, metavar="RESULTS...")
@click.option("--design", "design_path", metavar="PATH", help="The design whose models give the expected values.")
@click.option("--env", "env", metavar="ENV", default=None, help="Environment of --design (Pulumi.<ENV>.yaml).")
@click.option("--pool", metavar="ID", help="Pool of results that name none (default: the design's only GPU pool).")
@click.option(
    "--machine", "machine_file", metavar="FILE", help="Without --design: YAML stating this machine's figures."
)
@click.option("--tolerance", "tolerances", multiple=True, metavar="NAME=FRACTION", help="Override a tolerance.")
@click.option(
    "--output", "outputs", multiple=True, metavar="FORMAT=FILE", help="json, junit or markdown ('-': stdout)."
)
@click.option("--plots", "plots_dir", metavar="DIR", help="Write the plots (PNG and SVG) into DIR.")
@click.option(
    "--tracking-uri", metavar="URI", help="MLflow tracking URI (default: MLFLOW_TRACKING_URI, else a local store)."
)
@click.option("--no-mlflow", is_flag=True, help="Do not log the run to MLflow.")
@click.option("--allow-missing", is_flag=True, help="An expected metric nobody measured is not a failure.")
def verify_command(
    results: tuple[str, ...],
    design_path: str | None,
    env: str | None,
    pool: str | None,
    machine_file: str | None,
    tolerances: tuple[str, ...],
    outputs: tuple[str, ...],
    plots_dir: str | None,
    tracking_uri: str | None,
    no_mlflow: bool,
    allow_missing: bool,
) -> None:
    """Compare measured benchmark RESULTS (files or folders) with the expected values, metric by metric.

    With --design PATH --env ENV the expected values come from the design's capacity estimate (per pool:
    GEMM TFLOP/s, memory copy, all-reduce busbw at each measured size, storage and checkpoint rates);
    without, from this machine (cores x clock x FLOPs per cycle, a stated disk tier, --machine FILE).
    Prints the table and writes JSON, JUnit and Markdown (--output), plots (--plots) and an MLflow run.

    Exit 0: every checked metric within tolerance; 1: a metric fell short, a workload failed or an expected
    metric is missing (unless --allow-missing); 2: unusable input.
    """
    if env is not None and design_path is None:
        raise click.UsageError("--env applies to --design PATH")
    if (pool is not None) and design_path is None:
        raise click.UsageError("--pool applies to --design PATH")
    if machine_file is not None and design_path is not None:
        raise click.UsageError("--machine describes this machine; with --design the design gives the expectations")
    if tracking_uri is not None and no_mlflow:
        raise click.UsageError("--tracking-uri and --no-mlflow contradict each other")
    files = parse_outputs(outputs)
    _verify(
        results,
        design_path,
        env,
        pool,
        machine_file,
        tolerances,
        files,
        plots_dir,
        None if no_mlflow else (tracking_uri or os.environ.get("MLFLOW_TRACKING_URI") or ""),
        allow_missing,
    )


def _result_files(paths: list[Path]) -> list[Path]:
    """Each file given, and the ``*.json`` under each folder, but what verify itself wrote there: the MLflow
    store (``mlruns/``, which holds the verdict as an artifact) and verdict documents (``--output json=...``)."""
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        found = [f for f in sorted(path.rglob("*.json")) if "mlruns" not in f.relative_to(path).parts]
        found = [f for f in found if not _is_verdict(f)]
        if not found:
            raise InputError("no benchmark results (*.json) in this folder", file=str(path))
        files.extend(found)
    return files


def _is_verdict(file: Path) -> bool:
    from aifab.bench.verify import FORMAT

    try:
        with file.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False  # read_results reports it
    return f'"format": "{FORMAT}"'.encode() in head


@handle_errors()
def _verify(
    paths: tuple[str, ...],
    design_path: str | None,
    env: str | None,
    pool: str | None,
    machine_file: str | None,
    tolerance_items: tuple[str, ...],
    files: dict[str, str],
    plots_dir: str | None,
    tracking_uri: str | None,
    allow_missing: bool,
) -> None:
    from aifab.bench.expect import LocalMachine, design_expectations, local_expectations, parse_tolerances, read_machine
    from aifab.bench.outputs import print_table, render
    from aifab.bench.result import read_results
    from aifab.bench.verify import verify
    from aifab.report._io import STDOUT, check_outputs, write_all

    inputs = [Path(p) for p in paths]
    for given in inputs:
        if not given.exists():
            raise InputError("no such file or folder", file=str(given))
    written = {fmt: target for fmt, target in files.items() if target != STDOUT}
    check_outputs(written.values(), inputs)  # before any work: a bad --output costs nothing
    tolerances = parse_tolerances(tolerance_items)
    results = read_results(_result_files(inputs))
    if not results:
        raise InputError("no benchmark results in the files given", file=", ".join(paths))
    if design_path is not None:
        expectations = design_expectations(design_path, env, tolerances=tolerances, default_pool=pool)
    else:
        machine = read_machine(machine_file) if machine_file else LocalMachine.detect()
        expectations = local_expectations(machine, tolerances)
    verification = verify(results, expectations, allow_missing=allow_missing)
    rendered = {fmt: render(verification, fmt) for fmt in files}
    write_all({Path(target): rendered[fmt] for fmt, target in written.items()}, inputs)
    piped = [fmt for fmt, target in files.items() if target == STDOUT]
    # the terminal's width, or COLUMNS (100 without) when piped, as every aifab text report
    table_console = Console(file=(err if piped else out).file, width=text_width(), highlight=False, soft_wrap=False)
    print_table(table_console, verification)
    for fmt in piped:
        click.echo(rendered[fmt], nl=False)
    plot_files: list[Path] = []
    if plots_dir is not None:
        from aifab.bench.plots import write_plots

        plot_files = write_plots(Path(plots_dir), results, verification, expectations)
        err.print(f"plots: {len(plot_files)} file(s) in {plots_dir}", highlight=False)
    if tracking_uri is not None:
        from aifab.bench.tracking import log_run

        run_folder = inputs[0] if inputs[0].is_dir() else inputs[0].parent
        params: dict[str, Any] = {
            "design": design_path or "local",
            "env": env or "",
            "results": ", ".join(paths),
        }
        logged = log_run(
            verification,
            results,
            tracking_uri=tracking_uri or None,
            run_folder=run_folder,
            params=params,
            artifacts=plot_files,
        )
        err.print(f"mlflow: run {logged.run_id} at {logged.tracking_uri}", highlight=False)
    sys.exit(verification.exit_code)
