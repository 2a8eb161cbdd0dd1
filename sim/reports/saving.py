"""Writing the reach report's folder: reach.md, reach.csv, the claim tables, the maps and reach.geojson."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.data import catalog
from sim.reports import claims
from sim.reports import reach_report as report
from sim.reports.claims_uncertainty import UNCERTAINTY_COLUMNS
from sim.results import maps, style
from sim.results.gis import report_collection, write_geojson_layers
from sim.results.provenance import provenance
from sim.results.writing import run_beside, write_atomically, write_csv, write_json

REACH_FILES = ["reach.md", "reach.csv", "claims.csv", "claim_verdicts.csv"]  # and map_<origin>_<case>.png


def save_reach_report(folder: Path, rows: list[dict[str, Any]], cases: list[Any], text: str, force: bool = False,
                      claim_rows: list[dict[str, Any]] | None = None,
                      verdict_rows: list[dict[str, Any]] | None = None,
                      uncertainty_rows: list[dict[str, Any]] | None = None) -> Path:
    """Write the reach report folder: reach.csv, reach.md, the claim tables (claims.csv: every claim, type,
    case, reading and variation; claim_verdicts.csv: one verdict per claim, type and case) and a map per
    origin and airspace case."""
    def fill(tmp: Path) -> None:
        write_json(tmp / "run.json", provenance("reach report", extra={
            "origins": list(report.ORIGINS), "destinations": list(report.DESTINATIONS),
            "cases": {c.key: c.policy.describe() for c in cases}}))
        write_csv(tmp / "reach.csv", rows, report.COLUMNS)
        (tmp / "reach.md").write_text(text, encoding="utf-8")
        if claim_rows is not None:
            write_csv(tmp / "claims.csv", claim_rows, claims.OUTCOME_COLUMNS)
        if verdict_rows is not None:
            write_csv(tmp / "claim_verdicts.csv", verdict_rows, claims.VERDICT_COLUMNS)
        if uncertainty_rows is not None:
            write_csv(tmp / "claim_uncertainty.csv", uncertainty_rows, UNCERTAINTY_COLUMNS)
        kinds = list(catalog.aircraft_catalog())
        routes = {}
        drawings = []  # (file, origin ident, origin, case, routes on its map)
        for case in cases:
            for o in report.ORIGINS:
                origin = catalog.airfield(o)
                items = []
                for d in report.DESTINATIONS:
                    dest = catalog.airfield(d)
                    route = routes[(case.key, o, d)] = report.report_route(origin, dest, case)
                    loaded = [r for r in rows if r["case"] == case.key and r["origin"] == o and r["destination"] == d
                              and r["type"] == "Il-76MD" and r["payload"] == "40"]
                    items.append(maps.MapRoute(dest, route, bool(loaded and loaded[0]["nonstop"]),
                                               max_payload_t=loaded[0]["max_payload_t"] if loaded else None))
                drawings.append((tmp / f"map_{o}_{case.key}.png", o, origin, case, items))
        rings = [maps.Ring(*report.ring_label(k, 40.0)) for k in kinds]

        def draw(chosen: list[tuple[Path, str, Any, Any, list[Any]]]) -> None:
            for path, o, origin, case, items in chosen:
                fig = maps.reach_map(origin, case.policy, items, rings,
                                     f"From {o} ({origin.name}): {case.title}\n"
                                     "filled dots: Il-76MD reaches non-stop with 40 t", extent_km=6500.0)
                style.save(fig, path, dpi=100)

        # Half the maps are drawn in a forked child when the command allows it (sim.results.writing.run_beside).
        run_beside(lambda: draw(drawings[::2]), lambda: draw(drawings[1::2]))
        fields = {i: catalog.airfield(i) for i in (*report.ORIGINS, *report.DESTINATIONS)}
        write_geojson_layers(tmp / "reach.geojson", report_collection(rows, cases, routes, fields))

    return write_atomically(Path(folder), fill, force=force)
