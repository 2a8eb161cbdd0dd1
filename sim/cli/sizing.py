"""airlift size: the smallest fleet count (or other whole number) that closes by a day."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sim.cli.common import app, fail, load, out, progress_bar
from sim.experiments.sizing import SizingPoint, SizingResult


@app.command("size")
def size_command(
    scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO", help="scenario YAML file")],
    vary: Annotated[str, typer.Option("--vary", help="whole-number scenario path to size, e.g. fleet[1].count")],
    close_by: Annotated[int, typer.Option("--close-by", help="day (0 = the first) by whose end every ton is delivered")],
    confidence: Annotated[float, typer.Option(help="required P(closed by the day), stochastic scenarios")] = 0.9,
    replications: Annotated[int | None, typer.Option(min=1, help="replications per value (default: the scenario's)")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores; 1 = serial)")] = None,
    lowest: Annotated[int, typer.Option("--min", min=0, help="smallest value to consider")] = 0,
    highest: Annotated[int | None, typer.Option(
        "--max", min=0, help="largest value (default: max(4 x the scenario's, 32))")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON on stdout")] = False,
    html: Annotated[Path | None, typer.Option("--html", metavar="FILE", help="also write a one-page briefing (self-contained "
                                              "HTML) to FILE")] = None,
) -> None:
    """Find the smallest value at PATH for which the scenario closes by the end of day DAY with probability
    at least P (a deterministic scenario: closes by then), evaluating as few values as it can, each with
    the same replications (common random numbers)."""
    from sim.experiments import sizing
    from sim.experiments.execution import executor

    scenario = load(scenario_path)
    try:
        current = sizing.path_value(scenario, vary)
    except sizing.SizingError as exc:
        raise fail([str(exc)]) from None
    count = 1 if scenario.stochastic is None else (replications or scenario.stochastic.replications)
    with progress_bar(unit="value", desc=f"sizing {vary}", leave=False) as bar, \
            executor(1 if count == 1 else workers) as pool:
        try:
            result = sizing.size(scenario, vary, close_by, confidence, replications, lowest, highest, pool,
                                 on_point=lambda p: bar.update(1))
        except sizing.SizingError as exc:
            raise fail([str(exc)]) from None
    report = None
    if html is not None:
        from sim.reports import write_sizing_report

        report = write_sizing_report(html, result, scenario)
    if as_json:
        print(json.dumps(result.to_dict(), indent=2))
        if report is not None:
            typer.echo(f"briefing: {report}", err=True)
        return
    _print(result, scenario.name, current)
    if report is not None:
        out.print(f"briefing: {report}")


def _p(point: SizingPoint) -> str:
    low, high = point.p_close_ci95
    return f"{point.p_close:.2f} (95 % CI {low:.2f}-{high:.2f}, {point.closed_by_day} of {point.replications})"


def _print(result: SizingResult, name: str, current: int) -> None:
    """Print a sizing result for a person: the question, the answer (or what binds), warnings, every value tried."""
    what = f"{result.path} ({result.label})" if result.label != result.path else result.path
    need = f"P >= {result.confidence:g}" if result.stochastic else "deterministic"
    out.print(f"[bold]{name}[/bold]: smallest {what} that closes by the end of day {result.close_by_day} "
              f"({need}); the scenario has {current}")
    if result.value is not None:
        _print_answer(result)
    else:
        _print_unmet(result)
    _print_declines(result)
    _print_evaluated(result)


def _print_answer(result: SizingResult) -> None:
    """The smallest value found: met or borderline, its P (or closure day) and the value just below it."""
    best, below = result.answer, result.below
    assert best is not None  # the answer's value was evaluated
    if result.verdict == "borderline":
        low, high = best.p_close_ci95
        out.print(f"answer: [bold yellow]{result.value}, borderline[/bold yellow]: P(closed by day "
                  f"{result.close_by_day}) {best.p_close:.2f} in {best.replications} replications, but its 95 % "
                  f"interval {low:.2f}-{high:.2f} straddles the target {result.confidence:g}: the true P may be "
                  f"below it. Run more replications (--replications) or take a value above {result.value}.")
        if best.replications < result.replications_to_tell:
            out.print(f"  with {best.replications} replications even all closing cannot show P >= "
                      f"{result.confidence:g}: it takes at least {result.replications_to_tell}")
    else:
        out.print(f"answer: [bold]{result.value}[/bold]" + (
            f" (met: the 95 % interval of P lies at or above {result.confidence:g})" if result.stochastic else ""))
    if result.stochastic:
        out.print(f"  P(closed by day {result.close_by_day}) at {result.value}: {_p(best)}")
        if below is not None:
            out.print(f"  P(closed by day {result.close_by_day}) at {below.value}: {_p(below)}")
    elif below is not None:
        when = ("not closed within the run" if below.closure_day_median is None
                else f"closes on day {below.closure_day_median:g}")
        out.print(f"  at {below.value}: {when}")
    if result.value == result.lowest:
        out.print(f"  ({result.lowest} is the smallest value considered)")


def _print_unmet(result: SizingResult) -> None:
    """No value up to the highest closes: say so, and what binds at the highest value (closed form, per phase)."""
    top = result.point(result.highest)
    out.print(f"[yellow]no value up to {result.highest} closes by day {result.close_by_day}[/yellow]"
              + (f"; at {result.highest}: P = {_p(top)}" if top and result.stochastic else ""))
    if result.verdict == "borderline":
        out.print(f"  borderline: the 95 % interval of P at {result.highest} reaches the target "
                  f"{result.confidence:g}; more replications may show that it closes often enough")
    out.print(f"what binds at {result.highest} (closed form, per phase):")
    for row in result.limits_at_highest:
        demand = "" if row["demand_t_per_day"] is None else f" (demand {row['demand_t_per_day']:,.1f} t/day)"
        lead = "" if row["lead_h"] is None else f"; onload to offload {row['lead_h']:.1f} h"
        out.print(f"  days {row['from_day']:g}-{row['to_day']:g}, {row['requirement']}: {row['binding']} "
                  f"{row['binding_t_per_day']:,.1f} t/day{demand}{lead}")
    if top is not None and top.backlog_t < 0.5 and top.in_transit_t > 0:
        out.print(f"  at {result.highest} nothing waits at the end (backlog {top.backlog_t:,.1f} t) but "
                  f"{top.in_transit_t:,.1f} t is still in transit: cargo arriving late in the run cannot "
                  f"land by day {result.close_by_day} in every replication, whatever the fleet; stop the flow "
                  "earlier (until_day), allow a later day, or ask for a lower --confidence")


def _print_declines(result: SizingResult) -> None:
    """Warn when more of the swept resource closed less often, beyond the noise."""
    if result.declines:
        low, high = result.declines[0]
        later = [h.value for _, h in result.declines[1:]]
        also = f" (and below it at {', '.join(map(str, later))})" if later else ""
        out.print(f"[yellow]more is worse here: P falls from {low.p_close:.2f} at {low.value} to {high.p_close:.2f} at "
                  f"{high.value}{also}, their 95 % intervals apart.[/yellow] The search assumes more never closes "
                  "less, so it may have missed a value that closes; sweep the values between to see the whole curve.")


def _print_evaluated(result: SizingResult) -> None:
    """The table of every evaluated value, in value order, and the replications behind each."""
    table = Table(title=f"evaluated values (in order run: {', '.join(str(p.value) for p in result.evaluated)})")
    for column in ("value", "P(close by day)", "95 % CI", "delivered_t", "in_transit_t", "backlog_t", "median closure day"):
        table.add_column(column, justify="right")
    for p in sorted(result.evaluated, key=lambda p: p.value):
        median = "not closed" if p.closure_day_median is None else f"{p.closure_day_median:g}"
        table.add_row(str(p.value), f"{p.p_close:.2f}", f"{p.p_close_ci95[0]:.2f}-{p.p_close_ci95[1]:.2f}",
                      f"{p.delivered_t:,.1f}", f"{p.in_transit_t:,.1f}", f"{p.backlog_t:,.1f}", median)
    out.print(table)
    if result.stochastic:
        out.print(f"{result.evaluated[0].replications} replications per value, the same for every value "
                  f"(common random numbers).")
