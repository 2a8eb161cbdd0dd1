"""airlift analytic and estimate: closed-form planning factors, and tonnage from observed flights."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.cli.common import airspace_policy, app, fail, load, out, progress_bar


@app.command("analytic")
def analytic_command(
    scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO", help="scenario YAML file")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON on stdout")] = False,
) -> None:
    """Planning factors (cycle, UTE and airfield limits, ton-km, closure) next to the simulated figures,
    naming the binding constraint, per phase: every MOG change, airfield closure or airspace event starts one."""
    from sim.experiments.analytic import planning_record
    from sim.experiments.runs import run

    scenario = load(scenario_path)
    deterministic = scenario.model_copy(update={"stochastic": None})
    result = run(deterministic)
    record = planning_record(result.output.world, result.summary, result.daily_rows, result.output.records)
    if as_json:
        print(json.dumps(record, indent=2))
        return
    out.print(f"[bold]{scenario.name}[/bold]: planning factors per requirement, as if the whole fleet served it alone; "
              f"simulated over {scenario.days} days (deterministic); {len(record['phases'])} phase(s)")
    for phase in record["phases"]:
        changes = f" after {', '.join(phase['changes'])}" if phase["changes"] else ""
        mog = ", ".join(f"{k} {v}" for k, v in phase["mog"].items())
        closed = f"; closed: {', '.join(phase['closed_airfields'])}" if phase["closed_airfields"] else ""
        out.print(f"\n[bold]days {phase['from_day']:g}-{phase['to_day']:g}[/bold]{changes}: airspace "
                  f"{phase['airspace']}; MOG {mog}{closed}")
        for r in phase["requirements"]:
            _print_requirement(r)
    out.print("Several requirements share the fleet in the simulation; the closed form gives each the whole fleet.")


def _print_requirement(r: dict[str, Any]) -> None:
    table = Table(title=f"{r['requirement']}: {r['from']} -> {r['to']}")
    for column in ("type", "N", "P t", "route km", "RTFT h", "RTT h", "GT on/off h", "stops", "sorties/ac/day"):
        table.add_column(column, justify="left" if column in ("type", "stops") else "right")
    for c in r["cycles"]:
        table.add_row(c["type"], str(c["count"]), f"{c['payload_t']:.1f}", f"{c['loaded_km']:,.0f}", f"{c['rtft_h']:.2f}",
                      f"{c['rtt_h']:.2f}", f"{c['ground_on_h']:.2f}/{c['ground_off_h']:.2f}", " ".join(c["stops"]) or "-",
                      f"{c['sorties_per_day']:.3f}")
    out.print(table)
    limits = Table(show_header=True)
    for column in ("limit", "formula", "t/day"):
        limits.add_column(column, justify="right" if column == "t/day" else "left")
    for limit in r["limits"]:
        mark = " [bold](binding)[/bold]" if limit["binding"] else ""
        limits.add_row(limit["name"] + mark, limit["formula"], f"{limit['t_per_day']:,.1f}")
    for limit in r["planning_limits_qe"]:
        limits.add_row(limit["name"] + " (random arrivals)", limit["formula"], f"{limit['t_per_day']:,.1f}")
    if r.get("binding_simulated") is not None:
        limits.add_row(f"[bold]simulated: {r['binding_simulated']}[/bold]", "the run's deliveries; ground.csv waits",
                       f"{r['simulated_t_per_day']:,.1f}")
    out.print(limits)
    closure = "" if r["closure_estimate_day"] is None else (
        f"; closure estimate day {r['closure_estimate_day']:.1f}, simulated day {r['simulated_closure_day']}")
    out.print(f"binding (closed form): [bold]{r['binding']}[/bold] {r['binding_t_per_day']:,.1f} t/day; simulated "
              f"{r['simulated_t_per_day']:,.1f} t/day in these days; {r['ton_km_per_day']:,.0f} t-km/day "
              f"({r['mtm_per_day']:.3f} MTM/D){closure}")
    if r.get("binding_simulated") is not None:
        _print_simulated_binding(r)
    if r["infeasible_types"]:
        out.print(f"[yellow]cannot fly it:[/yellow] {', '.join(r['infeasible_types'])}")


def _print_simulated_binding(r: dict[str, Any]) -> None:
    """The limit the run hit, and the aircraft-hours it lost to each cause in these days."""
    lost = {k: v for k, v in r["hours_lost"].items() if v >= 0.5}
    if r["binding_simulated"].startswith("none: all delivered"):
        head = f"binding (simulated): {r['binding_simulated']}"
    elif r["shortfall_pct"] >= 2.0:
        short = ("nothing in these days" if r["simulated_t_per_day"] <= 0 else
                 f"{r['shortfall_pct']:.0f} % less than the closed-form limit")
        head = f"binding (simulated): [bold]{r['binding_simulated']}[/bold]: the run delivered {short}"
    else:
        head = f"binding (simulated): as the closed form ({r['binding_simulated']}): the run delivered the limit"
    causes = ", ".join(f"{k} {v:,.0f}" for k, v in sorted(lost.items(), key=lambda kv: -kv[1])) or "none"
    out.print(f"{head}; aircraft-hours lost: {causes}")
    if lost.get("MOG waits") and r.get("mog_waits_h"):
        places = ", ".join(f"{k} {v:,.0f} h" for k, v in r["mog_waits_h"].items())
        out.print(f"  queued for a working spot (all requirements) at: {places}")


MAX_ROWS_SHOWN = 200  # flights in the printed table; --json has them all


@app.command("estimate")
def estimate_command(
    flights: Annotated[Path, typer.Argument(metavar="FLIGHTS.csv", help="observed flights: date,type,origin,destination")],
    closed: Annotated[str | None, typer.Option("--closed", help="airspace as for reach (default: December 2024)")] = None,
    draws: Annotated[int, typer.Option(min=100, max=1_000_000, help="Monte Carlo draws")] = 20_000,
    seed: Annotated[int, typer.Option(min=0)] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON on stdout")] = False,
    no_fuel: Annotated[str, typer.Option("--no-fuel", help="airfields taken as without fuel, comma-separated "
                                                          "(e.g. HL59: the fuel back is carried in)")] = "",
) -> None:
    """Tonnage moved by a list of observed flights, with an interval: each leg's payload is capped by the
    model's trip rules on its legal route (into a field without fuel, the fuel back is carried) and drawn
    from the type's planning-load spread. A `count` column may give several flights a row, or a minimum
    (3+, at least 3, more than 3): the total is then a minimum too."""
    from sim.experiments import estimate
    policy, _tokens, note = airspace_policy(closed)
    dry = frozenset(x.strip().upper() for x in no_fuel.split(",") if x.strip())
    try:
        observed = estimate.read_flights(flights)
    except estimate.FlightsError as exc:
        raise fail([str(p) for p in exc.problems]) from None
    with progress_bar(total=len(observed), unit="flight", desc="estimate", leave=False) as bar:
        result = estimate.estimate(observed, policy, draws=draws, seed=seed, dry=dry,
                                   progress=lambda done: bar.update(done - bar.n))
    if as_json:
        print(json.dumps(_plain(result), indent=2, allow_nan=False))
        return
    t = result["total"]
    least = "at least " if t["at_least"] else ""
    out.print(f"{least}{t['flights']:,} observed flights; airspace: {note or policy.label}")
    table = Table()
    for column in ("date", "type", "origin", "destination", "count", "route_km", "cap_t", "mean_t", "5-95 %"):
        table.add_column(column, justify="right" if column.endswith(("_t", "_km", "%", "count")) else "left")
    shown = result["flights"][:MAX_ROWS_SHOWN]
    for leg in shown:
        table.add_row(leg["date"], leg["type"], leg["origin"], leg["destination"],
                      f"{leg['count']}{'+' if leg['at_least'] else ''}",
                      "none" if leg["route_km"] is None else f"{leg['route_km']:,.0f}", f"{leg['cap_t']:.1f}",
                      f"{leg['mean_t']:.1f}", f"{leg['p05_t']:.0f}-{leg['p95_t']:.0f}")
    out.print(table)
    if len(result["flights"]) > len(shown):
        out.print(f"... and {len(result['flights']) - len(shown):,} more flights (--json lists every one)")
    if not result["method"].startswith("Monte Carlo"):
        out.print(f"interval by {result['method']}")
    minimum = "; the counts are minimums, so these are lower bounds" if t["at_least"] else ""
    out.print(f"total: [bold]{least}{t['mean_t']:,.0f} t[/bold] (90 % interval {t['p05_t']:,.0f} to "
              f"{t['p95_t']:,.0f} t; ceiling under the trip rules {t['ceiling_t']:,.0f} t{minimum})")


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return round(value, 3)
    return value
