"""Shortest legal routes around closed airspace, on the WGS84 ellipsoid.

Method: a visibility graph searched lazily with A*.

* The graph's nodes are the two endpoints and the convex corners of the clearance polygon around the
  closed airspace (sim.obstacles). A shortest path bends only at such corners, and only at corners the
  segment touches tangentially, which prunes most candidate edges before any geometry test.
* Visibility is tested in a gnomonic projection centred on the route's midpoint, where great circles
  are straight lines; the clearance gap covers the small difference between a great circle and the
  WGS84 geodesic. Edge lengths are WGS84 geodesics (pyproj.Geod).
* Only corners inside an ellipse (distance from origin + to destination <= L) are used; a route no
  longer than L is then the true shortest. L grows until a route is found or reaches MAX_ROUTE_KM.

An endpoint inside closed airspace (a departure from a closed country, or an airfield within a closed
neighbour's territorial buffer) may cross the airspace component it stands in: the route leaves or
enters it by the shortest way.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from pyproj import Proj

from sim import geo
from sim.obstacles import ClosedAirspace

MAX_ROUTE_KM = 16_000.0  # beyond this the projection's hemisphere no longer holds the search ellipse
HORIZON_DEG = 88.0  # airspace pieces reaching beyond this angle from the projection centre are dropped
DENSIFY_KM = 20.0


@dataclass(frozen=True)
class Route:
    """A legal route, or the reason there is none (``length_km`` None)."""

    waypoints: tuple[tuple[float, float], ...]  # (lon, lat) from origin to destination
    length_km: float | None
    great_circle_km: float
    notes: tuple[str, ...] = ()

    @property
    def legal(self) -> bool:
        return self.length_km is not None

    def line(self, spacing_km: float = DENSIFY_KM) -> shapely.LineString:
        """The route as lon/lat points along each geodesic segment, at most ``spacing_km`` apart."""
        return densified_line(self.waypoints, spacing_km)


def densified_line(waypoints, spacing_km: float = DENSIFY_KM) -> shapely.LineString:
    """Lon/lat LineString following the geodesics between waypoints."""
    geod = geo.wgs84()
    points = [waypoints[0]]
    for (lon1, lat1), (lon2, lat2) in zip(waypoints, waypoints[1:]):
        _, _, metres = geod.inv(lon1, lat1, lon2, lat2)
        n = int(math.ceil(metres / 1000.0 / spacing_km)) - 1
        if n > 0:
            points.extend(geod.npts(lon1, lat1, lon2, lat2, n))
        points.append((lon2, lat2))
    return shapely.LineString(points if len(points) > 1 else points * 2)


def shortest_route(origin: tuple[float, float], destination: tuple[float, float], airspace: ClosedAirspace) -> Route:
    """Shortest route between two (lon, lat) points that stays out of ``airspace``."""
    return _shortest_route(tuple(map(float, origin)), tuple(map(float, destination)), airspace)


@lru_cache(maxsize=4096)
def _shortest_route(origin: tuple[float, float], destination: tuple[float, float], airspace: ClosedAirspace) -> Route:
    geod = geo.wgs84()
    _, _, metres = geod.inv(*origin, *destination)
    gc_km = metres / 1000.0
    notes = []
    exempt = {}
    for end, point in (("origin", origin), ("destination", destination)):
        component = airspace.component_at(*point)
        if component is not None:
            exempt[end] = component
            notes.append(f"{end} inside closed airspace: the route {'leaves' if end == 'origin' else 'enters'} it by the shortest way")
    if airspace.empty or gc_km < 1e-6:
        return Route((origin, destination), gc_km, gc_km, tuple(notes))
    search = _Search(origin, destination, gc_km, airspace, exempt)
    limit = max(1.25 * gc_km, gc_km + 500.0)
    while True:
        limit = min(limit, MAX_ROUTE_KM)
        found = search.run(limit)
        if found is not None and found[0] <= limit + 1e-6:
            length, waypoints = found
            return Route(tuple(waypoints), length, gc_km, tuple(notes))
        if limit >= MAX_ROUTE_KM:
            reason = f"no route around the closed airspace within {MAX_ROUTE_KM:,.0f} km"
            return Route((), None, gc_km, (*notes, reason))
        limit *= 1.6


class _Search:
    """One origin-destination pair: projection, candidate corners and the A* search."""

    def __init__(self, origin, destination, gc_km, airspace: ClosedAirspace, exempt: dict[str, int]):
        geod = geo.wgs84()
        mid_lon, mid_lat = geod.npts(*origin, *destination, 1)[0] if gc_km > 1 else origin
        self.proj = Proj(f"+proj=gnom +lat_0={mid_lat} +lon_0={mid_lon} +R=6371000")
        self.origin, self.destination, self.gc_km = origin, destination, gc_km
        self.airspace = airspace
        self.exempt = exempt
        corners = airspace.corners
        n = len(corners)
        # Distances of every corner to both endpoints (km): the ellipse filter and the A* heuristic.
        _, _, d_o = geod.inv(np.full(n, origin[0]), np.full(n, origin[1]), corners[:, 0], corners[:, 1])
        _, _, d_d = geod.inv(np.full(n, destination[0]), np.full(n, destination[1]), corners[:, 0], corners[:, 1])
        self.corner_sum_km = (np.asarray(d_o) + np.asarray(d_d)) / 1000.0
        self.corner_to_dest_km = np.asarray(d_d) / 1000.0
        # Pieces wholly within the projection's horizon, projected once. Pieces are at most ~14 degrees
        # across, so everything within HORIZON_DEG - 14 of the centre (more than the largest ellipse) stays.
        coords, owner = shapely.get_coordinates(airspace.pieces, return_index=True)
        _, _, d_mid = geod.inv(np.full(len(coords), mid_lon), np.full(len(coords), mid_lat), coords[:, 0], coords[:, 1])
        farthest = np.zeros(len(airspace.pieces))
        np.maximum.at(farthest, owner, np.asarray(d_mid) / 1000.0)
        keep = np.flatnonzero(farthest < math.radians(HORIZON_DEG) * 6371.0)
        pieces = [self._project_geom(shapely.segmentize(airspace.pieces[i], 0.25)) for i in keep]
        self.piece_component = airspace.piece_component[keep]
        self.tree = shapely.STRtree(pieces)

    def _project_geom(self, geom):
        return shapely.transform(geom, lambda xy: np.column_stack(self.proj(xy[:, 0], xy[:, 1])))

    def _xy(self, lonlat: np.ndarray) -> np.ndarray:
        x, y = self.proj(lonlat[:, 0], lonlat[:, 1])
        return np.column_stack([x, y])

    def run(self, limit_km: float):
        """Shortest path using corners within the ellipse of ``limit_km``; (km, waypoints) or None."""
        keep = np.flatnonzero(self.corner_sum_km <= limit_km)
        lonlat = np.vstack([[self.origin, self.destination], self.airspace.corners[keep]])
        xy = self._xy(lonlat)
        prev_xy = np.vstack([xy[:2], self._xy(self.airspace.corner_prev[keep])])
        next_xy = np.vstack([xy[:2], self._xy(self.airspace.corner_next[keep])])
        h = np.concatenate([[self.gc_km, 0.0], self.corner_to_dest_km[keep]])  # km still to fly, at least
        is_corner = np.arange(len(xy)) >= 2
        return self._astar(lonlat, xy, prev_xy, next_xy, h, is_corner)

    def _astar(self, lonlat, xy, prev_xy, next_xy, h, is_corner):
        n = len(xy)
        best = np.full(n, np.inf)
        parent = np.full(n, -1)
        done = np.zeros(n, bool)
        best[0] = 0.0
        heap = [(h[0], 0)]
        geod = geo.wgs84()
        while heap:
            _, u = heapq.heappop(heap)
            if done[u]:
                continue
            done[u] = True
            if u == 1:
                break
            candidates = np.flatnonzero(~done)
            d = xy[candidates] - xy[u]
            ok = np.ones(len(candidates), bool)
            if is_corner[u]:
                ok &= _same_side(d, prev_xy[u] - xy[u], next_xy[u] - xy[u])
            at_corner = is_corner[candidates]
            ok &= ~at_corner | _same_side(d, prev_xy[candidates] - xy[candidates], next_xy[candidates] - xy[candidates])
            candidates = candidates[ok]
            if not len(candidates):
                continue
            candidates = candidates[self._visible(u, xy, candidates)]
            if not len(candidates):
                continue
            _, _, metres = geod.inv(
                np.full(len(candidates), lonlat[u, 0]), np.full(len(candidates), lonlat[u, 1]),
                lonlat[candidates, 0], lonlat[candidates, 1],
            )
            cost = best[u] + np.asarray(metres) / 1000.0
            better = cost < best[candidates]
            for v, c in zip(candidates[better], cost[better]):
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
        segments = np.stack([np.broadcast_to(xy[u], (len(candidates), 2)), xy[candidates]], axis=1)
        lines = shapely.linestrings(segments)
        line_idx, piece_idx = self.tree.query(lines, predicate="intersects")
        if len(line_idx):
            component = self.piece_component[piece_idx]
            allowed = np.zeros(len(line_idx), bool)
            if u == 0 and "origin" in self.exempt:
                allowed |= component == self.exempt["origin"]
            if "destination" in self.exempt:
                allowed |= (candidates[line_idx] == 1) & (component == self.exempt["destination"])
            line_idx = line_idx[~allowed]
        blocked = np.zeros(len(candidates), bool)
        blocked[line_idx] = True
        return ~blocked


def _same_side(d: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where vectors a and b lie on the same side of direction d (or on it): d is tangent there."""
    cross_a = d[:, 0] * a[..., 1] - d[:, 1] * a[..., 0]
    cross_b = d[:, 0] * b[..., 1] - d[:, 1] * b[..., 0]
    return cross_a * cross_b >= 0
