"""Closed airspace as geometry: land plus the territorial buffer, and the corners a route may bend at.

Buffers are metric: every 10-degree cell of land is buffered in its own azimuthal equidistant
projection (scale error under 0.3 % inside a cell), then the pieces are merged in lon/lat. Two
polygons are kept:

* the *airspace* (land + territorial width), which routes must not enter, cut back into cells so a
  router can drop the ones beyond its projection's horizon;
* the *clearance* polygon, a few km wider and simplified, whose convex corners are the only places
  a shortest route bends. The gap between the two absorbs simplification and the difference between
  a great circle and the WGS84 geodesic.
"""

from __future__ import annotations

import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import shapely
import shapely.affinity
from pyproj import Proj

from sim.data import countries

NM_M = 1852.0
CELL_DEG = 10.0
AIRSPACE_TOLERANCE_M = 500.0  # airspace outline simplification
CLEARANCE_M = 6000.0  # corners sit at least this far outside the airspace
CLEARANCE_TOLERANCE_M = 4000.0  # corner outline simplification: fewer corners, routes a few km longer


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: built once per code set
class ClosedAirspace:
    """Closed airspace for one set of country codes, in lon/lat degrees."""

    codes: frozenset[str]
    territorial_nm: float
    pieces: tuple[shapely.Geometry, ...]  # airspace cut into cells
    piece_component: np.ndarray  # component index of each piece
    components: tuple[shapely.Geometry, ...]  # connected polygons of the airspace
    corners: np.ndarray  # (n, 2) lon/lat of the convex corners of the clearance polygon
    corner_prev: np.ndarray  # (n, 2) the ring neighbour before each corner
    corner_next: np.ndarray  # (n, 2) the ring neighbour after each corner

    @property
    def empty(self) -> bool:
        return not self.components

    def component_at(self, lon: float, lat: float) -> int | None:
        """Index of the component holding the point, if the point is in closed airspace."""
        point = shapely.Point(lon, lat)
        for i, component in enumerate(self.components):
            if component.covers(point):
                return i
        return None

    @property
    def union(self) -> shapely.Geometry:
        """All the closed airspace as one geometry."""
        return shapely.union_all(self.components) if self.components else shapely.Polygon()


_KNOWN: dict[tuple[frozenset[str], float], ClosedAirspace] = {}  # a cache of the pure function below
_KNOWN_MAX = 256


def closed_airspace(codes: frozenset[str], territorial_nm: float) -> ClosedAirspace:
    """Geometry of the airspace of ``codes`` (already expanded country codes); built once per process."""
    key = (frozenset(codes), float(territorial_nm))
    found = _KNOWN.get(key)
    if found is None:
        found = _build(*key)
        remember(found)
    return found


def remember(airspace: ClosedAirspace) -> ClosedAirspace:
    """Keep an airspace built elsewhere (read back from a cache) as the answer for its codes and width;
    the one already known wins, so every caller shares one object."""
    key = (frozenset(airspace.codes), float(airspace.territorial_nm))
    if key not in _KNOWN:
        if len(_KNOWN) >= _KNOWN_MAX:
            _KNOWN.pop(next(iter(_KNOWN)))
        _KNOWN[key] = airspace
    return _KNOWN[key]


def is_built(codes: frozenset[str], territorial_nm: float) -> bool:
    """True when this process already holds the airspace of ``codes``."""
    return (frozenset(codes), float(territorial_nm)) in _KNOWN


def _build(codes: frozenset[str], territorial_nm: float) -> ClosedAirspace:
    if not codes:
        empty = np.zeros((0, 2))
        return ClosedAirspace(codes, territorial_nm, (), np.zeros(0, int), (), empty, empty, empty)
    airspace_parts, clearance_parts = zip(*_countries_airspace(sorted(codes), territorial_nm), strict=True)
    airspace, clearance = _parallel_map(shapely.union_all, [airspace_parts, clearance_parts])
    components = tuple(shapely.get_parts(airspace))
    pieces, owner = [], []
    for i, cells in enumerate(_parallel_map(lambda component: list(_cells(component)), components)):
        for _, piece in cells:
            pieces.append(piece)
            owner.append(i)
    corners, before, after = _convex_corners(clearance)
    return ClosedAirspace(codes, territorial_nm, tuple(pieces), np.asarray(owner, int), components, corners, before, after)


_COUNTRY_AIRSPACE: dict[tuple[str, float], tuple[shapely.Geometry, shapely.Geometry]] = {}  # a cache of the below


def _countries_airspace(codes: list[str], territorial_nm: float) -> list[tuple[shapely.Geometry, shapely.Geometry]]:
    """(airspace, clearance polygon) of each country, lon/lat; the cells of the countries not built yet
    are buffered in parallel."""
    missing = [c for c in codes if (c, territorial_nm) not in _COUNTRY_AIRSPACE]
    if missing:
        table = countries.countries()
        cells = _parallel_map(lambda code: list(_cells(table[code].land)), missing)
        width_m = territorial_nm * NM_M
        outlines = ((width_m + AIRSPACE_TOLERANCE_M, AIRSPACE_TOLERANCE_M),
                    (width_m + 2 * AIRSPACE_TOLERANCE_M + CLEARANCE_M + CLEARANCE_TOLERANCE_M, CLEARANCE_TOLERANCE_M))
        tasks = [(piece, centre, distance_m, tolerance_m)
                 for country in cells for centre, piece in country for distance_m, tolerance_m in outlines]
        buffered = iter(_parallel_map(lambda task: _buffered(*task), tasks))
        parts = [list(zip(*[(next(buffered), next(buffered)) for _ in country], strict=True)) or [(), ()]
                 for country in cells]
        unions = iter(_parallel_map(shapely.union_all, [outline for country in parts for outline in country]))
        for code in missing:
            _COUNTRY_AIRSPACE[(code, territorial_nm)] = (next(unions), next(unions))
    return [_COUNTRY_AIRSPACE[(c, territorial_nm)] for c in codes]


def _parallel_map(function, items) -> list:
    """``[function(item) for item in items]``, on a thread per core: GEOS releases the GIL, so buffers
    and unions of separate geometries run at the same time."""
    items = list(items)
    workers = min(len(items), _cores())
    if workers <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(function, items))


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _cells(geom: shapely.Geometry):
    """(cell centre lon/lat, part of geom in that cell) for every 10-degree cell geom touches."""
    minx, miny, maxx, maxy = geom.bounds
    x0 = math.floor(minx / CELL_DEG) * CELL_DEG
    y0 = math.floor(miny / CELL_DEG) * CELL_DEG
    shapely.prepare(geom)
    for x in np.arange(x0, maxx, CELL_DEG):
        for y in np.arange(y0, maxy, CELL_DEG):
            box = shapely.box(x, y, x + CELL_DEG, y + CELL_DEG)
            if not shapely.intersects(geom, box):
                continue
            part = shapely.intersection(geom, box)
            polygons = [p for p in shapely.get_parts(part) if p.geom_type == "Polygon" and not p.is_empty]
            if polygons:
                yield (x + CELL_DEG / 2, y + CELL_DEG / 2), shapely.MultiPolygon(polygons)


_PER_THREAD = threading.local()  # projections are not shared between threads


def _aeqd(lon: float, lat: float) -> Proj:
    known = _PER_THREAD.__dict__.setdefault("aeqd", {})
    if (lon, lat) not in known:
        known[(lon, lat)] = Proj(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=m")
    return known[(lon, lat)]


def _buffered(geom: shapely.Geometry, centre: tuple[float, float], distance_m: float, tolerance_m: float) -> shapely.Geometry:
    proj = _aeqd(*centre)
    projected = shapely.transform(geom, lambda xy: np.column_stack(proj(xy[:, 0], xy[:, 1])))
    # Simplifying the land first (and growing the buffer by as much) keeps the buffer cheap.
    grown = shapely.buffer(projected.simplify(tolerance_m), distance_m + tolerance_m, quad_segs=4).simplify(tolerance_m)
    lon0 = centre[0]

    def inverse(xy: np.ndarray) -> np.ndarray:
        lon, lat = proj(xy[:, 0], xy[:, 1], inverse=True)
        return np.column_stack([lon0 + (np.asarray(lon) - lon0 + 180.0) % 360.0 - 180.0, lat])  # no wrap at 180

    back = shapely.make_valid(shapely.transform(grown, inverse))
    # A buffer reaching across the antimeridian is cut there and its overhang moved to the other side.
    pieces = [shapely.intersection(back, shapely.box(-180, -90, 180, 90))]
    for shift in (-360.0, 360.0):
        over = shapely.intersection(back, shapely.box(-180 - shift, -90, 180 - shift, 90))
        if not over.is_empty:
            pieces.append(shapely.affinity.translate(over, xoff=shift))
    return shapely.union_all(pieces)


def _convex_corners(geom: shapely.Geometry) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Corners where the polygon's interior angle is under 180 degrees, with their ring neighbours.

    Only these can lie on a shortest path around the polygon; reflex corners never do.
    """
    corners, before, after = [], [], []
    for polygon in shapely.get_parts(geom):
        if polygon.geom_type != "Polygon":
            continue
        polygon = shapely.geometry.polygon.orient(polygon, sign=1.0)  # interior on the left of every ring
        for ring in [polygon.exterior, *polygon.interiors]:
            xy = np.asarray(ring.coords)[:-1]
            if len(xy) < 3:
                continue
            prev_xy, next_xy = np.roll(xy, 1, axis=0), np.roll(xy, -1, axis=0)
            a, b = xy - prev_xy, next_xy - xy
            turn = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
            keep = turn > 0  # a left turn with the interior on the left: convex
            corners.append(xy[keep])
            before.append(prev_xy[keep])
            after.append(next_xy[keep])
    if not corners:
        empty = np.zeros((0, 2))
        return empty, empty, empty
    return np.concatenate(corners), np.concatenate(before), np.concatenate(after)
