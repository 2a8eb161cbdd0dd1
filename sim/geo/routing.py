"""Shortest legal routes around closed airspace, on the WGS84 ellipsoid.

Method: a visibility graph searched lazily with A*.

* The graph's nodes are the two endpoints and the convex corners of the clearance polygon around the
  closed airspace (sim.geo.obstacles). A shortest path bends only at such corners, and only at corners the
  segment touches tangentially, which prunes most candidate edges before any geometry test.
* Visibility is tested in a gnomonic projection centred on the route's midpoint, where great circles
  are straight lines; the clearance gap covers the small difference between a great circle and the
  WGS84 geodesic. Edge lengths are WGS84 geodesics (pyproj.Geod).
* Only corners inside an ellipse (distance from origin + to destination <= L) are used; a route no
  longer than L is then the true shortest. L grows until a route is found or reaches MAX_ROUTE_KM.
* Only the closed airspace that may reach into the ellipse is built (the groups of countries of
  sim.geo.obstacles whose polygons may lie inside it): the corners inside the ellipse and the airspace
  that can block a segment between two of them are then those of the whole closed airspace, so each
  bound's search is the search the whole airspace gives.

An endpoint inside closed airspace (a departure from a closed country, or an airfield within a closed
neighbour's territorial buffer) may cross the airspace component it stands in: the route leaves or
enters it by the shortest way.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
import shapely.ops
from pyproj import Proj

from sim.data import countries
from sim.geo import geodesy as geo
from sim.geo.obstacles import CLEARANCE_M, CLEARANCE_TOLERANCE_M, ClosedAirspace, airspace_groups, closed_airspace, is_built

MAX_ROUTE_KM = 15_000.0  # beyond this the projection's hemisphere no longer holds the search ellipse
CENTRE_GRID_DEG = 5.0
HORIZON_DEG = 88.0  # airspace pieces reaching beyond this angle from the projection centre are dropped
DENSIFY_KM = 20.0
SPHERE_MARGIN = 0.02  # a great circle on the sphere is within 1 % of the WGS84 geodesic; twice that for safety


@dataclass(frozen=True)
class Route:
    """A legal route, or the reason there is none (``length_km`` None)."""

    waypoints: tuple[tuple[float, float], ...]  # (lon, lat) from origin to destination
    length_km: float | None
    great_circle_km: float
    notes: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # countries whose land the route crosses, in order

    @property
    def legal(self) -> bool:
        return self.length_km is not None

    def line(self, spacing_km: float = DENSIFY_KM) -> shapely.LineString:
        """The route as lon/lat points along each geodesic segment, at most ``spacing_km`` apart."""
        return densified_line(self.waypoints, spacing_km)

    def drawn_steps(self) -> tuple[tuple[tuple[float, float], ...], tuple[float, ...]]:
        """The points of ``line()`` and the WGS84 length (km) of each step between them."""
        return _drawn_steps(tuple(tuple(map(float, point)) for point in self.waypoints))


def densified_line(waypoints, spacing_km: float = DENSIFY_KM) -> shapely.LineString:
    """Lon/lat LineString following the geodesics between waypoints."""
    return _densified_line(tuple(tuple(map(float, point)) for point in waypoints), float(spacing_km))


@lru_cache(maxsize=4096)
def _densified_line(waypoints: tuple[tuple[float, float], ...], spacing_km: float) -> shapely.LineString:
    geod = geo.wgs84()
    ends = np.asarray(waypoints, dtype=float)
    _, _, metres = geod.inv(ends[:-1, 0], ends[:-1, 1], ends[1:, 0], ends[1:, 1])
    points = [waypoints[0]]
    for (lon1, lat1), (lon2, lat2), length_m in zip(waypoints, waypoints[1:], np.atleast_1d(metres).tolist(), strict=False):
        n = int(math.ceil(length_m / 1000.0 / spacing_km)) - 1
        if n > 0:
            points.extend(geod.npts(lon1, lat1, lon2, lat2, n))
        points.append((lon2, lat2))
    return shapely.linestrings(np.asarray(points if len(points) > 1 else points * 2, dtype=float))


@lru_cache(maxsize=1024)
def _drawn_steps(waypoints: tuple[tuple[float, float], ...]) -> tuple[tuple[tuple[float, float], ...], tuple[float, ...]]:
    coords = tuple(_densified_line(waypoints, DENSIFY_KM).coords)
    lons, lats = zip(*coords, strict=True)
    _, _, metres = geo.wgs84().inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
    return coords, tuple(m / 1000.0 for m in metres)


# Called with the groups of countries (sim.geo.obstacles) whose airspace a search is about to build, and
# their territorial width: the caller's chance to put in the airspace it keeps elsewhere (remember_group).
ReadGroups = Callable[[list[frozenset[str]], float], None]


def shortest_route(
    origin: tuple[float, float], destination: tuple[float, float], codes: frozenset[str], territorial_nm: float,
    max_km: float = MAX_ROUTE_KM, read_groups: ReadGroups | None = None,
) -> Route:
    """Shortest route between two (lon, lat) points that stays out of the airspace of ``codes``, if one
    exists no longer than ``max_km`` (a smaller bound makes hopeless searches cheap). ``read_groups`` is
    called before the search builds the airspace of groups this process lacks (sim.geo.airspace reads them
    from the on-disk cache then); which groups are built never changes the route."""
    return _shortest_route(tuple(map(float, origin)), tuple(map(float, destination)), frozenset(codes),
                           float(territorial_nm), float(min(max_km, MAX_ROUTE_KM)), read_groups)


@lru_cache(maxsize=4096)
def _shortest_route(origin, destination, codes: frozenset[str], territorial_nm: float, max_km: float,
                    read_groups: ReadGroups | None = None) -> Route:
    geod = geo.wgs84()
    _, _, metres = geod.inv(*origin, *destination)
    gc_km = metres / 1000.0
    limit = min(max(1.25 * gc_km, gc_km + 500.0), max_km)
    reachable = _ReachableAirspace(origin, destination, codes, territorial_nm, read_groups)
    airspace = reachable.within(max(limit, gc_km))  # holds the components the endpoints may stand in
    notes = []
    exempt: dict[str, _EscapeKey] = {}
    for end, point in (("origin", origin), ("destination", destination)):
        component = airspace.component_at(*point)
        if component is not None:
            exempt[end] = (airspace, component, point)
            holders = ",".join(sorted(_countries_holding(point, codes, territorial_nm)))
            verb = "leaves" if end == "origin" else "enters"
            notes.append(f"{end} inside closed airspace ({holders}): the route {verb} it by the shortest way")
    if not codes or gc_km < 1e-6:
        return Route((origin, destination), gc_km, gc_km, tuple(notes))
    reason = f"no route around the closed airspace within {max_km:,.0f} km"
    if gc_km > max_km:
        return Route((), None, gc_km, (*notes, reason))
    search = None
    while True:
        limit = min(limit, max_km)
        airspace = reachable.within(limit)
        if search is None or search.airspace is not airspace:
            search = _Search(origin, destination, gc_km, airspace, exempt)
        found = search.run(limit)
        if found is not None and found[0] <= limit + 1e-6:
            length, waypoints = found
            return Route(tuple(waypoints), length, gc_km, tuple(notes))
        if limit >= max_km:
            return Route((), None, gc_km, (*notes, reason))
        limit *= 1.6


class _ReachableAirspace:
    """The closed airspace of ``codes`` that a search bounded by an ellipse around two points can meet."""

    def __init__(self, origin, destination, codes: frozenset[str], territorial_nm: float,
                 read_groups: ReadGroups | None = None):
        self.groups = airspace_groups(codes, territorial_nm)
        self.territorial_nm = territorial_nm
        self.read_groups = read_groups
        self.origin, self.destination = origin, destination
        # Each group's lower bound of the distance sum (km), worked out only for a group not built when asked
        # (a built group joins in whatever its bound) whose cheaper bound (its cap's) does not already put it
        # beyond the limit; NaN until then.
        self.cap_km = self.groups.cap_lower_bounds_km(origin, destination)
        self.nearest_km = np.full(len(self.groups.groups), np.nan)

    def within(self, limit_km: float) -> ClosedAirspace:
        """The airspace of the groups that may reach into the ellipse of ``limit_km``: every node a search
        of that bound keeps lies inside the ellipse of limit_km * (1 + SPHERE_MARGIN) + 1 on the sphere,
        and so does every segment between two of them (the ellipse is convex), which is all a search
        tests against the airspace. Groups already built join in: more airspace beyond the ellipse changes
        nothing, and routes that share one airspace share its projections and visibility answers."""
        reach_km = limit_km * (1 + SPHERE_MARGIN) + 1.0
        built = np.array([is_built(group, self.territorial_nm) for group in self.groups.groups], dtype=bool)
        maybe = ~built & (self.cap_km <= reach_km)
        todo = np.flatnonzero(maybe & np.isnan(self.nearest_km))
        if len(todo):
            self.nearest_km[todo] = self.groups.sum_lower_bounds_km(self.origin, self.destination, todo)
        needed = maybe & (self.nearest_km <= reach_km)
        if self.read_groups is not None and needed.any():
            self.read_groups([self.groups.groups[i] for i in np.flatnonzero(needed).tolist()], self.territorial_nm)
        return closed_airspace(self.groups.codes_of(needed | built), self.territorial_nm)


@lru_cache(maxsize=256)
def _countries_holding(point: tuple[float, float], codes: frozenset[str], territorial_nm: float) -> frozenset[str]:
    """The closed countries whose own airspace holds the point."""
    near = countries.near(point, codes, margin_deg=territorial_nm * 1852.0 / 111_000.0 + 0.5)
    return frozenset(c for c in near if closed_airspace(frozenset({c}), territorial_nm).component_at(*point) is not None)


class _Search:
    """One origin-destination pair: projection, candidate corners and the A* search."""

    def __init__(self, origin, destination, gc_km, airspace: ClosedAirspace, exempt: dict[str, _EscapeKey]):
        geod = geo.wgs84()
        mid_lon, mid_lat = geod.npts(*origin, *destination, 1)[0] if gc_km > 1 else origin  # type: ignore[call-arg]
        # The centre snaps to a 5-degree grid so that nearby routes share one projected airspace.
        self.centre = (round(mid_lon / CENTRE_GRID_DEG) * CENTRE_GRID_DEG, round(mid_lat / CENTRE_GRID_DEG) * CENTRE_GRID_DEG)
        self.proj = _gnomonic(*self.centre)
        self.origin, self.destination, self.gc_km = origin, destination, gc_km
        self.airspace = airspace
        # Distances of the corners to both endpoints (km): the ellipse filter and the A* heuristic. Worked
        # out exactly (WGS84) only for the corners a search bound may keep, as the bound grows.
        self.corner_distances = _CornerDistances(airspace, origin, destination)
        # An edge leaving the origin (entering the destination) may cross closed airspace inside the
        # endpoint's escape disc: it is tested against the airspace with that disc cut out.
        # Both are shared by the searches from or to the same point in the same component (an airfield's
        # escape, for every aircraft diverting to it), with the answers each tree has given.
        self.exits = [_escape_of(*key)[1] for key in exempt.values()]
        self.tree = _projected_airspace(airspace, *self.centre)
        self.trees = {}
        for from_origin in (False, True):
            for to_destination in (False, True):
                ends = (("origin", from_origin), ("destination", to_destination))
                keys = tuple(exempt[k] for k, use in ends if use and k in exempt)
                if keys:
                    self.trees[(from_origin, to_destination)] = _obstacles_without(airspace, *self.centre, keys)

    def _xy(self, lonlat: np.ndarray) -> np.ndarray:
        x, y = self.proj(lonlat[:, 0], lonlat[:, 1])
        return np.column_stack([x, y])

    def run(self, limit_km: float):
        """Shortest path using corners within the ellipse of ``limit_km``; (km, waypoints) or None."""
        keep, _, corner_to_dest_km = self.corner_distances.within(limit_km)
        free = np.vstack([[self.origin, self.destination], *[[p] for p in self.exits]])  # no tangency needed
        lonlat = np.vstack([free, self.airspace.corners[keep]])
        corners = _projected_corners(self.airspace, *self.centre)
        free_xy = self._xy(free)
        xy = np.vstack([free_xy, corners.xy[keep]])
        prev_xy = np.vstack([free_xy, corners.prev_xy[keep]])
        next_xy = np.vstack([free_xy, corners.next_xy[keep]])
        _, _, to_dest = geo.wgs84().inv(free[:, 0], free[:, 1], np.full(len(free), self.destination[0]),
                                        np.full(len(free), self.destination[1]))
        h = np.concatenate([np.asarray(to_dest) / 1000.0, corner_to_dest_km])  # km still to fly, at least
        is_corner = np.arange(len(xy)) >= len(free)
        self.node_keys = {id(tree): np.concatenate([tree.node_ids(free), keep])
                          for tree in (self.tree, *self.trees.values())}
        return self._astar(lonlat, xy, prev_xy, next_xy, h, is_corner)

    def _astar(self, lonlat, xy, prev_xy, next_xy, h, is_corner):
        n = len(xy)
        best = np.full(n, np.inf)
        parent = np.full(n, -1)
        done = np.zeros(n, bool)
        best[0] = 0.0
        heap = [(h[0], 0)]
        geod = geo.wgs84()
        to_prev, to_next = prev_xy - xy, next_xy - xy  # a corner's ring neighbours, seen from it
        is_free = ~is_corner
        while heap:
            _, u = heapq.heappop(heap)
            if done[u]:
                continue
            done[u] = True
            if u == 1:
                break
            d = xy - xy[u]
            ok = ~done & (is_free | _same_side(d, to_prev, to_next))
            if is_corner[u]:
                ok &= _same_side(d, to_prev[u], to_next[u])
            candidates = np.flatnonzero(ok)
            if not len(candidates):
                continue
            _, _, metres = geod.inv(
                np.full(len(candidates), lonlat[u, 0]), np.full(len(candidates), lonlat[u, 1]),
                lonlat[candidates, 0], lonlat[candidates, 1],
            )
            cost = best[u] + np.asarray(metres) / 1000.0
            # Only an edge that shortens the way to its end needs the (costly) visibility test.
            better = np.flatnonzero(cost < best[candidates])
            if not len(better):
                continue
            better = better[self._visible(u, xy, candidates[better])]
            for v, c in zip(candidates[better], cost[better], strict=True):
                best[v] = c
                parent[v] = u
                heapq.heappush(heap, (c + h[v], int(v)))
        if not np.isfinite(best[1]):
            return None
        path = [1]
        while path[-1] != 0:
            path.append(int(parent[path[-1]]))
        return float(best[1]), [tuple(lonlat[i]) for i in reversed(path)]

    def _visible(self, u: int, xy: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """Mask of candidates the straight segment from u reaches without entering closed airspace."""
        visible = np.zeros(len(candidates), bool)
        to_destination = candidates == 1
        for reaches_destination in (False, True):
            subset = np.flatnonzero(to_destination == reaches_destination)
            if not len(subset):
                continue
            tree = self.trees.get((u == 0, reaches_destination), self.tree)
            ids = self.node_keys[id(tree)]
            visible[subset] = tree.clear(ids[u], xy[u], ids[candidates[subset]], xy[candidates[subset]])
        return visible


class _Obstacles:
    """Projected closed airspace in a spatial index, with the answers it has given: which straight
    segments between two nodes are clear of it. A node is a corner of the airspace (its index in
    ClosedAirspace.corners) or another point (an id from ``node_ids``); the answer depends only on the
    two nodes, so routes that share a projection share the answers."""

    def __init__(self, projected: np.ndarray, corners: int):
        self.tree = shapely.STRtree(projected)
        self.geometries = self.tree.geometries
        self.others: dict[tuple[float, float], int] = {}  # lon/lat of the nodes that are not corners -> id
        self.corners = corners
        self.answers: dict[int, bool] = {}  # start id * _ID_SPAN + end id -> the segment is clear

    def node_ids(self, lonlat: np.ndarray) -> np.ndarray:
        """Ids of points that are not corners (origins, destinations, exits), lon/lat."""
        ids = [self.others.setdefault((float(lon), float(lat)), self.corners + len(self.others)) for lon, lat in lonlat]
        return np.asarray(ids, dtype=np.int64)

    def clear(self, start_id: int, start_xy: np.ndarray, end_ids: np.ndarray, ends_xy: np.ndarray) -> np.ndarray:
        """Mask of the ends the straight segment from the start reaches without entering the airspace."""
        keys = (int(start_id) * _ID_SPAN + end_ids).tolist()
        known = [self.answers.get(k) for k in keys]
        todo = [i for i, answer in enumerate(known) if answer is None]
        if todo:
            segments = np.stack([np.broadcast_to(start_xy, (len(todo), 2)), ends_xy[todo]], axis=1)
            lines = shapely.linestrings(segments)
            # Boxes first, then the exact test against the prepared airspace pieces (much faster than
            # letting the tree test each unprepared piece).
            line_idx, piece_idx = self.tree.query(lines)
            hit = shapely.intersects(self.geometries[piece_idx], lines[line_idx])
            blocked = np.zeros(len(todo), bool)
            blocked[line_idx[hit]] = True
            for i, is_blocked in zip(todo, blocked.tolist(), strict=True):
                known[i] = self.answers[keys[i]] = not is_blocked
        return np.asarray(known, dtype=bool)


_ID_SPAN = 1 << 31


@lru_cache(maxsize=256)
def _gnomonic(lon: float, lat: float) -> Proj:
    return Proj(f"+proj=gnom +lat_0={lat} +lon_0={lon} +R=6371000")


@lru_cache(maxsize=256)
def _projected_airspace(airspace: ClosedAirspace, lon: float, lat: float) -> _Obstacles:
    return _Obstacles(_projected_pieces(airspace, lon, lat).projected, len(airspace.corners))


@dataclass(frozen=True)
class _Corners:
    """An airspace's corners and their ring neighbours in one projection (each point projected on its own, so
    the same bits as projecting only some of them)."""

    xy: np.ndarray
    prev_xy: np.ndarray
    next_xy: np.ndarray


@lru_cache(maxsize=256)
def _projected_corners(airspace: ClosedAirspace, lon: float, lat: float) -> _Corners:
    proj = _gnomonic(lon, lat)
    return _Corners(*(np.column_stack(proj(lonlat[:, 0], lonlat[:, 1]))
                      for lonlat in (airspace.corners, airspace.corner_prev, airspace.corner_next)))


@dataclass(frozen=True)
class _Pieces:
    """An airspace's pieces ready for projecting: lon/lat, segmentized, and their vertices."""

    lonlat: np.ndarray  # the non-empty pieces (shapely geometries)
    segmentized: np.ndarray  # the same with no edge longer than 0.25 degrees, the shapes that are projected
    vertices: np.ndarray  # (n, 2) lon/lat of the vertices of the lon/lat pieces
    owner: np.ndarray  # the piece of each vertex


@lru_cache(maxsize=64)
def _pieces(airspace: ClosedAirspace) -> _Pieces:
    return _prepare_pieces(np.asarray(airspace.pieces, dtype=object))


def _prepare_pieces(pieces: np.ndarray) -> _Pieces:
    pieces = pieces[~shapely.is_empty(pieces)] if len(pieces) else pieces
    vertices, owner = shapely.get_coordinates(pieces, return_index=True)
    return _Pieces(pieces, shapely.segmentize(pieces, 0.25), vertices, owner)


@dataclass(frozen=True)
class _Projected:
    projected: np.ndarray  # the pieces within the horizon, projected and prepared
    source: np.ndarray  # index of each in _Pieces.lonlat


@lru_cache(maxsize=256)
def _projected_pieces(airspace: ClosedAirspace, lon: float, lat: float) -> _Projected:
    pieces = _pieces(airspace)
    keep = _within_horizon(pieces, lon, lat)
    return _Projected(_project(pieces.segmentized[keep], lon, lat), keep)


def _project_pieces(pieces: np.ndarray, lon: float, lat: float) -> np.ndarray:
    """The pieces wholly within the horizon of the gnomonic projection centred at (lon, lat), projected
    and prepared."""
    prepared = _prepare_pieces(pieces)
    return _project(prepared.segmentized[_within_horizon(prepared, lon, lat)], lon, lat)


def _within_horizon(pieces: _Pieces, lon: float, lat: float) -> np.ndarray:
    """Indices of the pieces wholly within HORIZON_DEG of (lon, lat): no vertex farther (WGS84 geodesic).
    Pieces are at most ~14 degrees across, so this keeps everything within HORIZON_DEG - 14 of the
    centre, more than the largest search ellipse reaches.

    The geodesic is worked out only for pieces near the limit: elsewhere the great circle on a sphere,
    which differs from it by less than 1 %, decides."""
    n = len(pieces.lonlat)
    limit_km = math.radians(HORIZON_DEG) * geo.SPHERE_RADIUS_KM
    farthest = np.zeros(n)
    np.maximum.at(farthest, pieces.owner, _sphere_km(pieces.vertices, lon, lat))
    unsure = np.flatnonzero((farthest >= limit_km * (1 - SPHERE_MARGIN)) & (farthest <= limit_km * (1 + SPHERE_MARGIN)))
    inside = farthest < limit_km
    if len(unsure):
        rows = np.flatnonzero(np.isin(pieces.owner, unsure))
        xy = pieces.vertices[rows]
        _, _, d_centre = geo.wgs84().inv(np.full(len(rows), lon), np.full(len(rows), lat), xy[:, 0], xy[:, 1])
        exact = np.zeros(n)
        np.maximum.at(exact, pieces.owner[rows], np.asarray(d_centre) / 1000.0)
        inside[unsure] = exact[unsure] < limit_km
    return np.flatnonzero(inside)


def _project(pieces: np.ndarray, lon: float, lat: float) -> np.ndarray:
    """Lon/lat pieces in the gnomonic projection centred at (lon, lat), prepared."""
    if not len(pieces):
        return pieces
    proj = _gnomonic(lon, lat)
    projected = shapely.transform(pieces, lambda xy: np.column_stack(proj(xy[:, 0], xy[:, 1])))
    shapely.prepare(projected)
    return projected


def _sphere_km(lonlat: np.ndarray, lon: float, lat: float) -> np.ndarray:
    """Great-circle distances (km, sphere of 6371 km) from (lon, lat) to each point: within 1 % of the
    WGS84 geodesic."""
    return geo.sphere_km(geo.unit_vectors(lonlat), lon, lat)


@lru_cache(maxsize=64)
def _corner_units(airspace: ClosedAirspace) -> np.ndarray:
    """The unit vectors of the airspace's corners."""
    return geo.unit_vectors(airspace.corners)


class _TowardsDestination:
    """The corners of an airspace seen from one destination, shared by every search that ends there (an
    airfield, for the airborne aircraft diverting to it): great-circle km on the sphere, and WGS84 metres
    worked out as searches ask (NaN until then)."""

    def __init__(self, airspace: ClosedAirspace, destination: tuple[float, float]):
        self.corners, self.destination = airspace.corners, destination
        self.sphere_km = geo.sphere_km(_corner_units(airspace), *destination)
        self.metres = np.full(len(self.corners), np.nan)

    def metres_to(self, todo: np.ndarray) -> np.ndarray:
        """WGS84 metres from the destination to the corners ``todo`` (indices)."""
        missing = todo[np.isnan(self.metres[todo])]
        if len(missing):
            xy, n = self.corners[missing], len(missing)
            _, _, metres = geo.wgs84().inv(np.full(n, self.destination[0]), np.full(n, self.destination[1]), xy[:, 0], xy[:, 1])
            self.metres[missing] = metres
        return self.metres[todo]


@lru_cache(maxsize=64)
def _towards(airspace: ClosedAirspace, destination: tuple[float, float]) -> _TowardsDestination:
    return _TowardsDestination(airspace, destination)


class _CornerDistances:
    """WGS84 distances (km) from the origin and to the destination of the airspace's corners, worked out
    only for corners whose great-circle sum (on the sphere) says they may lie within a bound. What depends
    on the destination alone is shared between searches (_towards); the great circle from the origin is
    worked out only for corners whose great circle to the destination alone is within the bound."""

    def __init__(self, airspace: ClosedAirspace, origin, destination):
        self.corners = airspace.corners
        self.units = _corner_units(airspace)
        self.origin, self.destination = origin, destination
        self.towards = _towards(airspace, destination)
        self.sum_km = np.full(len(self.corners), np.inf)  # inf: not worked out (or beyond every bound so far)
        self.to_dest_km = np.full(len(self.corners), np.inf)
        self.known = np.zeros(len(self.corners), bool)

    def within(self, limit_km: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(indices of the corners with distance from the origin + to the destination <= limit_km, those
        sums, their distances to the destination)."""
        reach_km = limit_km * (1 + SPHERE_MARGIN) + 1.0
        near = np.flatnonzero(~self.known & (self.towards.sphere_km <= reach_km))  # a sum is no less than its part
        approx_sum_km = geo.sphere_km(self.units[near], *self.origin) + self.towards.sphere_km[near]
        todo = near[approx_sum_km <= reach_km]
        if len(todo):
            xy = self.corners[todo]
            n = len(todo)
            _, _, d_o = geo.wgs84().inv(np.full(n, self.origin[0]), np.full(n, self.origin[1]), xy[:, 0], xy[:, 1])
            d_d = self.towards.metres_to(todo)
            self.sum_km[todo] = (np.asarray(d_o) + d_d) / 1000.0
            self.to_dest_km[todo] = d_d / 1000.0
            self.known[todo] = True
        keep = np.flatnonzero(self.sum_km <= limit_km)
        return keep, self.sum_km[keep], self.to_dest_km[keep]


# An endpoint in closed airspace: (the airspace the search first met, index of the component holding the
# point there, the point).
_EscapeKey = tuple[ClosedAirspace, int, tuple[float, float]]


@lru_cache(maxsize=256)
def _escape_of(airspace: ClosedAirspace, component: int,
               point: tuple[float, float]) -> tuple[shapely.Geometry, tuple[float, float]]:
    """_escape from ``point`` out of the airspace's component ``component``."""
    return _escape(point, airspace.components[component])


@lru_cache(maxsize=256)
def _obstacles_without(airspace: ClosedAirspace, lon: float, lat: float, escapes: tuple[_EscapeKey, ...]) -> _Obstacles:
    """The airspace projected at (lon, lat) with the discs of these escapes cut out."""
    return _cut_obstacles(airspace, lon, lat, shapely.union_all([_escape_of(*key)[0] for key in escapes]))


def _cut_obstacles(airspace: ClosedAirspace, lon: float, lat: float, hole: shapely.Geometry) -> _Obstacles:
    """The airspace projected at (lon, lat) with ``hole`` cut out: only the pieces the hole touches are cut
    and projected again, the others are those of the situation's projection."""
    pieces = _pieces(airspace)
    cut = shapely.intersects(pieces.lonlat, hole)
    whole = _projected_pieces(airspace, lon, lat)
    kept = whole.projected[~cut[whole.source]]
    remade = _project_pieces(shapely.difference(pieces.lonlat[cut], hole), lon, lat)
    return _Obstacles(np.concatenate([kept, remade]), len(airspace.corners))


def _escape(point: tuple[float, float], component: shapely.Geometry) -> tuple[shapely.Geometry, tuple[float, float]]:
    """For a point inside closed airspace: the way out by the shortest way.

    Returns a lon/lat disc around the point just wide enough to reach the nearest edge of the airspace
    (plus the corner clearance), which is the only closed airspace the route may cross there, and the exit
    point: the nearest edge point pushed out by the clearance, a node of the search.
    """
    aeqd = Proj(f"+proj=aeqd +lat_0={point[1]} +lon_0={point[0]} +ellps=WGS84 +units=m")
    near = shapely.transform(_boundary_near(point, component), lambda xy: np.column_stack(aeqd(xy[:, 0], xy[:, 1])))
    edge = shapely.ops.nearest_points(near, shapely.Point(0, 0))[0]
    distance_m = max(math.hypot(edge.x, edge.y), 1.0)
    out_m = distance_m + CLEARANCE_M
    exit_lon, exit_lat = aeqd(edge.x * out_m / distance_m, edge.y * out_m / distance_m, inverse=True)
    disc = shapely.Point(0, 0).buffer(distance_m + 2 * (CLEARANCE_M + CLEARANCE_TOLERANCE_M), quad_segs=16)
    return shapely.transform(disc, lambda xy: np.column_stack(aeqd(xy[:, 0], xy[:, 1], inverse=True))), (exit_lon, exit_lat)


@dataclass(frozen=True)
class _Boundary:
    """A component's boundary segmentized (0.1 degrees), as the rings' vertices in one array."""

    component: shapely.Geometry  # kept so that its id is not reused while this is cached
    vertices: np.ndarray  # (n, 2) lon/lat of every ring's vertices, ring after ring
    unit: np.ndarray  # (n, 3) their unit vectors
    ring: np.ndarray  # (n,) the ring of each vertex


_BOUNDARIES: dict[int, _Boundary] = {}
_NEAR_MARGIN_KM = 50.0  # more than a 0.1-degree segment is long, in the projection, anywhere a route can start


def _boundary_near(point: tuple[float, float], component: shapely.Geometry) -> shapely.Geometry:
    """The part of ``component``'s segmentized boundary (0.1 degrees) that holds its point nearest ``point``
    in any projection centred there that keeps distances from the centre: every segment with an end no
    farther than the nearest vertex plus a margin. A component may span a continent, and projecting all of it
    for every escape cost most of an airborne aircraft's diversion."""
    boundary = _BOUNDARIES.get(id(component))
    if boundary is None or boundary.component is not component:
        rings = shapely.get_rings(shapely.segmentize(component, 0.1))
        vertices, ring = shapely.get_coordinates(rings, return_index=True)
        boundary = _BOUNDARIES[id(component)] = _Boundary(component, vertices, geo.unit_vectors(vertices), ring)
    km = geo.sphere_km(boundary.unit, *point)
    # The nearest boundary point is no farther than the nearest vertex; a segment that holds it has both
    # ends within that distance plus its length (sphere and WGS84 distances agree within SPHERE_MARGIN).
    reach_km = (float(km.min()) * (1 + 2 * SPHERE_MARGIN) + _NEAR_MARGIN_KM) * (1 + 2 * SPHERE_MARGIN)
    kept = km <= reach_km
    same_ring = boundary.ring[1:] == boundary.ring[:-1]
    segment = same_ring & (kept[1:] | kept[:-1])  # segment i joins vertex i and i + 1
    starts = np.flatnonzero(segment & ~np.concatenate([[False], segment[:-1]]))
    ends = np.flatnonzero(segment & ~np.concatenate([segment[1:], [False]]))
    return shapely.multilinestrings([shapely.linestrings(boundary.vertices[a: b + 2]) for a, b in zip(starts, ends, strict=True)])


def _same_side(d: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where vectors a and b lie on the same side of direction d (or on it): d is tangent there."""
    cross_a = d[:, 0] * a[..., 1] - d[:, 1] * a[..., 0]
    cross_b = d[:, 0] * b[..., 1] - d[:, 1] * b[..., 0]
    return cross_a * cross_b >= 0
