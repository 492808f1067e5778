"""The estimate as text for a terminal: totals, then pools, fabrics, file systems, sites and cost, each
with the working shown beneath its table, then the notes and the capacity findings.

>>> from rich.console import Console
>>> render_estimate(Console(), estimate, env="prod")   # doctest: +SKIP
"""

from __future__ import annotations

import textwrap

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from aifab.capacity import DesignEstimate

__all__ = ["render_estimate"]


def _num(x: float | int | None, digits: int = 2) -> str:
    if x is None:
        return "—"
    if isinstance(x, int):
        return f"{x:,}"
    text = f"{x:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# Columns holding words, not numbers: left-justified.
_TEXT_COLUMNS = frozenset(
    {"quantity", "unit", "pool", "hardware", "fabric", "technology", "switch (radix)", "file system", "engine",
     "mounted by", "site", "power", "component", "what", "basis"}
)  # fmt: skip


class _Grid:
    """A table that fits the console without splitting a number or a name.

    As a rich table when every column can be at least as wide as its longest word; otherwise (many columns,
    a narrow terminal) as one block per row, ``column: value`` lines under the row's first cell.
    """

    def __init__(self, title: str, *columns: str) -> None:
        self.title, self.columns = title, columns
        self.rows: list[tuple[str, ...]] = []

    def add_row(self, *cells: str) -> None:
        self.rows.append(cells)

    def print(self, console: Console) -> None:
        plain = [self.columns, *(tuple(Text.from_markup(c).plain for c in row) for row in self.rows)]
        cols = range(len(self.columns))
        natural = [max(len(line) for row in plain for line in row[i].splitlines() or [""]) for i in cols]
        least = [max((len(w) for row in plain for w in row[i].split()), default=1) for i in cols]
        room = console.width - (3 * len(self.columns) + 1)  # borders and one space of padding each side
        if sum(natural) <= room:
            console.print(self._table(None))
        elif sum(least) <= room:
            console.print(self._table(_share(least, natural, room)))
        else:
            self._records(console)

    def _table(self, widths: list[int] | None) -> Table:
        table = Table(title=self.title, title_justify="left", title_style="bold")
        for i, col in enumerate(self.columns):
            table.add_column(
                col,
                justify="left" if col in _TEXT_COLUMNS else "right",
                overflow="fold",
                width=widths[i] if widths else None,
            )
        for row in self.rows:
            table.add_row(*row)
        return table

    def _records(self, console: Console) -> None:
        _say(console, self.title, "", "  ", "bold")
        for row in self.rows:
            first = Text.from_markup(row[0])
            _say(console, first.plain, "  ", "    ", "bold")
            for col, cell in zip(self.columns[1:], row[1:], strict=True):
                text = Text.from_markup(cell)
                style = str(text.spans[0].style) if text.spans else ""
                _say(console, f"{col}: {text.plain}", "    ", "      ", style)


def _share(least: list[int], natural: list[int], room: int) -> list[int]:
    """Column widths: each its longest word, the room left shared in proportion to what each still wants."""
    widths = list(least)
    spare = room - sum(widths)
    want = [n - w for n, w in zip(natural, widths, strict=True)]
    total = sum(want)
    if total > 0:
        for i, w in enumerate(want):
            widths[i] += spare * w // total
        for i in sorted(range(len(want)), key=lambda i: -want[i]):  # what rounding left over
            if sum(widths) >= room:
                break
            if widths[i] < natural[i]:
                widths[i] += 1
    return widths


def _say(console: Console, text: str, indent: str = "  ", more: str = "    ", style: str = "") -> None:
    """``text`` wrapped to the console at spaces only (never inside a number or a hyphenated id), indented."""
    for paragraph in text.splitlines() or [""]:
        lines = textwrap.wrap(
            paragraph,
            max(console.width, 20),
            initial_indent=indent,
            subsequent_indent=more,
            break_long_words=False,
            break_on_hyphens=False,
        )
        for line in lines or [indent]:
            console.print(Text(line, style=style), soft_wrap=True)


def _table(title: str, *columns: str) -> _Grid:
    return _Grid(title, *columns)


def _how(console: Console, label: str, explain: dict[str, str]) -> None:
    for key, text in explain.items():
        _say(console, f"{label} {key}: {text}", "  ", "      ", "dim")


def render_estimate(console: Console, est: DesignEstimate, env: str | None) -> None:
    """Print *est* (estimated for stack *env*, if any) on *console*."""
    head = f"Estimate for design '{est.design}'" + (f" (env {env})" if env else "")
    _say(console, f"{head} — catalogue {est.catalogue_version} (as of {est.catalogue_as_of})", "", "  ", "bold")

    totals = _table("Totals", "quantity", "value", "unit")
    complete = "" if est.cost_complete else " (incomplete: see unpriced)"
    carbon = "" if est.carbon_complete else " (incomplete)"
    switched = any(f.sizing is not None for f in est.fabrics)
    fabric_rows = [
        ("fabric switches (leaf/spine/core)", f"{est.fabric.leaf:,} / {est.fabric.spine:,} / {est.fabric.core:,}", ""),
        ("fabric cables / transceivers", f"{est.fabric.cables:,} / {est.fabric.transceivers:,}", ""),
        ("fabric bisection", _num(est.fabric.bisection_tbps), "Tb/s"),
    ]
    if not switched:  # cloud fabrics only: the provider owns the switches, so there is nothing to count
        fabric_rows = [("fabric switches and bisection", "— (cloud-managed fabrics only)", "")]
    cpu_rows = [("  of which CPU-only / their vCPUs", f"{est.cpu_nodes:,} / {est.cpu_vcpus:,}", "")]
    rows = [
        ("GPUs / accelerators", _num(est.gpus), ""),
        ("nodes", _num(est.nodes), ""),
        *(cpu_rows if est.cpu_nodes else []),
        *fabric_rows,
        ("IT power", _num(est.it_power_kw, 1), "kW"),
        (
            "  of which on-prem / cloud estimate",
            f"{_num(est.it_power_kw_onprem, 1)} / {_num(est.it_power_kw_cloud_estimate, 1)}",
            "kW",
        ),
        ("facility power", _num(est.facility_power_kw, 1), "kW"),
        ("racks (on-prem)", _num(est.racks), ""),
        ("annual energy", _num(est.annual_energy_mwh, 1), "MWh/yr"),
        ("annual carbon", _num(est.annual_co2e_t, 1) + carbon, "tCO2e/yr"),
        ("running cost", _num(est.cost_per_hour_usd) + complete, "USD/h"),
        ("running cost per year", _num(est.cost_per_year_usd, 0) + complete, "USD/yr"),
    ]
    if est.edge_sites:
        rows.append(("edge nodes / edge IT power", f"{est.edge_nodes:,} / {_num(est.edge_it_power_kw, 1)}", "— / kW"))
    for row in rows:
        totals.add_row(*row)
    totals.print(console)
    _how(console, "total", est.explain)

    if est.pools:
        pools = _table(
            "Pools (expected per GPU; storage GB/s needed / provided)",
            "pool", "hardware", "nodes", "GPUs", "GEMM TFLOP/s", "all-reduce 1 GiB busbw GB/s",
            "read GB/s", "write GB/s", "training days", "USD/h",
        )  # fmt: skip
        for p in est.pools:
            st = p.storage
            pools.add_row(
                p.id,
                f"{p.hardware} ({p.accelerator})" if p.accelerator else f"{p.hardware} (CPU-only)",
                _num(p.nodes),
                _num(p.gpus),
                _num(p.expected.gemm_tflops_per_gpu, 1)
                + (f" {p.expected.gemm_dtype}" if p.expected.gemm_dtype else ""),
                _num(p.expected.allreduce_busbw_gbs_1gib, 1)
                # the NCCL algorithm / protocol the 1 GiB figure assumes (aifab.models.collectives)
                + "".join(f" {a.algorithm}/{a.protocol}" for a in p.allreduce if a.message_bytes == 2**30),
                f"{_num(st.read_gbs_needed, 1)} / {_num(st.read_gbs_available, 1)}",
                f"{_num(st.write_gbs_needed, 1)} / {_num(st.write_gbs_available, 1)}",
                _num(p.training.time_days, 1) if p.training else "—",
                _num(p.usd_per_hour) if p.usd_per_hour is not None else ("unknown" if p.price else "owned"),
            )
        pools.print(console)
        for p in est.pools:
            _how(console, p.id, p.explain)
            for s in p.serving:
                at = s.at_concurrency
                if at is not None:
                    # the operating point: batch size and the throughput and latency it gives, all replicas
                    throughput = (
                        f"batch {at.concurrency:,} per replica (set by {at.limited_by.replace('_', ' ')}), "
                        f"{_num(at.tokens_per_s_per_replica * s.replicas, 1)} tokens/s in total, "
                        f"TTFT {_num(at.ttft_ms, 1)} ms ({at.bound.replace('_', ' ')}-bound)"
                    )
                else:
                    tps = s.capacity.tokens_per_s_total if s.capacity else None
                    throughput = f"{_num(tps, 1)} tokens/s in total at batch 1" + (
                        f" ({s.capacity.bound.replace('_', ' ')}-bound)" if s.capacity else ""
                    )
                _say(
                    console,
                    f"{p.id} serving {s.serving!r}: {_num(s.model_parameters_billion)}B parameters,"
                    f" {s.accelerators_per_replica} accelerators per replica, {s.replicas} replicas"
                    f" (of {s.replicas_that_fit} that fit), {throughput}",
                    "  ",
                    "      ",
                    "dim",
                )

    if est.fabrics:
        fabrics = _table(
            "Fabrics", "fabric", "technology", "nodes x rails", "switch (radix)", "tiers",
            "leaf / spine / core", "cables", "transceivers", "bisection Tb/s", "switch kW",
        )  # fmt: skip
        for f in est.fabrics:
            sizing = f.sizing
            fabrics.add_row(
                f.id,
                f"{f.technology} {f.link_gbps:g} Gb/s",
                f"{f.nodes:,} x {f.rails}",
                f"{f.switch_model} ({f.switch_radix})" if f.switch_model else "provider's",
                str(sizing.tiers) if sizing else ("—" if f.buildable else "[red]unbuildable[/]"),
                f"{f.leaf:,} / {f.spine:,} / {f.core:,}",
                _num(f.cables),
                _num(f.transceivers),
                _num(f.bisection_tbps),
                _num(f.switch_power_kw, 1),
            )
        fabrics.print(console)
        for f in est.fabrics:
            _how(console, f.id, f.explain)

    if est.file_systems:
        fss = _table("File systems", "file system", "engine", "capacity TiB", "throughput GB/s", "read demand GB/s",
                     "mounted by", "kW")  # fmt: skip
        for fs in est.file_systems:
            fss.add_row(
                fs.id,
                fs.engine,
                _num(fs.capacity_tib),
                _num(fs.throughput_gbs, 1),
                _num(fs.read_gbs_demand, 1),
                ", ".join(fs.mounted_by) or "—",
                _num(fs.power_kw, 1),
            )
        fss.print(console)

    if est.sites:
        sites = _table(
            "Sites", "site", "power", "IT kW", "PUE", "facility kW", "budget kW", "headroom",
            "racks", "MWh/yr", "tCO2e/yr", "USD/h",
        )  # fmt: skip
        for site in est.sites:
            own = site.power_owner == "site"
            usd = _num(site.cost_usd_per_hour)
            if not site.cost_complete:
                usd = f"{usd} + unknown" if site.cost_usd_per_hour else "unknown"
            headroom = "—"
            if site.headroom_kw is not None:
                headroom = f"{_num(site.headroom_kw, 1)} kW ({_num(site.headroom_pct, 1)} %)"
            sites.add_row(
                site.id,
                "own" if own else f"provider ({site.region})",
                _num(site.it_power_kw, 1) + ("" if own else " est."),
                _num(site.pue),
                _num(site.facility_power_kw, 1),
                _num(site.power_budget_kw, 0),
                headroom,
                _num(site.racks),
                _num(site.annual_energy_mwh, 1),
                _num(site.annual_co2e_t, 1),
                usd,
            )
        sites.print(console)
        for site in est.sites:
            _how(console, site.id, site.explain)

    if est.cost_breakdown or est.unpriced:
        cost = _table("Running cost by component", "site", "component", "what", "USD/h", "USD/yr", "share", "basis")
        for c in est.cost_breakdown:
            cost.add_row(
                c.site, c.component, c.description, _num(c.usd_per_hour), _num(c.usd_per_year, 0),
                f"{_num(c.share_pct, 1)} %", c.basis,
            )  # fmt: skip
        for u in est.unpriced:
            cost.add_row(u.site or "—", u.component, "[yellow]price unknown[/]", "—", "—", "—", u.reason)
        cost.print(console)

    notes = [*est.notes, *(f"{x.id}: {n}" for group in (est.pools, est.fabrics, est.file_systems, est.sites)
                           for x in group for n in x.notes)]  # fmt: skip
    if notes:
        console.print("[bold]Notes[/]", markup=True)
        for note in notes:
            _say(console, f"- {note}", "  ", "    ")
    for d in est.findings:
        style = "red" if d.severity == "error" else "yellow"
        _say(console, f"{d.severity} {d}", "", "    ", style)
    errors = len(est.errors)
    summary = f"{errors} capacity errors, {len(est.findings) - errors} warnings"
    console.print(("[red]" if errors else "[green]") + escape(summary) + "[/]", markup=True)
