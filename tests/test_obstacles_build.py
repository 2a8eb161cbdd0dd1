"""Closed airspace built on several threads is the airspace built on one, to the last bit."""

from __future__ import annotations

import numpy as np
import shapely

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
