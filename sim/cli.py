"""The ``airlift`` command. Thin: parse, call the library, print. Bad input exits with code 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from sim import catalog
from sim.api import RunResult, run
from sim.errors import InputError
from sim.model.records import LEG_COLUMNS
from sim.results import ResultsExistError, write_atomically, write_csv, write_json
from sim.scenario import Scenario, json_schema, load_scenario

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Strategic airlift simulator.")
out = Console(soft_wrap=True)

DAILY_COLUMNS = ["day", "date", "requirement", "origin", "destination", "delivered_t", "sorties"]
SORTIE_COLUMNS = list(LEG_COLUMNS)


def _fail(messages: list[str]) -> typer.Exit:
    for message in messages:
        print(message, file=sys.stderr)
    return typer.Exit(code=2)


def _load(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except InputError as exc:
        raise _fail([str(p) for p in exc.problems]) from None


@app.command("run")
def run_command(
    scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO", help="scenario YAML file")],
    out_dir: Annotated[Path | None, typer.Option("--out", help="results folder (default results/<name>/)")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="override the scenario's seed")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace an existing results folder")] = False,
) -> None:
    """Simulate a scenario and write summary.json, daily.csv, sorties.csv and throughput.png."""
    scenario = _load(scenario_path)
    target = out_dir or Path("results") / scenario.name
    if target.exists() and not force:
        raise _fail([f"{target} already exists; add --force to replace it"])
    result = _run_with_progress(scenario, seed)
    try:
        write_atomically(target, lambda tmp: _write_run(tmp, result), force=force)
    except ResultsExistError as exc:
        raise _fail([str(exc)]) from None
    _print_summary(result.summary)
    out.print(f"\nResults in [bold]{target}/[/bold]: summary.json, daily.csv, sorties.csv, throughput.png")


def _run_with_progress(scenario: Scenario, seed: int | None) -> RunResult:
    from tqdm import tqdm

    with tqdm(total=scenario.days, unit="day", desc=f"simulating {scenario.name}", file=sys.stderr,
              disable=None, leave=False) as bar:
        return run(scenario, seed=seed, progress=lambda day, _days: bar.update(day - bar.n))


def _write_run(folder: Path, result: RunResult) -> None:
    from sim.plots import save_throughput

    write_json(folder / "summary.json", result.summary)
    write_csv(folder / "daily.csv", result.daily, DAILY_COLUMNS)
    write_csv(folder / "sorties.csv", result.sorties, SORTIE_COLUMNS)
    save_throughput(folder / "throughput.png", result.summary, result.daily)


def _print_summary(s: dict[str, Any]) -> None:
    closure = f"day {s['closure_day']} ({s['closure_date']})" if s["closure_day"] is not None else "not closed"
    out.print(f"[bold]{s['scenario']}[/bold]: {s['description']}")
    out.print(
        f"requested {s['requested_t']:,.1f} t = delivered {s['delivered_t']:,.1f} t + in transit "
        f"{s['in_transit_t']:,.1f} t + backlog {s['backlog_t']:,.1f} t; {s['sorties']} sorties; "
        f"{s['mean_daily_t']:,.1f} t/day; closure: {closure}"
    )
    table = Table(title="by requirement")
    for column in ("requirement", "requested_t", "delivered_t", "backlog_t", "sorties", "closure_day"):
        table.add_column(column, justify="left" if column == "requirement" else "right")
    for r in s["by_requirement"]:
        table.add_row(r["requirement"], f"{r['requested_t']:,.1f}", f"{r['delivered_t']:,.1f}",
                      f"{r['backlog_t']:,.1f}", str(r["sorties"]), "-" if r["closure_day"] is None else str(r["closure_day"]))
    out.print(table)
    table = Table(title="by aircraft type")
    for column in ("type", "aircraft", "sorties", "delivered_t", "mean_payload_t", "flight_h_per_aircraft_day"):
        table.add_column(column, justify="left" if column == "type" else "right")
    for name, t in s["by_aircraft_type"].items():
        table.add_row(name, str(t["aircraft"]), str(t["sorties"]), f"{t['delivered_t']:,.1f}",
                      f"{t['mean_payload_t']:.1f}", f"{t['flight_h_per_aircraft_day']:.1f}")
    out.print(table)
    if s["fuel_stops_used"]:
        out.print(f"en-route fuel stops used: {', '.join(s['fuel_stops_used'])}")
    for leg in s["infeasible_legs"]:
        out.print(f"[yellow]infeasible:[/yellow] {leg['type']} {leg['from']}->{leg['to']}: {leg['reason']}")


@app.command()
def validate(scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO")]) -> None:
    """Check a scenario file; print every problem with file:line:column and field path."""
    scenario = _load(scenario_path)
    out.print(f"{scenario_path}: OK ({scenario.name}: {sum(f.count for f in scenario.fleet)} aircraft, "
              f"{len(scenario.requirements)} requirements, {len(scenario.events)} events, {scenario.days} days)")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (for editors)."""
    print(json.dumps(json_schema(), indent=2))


@app.command("catalog")
def catalog_command(
    what: Annotated[str, typer.Argument(help="aircraft or airfields")] = "aircraft",
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Show the catalogue values with their grade and source."""
    if what == "aircraft":
        data = {n: {k: vars(p) for k, p in a.provenance.items()} for n, a in catalog.aircraft_catalog().items()}
    elif what == "airfields":
        data = {i: {k: vars(p) for k, p in catalog.airfield(i).provenance.items()} for i in catalog.curated_idents()}
    else:
        raise _fail([f"catalog: expected 'aircraft' or 'airfields' (got {what!r})"])
    if as_json:
        print(json.dumps(data, indent=2, default=str))
        return
    for name, fields in data.items():
        table = Table(title=name, show_lines=False)
        for column in ("field", "value", "grade", "source"):
            table.add_column(column)
        for key, p in fields.items():
            table.add_row(key, str(p["value"]), p["grade"], p["source"])
        out.print(table)


def main() -> None:
    """Console-script entry point."""
    app()
