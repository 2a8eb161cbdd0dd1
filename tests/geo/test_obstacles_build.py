"""Closed airspace built on several threads is the airspace built on one, to the last bit; the points sampled
over a group's boxes are those of numpy's meshgrid of linspaces, to the bit."""

from __future__ import annotations

import math

import numpy as np
import shapely
from hypothesis import given
from hypothesis import strategies as st

from sim.data import countries
from sim.geo import obstacles


def _fingerprint(space: obstacles.ClosedAirspace) -> tuple:
    return (
        [shapely.to_wkb(g) for g in space.pieces], [shapely.to_wkb(g) for g in space.components],
        space.piece_component.tolist(), *(np.asarray(a).tobytes() for a in (space.corners, space.corner_prev, space.corner_next)),
    )


def test_the_airspace_built_in_parallel_is_the_airspace_built_serially(monkeypatch):
    codes = frozenset({"NOR", "SWE", "FIN", "EST", "GRC"})
    built = {}
    for cores in (1, 2):
        monkeypatch.setattr(obstacles, "_cores", lambda cores=cores: cores)
        monkeypatch.setattr(obstacles, "_COUNTRY_AIRSPACE", {})
        built[cores] = _fingerprint(obstacles._build(codes, 12.0))
    assert built[1] == built[2]


def meshgrid_of_linspaces(boxes: np.ndarray) -> np.ndarray:
    points = [np.stack(np.meshgrid(np.linspace(w, e, max(2, math.ceil((e - w) / obstacles.SAMPLE_DEG) + 1)),
                                   np.linspace(s, n, max(2, math.ceil((n - s) / obstacles.SAMPLE_DEG) + 1))),
                       axis=-1).reshape(-1, 2) for w, s, e, n in boxes.tolist()]
    return np.concatenate(points) if points else np.zeros((0, 2))


def test_the_sample_grid_of_every_country_is_numpys_meshgrid_of_linspaces():
    reach_m = obstacles.outline_reach_m(12.0)
    for extent in countries.land_extents().values():
        boxes = np.asarray(obstacles._reach_boxes(extent.parts, reach_m)).reshape(-1, 4)
        assert np.array_equal(obstacles._grid(boxes), meshgrid_of_linspaces(boxes))


@given(st.lists(st.tuples(st.floats(-180, 180), st.floats(-90, 90), st.floats(0, 40), st.floats(0, 40)), max_size=6))
def test_the_sample_grid_of_any_boxes_is_numpys_meshgrid_of_linspaces(corners):
    boxes = np.array([(w, s, w + dx, s + dy) for w, s, dx, dy in corners], dtype=float).reshape(-1, 4)
    assert np.array_equal(obstacles._grid(boxes), meshgrid_of_linspaces(boxes))
