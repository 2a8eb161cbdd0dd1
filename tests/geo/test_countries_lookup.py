"""Which countries a line crosses or a point lies in, found without building every country's land, is what
an STRtree of every country's land answers, in the same order."""

from __future__ import annotations

import numpy as np
import shapely

from sim.data import countries
from sim.geo.routing import densified_line


def _land_tree_answer(geom: shapely.Geometry) -> list[str]:
    table = countries.countries()
    codes = list(table)
    tree = shapely.STRtree([table[c].land for c in codes])
    return [codes[i] for i in tree.query(geom, predicate="intersects").tolist()]


def test_the_bounds_tree_is_the_land_trees_shape():
    table = countries.countries()
    _, codes = countries._bounds_index()
    assert codes == list(table)
    assert all(tuple(table[c].land.bounds) == tuple(table[c].bounds) for c in codes)


def test_the_countries_met_are_those_the_land_tree_finds_in_its_order():
    rng = np.random.default_rng(7)
    ends = rng.uniform([-180, -60], [180, 80], size=(60, 2, 2))
    lines = [densified_line([tuple(a), tuple(b)], 200.0) for a, b in ends]
    lines.append(densified_line([(37.97, 55.88), (35.95, 35.4), (20.2, 32.1)]))  # Russia, Syria, Libya
    points = [shapely.Point(p) for p in rng.uniform([-180, -60], [180, 80], size=(200, 2))]
    points += [shapely.Point(37.97, 55.88), shapely.Point(20.2, 32.1), shapely.Point(-73.8, 40.6)]
    for geom in lines + points:
        assert countries._meeting(geom) == _land_tree_answer(geom)
    assert countries.country_at(37.97, 55.88) == "RUS"
    assert countries.countries_along(lines[-1])[:1] == ["RUS"] and "SYR" in countries.countries_along(lines[-1])


def test_a_country_of_one_feature_is_stored_merged_and_its_land_is_that_polygon():
    """scripts/build_countries.py stores such land merged (the union a run would make), so no run merges it."""
    table = countries.countries()
    for code, country in table.items():
        merged = [bool(f.get("merged")) for f in country._features]
        assert merged == [len(country._features) == 1] * len(country._features), code
    for code in ("TUR", "DEU", "GRC", "NOR", "RUS"):
        land = table[code].land
        assert land is table[code].parts[0] and land.is_valid
        # Merged: no two of its polygons overlap, so their areas add up to the area of their union.
        assert abs(shapely.union_all([land]).area - land.area) < 1e-9 * land.area
    several = table["FRA"]
    assert len(several.parts) == 2
    assert shapely.to_wkb(several.land) == shapely.to_wkb(shapely.union_all(list(several.parts)))
