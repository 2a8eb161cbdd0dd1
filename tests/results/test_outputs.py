"""What a planner opens: charts that plot exactly the CSV they come from, maps, GeoJSON that a GIS reads
(RFC 7946), KML, the workbook, run.json, and the command's output formats."""

from __future__ import annotations

import csv
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import pytest
import shapely.geometry
from helpers import BASE, BASELINE
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.geo import airspace
from sim.results import gis, plots
from sim.results.statistics import bootstrap_mean_ci

matplotlib.use("Agg")  # tests only: the library never sets the backend
runner = CliRunner()

AIRSPACE_SCENARIO = {
    "name": "bridge", "start_date": "2024-12-30", "days": 4, "seed": 1,
    "fleet": [{"type": "Il-76MD", "count": 2, "base": "UUMU"}],
    "requirements": [{"from": "UUMU", "to": "HLLB", "tons_per_day": 40, "label": "Benghazi flow"}],
    "events": [{"day": 2, "close_airspace": ["TUR"]}],
    "airspace": {"situation": "dec2024"},
}

# RFC 7946 in JSON Schema: the parts a GIS relies on (types, coordinate arrays, no crs member).
POSITION = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}
RING = {"type": "array", "minItems": 4, "items": POSITION}
GEOMETRY = {"oneOf": [
    {"type": "object", "required": ["type", "coordinates"], "properties": {"type": {"const": "Point"}, "coordinates": POSITION}},
    {"type": "object", "required": ["type", "coordinates"],
     "properties": {"type": {"const": "LineString"}, "coordinates": {"type": "array", "minItems": 2, "items": POSITION}}},
    {"type": "object", "required": ["type", "coordinates"],
     "properties": {"type": {"const": "Polygon"}, "coordinates": {"type": "array", "items": RING}}},
    {"type": "object", "required": ["type", "coordinates"],
     "properties": {"type": {"const": "MultiPolygon"},
                    "coordinates": {"type": "array", "items": {"type": "array", "items": RING}}}},
]}
FEATURE_COLLECTION = {
    "type": "object", "required": ["type", "features"], "not": {"required": ["crs"]},
    "properties": {"type": {"const": "FeatureCollection"}, "features": {"type": "array", "items": {
        "type": "object", "required": ["type", "geometry", "properties"], "not": {"required": ["crs"]},
        "properties": {"type": {"const": "Feature"}, "geometry": GEOMETRY, "properties": {"type": "object"}}}}},
}


def check_rfc7946(collection: dict) -> list:
    """Validate against the schema, round-trip every geometry through shapely, and check lon/lat ranges and
    the right-hand rule (outer rings counter-clockwise, holes clockwise). Returns the shapely geometries."""
    import jsonschema
    import shapely
    from shapely.geometry import shape

    jsonschema.validate(json.loads(json.dumps(collection)), FEATURE_COLLECTION)
    shapes = []
    for feature in collection["features"]:
        geom = shape(feature["geometry"])
        assert geom.is_valid, feature["properties"]
        assert json.loads(shapely.to_geojson(geom))["coordinates"] is not None
        minx, miny, maxx, maxy = geom.bounds
        assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
        for polygon in shapely.get_parts(geom) if geom.geom_type.endswith("Polygon") else []:
            assert polygon.exterior.is_ccw and not any(r.is_ccw for r in polygon.interiors)
        shapes.append(geom)
    return shapes


@pytest.fixture(scope="module")
def airspace_run():
    return sim.run(sim.load_scenario(AIRSPACE_SCENARIO))


def test_routes_geojson_holds_every_leg_flown_on_its_legal_route(airspace_run, tmp_path):
    result = airspace_run
    collection = gis.routes_collection(result.world, result.sortie_rows)
    shapes = check_rfc7946(collection)
    legs = [f for f in collection["features"] if f["properties"]["kind"] == "leg flown"]
    flown = [r for r in result.sortie_rows if r["origin"] != r["destination"]]
    assert sum(f["properties"]["legs"] for f in legs) == len(flown)
    assert sum(f["properties"]["tons"] for f in legs) == pytest.approx(sum(r["payload_t"] for r in flown), abs=1e-3)
    # Longitude first: Chkalovsky is at 38.1 E, 55.9 N.
    uumu = next(f for f in collection["features"] if f["properties"].get("ident") == "UUMU")
    assert uumu["geometry"]["coordinates"] == pytest.approx([result.world.airfields["UUMU"].lon,
                                                             result.world.airfields["UUMU"].lat], abs=1e-5)
    assert uumu["properties"]["mog"] == result.world.airfields["UUMU"].mog and "fuel" in uumu["properties"]
    # One phase before Turkey closes, one after: the legs after it avoid Turkey, those before may cross it.
    phases = {f["properties"]["from_day"] for f in legs}
    assert phases == {0.0, 2.0}
    after = [f for f in legs if f["properties"]["from_day"] == 2.0 and f["properties"]["origin"] == "UUMU"]
    assert after and all("TUR" not in f["properties"]["overflies"].split() for f in after)
    closed = [(f, s) for f, s in zip(collection["features"], shapes, strict=True) if f["properties"]["kind"] == "closed airspace"]
    assert [f["properties"]["from_day"] for f, _ in closed] == [0.0, 2.0]
    assert "TUR" in closed[1][0]["properties"]["closed"].split() and "TUR" not in closed[0][0]["properties"]["closed"].split()
    turkey_route = next(s for f, s in zip(collection["features"], shapes, strict=True) if f in after)
    assert turkey_route.intersection(closed[1][1]).length < 0.2  # degrees: at most the ends, never across
    gis.write_geojson(tmp_path / "r.geojson", collection)
    assert json.loads((tmp_path / "r.geojson").read_text()) == json.loads(json.dumps(collection))


def test_routes_geojson_draws_the_closed_airspace_near_the_legs_only():
    # December 2024: Europe and North America closed. A box from Libya to Moscow draws the European group,
    # not the American; both stay named as closed. Without a box every closed country is drawn.
    policy = airspace.make_policy(situation="dec2024")
    assert {"USA", "CAN", "POL"} <= policy.closed
    near = gis.airspace_features(policy, {}, box=(10.0, 20.0, 50.0, 66.0))[0]
    assert near["properties"]["kind"] == "closed airspace"
    drawn, closed = set(near["properties"]["drawn"].split()), set(near["properties"]["closed"].split())
    assert closed == set(policy.closed) and "POL" in drawn and not {"USA", "CAN"} & drawn
    drawn_shape = shapely.geometry.shape(near["geometry"])
    assert drawn_shape.contains(shapely.Point(19.0, 52.0)) and not drawn_shape.contains(shapely.Point(-98.0, 38.0))
    whole = gis.airspace_features(policy, {})[0]
    assert set(whole["properties"]["drawn"].split()) == closed


def test_kml_has_a_placemark_per_feature(airspace_run, tmp_path):
    collection = gis.routes_collection(airspace_run.world, airspace_run.sortie_rows)
    gis.save_collection(tmp_path / "r.kml", collection)
    root = ET.parse(tmp_path / "r.kml").getroot()
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    assert len(root.findall(".//k:Placemark", ns)) == len(collection["features"])
    first = root.find(".//k:Placemark/k:LineString/k:coordinates", ns).text.split()[0]
    lon, lat, _ = map(float, first.split(","))
    origin = airspace_run.world.airfields[collection["features"][0]["properties"]["origin"]]
    assert (lon, lat) == pytest.approx((origin.lon, origin.lat), abs=1e-4)  # longitude first, as in the GeoJSON


def test_reach_geojson_colours_each_destination_by_its_payload():
    from sim.data import catalog
    from sim.flight.reach import reach
    from sim.geo import airspace

    result = reach(catalog.aircraft_catalog()["Il-76MD"], catalog.airfield("UUMU"), 40.0,
                   airspace.make_policy(situation="dec2024"), [catalog.airfield(i) for i in ("HLLB", "GABS", "UMLI")])
    collection = gis.reach_collection(result)
    check_rfc7946(collection)
    dests = {f["properties"]["ident"]: f["properties"] for f in collection["features"]
             if f["properties"]["kind"] == "destination"}
    assert dests["HLLB"]["reachable"] and not dests["GABS"]["reachable"]
    assert dests["GABS"]["max_payload_t"] < 40 <= dests["HLLB"]["max_payload_t"]


def test_a_run_folder_has_run_json_routes_geojson_and_the_charts_plot_its_csv(airspace_run, tmp_path):
    out = airspace_run.save(tmp_path / "run")
    record = json.loads((out / "run.json").read_text())
    assert record["kind"] == "run" and record["seed"] == 1 and record["replications"] == 1
    assert record["scenario"] == json.loads((out / "scenario.json").read_text())
    assert record["scenario_hash"] == airspace_run.summary["scenario_hash"]
    assert record["dependencies"]["simpy"] and record["package_version"] == sim.__version__
    check_rfc7946(json.loads((out / "routes.geojson").read_text()))
    daily = list(csv.DictReader((out / "daily.csv").open()))
    fig = plots.throughput_figure(airspace_run.summary, airspace_run.daily_rows, record["scenario"])
    lines = {line.get_gid(): line for ax in fig.axes for line in ax.get_lines() if line.get_gid()}
    delivered = [float(r["delivered_t"]) for r in daily]
    assert list(lines["delivered:Benghazi flow"].get_ydata())[:-1] == pytest.approx(delivered, abs=1e-4)
    running = [sum(delivered[: k + 1]) for k in range(len(delivered))]
    assert list(lines["cumulative:Benghazi flow"].get_ydata()) == pytest.approx(running, abs=1e-3)
    assert list(lines["demand:Benghazi flow"].get_ydata())[:-1] == [40.0] * 4
    assert fig.axes[1].get_ylim()[0] == 0
    matplotlib.pyplot.close(fig)


# Saved in a new process, where no thread runs (a pytest-xdist worker runs threads, and run_beside never forks
# there): in turn as the library draws, then as the command draws, the first group of charts in a forked child.
BESIDE = """
import json, os, sys, threading
from pathlib import Path
import sim
result = sim.run(sim.load_scenario(json.loads(sys.argv[1])))
os.environ.pop("AIRLIFT_DRAW_BESIDE", None)
result.save(Path(sys.argv[2]) / "in_turn")
os.environ["AIRLIFT_DRAW_BESIDE"] = "1"
print(threading.active_count())
result.save(Path(sys.argv[2]) / "beside")
"""


@pytest.mark.slow
def test_a_run_folder_is_the_same_whether_its_charts_are_drawn_beside_the_tables_or_after(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", BESIDE, json.dumps(AIRSPACE_SCENARIO), str(tmp_path)],
                          capture_output=True, text=True, check=True, env={**os.environ, "MPLBACKEND": "Agg"})
    assert done.stdout.split() == ["1"]  # no other thread: run_beside forked (Linux)
    in_turn, beside = tmp_path / "in_turn", tmp_path / "beside"
    names = sorted(p.name for p in in_turn.iterdir())
    assert names == sorted(p.name for p in beside.iterdir()) and "ground.png" in names and "routes.png" in names
    for name in names:
        if name != "run.json":  # which holds the time it was written
            assert (in_turn / name).read_bytes() == (beside / name).read_bytes(), name


def test_nonnegative_intervals_stay_nonnegative_and_within_the_data():
    backlog = [0.0] * 9 + [900.0]  # a Student-t interval of this mean reaches below zero
    mean, low, high = bootstrap_mean_ci(backlog)
    assert mean == 90.0 and 0.0 <= low <= mean <= high <= 900.0
    assert bootstrap_mean_ci(backlog) == (mean, low, high)  # seeded: the same every time
    assert bootstrap_mean_ci([5.0, 5.0]) == (5.0, 5.0, 5.0)


def _synthetic() -> tuple[dict, list[dict], dict]:
    """A fixed two-requirement run crossing new year, with an event: the baseline image's input."""
    days = 20
    summary = {"scenario": "baseline", "start_date": "2024-12-22", "days": days, "requested_t": 9000.0,
               "delivered_t": 7450.0, "mean_daily_t": 372.5, "events": [{"day": 8.0, "what": "close OSLK"}]}
    daily = []
    for d in range(days):
        daily.append({"day": d, "requirement": "stockpile", "origin": "OSLK", "destination": "HL59",
                      "delivered_t": 400.0 if d < 8 else 0.0})
        daily.append({"day": d, "requirement": "flow", "origin": "UUMU", "destination": "HL59",
                      "delivered_t": 0.0 if d < 9 else 300.0 + 20 * (d % 3)})
    scenario = {"requirements": [{"from": "OSLK", "to": "HL59", "tons": 4000, "label": "stockpile"},
                                 {"from": "UUMU", "to": "HL59", "tons_per_day": 250, "label": "flow"}]}
    return summary, daily, scenario


def _compare(tmp_path: Path, name: str, save) -> None:
    from matplotlib.testing.compare import compare_images

    actual = tmp_path / name
    save(actual)
    expected = BASELINE / name
    if not expected.exists():  # first run on a new chart: write the baseline, look at it, commit it
        expected.write_bytes(actual.read_bytes())
    assert compare_images(str(expected), str(actual), tol=3) is None


def test_throughput_chart_looks_as_it_did(tmp_path):
    summary, daily, scenario = _synthetic()
    _compare(tmp_path, "throughput.png", lambda p: plots.save_throughput(p, summary, daily, scenario))


def test_sweep_chart_looks_as_it_did(tmp_path):
    points = []
    for n in (4, 8, 12, 16):
        tons = min(300.0, 40.0 * n)
        points.append({"fleet[0].count": n, "mean_daily_t_mean": tons, "mean_daily_t_ci95_low": tons - 12,
                       "mean_daily_t_ci95_high": tons + 10, "backlog_t_mean": max(0.0, 3000 - 200 * n),
                       "backlog_t_ci95_low": max(0.0, 2800 - 200 * n), "backlog_t_ci95_high": max(0.0, 3300 - 200 * n),
                       "in_transit_t_mean": 80.0, "p_closed": min(1.0, n / 16)})
    _compare(tmp_path, "sweep.png", lambda p: plots.save_sweep(
        p, points, ["fleet[0].count"], "baseline", 10, x_label="number of Il-76MD aircraft at UUMU (fleet[0].count)",
        demand_t_per_day=300.0))
    fig = plots.sweep_panels(points, ["fleet[0].count"], "baseline", 10, demand_t_per_day=300.0)
    lines = {line.get_gid(): line for line in fig.axes[0].get_lines() if line.get_gid()}
    assert list(lines["mean_daily_t:baseline"].get_ydata()) == [p["mean_daily_t_mean"] for p in points]
    assert list(lines["demand"].get_ydata()) == [300.0, 300.0] and fig.axes[0].get_ylim()[0] == 0
    matplotlib.pyplot.close(fig)


def test_the_command_prints_its_version_and_machine_readable_tables(tmp_path):
    assert runner.invoke(app, ["--version"]).output.strip() == f"airlift-sim {sim.__version__}"
    label = "a requirement with a long name that a table squeezed to eighty columns would cut short"
    path = tmp_path / "s.yaml"
    path.write_text(json.dumps({**BASE, "days": 2, "requirements": [{"from": "ORIG", "to": "DEST", "tons": 60,
                                                                       "label": label}]}))
    piped = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "a")])
    assert piped.exit_code == 0, piped.output
    assert any(label in line for line in piped.output.splitlines())  # never wrapped or cut when piped
    as_json = runner.invoke(app, ["-q", "run", str(path), "--out", str(tmp_path / "b"), "--format", "json"])
    assert json.loads(as_json.output)["by_requirement"][0]["requirement"] == label
    as_csv = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "c"), "--format", "csv"])
    rows = list(csv.DictReader(as_csv.output.splitlines()))
    assert rows[0]["requirement"] == label and float(rows[0]["requested_t"]) == 60.0


def test_xlsx_has_summary_daily_and_sorties_with_short_tons_and_nautical_miles(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "s.yaml"
    path.write_text(json.dumps({**BASE, "days": 2}))
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "r"), "--xlsx", "--kml"])
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "r" / "results.xlsx")
    assert book.sheetnames == ["summary", "daily", "sorties"]
    header = [c.value for c in book["sorties"][1]]
    row = dict(zip(header, [c.value for c in book["sorties"][2]], strict=True))
    assert row["payload_st"] == pytest.approx(row["payload_t"] * 2204.62262 / 2000, abs=1e-3)
    assert row["distance_nm"] == pytest.approx(row["distance_km"] / 1.852, abs=0.1)
    assert (tmp_path / "r" / "routes.kml").exists()
    again = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "r"), "--xlsx"])
    assert again.exit_code == 2  # never overwritten without --force
