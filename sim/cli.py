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
    """Simulate a scenario and write summary.json, daily.csv, sorties.csv, throughput.png and routes.png."""
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
    out.print(f"\nResults in [bold]{target}/[/bold]: summary.json, daily.csv, sorties.csv, throughput.png, routes.png")


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
    _save_routes_map(folder / "routes.png", result)


def _save_routes_map(path: Path, result: RunResult) -> None:
    import matplotlib.pyplot as plt

    from sim.maps import routes_map

    fig = routes_map(result.output.world)
    fig.savefig(path, dpi=100)
    plt.close(fig)


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


# --- geography ---------------------------------------------------------------------------------------

DEFAULT_SITUATION = "dec2024"


def _aircraft(name: str) -> Any:
    kinds = catalog.aircraft_catalog()
    if name not in kinds:
        from sim.scenario import _suggest

        raise _fail([f"--type: unknown aircraft type {name!r}{_suggest(name, list(kinds))}; known: {', '.join(kinds)}"])
    return kinds[name]


def _airfield(option: str, ident: str) -> Any:
    try:
        return catalog.airfield(ident.upper())
    except KeyError:
        from sim.scenario import _suggest

        raise _fail([f"{option}: unknown airfield {ident!r}{_suggest(ident.upper(), catalog.curated_idents())}"]) from None


def _policy(closed: str | None) -> tuple[Any, list[str], str | None]:
    """(policy, codes as given, note) for a --closed value: None = the December 2024 situation."""
    from sim import airspace, countries

    if closed is None:
        spec = countries.situations()[DEFAULT_SITUATION]
        note = f"no --closed given: the December 2024 situation ({DEFAULT_SITUATION}: {' '.join(spec['description'].split())})"
        return airspace.make_policy(situation=DEFAULT_SITUATION), [DEFAULT_SITUATION], note
    tokens = [t.strip() for t in closed.split(",") if t.strip()]
    if tokens in ([], ["none"]):
        return airspace.OPEN_SKIES, [], "open skies: no airspace closed"
    situations = [t for t in tokens if t in countries.situations()]
    codes = [t.upper() for t in tokens if t not in situations]
    bad = [c for c in codes if not countries.is_known(c)]
    if bad or len(situations) > 1:
        from sim.scenario import _suggest

        choices = sorted(countries.groups()) + sorted(countries.countries())
        messages = [f"--closed: unknown country code or group {c!r}{_suggest(c, choices)}" for c in bad]
        if len(situations) > 1:
            messages.append(f"--closed: name at most one situation (got {', '.join(situations)})")
        raise _fail(messages)
    policy = airspace.make_policy(closed=codes, situation=situations[0] if situations else None)
    return policy, tokens, None


def _save_figure(path: Path, fig: Any, force: bool) -> None:
    import matplotlib.pyplot as plt

    from sim.results import write_file_atomically

    try:
        write_file_atomically(path, lambda tmp: fig.savefig(tmp, dpi=110, format=path.suffix.lstrip(".") or "png"), force=force)
    except ResultsExistError as exc:
        raise _fail([str(exc)]) from None
    finally:
        plt.close(fig)


@app.command("reach")
def reach_command(
    type_name: Annotated[str, typer.Option("--type", help="aircraft type, e.g. Il-76MD")],
    origin_ident: Annotated[str, typer.Option("--from", help="origin airfield (ICAO or catalogue ident)")],
    payload_t: Annotated[float, typer.Option("--payload-t", help="payload (t)")],
    closed: Annotated[str | None, typer.Option(
        "--closed", help="closed airspace: ISO-3 codes, groups (EU, NATO) or a situation, comma-separated; "
                         "'' or none = open skies; left out = the December 2024 situation")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON on stdout")] = False,
    map_path: Annotated[Path | None, typer.Option("--map", help="also draw a map to this PNG file")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace an existing map file")] = False,
) -> None:
    """Non-stop reach of one type from one airfield with one payload, to every catalogue airfield."""
    from sim import reach as reach_module

    kind = _aircraft(type_name)
    origin = _airfield("--from", origin_ident)
    if payload_t < 0:
        raise _fail([f"--payload-t: expected 0 or more tons (got {payload_t:g})"])
    if payload_t > kind.max_payload_t:
        raise _fail([f"--payload-t: {payload_t:g} t is over the {kind.name}'s maximum payload of {kind.max_payload_t:g} t"])
    if map_path is not None and map_path.exists() and not force:
        raise _fail([f"{map_path} already exists; add --force to replace it"])
    policy, tokens, note = _policy(closed)
    destinations = [catalog.airfield(i) for i in catalog.curated_idents()]
    result = reach_module.reach(kind, origin, payload_t, policy, destinations)
    record = reach_module.reach_record(result, tokens)
    if note:
        record["airspace_note"] = note
    if map_path is not None:
        from sim import maps

        fig = maps.reach_map(
            origin, policy, [maps.MapRoute(r.airfield, r.route, r.reachable) for r in result.rows],
            [maps.Ring(result.max_range_km, f"{kind.name} {payload_t:g} t")],
            f"{kind.name} from {origin.ident} ({origin.name}) with {payload_t:g} t; airspace: {policy.label}",
        )
        _save_figure(map_path, fig, force)
    if as_json:
        print(json.dumps(record, indent=2))
        return
    out.print(f"[bold]{kind.name}[/bold] from {origin.ident} ({origin.name}) with {payload_t:g} t: "
              f"planned non-stop range {result.max_range_km:,.0f} km "
              f"(published {result.envelope_range_km:,.0f} km less {kind.range_reserve_frac:.0%} reserve)")
    out.print(f"airspace: {note or policy.label}")
    for n in result.notes:
        out.print(f"[yellow]{n}[/yellow]")
    table = Table()
    for column in ("icao", "name", "country", "great_circle_km", "route_km", "reachable", "max_payload_t", "overflies"):
        table.add_column(column, justify="right" if column.endswith(("_km", "_t")) else "left")
    for a in record["airfields"]:
        table.add_row(a["icao"], a["name"], a["country"], f"{a['great_circle_km']:,.0f}",
                      "none" if a["route_km"] is None else f"{a['route_km']:,.0f}",
                      "yes" if a["reachable"] else "no",
                      "-" if a["max_payload_t"] is None else f"{a['max_payload_t']:.1f}", " ".join(a["overflies"]))
    out.print(table)
    if map_path is not None:
        out.print(f"map: {map_path}")


@app.command("payload-range")
def payload_range_command(
    type_name: Annotated[str, typer.Option("--type", help="aircraft type, e.g. Il-76MD")],
    png: Annotated[Path | None, typer.Option("--png", help="also draw the chart to this PNG file")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON on stdout")] = False,
    force: Annotated[bool, typer.Option("--force", help="replace an existing PNG")] = False,
) -> None:
    """The payload-range envelope of a type: published points and the planning envelope after the reserve."""
    from sim import performance
    from sim.plots import payload_range_figure

    kind = _aircraft(type_name)
    if png is not None and png.exists() and not force:
        raise _fail([f"{png} already exists; add --force to replace it"])
    published = {float(p["payload_t"]): p for p in kind.provenance["payload_range_points"].value}
    payloads = sorted(set(published) | {float(p) for p in range(0, int(kind.max_payload_t) + 1, 10)} | {kind.max_payload_t},
                      reverse=True)
    rows = []
    for p in payloads:
        point = published.get(p)
        rows.append({"payload_t": p, "range_km": round(performance.max_range_km(kind, p), 1),
                     "planned_range_km": round(performance.planned_range_km(kind, p), 1),
                     "published": point is not None, "grade": point["grade"] if point else "derived",
                     "source": point["source"] if point else "linear between published points"})
    if png is not None:
        _save_figure(png, payload_range_figure(kind), force)
    if as_json:
        print(json.dumps({"type": kind.name, "max_payload_t": kind.max_payload_t,
                          "range_reserve_frac": kind.range_reserve_frac, "rows": rows}, indent=2))
        return
    table = Table(title=f"{kind.name}: payload-range (planned = range / (1 + {kind.range_reserve_frac:g} reserve))")
    for column in ("payload_t", "range_km", "planned_range_km", "grade", "source"):
        table.add_column(column, justify="right" if column.endswith(("_km", "_t")) else "left")
    for r in rows:
        table.add_row(f"{r['payload_t']:g}", f"{r['range_km']:,.0f}", f"{r['planned_range_km']:,.0f}",
                      r["grade"] + (" (published)" if r["published"] else ""), r["source"])
    out.print(table)
    if png is not None:
        out.print(f"chart: {png}")


report_app = typer.Typer(no_args_is_help=True, help="Reports built from many runs or routes.")
app.add_typer(report_app, name="report")


@report_app.command("reach")
def report_reach_command(
    out_dir: Annotated[Path, typer.Option("--out", help="report folder")] = Path("results") / "reach",
    force: Annotated[bool, typer.Option("--force", help="replace an existing report folder")] = False,
) -> None:
    """Non-stop reach from Chkalovsky, Ulyanovsk, Mozdok and Machulishchy to Libya and the Sahel:
    reach.csv, reach.md and maps, with and without Syrian overflight and Turkish airspace."""
    from tqdm import tqdm

    from sim import __version__, countries, maps, report

    if out_dir.exists() and not force:
        raise _fail([f"{out_dir} already exists; add --force to replace it"])
    cases = report.default_cases()
    total = len(cases) * len(report.ORIGINS) * len(report.DESTINATIONS)
    with tqdm(total=total, unit="route", desc="routing", file=sys.stderr, disable=None, leave=False) as bar:
        rows = report.reach_rows(cases=cases, progress=lambda: bar.update(1))
    text = report.markdown(rows, cases, __version__, countries.source()["source"])

    def fill(folder: Path) -> None:
        import matplotlib.pyplot as plt

        from sim import airspace

        write_csv(folder / "reach.csv", rows, report.COLUMNS)
        (folder / "reach.md").write_text(text, encoding="utf-8")
        kinds = list(catalog.aircraft_catalog())
        for case in cases:
            for o in report.ORIGINS:
                origin = catalog.airfield(o)
                items = []
                for d in report.DESTINATIONS:
                    dest = catalog.airfield(d)
                    route = airspace.legal_route(origin, dest, case.policy)
                    loaded = [r for r in rows if r["case"] == case.key and r["origin"] == o and r["destination"] == d
                              and r["type"] == "Il-76MD" and r["payload"] == "40"]
                    items.append(maps.MapRoute(dest, route, bool(loaded and loaded[0]["nonstop"])))
                rings = [maps.Ring(*report.ring_label(k, 40.0)) for k in kinds]
                fig = maps.reach_map(origin, case.policy, items, rings,
                                     f"From {o} ({origin.name}): {case.title}\nfilled dots: Il-76MD reaches non-stop with 40 t",
                                     extent_km=6500.0)
                fig.savefig(folder / f"map_{o}_{case.key}.png", dpi=100)
                plt.close(fig)

    try:
        write_atomically(out_dir, fill, force=force)
    except ResultsExistError as exc:
        raise _fail([str(exc)]) from None
    out.print(text.split("## Maximum")[0].strip())
    out.print(f"\nReport in [bold]{out_dir}/[/bold]: reach.md, reach.csv, {len(cases) * len(report.ORIGINS)} maps")


def main() -> None:
    """Console-script entry point."""
    app()
