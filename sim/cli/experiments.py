"""airlift sweep and compare."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.cli import journal
from sim.cli.common import Format, FormatOption, app, fail, load, out, print_rows, wrote
from sim.experiments.execution import start_early
from sim.experiments.sweeps import plan_sweep, run_sweep
from sim.results.saving import SWEEP_FILES
from sim.results.tables import requirement_column
from sim.scenario.overrides import parse_set

PARTIAL = ".sweep-partial.jsonl"


@app.command("sweep")
def sweep_command(
    scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO", help="scenario YAML file")],
    sets: Annotated[list[str] | None, typer.Option(
        "--set", help="PATH=VALUES to sweep, e.g. fleet[0].count=4:20:2 or events[0].day=5,10,20 (repeatable)")] = None,
    replications: Annotated[int | None, typer.Option(min=1, help="replications per point")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores; 1 = serial)")] = None,
    dask: Annotated[str | None, typer.Option("--dask", help="Dask scheduler address, or 'local'")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="results folder (default results/<name>/)")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace an existing sweep, or start an interrupted one over")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="complete an interrupted sweep")] = False,
    html: Annotated[bool, typer.Option("--html", help="also write sweep_report.html, a one-page briefing")] = False,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="also write sweep.xlsx (points long and wide, runs, about)")] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Run every combination of the swept values, each replicated, and write sweep.csv (one row per point
    and replication), sweep_points.csv (mean and 95 % CI per point) and sweep.png; with --xlsx, sweep.xlsx."""
    scenario = load(scenario_path)
    swept = dict(parse_set(s) for s in sets) if sets else None
    start_early(workers, dask)  # the workers' fork server loads the model while the plan is made
    plan = plan_sweep(scenario, swept, replications)
    target = out_dir or Path("results") / scenario.name
    partial = target / PARTIAL
    _refuse_existing(target, xlsx, force)
    done = _resume(partial, plan.sweep_id, resume, force)
    target.mkdir(parents=True, exist_ok=True)
    _start_journal(partial, plan.sweep_id, done)
    result = journal.run_journalled(
        partial, done, len(plan.points) * plan.replications, f"sweeping {scenario.name}", f"airlift sweep {scenario_path}",
        lambda on_row: run_sweep(plan, workers=workers, dask=dask, done=done, on_row=on_row))
    result.save(target, force=force)
    partial.unlink(missing_ok=True)
    report = _briefing(html, fmt, "write_sweep_report", target)
    files = [*SWEEP_FILES, *_sweep_workbook(target, result, force, xlsx)]
    if fmt is not Format.table:
        columns = list(result.point_rows[0])
        print_rows(columns, [[p[c] for c in columns] for p in result.point_rows], fmt)
        sys.stdout.flush()
        wrote("results", f"{target}/ ({', '.join(files)})", machine=True)
        return
    _print_points(result.point_rows, result.paths)
    out.print(f"\n{len(plan.points)} points x {plan.replications} replications. Results in [bold]{target}/[/bold]: "
              f"{', '.join(files)}")
    if report is not None:
        out.print(f"briefing: {report}")


def _refuse_existing(target: Path, xlsx: bool, force: bool) -> None:
    """Stop with one line when the sweep's results already exist in ``target`` and --force is not given."""
    for name in ("sweep.csv", *(["sweep.xlsx"] if xlsx else [])):
        if (target / name).exists() and not force:
            raise fail([f"{target / name} already exists; add --force to replace it"])


def _briefing(html: bool, fmt: Format, writer: str, folder: Path) -> Path | None:
    """The briefing page in ``folder`` when --html asks for it (``sim.reports.<writer>`` writes it); its path
    goes to stderr when stdout holds CSV or JSON."""
    if not html:
        return None
    from sim import reports

    path = getattr(reports, writer)(folder)
    if fmt is not Format.table:
        typer.echo(f"briefing: {path}", err=True)
    return path


def _sweep_workbook(target: Path, result: Any, force: bool, wanted: bool) -> list[str]:
    """Write sweep.xlsx when asked (--xlsx); the names of the files written."""
    if not wanted:
        return []
    from sim.results.spreadsheets import save_xlsx

    save_xlsx(target / "sweep.xlsx", result, force)
    return ["sweep.xlsx"]


def _resume(partial: Path, sweep_id: str, resume: bool, force: bool) -> journal.Rows:
    """Rows already finished by an interrupted run of this same sweep (empty when starting afresh)."""
    return journal.resume(partial, "sweep_id", sweep_id, "sweep", "scenario, --set or replications changed",
                          resume, force)


def _start_journal(partial: Path, sweep_id: str, done: journal.Rows) -> None:
    """The sweep's journal written afresh: its header and the rows kept so far."""
    journal.start(partial, "sweep_id", sweep_id, done)


def _print_points(point_rows: list[dict[str, Any]], paths: list[str]) -> None:
    table = Table(title="sweep: mean t/day per point, the mean's 95 % CI and the runs' spread (80 % of runs "
                        "between p10 and p90); tons at the end of the run")
    for column in (*paths, "t/day (mean)", "mean within (95 % CI)", "80 % of runs between", "delivered_t",
                   "in_transit_t", "backlog_t", "P(close by the end)"):
        table.add_column(column, justify="right")
    for p in point_rows:
        spread = (f"{p['mean_daily_t_p10']:,.1f} to {p['mean_daily_t_p90']:,.1f}" if "mean_daily_t_p10" in p else "-")
        table.add_row(*[str(p[k]) for k in paths], f"{p['mean_daily_t_mean']:,.1f}",
                      f"{p['mean_daily_t_ci95_low']:,.1f} to {p['mean_daily_t_ci95_high']:,.1f}", spread,
                      f"{p['delivered_t_mean']:,.0f}", f"{p['in_transit_t_mean']:,.0f}", f"{p['backlog_t_mean']:,.0f}",
                      f"{p['p_closed']:.2f}")
    out.print(table)
    suffix = requirement_column("", "closure_day_median")
    requirements = [k.removesuffix(suffix) for k in point_rows[0] if k.endswith(suffix)] if point_rows else []
    if len(requirements) > 1:
        days = Table(title="closure by requirement: median day (P closed by the end)")
        for column in (*paths, *requirements):
            days.add_column(column, justify="right")
        for p in point_rows:
            medians = [p[requirement_column(r, "closure_day_median")] for r in requirements]
            days.add_row(*[str(p[k]) for k in paths], *[
                f"{'-' if day is None else f'day {day}'} ({p[requirement_column(r, 'p_closed')]:.2f})"
                for r, day in zip(requirements, medians, strict=True)])
        out.print(days)
    if any(p["backlog_t_mean"] < 0.5 and p["p_closed"] < 1 for p in point_rows):
        out.print("A point with no backlog that did not always close still had cargo in transit at the end.")


@app.command("compare")
def compare_command(
    scenario_a: Annotated[Path, typer.Argument(metavar="A", help="baseline scenario YAML")],
    scenario_b: Annotated[Path, typer.Argument(metavar="B", help="scenario to compare with A")],
    replications: Annotated[int | None, typer.Option(min=1, help="replications of stochastic scenarios")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores)")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="folder (default results/compare-<A>-<B>/)")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace an existing comparison")] = False,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="also write comparison.xlsx (comparison, both summaries)")] = False,
    html: Annotated[bool, typer.Option("--html", help="also write report.html: a one-page briefing, self-contained")] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Run two scenarios and write comparison.png (cumulative deliveries on one chart, with 95 % CI for
    stochastic ones), comparison.csv (each headline figure for A and B and the difference) and both summaries;
    with --xlsx, comparison.xlsx."""
    from sim.cli.runs import replicate_or_run
    from sim.experiments.compare import compare_results
    from sim.results.saving import COMPARISON_FILES

    a, b = load(scenario_a), load(scenario_b)
    target = out_dir or Path("results") / f"compare-{a.name}-{b.name}"
    files = [*COMPARISON_FILES, *(["comparison.xlsx"] if xlsx else [])]
    clash = [n for n in files if (target / n).exists()]
    if clash and not force:
        raise fail([f"{target / clash[0]} already exists; add --force to replace it"])
    comparison = compare_results(replicate_or_run(a, replications, workers), replicate_or_run(b, replications, workers))
    comparison.save(target, force=force)
    if xlsx:
        from sim.results.spreadsheets import save_xlsx

        save_xlsx(target / "comparison.xlsx", comparison, force)
    report = _briefing(html, fmt, "write_comparison_report", target)
    rows = comparison.rows
    if fmt is not Format.table:
        from sim.experiments.compare import COMPARISON_COLUMNS

        print_rows(COMPARISON_COLUMNS, [[r[c] for c in COMPARISON_COLUMNS] for r in rows], fmt)
        sys.stdout.flush()
        wrote("results", f"{target}/ ({', '.join(files)})", machine=True)
        return
    spread = any(r["a_p10_p90"] or r["b_p10_p90"] for r in rows)
    table = Table(title=f"{a.name} (A) vs {b.name} (B)" + ("; means, and 80 % of runs between p10 and p90" if spread else ""))
    for column in ("figure", "A", "B", "B - A", *(("A: 80 % of runs", "B: 80 % of runs") if spread else ())):
        table.add_column(column, justify="left" if column == "figure" else "right")
    for r in rows:
        table.add_row(r["figure"], _fmt(r["a"]), _fmt(r["b"]), _fmt(r["difference"]),
                      *((_fmt(r["a_p10_p90"]), _fmt(r["b_p10_p90"])) if spread else ()))
    out.print(table)
    out.print(f"\nResults in [bold]{target}/[/bold]: {', '.join(files)}")
    if report is not None:
        out.print(f"briefing: {report}")


def _fmt(x: Any) -> str:
    if isinstance(x, str):
        return x
    return "-" if x is None else f"{x:,.1f}"
