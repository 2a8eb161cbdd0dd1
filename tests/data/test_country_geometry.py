"""A country's land is built from the shipped GeoJSON by countries.geometry_of, a vectorised twin of
shapely's ``shape``: the two must give the same geometry to the bit, or every buffer, route and map drawn
from the land would move."""

from __future__ import annotations

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
