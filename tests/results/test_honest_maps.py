"""Maps and GeoJSON of a replicated run give per-replication means and say so; every GeoJSON file holds
one geometry type (a GIS opens it as one layer)."""

from __future__ import annotations

import json

import pytest
from helpers import scenario

from sim.experiments.replications import replicate
from sim.experiments.runs import run
from sim.results import gis

STOCHASTIC = {"replications": 5, "mission_capable": 0.8, "break_per_sortie": 0.2, "repair_h": {"mean": 6, "cv": 0.5}}


@pytest.fixture(scope="module")
def replicated():
    return replicate(scenario(days=4, stochastic=STOCHASTIC), workers=1)


def legs_of(collection):
    return [f["properties"] for f in collection["features"] if f["properties"]["kind"] == "leg flown"]


def test_a_replicated_routes_collection_gives_legs_and_tons_per_replication(replicated):
    collection = gis.routes_collection(replicated.world, replicated.flown, 5)
    rows = legs_of(collection)
    assert collection["name"].endswith("(per replication, mean of 5)")
    total_legs = sum(p["legs_total"] for p in rows)
    assert total_legs == sum(v.legs for v in replicated.flown.pairs.values())
    for p in rows:
        assert p["counted"] == "per replication, mean of 5" and p["replications"] == 5
        assert p["legs"] == pytest.approx(p["legs_total"] / 5, abs=1e-3) == p["legs_per_replication"]
        assert p["tons"] == pytest.approx(p["tons_total"] / 5, abs=1e-3) == p["tons_per_replication"]
    flown_to_dest = sum(p["tons"] for p in rows if p["destination"] == "DEST")  # delivered, or in the air at the end
    s = replicated.summary
    assert s["delivered_t"] - 1e-6 <= flown_to_dest <= s["delivered_t"] + s["in_transit_t"] + 1e-6


def test_one_run_counts_its_own_legs():
    result = run(scenario(days=2))
    rows = legs_of(gis.routes_collection(result.world, result.sortie_rows))
    assert sum(p["legs"] for p in rows) == len(result.sortie_rows)
    assert all(p["counted"] == "one run" and "legs_total" not in p for p in rows)


def test_the_replicated_routes_map_says_per_replication(replicated):
    from sim.results.maps import routes_map

    fig = routes_map(replicated.world, sortie_rows=replicated.flown, replications=5)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts] + [ax.get_title() for ax in fig.axes]
    legend = [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    assert any("per replication (mean of 5)" in t for t in [*texts, *legend])
    total = sum(v.legs for v in replicated.flown.pairs.values())
    numbers = [float(t.replace(",", "")) for t in texts if t.replace(",", "").replace(".", "").isdigit()]
    assert numbers and max(numbers) <= total / 5 + 0.05


def test_every_geojson_file_holds_one_geometry_type(tmp_path):
    result = run(scenario(days=2, airspace={"closed": ["LBY"]}))
    result.save(tmp_path / "out", force=True)
    files = sorted((tmp_path / "out").glob("*.geojson"))
    assert [f.name for f in files] == ["routes.geojson", "routes_airfields.geojson", "routes_areas.geojson"]
    expected = {"routes.geojson": {"LineString"}, "routes_airfields.geojson": {"Point"},
                "routes_areas.geojson": {"MultiPolygon"}}
    for f in files:
        collection = json.loads(f.read_text())
        assert {feat["geometry"]["type"] for feat in collection["features"]} == expected[f.name], f.name


def test_layers_keep_every_feature_once_and_make_polygons_multi():
    collection = {"type": "FeatureCollection", "name": "x", "features": [
        {"type": "Feature", "properties": {"kind": "a"}, "geometry": {"type": "Point", "coordinates": [1, 2]}},
        {"type": "Feature", "properties": {"kind": "b"}, "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}},
        {"type": "Feature", "properties": {"kind": "c"}, "geometry": {
            "type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}},
        {"type": "Feature", "properties": {"kind": "d"}, "geometry": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 0]]]},
            {"type": "LineString", "coordinates": [[0, 0], [5, 5]]}]}},
    ]}
    parts = gis.layers(collection)
    assert [f["properties"]["kind"] for f in parts["points"]["features"]] == ["a"]
    assert [f["properties"]["kind"] for f in parts["lines"]["features"]] == ["b"]
    areas = parts["areas"]["features"]
    assert [f["geometry"] for f in areas] == [
        {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]]]},
        {"type": "MultiPolygon", "coordinates": [[[[0, 0], [2, 0], [2, 2], [0, 0]]]]}]


def test_reach_geojson_is_written_as_one_file_per_geometry_type(tmp_path):
    from sim.data import catalog
    from sim.flight.reach import reach
    from sim.geo.airspace import make_policy

    destinations = [catalog.airfield(i) for i in ("HLLB", "OSLK", "UMLI")]
    result = reach(catalog.aircraft_catalog()["Il-76MD"], catalog.airfield("UUMU"), 40.0, make_policy(closed=["UKR"]),
                   destinations)
    written = gis.save_collection(tmp_path / "r.geojson", gis.reach_collection(result))
    assert [p.name for p in written] == ["r.geojson", "r_airfields.geojson", "r_areas.geojson"]
    kinds = {p.name: {f["geometry"]["type"] for f in json.loads(p.read_text())["features"]} for p in written}
    assert kinds == {"r.geojson": {"LineString"}, "r_airfields.geojson": {"Point"}, "r_areas.geojson": {"MultiPolygon"}}
    with pytest.raises(Exception, match="already exists"):
        gis.save_collection(tmp_path / "r.geojson", gis.reach_collection(result))
