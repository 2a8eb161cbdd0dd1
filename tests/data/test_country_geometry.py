"""A country's land is built from the shipped GeoJSON by countries.geometry_of, a vectorised twin of
shapely's ``shape``: the two must give the same geometry to the bit, or every buffer, route and map drawn
from the land would move."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import shape

from sim.data import countries


def same(a: shapely.Geometry, b: shapely.Geometry) -> bool:
    return type(a) is type(b) and shapely.to_wkb(a) == shapely.to_wkb(b)


def test_every_shipped_feature_is_built_as_shape_builds_it():
    features = countries._document()["features"]
    assert len(features) > 200
    for feature in features:
        assert same(countries.geometry_of(feature["geometry"]), shape(feature["geometry"])), feature["iso3"]


def test_holes_open_rings_points_with_a_height_and_empty_collections_are_built_as_shape_builds_them():
    square = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
    hole = [[1, 1], [1, 2], [2, 2], [2, 1]]  # not closed: closed as shape closes it
    cases = [
        {"type": "Polygon", "coordinates": [square, hole]},
        {"type": "MultiPolygon", "coordinates": [[square], [[[5, 5], [6, 5], [6, 6], [5, 5]]], [square, hole]]},
        {"type": "Polygon", "coordinates": [[[0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 0, 1]]]},
        {"type": "MultiPolygon", "coordinates": []},
    ]
    for geometry in cases:
        assert same(countries.geometry_of(geometry), shape(geometry)), geometry


def plain_outline_boxes(rings):
    """The boxes of each ring and of its runs of OUTLINE_RUN edges, box by box."""
    def box(xy):
        return np.concatenate([xy.min(axis=0), xy.max(axis=0)])

    runs = [box(ring[i: i + countries.OUTLINE_RUN + 1])
            for ring in rings for i in range(0, max(len(ring) - 1, 1), countries.OUTLINE_RUN)]
    return np.asarray([box(ring) for ring in rings]), np.asarray(runs)


def test_outline_boxes_are_the_boxes_of_each_ring_and_run_of_every_shipped_feature():
    for feature in countries._document()["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        rings = [np.asarray(ring, dtype=float)[:, :2] for polygon in polygons for ring in polygon]
        for fast, plain in zip(countries.outline_boxes(rings), plain_outline_boxes(rings), strict=True):
            assert np.array_equal(fast, plain), feature["iso3"]


def test_outline_boxes_of_rings_one_point_to_three_runs_long():
    rng = np.random.default_rng(7)
    rings = [rng.uniform(-180, 180, (n, 2)) for n in (1, 2, 3, 31, 32, 33, 34, 64, 65, 66, 97, 5, 1)]
    for fast, plain in zip(countries.outline_boxes(rings), plain_outline_boxes(rings), strict=True):
        assert np.array_equal(fast, plain)
