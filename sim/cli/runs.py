"""airlift run, validate, schema and catalog."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.cli.common import (
    INTERRUPTED,
    Format,
    FormatOption,
    app,
    fail,
    load,
    out,
    print_rows,
    progress_bar,
    table,
    wrote,
)
from sim.data import catalog
from sim.experiments.replications import DEFAULT_TRACES, Replications, replicate, replication_count
from sim.experiments.runs import RunResult, run
from sim.results.saving import REPLICATED_FILES, RUN_FILES, replicated_files, run_files
from sim.results.summary_types import CargoSummary, HeadlineFigure, Summary, replications_in
from sim.results.writing import check_writable, strict_json
from sim.scenario.schema import Scenario


@app.command("run")
def run_command(
    scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO", help="scenario YAML file")],
    out_dir: Annotated[Path | None, typer.Option("--out", help="results folder (default results/<name>/)")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="override the scenario's seed")] = None,
    replications: Annotated[int | None, typer.Option(
        min=1, help="replications of a stochastic scenario (default: its stochastic.replications)")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="processes for replications (default: all cores)")] = None,
    dask: Annotated[str | None, typer.Option("--dask", help="Dask scheduler address, or 'local'")] = None,
    traces: Annotated[str | None, typer.Option(
        "--traces", metavar="N|all", help=f"replications whose sorties and ground activities go into sorties.csv and "
        f"ground.csv: the first N (default {DEFAULT_TRACES}), 'all', or 0 for none; every figure counts them all")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace existing result files")] = False,
    kml: Annotated[bool, typer.Option("--kml", help="also write routes.kml (Google Earth)")] = False,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="also write results.xlsx (summary, daily, sorties sheets)")] = False,
    html: Annotated[bool, typer.Option("--html", help="also write report.html: a one-page briefing, self-contained")] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Simulate a scenario and write run.json, summary.json, daily.csv, sorties.csv, throughput.png, routes.png
    and routes.geojson (a stochastic scenario: the mean and 95 % CI over replications, plus replications.csv
    and, when some replication closes, closure.png)."""
    scenario = load(scenario_path)
    if seed is not None:
        scenario = scenario.model_copy(update={"seed": seed})
    if replications is not None and scenario.stochastic is None:
        raise fail(["--replications: the scenario has no stochastic: block, so every replication would be identical"])
    if traces is not None and scenario.stochastic is None:
        raise fail(["--traces: the scenario has no stochastic: block; its one run's sorties and ground activities "
                    "are always written"])
    kept = traces_option(traces)
    target = out_dir or Path("results") / scenario.name
    names = RUN_FILES if scenario.stochastic is None else REPLICATED_FILES
    extras = [n for n, wanted in (("routes.kml", kml), ("results.xlsx", xlsx), ("report.html", html)) if wanted]
    clash = [n for n in [*names, *extras] if (target / n).exists()]
    if clash and not force:
        raise fail([f"{target / clash[0]} already exists; add --force to replace it"])
    check_writable(target)  # a file or a read-only place found now, not after the simulation
    result: RunResult | Replications
    if scenario.stochastic is None:
        result = run_with_progress(scenario)
    else:
        result = replicate_with_progress(scenario, replications, workers, dask, kept)
    _stop_if_interrupted()
    result.save(target, force=force)
    names = run_files(result.summary) if scenario.stochastic is None else replicated_files(result.summary)
    report = _write_extras(target, result, kml, xlsx, html, force)
    if report is not None and fmt is not Format.table:  # stdout holds the table as CSV or JSON
        typer.echo(f"briefing: {report}", err=True)
    _print_machine(result.summary, fmt)
    if fmt is not Format.table:
        sys.stdout.flush()
        wrote("results", f"{target}/ ({', '.join([*names, *extras])})", machine=True)
        return
    _print_summary(result.summary)
    out.print(f"\nResults in [bold]{target}/[/bold]: {', '.join([*names, *extras])}")
    if report is not None:
        out.print(f"briefing: {report}")
    _print_traces_note(result.summary)


def _print_machine(summary: Summary, fmt: Format) -> None:
    """With --format json, the whole summary; with --format csv, one row per requirement; nothing for a table."""
    if fmt is Format.json:
        print(json.dumps(strict_json(summary), indent=2, default=str, allow_nan=False))
    if fmt is Format.csv:
        by: list[Mapping[str, Any]] = list(summary["by_requirement"])
        columns = ["requirement", "from", "to", "requested_t", "delivered_t", "in_transit_t", "backlog_t", "sorties",
                   "closure_day"]
        print_rows(columns, [[r[c] for c in columns] for r in by], fmt)


def _print_traces_note(summary: Summary) -> None:
    """Say which replications sorties.csv and ground.csv hold when --traces kept fewer than all of them."""
    reps = summary.get("replications")
    if reps and reps["traces"] < reps["replications"]:
        held = ("no replication" if reps["traces"] == 0
                else f"the first {reps['traces']:,} of {reps['replications']:,} replications")
        out.print(f"sorties.csv and ground.csv hold {held} (--traces); every figure, table and chart counts them all")


def _write_extras(target: Path, result: RunResult | Replications, kml: bool, xlsx: bool, html: bool,
                  force: bool) -> Path | None:
    """routes.kml, results.xlsx and report.html when asked for; returns report.html's path (None without)."""
    if kml:
        from sim.results.gis import routes_collection, save_collection

        # A replicated run's legs come tallied by route: every replication counts, traced or not.
        legs = result.flown if isinstance(result, Replications) else result.sortie_rows
        save_collection(target / "routes.kml", routes_collection(result.world, legs, replications_in(result.summary)),
                        force)
    if xlsx:
        from sim.results.spreadsheets import save_xlsx

        save_xlsx(target / "results.xlsx", result, force)
    if not html:
        return None
    from sim.reports import write_run_report

    return write_run_report(target, result, force=force)


def run_with_progress(scenario: Scenario) -> RunResult:
    """One run, with a progress bar on stderr."""
    with progress_bar(total=scenario.days, unit="day", desc=f"simulating {scenario.name}", leave=False) as bar:
        return run(scenario, progress=lambda day, _days: bar.update(day - bar.n))


def traces_option(text: str | None) -> int | None:
    """``--traces``: a count of replications, None for 'all' (DEFAULT_TRACES when not given)."""
    if text is None:
        return DEFAULT_TRACES
    if text.strip().lower() == "all":
        return None
    try:
        count = int(text)
    except ValueError:
        count = -1
    if count < 0:
        raise fail([f"--traces: expected a whole number of replications (0 or more) or 'all' (got {text!r})"])
    return count


def replicate_with_progress(scenario: Scenario, replications: int | None, workers: int | None,
                            dask: str | None, traces: int | None = DEFAULT_TRACES) -> Replications:
    """The scenario's replications, with a progress bar on stderr; the first ``traces`` keep their trace
    (None: all)."""
    count = replication_count(scenario, replications)

    done: list[Any] = []

    def finished(index: int, _record: dict[str, Any]) -> None:
        _stop_if_interrupted()
        bar.update(1)
        done.append(index)
        if len(done) == 1:  # this process waits for the workers: it imports now what it needs once they are done
            import_for_results()

    with progress_bar(total=count, unit="run", desc=f"replicating {scenario.name}", leave=False) as bar:
        return replicate(scenario, count, workers=workers, dask=dask, on_result=finished, traces=traces)


def _stop_if_interrupted() -> None:
    """Raise KeyboardInterrupt again when Ctrl-C (or SIGTERM) came: the one raised by the signal can be
    lost when it strikes inside a finaliser, whose exceptions Python ignores, and the run must still stop
    before it writes anything."""
    if INTERRUPTED.is_set():
        raise KeyboardInterrupt


def import_for_results() -> None:
    """Import the modules that summarising and writing a replicated run use (scipy's t quantile, matplotlib,
    the charts and maps): imported while the workers run, they are ready when the last replication ends."""
    import scipy.special  # noqa: F401

    from sim.results import gis, maps, plots  # noqa: F401


def replicate_or_run(scenario: Scenario, replications: int | None, workers: int | None) -> RunResult | Replications:
    """Replicated when the scenario is stochastic, else one run."""
    if scenario.stochastic is None:
        return run_with_progress(scenario)
    return replicate_with_progress(scenario, replications, workers, None)


def closure_text(s: Summary) -> str:
    """The closure of a run in words: a day for one run; for replications a distribution (median, 10-90 %
    range, P by the median day and by the end), never a single day beside a probability below one."""
    reps = s.get("replications")
    if not reps:
        return f"closure: day {s['closure_day']} ({s['closure_date']})" if s["closure_day"] is not None else "not closed"
    c = reps["closure"]
    p_end = c["p_closed"]
    if p_end == 0:
        return "closure: no replication closed within the run"
    median_day = c.get("median_day")
    if median_day is None:
        return f"closure: fewer than half the replications closed; P(closed by the end) {p_end:.2f}"
    median = int(median_day)
    p_median = c["p_closure_by_day"][median]

    def day(d: int | None) -> str:
        return "not closed" if d is None else f"day {d}"

    return (f"closure: median day {median} (P(closed by day {median}) {p_median:.2f}); 10-90 %: "
            f"{day(c.get('day_p10'))} to {day(c.get('day_p90'))}; P(closed by the end) {p_end:.2f}")


def _day(day: int | None) -> str:
    return "not closed" if day is None else str(day)


def spread_lines(s: Summary) -> list[str]:
    """A replicated run's delivered tons and t/day in words: the spread of outcomes (80 % of runs between
    p10 and p90) next to the 95 % CI of the mean, never one mistaken for the other."""
    from sim.results.statistics import ci_words, spread_words

    r = s["replications"]
    lines = [f"over {r['replications']} replications, the outcomes (p10-p90) and the mean (95 % CI):"]
    figures: tuple[tuple[HeadlineFigure, str, int], ...] = (("delivered_t", "t", 0), ("mean_daily_t", "t/day", 1),
                                                            ("backlog_t", "t", 0))
    for key, unit, digits in figures:
        f = r[key]
        if "p10" not in f:  # a summary written before the spread was kept
            continue
        lines.append(f"  {key}: {spread_words(f['p10'], f['p90'], unit, digits)}; "
                     f"{ci_words(f['ci95_low'], f['ci95_high'], unit, digits)}")
    return lines


def _print_summary(s: Summary) -> None:
    """Print a run's summary for a person: the headline, the tables by requirement, cargo and aircraft type,
    then diversions, stranded aircraft, gridlock, fuel stops and infeasible legs."""
    out.print(f"[bold]{s['scenario']}[/bold]: {s['description']}")
    out.print(
        f"requested {s['requested_t']:,.1f} t = delivered {s['delivered_t']:,.1f} t + in transit "
        f"{s['in_transit_t']:,.1f} t + backlog {s['backlog_t']:,.1f} t; {s['sorties']:,.0f} sorties; "
        f"{s['mean_daily_t']:,.1f} t/day; {closure_text(s)}"
    )
    replicated = bool(s.get("replications"))
    if replicated:
        for line in spread_lines(s):
            out.print(line)
    _print_by_requirement(s, replicated)
    _print_cargo(s["cargo"])
    _print_by_type(s)
    _print_warnings(s)


def _print_by_requirement(s: Summary, replicated: bool) -> None:
    """The table by requirement; replicated, with the p10-p90 spread of delivered tons and of the closure day."""
    by_req = table("by requirement" + (" (means; 80 % of runs between p10 and p90)" if replicated else ""))
    columns = ("requirement", "requested_t", "delivered_t", *(("delivered p10-p90",) if replicated else ()), "backlog_t",
               "sorties", "closure (median day, p10-p90, P by the end)" if replicated else "closure_day")
    for column in columns:
        by_req.add_column(column, justify="left" if column == "requirement" else "right")
    for r in s["by_requirement"]:
        closure = "-" if r["closure_day"] is None else str(r["closure_day"])
        spread = []
        if replicated:
            days = (f"{_day(r.get('closure_day_p10'))}-{_day(r.get('closure_day_p90'))}, " if r["p_closed"] > 0
                    and "closure_day_p10" in r else "")
            closure = f"{closure}, {days}P {r['p_closed']:.2f}"
            spread = [f"{r['delivered_t_p10']:,.0f}-{r['delivered_t_p90']:,.0f}" if "delivered_t_p10" in r else "-"]
        by_req.add_row(r["requirement"], f"{r['requested_t']:,.1f}", f"{r['delivered_t']:,.1f}", *spread,
                       f"{r['backlog_t']:,.1f}", f"{r['sorties']:,.0f}", closure)
    out.print(by_req)


def _print_cargo(cargo: CargoSummary) -> None:
    """The tables by cargo class (unless all is bulk) and by item (when items are named)."""
    if set(cargo.get("by_class", {})) - {"bulk"} or cargo.get("by_item"):
        by_class = table("by cargo class")
        for column in ("class", "requested_t", "delivered_t", "undelivered_t", "passengers delivered / requested"):
            by_class.add_column(column, justify="left" if column == "class" else "right")
        for name, c in cargo["by_class"].items():
            heads = f"{c['delivered']:,.0f} / {c['requested']:,.0f}" if "requested" in c else "-"
            by_class.add_row(name, f"{c['requested_t']:,.1f}", f"{c['delivered_t']:,.1f}", f"{c['undelivered_t']:,.1f}",
                             heads)
        out.print(by_class)
    if cargo.get("by_item"):
        by_item = table("by item")
        for column in ("item", "class", "mass_t", "requested", "delivered", "undelivered", "sorties by type"):
            by_item.add_column(column, justify="left" if column in ("item", "class", "sorties by type") else "right")
        for name, it in cargo["by_item"].items():
            sorties = ", ".join(f"{k} {v}" for k, v in sorted(it["sorties_by_type"].items())) or "-"
            by_item.add_row(name, it["class"], f"{it['mass_t']:g}", f"{it['requested']:g}", f"{it['delivered']:g}",
                            f"{it['undelivered']:g}", sorties)
        out.print(by_item)


def _print_by_type(s: Summary) -> None:
    """The table by aircraft type: sorties, tons, payload, flying hours, crews and waits."""
    by_type = table("by aircraft type")
    for column in ("type", "aircraft", "sorties", "delivered_t", "mean_payload_t", "flight_h_per_aircraft_day",
                   "crews", "crew_wait_h", "parking_hold_h"):
        by_type.add_column(column, justify="left" if column == "type" else "right")
    for name, t in s["by_aircraft_type"].items():
        by_type.add_row(name, f"{t['aircraft']:g}", f"{t['sorties']:,.0f}", f"{t['delivered_t']:,.1f}",
                        f"{t['mean_payload_t']:.1f}", f"{t['flight_h_per_aircraft_day']:.1f}",
                        f"{t.get('crews') or '-'}", f"{t.get('crew_wait_h', 0.0):,.0f}", f"{t.get('parking_hold_h', 0.0):,.0f}")
    out.print(by_type)


def _print_warnings(s: Summary) -> None:
    """Diversions, aircraft stranded without fuel, gridlock, en-route fuel stops used and infeasible legs."""
    if s.get("diversions"):
        out.print(f"diversions (destination closed, or every spot there taken, while airborne): {s['diversions']:g}")
    stranded = [r for r in s.get("stranded", []) if r["to_h"] is None]
    if stranded:
        out.print("[red]stranded without fuel at the end:[/red] " + ", ".join(
            f"{r['aircraft']} at {r['airfield']}" + (f" (replication {r['replication']})" if "replication" in r else "")
            for r in stranded))
    for r in s.get("gridlock", []):
        out.print(f"[red]gridlock:[/red] nothing took off after {r['since_h']:.1f} h: {r['aircraft_waiting']} aircraft "
                  f"wait for parking at {r['airfields']} that no slot frees, {r['cargo_waiting_t']:,.0f} t of cargo waits"
                  + (f" (replication {r['replication']})" if "replication" in r else ""))
    if s["fuel_stops_used"]:
        out.print(f"en-route fuel stops used: {', '.join(s['fuel_stops_used'])}")
    for leg in s["infeasible_legs"]:
        out.print(f"[yellow]infeasible:[/yellow] {leg['type']} {leg['from']}->{leg['to']}: {leg['reason']}")


@app.command()
def check(results_dir: Annotated[Path, typer.Argument(metavar="RESULTS_DIR", help="a run's results folder")]) -> None:
    """Verify a run's records from the rules: legs chain, fuel and mass at every take-off, working MOG,
    closures, cargo per place, strandings reported. Exit 1 if any rule is broken, or if the run kept no
    trace to check (--traces 0)."""
    from sim.results.checks import check_folder

    try:
        report = check_folder(results_dir)
    except FileNotFoundError as exc:
        raise fail([f"{results_dir}: {exc}; expected a folder written by `airlift run`"]) from None
    if report.damaged:
        for problem in report.problems:
            out.print(f"[red]{problem}[/red]")
        out.print(f"[red]{results_dir}: {len(report.problems)} problem(s): file(s) damaged since the run wrote them "
                  "(run.json records each file's sha256 and rows); the rules were checked on what they hold[/red]")
        raise typer.Exit(1)
    if report.replications == 0:  # run with --traces 0: no sorties to check, and no rule can be vouched for
        out.print(f"[red]{results_dir}: no replication kept its trace (--traces 0): nothing to check; run again "
                  "with --traces N to check N replications[/red]")
        raise typer.Exit(1)
    for problem in report.problems:
        out.print(f"[red]{problem}[/red]")
    checked = f"{report.replications} replication(s)" if report.replications == report.of else (
        f"the traces of {report.replications:,} of {report.of:,} replications")
    if report.ok and report.legs == 0:
        out.print(f"[yellow]{results_dir}: the trace is empty (no legs, {report.ground_rows:,} ground activities, "
                  f"{checked}): no rule was tested[/yellow]")
        raise typer.Exit(1)
    out.print(f"{results_dir}: {report.legs:,} legs, {report.ground_rows:,} ground activities, {checked}: "
              + ("[green]every rule holds[/green]" if report.ok else f"[red]{len(report.problems)} problem(s)[/red]"))
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def validate(scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO")]) -> None:
    """Check a scenario file; print every problem with file:line:column and field path."""
    scenario = load(scenario_path)
    out.print(f"{scenario_path}: OK ({scenario.name}: {sum(f.count for f in scenario.fleet)} aircraft, "
              f"{len(scenario.requirements)} requirements, {len(scenario.events)} events, {scenario.days} days)")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format for editors: with the aircraft types, airfield idents,
    country codes and groups to complete (scenarios/scenario.schema.json is this output)."""
    from sim.scenario.editor import editor_schema

    print(json.dumps(editor_schema(), indent=2, ensure_ascii=False))


@app.command("catalog")
def catalog_command(
    what: Annotated[str, typer.Argument(help="aircraft or airfields")] = "aircraft",
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
    search: Annotated[str | None, typer.Option(
        "--search", help="airfields whose code, name or country contains TEXT (case and accents ignored); "
                         "outside the curated catalogue, airportsdata's airfields")] = None,
) -> None:
    """Show the catalogue values with their grade and source (airfields: with name and country), and for
    assumed or derived numbers the range (low, high) an uncertainty study varies them over (the source says
    why)."""
    if what == "aircraft":
        if search is not None:
            raise fail(["--search: only for airfields (airlift catalog airfields --search TEXT)"])
        data = {n: {k: vars(p) for k, p in a.provenance.items()} for n, a in catalog.aircraft_catalog().items()}
    elif what == "airfields":
        data = {i: _airfield_entry(i) for i in _airfield_idents(search)}
    else:
        raise fail([f"catalog: expected 'aircraft' or 'airfields' (got {what!r})"])
    if as_json:
        print(json.dumps(data, indent=2, default=str, ensure_ascii=False))
        return
    for name, fields in data.items():
        title = f"{name}: {fields['name']}, {fields['country']}" if what == "airfields" else name
        table = Table(title=title, show_lines=False)
        for column in ("field", "value", "low", "high", "grade", "source"):
            table.add_column(column)
        for key, p in fields.items():
            if isinstance(p, dict):
                low, high = ("", "") if p.get("low") is None else (str(p["low"]), str(p["high"]))
                table.add_row(key, str(p["value"]), low, high, p["grade"], p["source"])
            else:
                table.add_row(key, str(p), "", "", "", "")
        out.print(table)


def _airfield_idents(search: str | None) -> list[str]:
    """The curated idents, or those matching --search (exit 2 with the nearest names when none does)."""
    from sim.data import names

    if search is None:
        return catalog.curated_idents()
    found = names.search_airfields(search)
    if not found:
        raise fail([f"--search: no airfield matches {search!r}{names.suggest_airfield(search)}"])
    return found


def _airfield_entry(ident: str) -> dict[str, Any]:
    """An airfield's catalogue entry: name, country (ISO-3) and country name, then each value with its
    grade and source."""
    from sim.data import countries

    a = catalog.airfield(ident)
    return {"name": a.name, "country": a.country, "country_name": countries.country_name(a.country),
            **{k: vars(p) for k, p in a.provenance.items()}}
