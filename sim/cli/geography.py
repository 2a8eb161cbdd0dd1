"""airlift reach, payload-range and report reach."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.cli.common import airspace_policy, app, fail, out, progress_bar, save_figure, wrote
from sim.data import catalog


def _aircraft(name: str) -> Any:
    kinds = catalog.aircraft_catalog()
    if name not in kinds:
        from sim.scenario.references import suggest

        raise fail([f"--type: unknown aircraft type {name!r}{suggest(name, list(kinds))}; known: {', '.join(kinds)}"])
    return kinds[name]


def _airfield(option: str, text: str) -> Any:
    """The airfield a code or name stands for (sim.data.names.resolve_airfield); exit 2 with the nearest."""
    from sim.data.names import UnknownAirfieldError, resolve_airfield

    try:
        return catalog.airfield(resolve_airfield(text))
    except UnknownAirfieldError as exc:
        raise fail([f"{option}: {exc}"]) from None


def reach_destinations(to: str | None) -> list[Any]:
    """Where reach flies to: the airfields of --to (codes or names, comma-separated), else every curated
    airfield and every airfield of the presence list (sim/data/presence.yaml; Malabo is in airportsdata only)."""
    from sim.data import presence

    if to is not None:
        texts = [t.strip() for t in to.split(",") if t.strip()]
        if not texts:
            raise fail(["--to: expected airfield codes or names, comma-separated (got nothing)"])
        return list({a.ident: a for a in (_airfield("--to", t) for t in texts)}.values())
    idents = dict.fromkeys([*catalog.curated_idents(), *presence.airfields()])
    return [catalog.airfield(i) for i in idents]


@app.command("reach")
def reach_command(
    type_name: Annotated[str, typer.Option("--type", help="aircraft type, e.g. Il-76MD")],
    origin_ident: Annotated[str, typer.Option("--from", help="origin airfield: ICAO code or name, e.g. URMF or Mozdok")],
    payload_t: Annotated[float, typer.Option("--payload-t", help="payload (t)")],
    closed: Annotated[str | None, typer.Option(
        "--closed", help="closed airspace: ISO-3 codes, groups (EU, NATO) or a situation, comma-separated; "
                         "left out = the December 2024 situation; +IRN adds to that situation, IRN alone "
                         "replaces it; '' or none = open skies")] = None,
    to: Annotated[str | None, typer.Option(
        "--to", help="destinations, codes or names, comma-separated (default: the catalogue and the presence list)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON on stdout")] = False,
    map_path: Annotated[Path | None, typer.Option("--map", help="also draw a map to this PNG file")] = None,
    geojson_path: Annotated[Path | None, typer.Option(
        "--geojson", help="also write reach.geojson (RFC 7946; .kml: KML for Google Earth) to this file")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace an existing map file")] = False,
    reserve_pct: Annotated[float | None, typer.Option(
        "--reserve-pct", help="range reserve in % of each hop (default: the type's catalogue value, 10 %)")] = None,
) -> None:
    """Non-stop reach of one type from one airfield with one payload, to every catalogue airfield:
    one-way (refuelled there) and round trip (back to the origin without refuelling there)."""
    from sim.flight import reach as reach_module

    kind = _aircraft(type_name)
    if reserve_pct is not None:
        if not 0 <= reserve_pct <= 100:
            raise fail([f"--reserve-pct: expected 0 to 100 (got {reserve_pct:g})"])
        kind = kind.with_overrides({"range_reserve_frac": reserve_pct / 100.0})
    origin = _airfield("--from", origin_ident)
    if payload_t < 0:
        raise fail([f"--payload-t: expected 0 or more tons (got {payload_t:g})"])
    if payload_t > kind.max_payload_t:
        raise fail([f"--payload-t: {payload_t:g} t is over the {kind.name}'s maximum payload of {kind.max_payload_t:g} t"])
    if map_path is not None and map_path.exists() and not force:
        raise fail([f"{map_path} already exists; add --force to replace it"])
    policy, tokens, note = airspace_policy(closed)
    destinations = reach_destinations(to)
    result = reach_module.reach(kind, origin, payload_t, policy, destinations)
    record = reach_module.reach_record(result, tokens)
    if note:
        record["airspace_note"] = note
    written = _reach_files(result, kind, origin, payload_t, policy, map_path, geojson_path, force)
    if as_json:
        print(json.dumps(record, indent=2), flush=True)
        for what, path in written:
            wrote(what, path, machine=True)
        return
    _print_reach(result, record, kind, origin, payload_t, note or policy.label)
    for what, path in written:
        wrote(what, path)


def _print_reach(result: Any, record: dict[str, object], kind: Any, origin: Any, payload_t: float, airspace: str) -> None:
    """Print reach's headline (range, reserve, envelope), the airspace in force, any notes, and the table of
    airfields (distances, reachable, one-way and round-trip payloads, countries overflown)."""
    out.print(f"[bold]{kind.name}[/bold] from {origin.ident} ({origin.name}) with {payload_t:g} t: "
              f"planned non-stop range {result.max_range_km:,.0f} km "
              f"(fuel-and-mass model less its {kind.range_reserve_frac:.0%} range reserve; published envelope "
              f"{result.envelope_range_km:,.0f} km with no reserve); max_payload_t: one-way, refuelled at the "
              "destination; round_trip_payload_t: there and back to the origin without refuelling there")
    out.print(f"airspace: {airspace}")
    for n in result.notes:
        out.print(f"[yellow]{n}[/yellow]")
    table = Table()
    for column in ("icao", "name", "country", "great_circle_km", "route_km", "reachable", "max_payload_t",
                   "round_trip_payload_t", "overflies"):
        table.add_column(column, justify="right" if column.endswith(("_km", "_t")) else "left")
    for a in record["airfields"]:  # type: ignore[attr-defined]
        table.add_row(a["icao"], a["name"], a["country"], f"{a['great_circle_km']:,.0f}",
                      "none" if a["route_km"] is None else f"{a['route_km']:,.0f}",
                      "yes" if a["reachable"] else "no",
                      "-" if a["max_payload_t"] is None else f"{a['max_payload_t']:.1f}",
                      "-" if a["round_trip_payload_t"] is None else f"{a['round_trip_payload_t']:.1f}",
                      " ".join(a["overflies"]))
    out.print(table)


def _reach_files(result: Any, kind: Any, origin: Any, payload_t: float, policy: Any, map_path: Path | None,
                 geojson_path: Path | None, force: bool) -> list[tuple[str, Path]]:
    """Write reach's map and GeoJSON (or KML) when asked; (what, path) of each file written."""
    if map_path is not None:
        from sim.results import maps

        fig = maps.reach_map(
            origin, policy, [maps.MapRoute(r.airfield, r.route, r.reachable, max_payload_t=r.max_payload_t) for r in result.rows],
            [maps.Ring(result.max_range_km, f"{kind.name} {payload_t:g} t")],
            f"{kind.name} from {origin.ident} ({origin.name}) with {payload_t:g} t; airspace: {policy.label}",
        )
        save_figure(map_path, fig, force)
    if geojson_path is not None:
        from sim.results.gis import reach_collection, save_collection

        save_collection(geojson_path, reach_collection(result), force)
    return [(w, p) for w, p in (("map", map_path), ("geojson", geojson_path)) if p is not None]


@app.command("payload-range")
def payload_range_command(
    type_name: Annotated[str, typer.Option("--type", help="aircraft type, e.g. Il-76MD")],
    png: Annotated[Path | None, typer.Option("--png", help="also draw the chart to this PNG file")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON on stdout")] = False,
    force: Annotated[bool, typer.Option("--force", help="replace an existing PNG")] = False,
) -> None:
    """The payload-range envelope of a type: published points and the planning envelope after the reserve."""
    from sim.flight import performance
    from sim.results.plots import payload_range_figure

    kind = _aircraft(type_name)
    if png is not None and png.exists() and not force:
        raise fail([f"{png} already exists; add --force to replace it"])
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
        save_figure(png, payload_range_figure(kind), force)
    if as_json:
        print(json.dumps({"type": kind.name, "max_payload_t": kind.max_payload_t,
                          "range_reserve_frac": kind.range_reserve_frac, "rows": rows}, indent=2), flush=True)
        if png is not None:
            wrote("chart", png, machine=True)
        return
    table = Table(title=f"{kind.name}: payload-range (planned = the fitted fuel-and-mass model less its "
                        f"{kind.range_reserve_frac:.0%} range reserve)")
    for column in ("payload_t", "range_km", "planned_range_km", "grade", "source"):
        table.add_column(column, justify="right" if column.endswith(("_km", "_t")) else "left")
    for r in rows:
        table.add_row(f"{r['payload_t']:g}", f"{r['range_km']:,.0f}", f"{r['planned_range_km']:,.0f}",
                      r["grade"] + (" (published)" if r["published"] else ""), r["source"])  # type: ignore[arg-type,operator]
    out.print(table)
    if png is not None:
        out.print(f"chart: {png}")


report_app = typer.Typer(no_args_is_help=True, help="Reports built from many runs or routes.")
app.add_typer(report_app, name="report")


@report_app.command("reach")
def report_reach_command(
    out_dir: Annotated[Path, typer.Option("--out", help="report folder")] = Path("results") / "reach",
    force: Annotated[bool, typer.Option("--force", help="replace an existing report folder")] = False,
    unconfirmed: Annotated[str | None, typer.Option(
        "--unconfirmed", help="countries whose closure the claim verdicts test, comma-separated codes or names "
                              "(default: every overflight graded unconfirmed in sim/data/airspace.yaml; '' for none)")] = None,
    html: Annotated[bool, typer.Option("--html", help="also write report.html: a one-page briefing, self-contained")] = False,
) -> None:
    """Non-stop reach from Chkalovsky, Ulyanovsk, Mozdok and Machulishchy to every African country with a
    Russian military presence: reach.csv, reach.md, the claim verdicts (claims.csv, claim_verdicts.csv;
    over the input ranges: claim_uncertainty.csv) and maps, with and without Syrian overflight and Turkish airspace."""
    from sim._version import __version__
    from sim.data import countries
    from sim.reports import reach_report as report
    from sim.reports.saving import save_reach_report

    if out_dir.exists() and not force:
        raise fail([f"{out_dir} already exists; add --force to replace it"])
    toggles = None if unconfirmed is None else _country_codes("--unconfirmed", unconfirmed)
    cases = report.default_cases()
    total = len(cases) * len(report.ORIGINS) * len(report.DESTINATIONS)
    with progress_bar(total=total, unit="route", desc="routing", leave=False) as bar:
        rows = report.reach_rows(cases=cases, progress=lambda: bar.update(1))
    kinds = len(catalog.aircraft_catalog())
    with progress_bar(total=len(cases) * kinds, unit="type", desc="claims", leave=False) as bar:
        claim_rows, verdict_rows = report.claim_verdicts(cases, unconfirmed=toggles, progress=lambda: bar.update(1))
    with progress_bar(total=len(cases) * kinds, unit="type", desc="claims over the input ranges", leave=False) as bar:
        uncertainty_rows = report.claim_uncertainty(cases, unconfirmed=toggles, progress=lambda: bar.update(1))
    text = report.markdown(rows, cases, __version__, countries.source()["source"], verdict_rows, toggles,
                           uncertainty_rows)

    save_reach_report(out_dir, rows, cases, text, force=force, claim_rows=claim_rows, verdict_rows=verdict_rows,
                      uncertainty_rows=uncertainty_rows)
    out.print(text.split("## Maximum")[0].strip())
    out.print(f"\nReport in [bold]{out_dir}/[/bold]: reach.md, reach.csv, claims.csv, claim_verdicts.csv, claim_uncertainty.csv, "
              f"{len(cases) * len(report.ORIGINS)} maps")
    if html:
        from sim.reports import write_reach_report

        out.print(f"briefing: {write_reach_report(out_dir)}")


def _country_codes(option: str, text: str) -> list[str]:
    """ISO-3 codes for a comma-separated list of codes or country names; exits 2 naming unknown ones."""
    from sim.data import countries

    tokens = [t.strip() for t in text.split(",") if t.strip()]
    codes = [countries.resolve(t) for t in tokens]
    messages = [f"{option}: unknown country {t!r}{countries.suggest_country(t)}"
                for t, code in zip(tokens, codes, strict=True) if code is None]
    messages += [f"{option}: {code} is a group; name its countries one by one" for code in codes if code in countries.groups()]
    if messages:
        raise fail(messages)
    return [c for c in codes if c]
