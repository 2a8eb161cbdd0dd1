"""Closed airspace as geometry: land plus the territorial buffer, and the corners a route may bend at.

Buffers are metric: every 10-degree cell of land is buffered in its own azimuthal equidistant
projection (scale error under 0.3 % inside a cell), then the pieces are merged in lon/lat. Two
polygons are kept:

* the *airspace* (land + territorial width), which routes must not enter, cut back into cells so a
  router can drop the ones beyond its projection's horizon;
* the *clearance* polygon, a few km wider and simplified, whose convex corners are the only places
  a shortest route bends. The gap between the two absorbs simplification and the difference between
  a great circle and the WGS84 geodesic.

Countries whose polygons may touch are merged into one *group* (judged from the bounds of their land's
parts, widened by the farthest a polygon reaches beyond the land); no polygon of one group can touch
another group's. The airspace of a set of countries is the airspace of each group, built on its own and
put side by side, so a router may build only the groups a search can reach and get, for those, the very
geometry the whole set has.
"""

from __future__ import annotations

import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import shapely
import shapely.affinity
from pyproj import Proj

from sim.data import countries
from sim.geo.geodesy import SPHERE_RADIUS_KM, angles, unit_vectors

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
        bounds = _component_bounds(self)  # only a component whose box holds the point can cover it
        boxed = (bounds[:, 0] <= lon) & (bounds[:, 2] >= lon) & (bounds[:, 1] <= lat) & (bounds[:, 3] >= lat)
        for i in np.flatnonzero(boxed).tolist():
            if self.components[i].covers(point):
                return i
        return None

    @property
    def union(self) -> shapely.Geometry:
        """All the closed airspace as one geometry."""
        return shapely.union_all(self.components) if self.components else shapely.Polygon()


@lru_cache(maxsize=256)
def _component_bounds(airspace: ClosedAirspace) -> np.ndarray:
    """(n, 4) lon/lat bounds of the airspace's components."""
    return shapely.bounds(np.asarray(airspace.components, dtype=object)).reshape(-1, 4)


# Caches of the pure function below: each group's airspace (kept: it is what takes time to build) and
# the airspace of sets of several groups (put together in no time; the oldest dropped beyond _KNOWN_MAX).
_GROUPS: dict[tuple[frozenset[str], float], ClosedAirspace] = {}
_KNOWN: dict[tuple[frozenset[str], float], ClosedAirspace] = {}
_KNOWN_MAX = 256


def closed_airspace(codes: frozenset[str], territorial_nm: float) -> ClosedAirspace:
    """Geometry of the airspace of ``codes`` (already expanded country codes); built once per process: the
    airspace of each of their groups (see airspace_groups), side by side."""
    key = (frozenset(codes), float(territorial_nm))
    found = _GROUPS.get(key) or _KNOWN.get(key)
    if found is None:
        groups = airspace_groups(*key).groups
        missing = [group for group in groups if (group, key[1]) not in _GROUPS]
        if missing:  # every missing country's cells buffered at once, on every core
            _countries_airspace(sorted(frozenset().union(*missing)), key[1])
        for group in missing:
            remember_group(_build(group, key[1]))
        found = _side_by_side(key[0], key[1], [_GROUPS[(group, key[1])] for group in groups])
        if len(groups) != 1:
            if len(_KNOWN) >= _KNOWN_MAX:
                _KNOWN.pop(next(iter(_KNOWN)))
            _KNOWN[key] = found
    return found


def _side_by_side(codes: frozenset[str], territorial_nm: float, parts: list[ClosedAirspace]) -> ClosedAirspace:
    """One airspace of several groups' airspaces, which do not touch, in the order given."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return _build(codes, territorial_nm)
    offsets = np.cumsum([0] + [len(part.components) for part in parts])
    return ClosedAirspace(
        codes, territorial_nm, tuple(piece for part in parts for piece in part.pieces),
        np.concatenate([part.piece_component + offset for part, offset in zip(parts, offsets, strict=False)]),
        tuple(component for part in parts for component in part.components),
        *(np.concatenate([getattr(part, name) for part in parts]) for name in ("corners", "corner_prev", "corner_next")),
    )


@dataclass(frozen=True, eq=False)
class AirspaceGroups:
    """A set of countries split into groups whose airspace and clearance polygons cannot touch another
    group's, with points sampled over where each group's polygons can be."""

    groups: tuple[frozenset[str], ...]  # in the order their airspace is put side by side
    extents: tuple[np.ndarray, ...]  # per group, (k, 4) lon/lat boxes that hold all its polygons
    samples: tuple[np.ndarray, ...]  # per group, (n, 3) unit vectors; every point of its extent lies
    # within SAMPLE_SPACING_KM of one

    def sum_lower_bounds_km(self, origin: tuple[float, float], destination: tuple[float, float],
                            chosen: np.ndarray | None = None) -> np.ndarray:
        """Per group (of the indices ``chosen``, else every group), a lower bound of (distance from ``origin``
        + distance to ``destination``) over every point of its polygons, in km on the sphere of 6371 km
        (lon/lat taken as spherical coordinates). A group's bound is the same bits whatever groups are asked."""
        chosen = np.arange(len(self.groups)) if chosen is None else np.asarray(chosen, dtype=int)
        if not len(chosen):
            return np.empty(0)
        points, starts = self._all_samples
        ends = np.append(starts, len(points))
        rows = np.concatenate([np.arange(ends[i], ends[i + 1]) for i in chosen.tolist()])
        counts = ends[chosen + 1] - ends[chosen]
        sums = angles(points[rows], *origin) + angles(points[rows], *destination)
        return np.minimum.reduceat(sums, np.cumsum(counts) - counts) * SPHERE_RADIUS_KM - 2 * SAMPLE_SPACING_KM

    def cap_lower_bounds_km(self, origin: tuple[float, float], destination: tuple[float, float]) -> np.ndarray:
        """Per group, a cheaper lower bound than sum_lower_bounds_km's, and no greater: from spherical caps
        that hold the points sampled over each of the group's boxes (a point of a cap is no nearer an end
        than the cap's centre less its radius). A group it puts beyond a limit is beyond it."""
        if not self.groups:
            return np.empty(0)
        centres, radii, starts = self._caps
        sums = angles(centres, *origin) + angles(centres, *destination) - 2 * radii
        return np.minimum.reduceat(sums, starts) * SPHERE_RADIUS_KM - 2 * SAMPLE_SPACING_KM

    @cached_property
    def _caps(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A cap per box of each group (the box's samples, as _grid makes them): centres (unit vectors), angular
        radii widened by _CAP_MARGIN_RAD for the rounding of the angles, and where each group's caps begin."""
        centres, radii = [], []
        for boxes in self.extents:
            for box in boxes:
                points = unit_vectors(_grid(box[np.newaxis]))
                mean = points.sum(axis=0)
                norm = math.sqrt(float(np.sum(mean * mean)))
                centre = mean / norm if norm > 1e-6 else np.array([0.0, 0.0, 1.0])  # a band round the globe
                cosine = points[:, 0] * centre[0] + points[:, 1] * centre[1] + points[:, 2] * centre[2]
                centres.append(centre)
                radii.append(float(np.max(np.arccos(np.clip(cosine, -1.0, 1.0)))) + _CAP_MARGIN_RAD)
        return np.array(centres), np.array(radii), np.cumsum([0] + [len(boxes) for boxes in self.extents[:-1]])

    @cached_property
    def _all_samples(self) -> tuple[np.ndarray, np.ndarray]:
        """Every group's samples in one array, and where each group's begin."""
        return np.concatenate(self.samples), np.cumsum([0] + [len(points) for points in self.samples[:-1]])

    def in_box(self, west: float, south: float, east: float, north: float) -> np.ndarray:
        """Mask of the groups whose extent meets the lon/lat box."""
        return np.array([bool(np.any((boxes[:, 0] <= east) & (boxes[:, 2] >= west) & (boxes[:, 1] <= north)
                                     & (boxes[:, 3] >= south))) for boxes in self.extents], dtype=bool)

    def codes_of(self, chosen: np.ndarray) -> frozenset[str]:
        """The countries of the groups where ``chosen`` (a mask over groups) is True."""
        return frozenset().union(*(group for group, keep in zip(self.groups, chosen.tolist(), strict=True) if keep))


_CAP_MARGIN_RAD = 1e-6  # far more than an angle from arccos is off by (about 1e-8 rad at worst)
SAMPLE_DEG = 1.0  # grid of the points sampled over a group's bounds
SAMPLE_SPACING_KM = 80.0  # a point of a 1-degree grid cell lies within this of one of its corners


@lru_cache(maxsize=1024)
def airspace_groups(codes: frozenset[str], territorial_nm: float) -> AirspaceGroups:
    """The countries of ``codes`` in groups: two countries share a group when boxes around their land's
    outline, widened by the farthest a polygon reaches beyond the land (outline_reach_m), overlap, directly
    or through other countries of ``codes`` (two polygons that touch have outlines that close). Groups
    are ordered by their first code; each group's points are sampled over its land's parts' bounds,
    widened likewise."""
    codes = sorted(codes)  # type: ignore[assignment]
    boxes, owner = [], []
    for i, code in enumerate(codes):
        outline = _country_reach(code, territorial_nm)[0]
        boxes.append(outline)
        owner += [i] * len(outline)
    parent = list(range(len(codes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if owner:
        geometries = shapely.box(*np.concatenate(boxes).T)
        left, right = shapely.STRtree(geometries).query(geometries, predicate="intersects")
        owners = np.asarray(owner)
        a, b = owners[left], owners[right]
        for pair in np.unique(np.minimum(a, b)[a != b] * len(codes) + np.maximum(a, b)[a != b]).tolist():
            parent[root(pair // len(codes))] = root(pair % len(codes))
    members: dict[int, list[int]] = {}
    for i in range(len(codes)):
        members.setdefault(root(i), []).append(i)
    ordered = sorted(members.values())
    groups = tuple(frozenset(codes[i] for i in group) for group in ordered)  # type: ignore[index]
    reach = [[_country_reach(codes[i], territorial_nm) for i in group] for group in ordered]  # type: ignore[index]
    return AirspaceGroups(groups, tuple(np.concatenate([r[1] for r in rs]) for rs in reach),
                          tuple(np.concatenate([r[2] for r in rs]) for rs in reach))


@lru_cache(maxsize=1024)
def _country_reach(code: str, territorial_nm: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boxes around a country's land outline and around its parts, widened by outline_reach_m, and (as unit
    vectors) the points sampled over the latter."""
    extent = countries.land_extents()[code]
    reach_m = outline_reach_m(territorial_nm)
    outline = np.asarray(_reach_boxes(extent.outline, reach_m)).reshape(-1, 4)
    parts = np.asarray(_reach_boxes(extent.parts, reach_m)).reshape(-1, 4)
    return outline, parts, unit_vectors(_grid(parts))


def outline_reach_m(territorial_nm: float) -> float:
    """How far beyond its land a country's airspace or clearance polygon can reach (m): the clearance
    buffer, the two simplifications around it, and a tenth more for the local projections' scale error
    and the make_valid repairs, plus 10 km."""
    clearance_m = territorial_nm * NM_M + 2 * AIRSPACE_TOLERANCE_M + CLEARANCE_M + 3 * CLEARANCE_TOLERANCE_M
    return 1.1 * clearance_m + 10_000.0


def _reach_boxes(parts: np.ndarray, reach_m: float) -> list[tuple[float, float, float, float]]:
    """The (lon/lat) boxes ``parts`` (n, 4) widened by ``reach_m``; a box reaching across the antimeridian
    also appears, shifted by 360 degrees, on the other side (where a buffer's overhang is moved)."""
    boxes = []
    dlat = reach_m / 110_000.0  # a degree of latitude is at least 110.5 km
    for minx, miny, maxx, maxy in parts.tolist():
        south, north = max(miny - dlat, -90.0), min(maxy + dlat, 90.0)
        widest = max(abs(south), abs(north))
        dlon = 360.0 if widest >= 89.0 else dlat / math.cos(math.radians(widest))
        west, east = minx - dlon, maxx + dlon
        if east - west >= 360.0:
            boxes.append((-180.0, south, 180.0, north))
            continue
        boxes.append((max(west, -180.0), south, min(east, 180.0), north))
        if west < -180.0:
            boxes.append((west + 360.0, south, 180.0, north))
        if east > 180.0:
            boxes.append((-180.0, south, east - 360.0, north))
    return boxes


def _grid(boxes: np.ndarray) -> np.ndarray:
    """(n, 2) lon/lat points on each box, its edges included, at most SAMPLE_DEG apart in lon and lat: box by
    box, row by row of latitude, the points of ``np.meshgrid`` of two ``np.linspace``, to the bit."""
    if len(boxes) == 0:
        return np.zeros((0, 2))
    west, south, east, north = np.asarray(boxes, dtype=float).T
    columns = np.maximum(2, np.ceil((east - west) / SAMPLE_DEG).astype(int) + 1)
    rows = np.maximum(2, np.ceil((north - south) / SAMPLE_DEG).astype(int) + 1)
    counts = columns * rows
    box = np.repeat(np.arange(len(counts)), counts)
    k = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)  # index within its box
    column, row = k % columns[box], k // columns[box]
    return np.column_stack([_spaced(column, columns[box], west[box], east[box]),
                            _spaced(row, rows[box], south[box], north[box])])


def _spaced(i: np.ndarray, n: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Element-wise ``np.linspace(start, stop, n)[i]``, computed as numpy computes it (n >= 2)."""
    return np.where(i == n - 1, stop, i * ((stop - start) / (n - 1)) + start)


def remember_group(airspace: ClosedAirspace) -> ClosedAirspace:
    """Keep the airspace of one group (see airspace_groups) built elsewhere (read back from a cache) as the
    answer for its codes and width; the one already known wins, so every caller shares one object."""
    return _GROUPS.setdefault((frozenset(airspace.codes), float(airspace.territorial_nm)), airspace)


def groups_held() -> int:
    """How many groups' airspace this process holds (it only grows)."""
    return len(_GROUPS)


def is_built(codes: frozenset[str], territorial_nm: float) -> bool:
    """True when this process already holds the airspace of ``codes``."""
    key = (frozenset(codes), float(territorial_nm))
    return key in _GROUPS or key in _KNOWN


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
