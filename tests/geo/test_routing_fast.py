"""The router's fast paths give exactly what the plain computations give: the same projected airspace,
the same corner distances, and so the same routes, to the last bit."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
import shapely.ops
from pyproj import Proj

from sim.data import catalog
from sim.geo import airspace, routing
from sim.geo import geodesy as geo
from sim.geo.obstacles import airspace_groups, closed_airspace, is_built

# The airspace the known routes below were recorded in: December 2024 with Georgia and Azerbaijan open
# (as it stood before issue 24 closed them by default).
DEC2024 = airspace.make_policy(situation="dec2024", opened=["GEO", "AZE"])
NO_TURKEY = airspace.make_policy(situation="dec2024", closed=["TUR"], opened=["GEO", "AZE"])
NO_SYRIA_NO_TURKEY = airspace.make_policy(situation="dec2024", closed=["SYR", "TUR"], opened=["GEO", "AZE"])


def reference_projection(pieces, lon: float, lat: float) -> list[shapely.Geometry]:
    """The pieces wholly within the horizon, projected: the geodesic to every vertex, one piece at a time."""
    pieces = [p for p in pieces if not p.is_empty]
    proj = routing._gnomonic(lon, lat)
    coords, owner = shapely.get_coordinates(pieces, return_index=True)
    n = len(coords)
    _, _, d_centre = geo.wgs84().inv(np.full(n, lon), np.full(n, lat), coords[:, 0], coords[:, 1])
    farthest = np.zeros(len(pieces))
    np.maximum.at(farthest, owner, np.asarray(d_centre) / 1000.0)
    keep = np.flatnonzero(farthest < math.radians(routing.HORIZON_DEG) * 6371.0)
    return [shapely.transform(shapely.segmentize(pieces[i], 0.25), lambda xy: np.column_stack(proj(xy[:, 0], xy[:, 1])))
            for i in keep]


def as_bytes(geometries) -> list[bytes]:
    return sorted(shapely.to_wkb(np.asarray(geometries, dtype=object)).tolist())


@pytest.fixture(scope="module")
def dec2024_airspace():
    return closed_airspace(DEC2024.closed, DEC2024.territorial_nm)


# Centres near the airspace, far from it, and at the antipodes of Europe, where pieces straddle the horizon.
@pytest.mark.parametrize("centre", [(35.0, 40.0), (0.0, 0.0), (-120.0, 40.0), (150.0, -30.0), (175.0, -45.0)])
def test_the_projected_airspace_is_the_plain_projection(dec2024_airspace, centre):
    fast = routing._projected_pieces(dec2024_airspace, *centre).projected
    assert as_bytes(fast) == as_bytes(reference_projection(dec2024_airspace.pieces, *centre))


def test_some_pieces_straddle_the_horizon_of_the_antipodal_centre(dec2024_airspace):
    """The exact geodesic decides those: the great circle alone would not be trusted there."""
    pieces = routing._pieces(dec2024_airspace)
    limit = math.radians(routing.HORIZON_DEG) * 6371.0
    farthest = np.zeros(len(pieces.lonlat))
    np.maximum.at(farthest, pieces.owner, routing._sphere_km(pieces.vertices, 175.0, -45.0))
    near = (farthest > limit * (1 - routing.SPHERE_MARGIN)) & (farthest < limit * (1 + routing.SPHERE_MARGIN))
    assert near.any()


def test_the_airspace_with_an_escape_hole_is_the_plain_projection_of_the_cut_pieces():
    codes = NO_TURKEY.closed_for("SYR", "RUS")
    space = closed_airspace(codes, NO_TURKEY.territorial_nm)
    origin = (catalog.airfield("OSKL").lon, catalog.airfield("OSKL").lat)
    hole, _ = routing._escape(origin, space.components[space.component_at(*origin)])
    search = routing._Search(origin, (44.6, 43.785), 1000.0, space, {})
    fast = routing._cut_obstacles(space, *search.centre, hole).geometries
    cut = [shapely.difference(p, hole) if p.intersects(hole) else p for p in space.pieces]
    assert as_bytes(fast) == as_bytes(reference_projection(cut, *search.centre))


@pytest.mark.parametrize("limit_km", [2500.0, 4000.0, 9000.0, 15000.0])
def test_corner_distances_worked_out_on_demand_equal_the_full_computation(dec2024_airspace, limit_km):
    origin, destination = (38.0617, 55.8783), (23.907, 31.861)
    distances = routing._CornerDistances(dec2024_airspace, origin, destination)
    for smaller in (1500.0, limit_km / 2):  # a growing bound, as the search asks
        distances.within(smaller)
    keep, sums, to_dest = distances.within(limit_km)
    corners = dec2024_airspace.corners
    n = len(corners)
    _, _, d_o = geo.wgs84().inv(np.full(n, origin[0]), np.full(n, origin[1]), corners[:, 0], corners[:, 1])
    _, _, d_d = geo.wgs84().inv(np.full(n, destination[0]), np.full(n, destination[1]), corners[:, 0], corners[:, 1])
    all_sums = (np.asarray(d_o) + np.asarray(d_d)) / 1000.0
    expected = np.flatnonzero(all_sums <= limit_km)
    assert keep.tolist() == expected.tolist()
    assert sums.tolist() == all_sums[expected].tolist()
    assert to_dest.tolist() == (np.asarray(d_d) / 1000.0)[expected].tolist()


# Found by the search before its fast paths: (origin, destination, policy, trip countries, search bound,
# route km, number of waypoints).
KNOWN_ROUTES = [
    ("UUMU", "HL59", DEC2024, None, routing.MAX_ROUTE_KM, 3364.541573004612, 9),
    ("UMLI", "FGSL", NO_TURKEY, None, routing.MAX_ROUTE_KM, 7715.946704132959, 9),
    ("URMF", "HL59", NO_SYRIA_NO_TURKEY, None, routing.MAX_ROUTE_KM, 3185.056847876548, 9),
    ("UMLI", "HSPN", DEC2024, None, routing.MAX_ROUTE_KM, 4385.88029410686, 6),
    ("OSKL", "UMLI", NO_TURKEY, None, routing.MAX_ROUTE_KM, 2875.513266479021, 12),  # leaves closed airspace
    ("UUMU", "OSKL", NO_TURKEY, None, routing.MAX_ROUTE_KM, 2566.9247715696692, 9),  # enters it
]


@pytest.mark.parametrize("known", KNOWN_ROUTES, ids=lambda k: f"{k[0]}-{k[1]}" if isinstance(k, tuple) else "")
def test_routes_are_those_found_before_the_fast_paths(known):
    a, b, policy, _, max_km, length_km, waypoints = known
    x, y = catalog.airfield(a), catalog.airfield(b)
    codes = policy.closed_for(x.country, y.country)
    route = routing._shortest_route.__wrapped__((x.lon, x.lat), (y.lon, y.lat), codes, policy.territorial_nm, max_km)
    assert (route.length_km, len(route.waypoints)) == (length_km, waypoints)


def test_a_bounded_search_finds_nothing_below_the_route_and_the_route_above_it():
    x, y = catalog.airfield("URMF"), catalog.airfield("HL59")
    codes = NO_SYRIA_NO_TURKEY.closed_for(x.country, y.country)
    search = routing._shortest_route.__wrapped__
    assert search((x.lon, x.lat), (y.lon, y.lat), codes, NO_SYRIA_NO_TURKEY.territorial_nm, 3185.0).length_km is None
    assert search((x.lon, x.lat), (y.lon, y.lat), codes, NO_SYRIA_NO_TURKEY.territorial_nm, 3186.0).length_km == 3185.056847876548


def _clear_router_caches() -> None:
    """Forget everything a search keeps for later ones (the airspace itself stays built)."""
    for cached in (routing._projected_airspace, routing._projected_pieces, routing._pieces, routing._projected_corners,
                   routing._corner_units, routing._towards, routing._escape_of, routing._obstacles_without,
                   routing._countries_holding):
        cached.cache_clear()


def test_routes_searched_with_answers_kept_from_other_routes_equal_routes_searched_afresh():
    """Routes that share a projection share its visibility answers; each route is still what a search of
    its own finds."""
    pairs = [("UUMU", "HL59"), ("UUMU", "HLLB"), ("UWLW", "HL59"), ("HL59", "UUMU"), ("UUMU", "HL59")]
    search = routing._shortest_route.__wrapped__

    def found(a: str, b: str) -> routing.Route:
        x, y = catalog.airfield(a), catalog.airfield(b)
        codes = DEC2024.closed_for(x.country, y.country)
        return search((x.lon, x.lat), (y.lon, y.lat), codes, DEC2024.territorial_nm, routing.MAX_ROUTE_KM)

    afresh = []
    for a, b in pairs:
        _clear_router_caches()
        afresh.append(found(a, b))
    _clear_router_caches()
    shared = [found(a, b) for a, b in pairs]
    assert [(r.waypoints, r.length_km) for r in shared] == [(r.waypoints, r.length_km) for r in afresh]
    assert routing._projected_airspace.cache_info().currsize < len(pairs)  # some did share a projection


# Aircraft in the air over the eastern Mediterranean (as lose_hmeimim_sweep's diversions are), diverting to
# Tobruk, Benina and Qamishli; with Turkey closed Qamishli lies in its territorial buffer, so the route
# enters closed airspace there by the shortest way (an escape disc cut out of the projected airspace).
AIRBORNE = [(31.3137, 33.9965), (27.8965, 33.4237), (34.6955, 34.901), (35.8322, 35.3554), (33.1119, 34.2762),
            (34.6955, 34.901)]


def test_diversions_searched_with_what_earlier_searches_kept_equal_diversions_searched_afresh():
    """Searches to one airfield share its corner distances, its escape, the airspace projected with the
    escape cut out and that airspace's visibility answers; each diversion is still what a search of its own
    finds, to the last bit."""
    search = routing._shortest_route.__wrapped__
    cases = [(point, catalog.airfield(ident), policy) for point in AIRBORNE
             for ident, policy in (("HLGN", DEC2024), ("HLLB", DEC2024), ("OSKL", NO_TURKEY))]

    def found(point, end, policy) -> tuple:
        route = search(point, (end.lon, end.lat), policy.closed_for("LBY", end.country), policy.territorial_nm,
                       routing.MAX_ROUTE_KM)
        return route.waypoints, route.length_km, route.notes

    afresh = []
    for case in cases:
        _clear_router_caches()
        afresh.append(found(*case))
    _clear_router_caches()
    shared = [found(*case) for case in cases]
    assert shared == afresh
    assert any("enters it" in notes[0] for _, _, notes in shared if notes)
    assert routing._towards.cache_info().hits and routing._obstacles_without.cache_info().hits  # shared indeed


@pytest.mark.parametrize("centre", [(35.0, 35.0), (0.0, 0.0), (175.0, -45.0)])
def test_the_corners_projected_once_are_the_corners_a_search_would_project(dec2024_airspace, centre):
    projected = routing._projected_corners(dec2024_airspace, *centre)
    proj = routing._gnomonic(*centre)
    keep = np.arange(0, len(dec2024_airspace.corners), 7)
    for lonlat, xy in ((dec2024_airspace.corners, projected.xy), (dec2024_airspace.corner_prev, projected.prev_xy),
                       (dec2024_airspace.corner_next, projected.next_xy)):
        x, y = proj(lonlat[keep, 0], lonlat[keep, 1])
        np.testing.assert_array_equal(xy[keep], np.column_stack([x, y]))


def test_corner_distances_shared_by_searches_to_one_destination_equal_the_full_computation(dec2024_airspace):
    destination = (23.907, 31.861)
    corners = dec2024_airspace.corners
    n = len(corners)
    _, _, d_d = geo.wgs84().inv(np.full(n, destination[0]), np.full(n, destination[1]), corners[:, 0], corners[:, 1])
    for origin in [(31.3, 34.0), (38.0617, 55.8783), (25.3, 32.9), (-70.0, -30.0)]:
        keep, sums, to_dest = routing._CornerDistances(dec2024_airspace, origin, destination).within(3000.0)
        _, _, d_o = geo.wgs84().inv(np.full(n, origin[0]), np.full(n, origin[1]), corners[:, 0], corners[:, 1])
        all_sums = (np.asarray(d_o) + np.asarray(d_d)) / 1000.0
        expected = np.flatnonzero(all_sums <= 3000.0)
        assert keep.tolist() == expected.tolist()
        assert sums.tolist() == all_sums[expected].tolist()
        assert to_dest.tolist() == (np.asarray(d_d) / 1000.0)[expected].tolist()


def reference_line(waypoints, spacing_km: float) -> shapely.LineString:
    """Points along each geodesic, one segment at a time."""
    geod = geo.wgs84()
    points = [waypoints[0]]
    for (lon1, lat1), (lon2, lat2) in zip(waypoints, waypoints[1:], strict=False):
        _, _, metres = geod.inv(lon1, lat1, lon2, lat2)
        n = int(math.ceil(metres / 1000.0 / spacing_km)) - 1
        if n > 0:
            points.extend(geod.npts(lon1, lat1, lon2, lat2, n))
        points.append((lon2, lat2))
    return shapely.LineString(points if len(points) > 1 else points * 2)


@pytest.mark.parametrize("spacing_km", [5.0, 20.0, 25.0])
def test_the_densified_line_is_the_segment_by_segment_line(spacing_km):
    for a, b in [("UUMU", "HL59"), ("UMLI", "FGSL"), ("HL59", "HLLB")]:
        waypoints = airspace.legal_route(catalog.airfield(a), catalog.airfield(b), DEC2024).waypoints
        fast = routing.densified_line(waypoints, spacing_km)
        assert shapely.to_wkb(fast) == shapely.to_wkb(reference_line(waypoints, spacing_km))
    point = ((10.0, 50.0),)
    assert shapely.to_wkb(routing.densified_line(point)) == shapely.to_wkb(reference_line(point, routing.DENSIFY_KM))


def reference_escape_edge(point, component) -> tuple[float, float]:
    """The nearest point of the whole segmentized boundary, in the projection centred at ``point``."""
    aeqd = Proj(f"+proj=aeqd +lat_0={point[1]} +lon_0={point[0]} +ellps=WGS84 +units=m")
    projected = shapely.transform(shapely.segmentize(component, 0.1), lambda xy: np.column_stack(aeqd(xy[:, 0], xy[:, 1])))
    edge = shapely.ops.nearest_points(projected.boundary, shapely.Point(0, 0))[0]
    return edge.x, edge.y


def test_an_escape_looks_only_near_the_point_and_finds_the_edge_the_whole_boundary_gives(dec2024_airspace):
    """Points inside the largest component (Europe), near its edge and deep inside it."""
    component = max(dec2024_airspace.components, key=shapely.get_num_coordinates)
    rng = np.random.default_rng(3)
    west, south, east, north = component.bounds
    points = []
    while len(points) < 25:
        point = (float(rng.uniform(west, east)), float(rng.uniform(south, north)))
        if shapely.contains_xy(component, *point):
            points.append(point)
    for point in points:
        aeqd = Proj(f"+proj=aeqd +lat_0={point[1]} +lon_0={point[0]} +ellps=WGS84 +units=m")
        near = shapely.transform(routing._boundary_near(point, component),
                                 lambda xy, aeqd=aeqd: np.column_stack(aeqd(xy[:, 0], xy[:, 1])))
        assert shapely.get_num_coordinates(near) < shapely.get_num_coordinates(component) / 2
        edge = shapely.ops.nearest_points(near, shapely.Point(0, 0))[0]
        assert (edge.x, edge.y) == reference_escape_edge(point, component)


def test_the_groups_lower_bounds_are_those_worked_out_group_by_group():
    groups = airspace_groups(DEC2024.closed, DEC2024.territorial_nm)
    assert len(groups.groups) > 3
    for origin, destination in [((38.0, 55.9), (23.9, 31.9)), ((35.6, 35.3), (41.2, 37.0)), ((-120.0, 40.0), (150.0, -30.0))]:
        ends = geo.unit_vectors(np.array([origin, destination]))
        plain = [float(np.min(np.arccos(np.clip(points @ ends.T, -1.0, 1.0)).sum(axis=1))) * 6371.0 - 160.0
                 for points in groups.samples]
        np.testing.assert_allclose(groups.sum_lower_bounds_km(origin, destination), plain, rtol=0, atol=1e-6)


def test_the_steps_of_a_drawn_route_are_the_geodesics_between_its_points():
    route = airspace.legal_route(catalog.airfield("UUMU"), catalog.airfield("HL59"), DEC2024)
    coords, steps = route.drawn_steps()
    assert coords == tuple(route.line().coords)
    lons, lats = zip(*coords, strict=True)
    _, _, metres = geo.wgs84().inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
    assert steps == tuple(m / 1000.0 for m in metres)
    assert math.isclose(sum(steps), route.length_km, rel_tol=0.01)


def random_ends(count: int, seed: int) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Origin-destination pairs spread over the globe, and some short hops over the Mediterranean."""
    rng = np.random.default_rng(seed)
    spread = [((float(rng.uniform(-180, 180)), float(rng.uniform(-85, 85))),
               (float(rng.uniform(-180, 180)), float(rng.uniform(-85, 85)))) for _ in range(count)]
    near = [((float(rng.uniform(15, 36)), float(rng.uniform(31, 37))), (23.907, 31.861)) for _ in range(count)]
    return spread + near


def test_a_groups_cap_bound_is_no_greater_than_its_sampled_bound():
    """The cheap bound only rules a group out where the sampled bound would have."""
    groups = airspace_groups(DEC2024.closed, DEC2024.territorial_nm)
    for origin, destination in random_ends(40, 5):
        assert np.all(groups.cap_lower_bounds_km(origin, destination) <= groups.sum_lower_bounds_km(origin, destination))


def test_a_groups_sampled_bound_is_the_same_whatever_groups_are_asked_with_it():
    groups = airspace_groups(DEC2024.closed, DEC2024.territorial_nm)
    for origin, destination in random_ends(5, 6):
        every = groups.sum_lower_bounds_km(origin, destination)
        assert [float(groups.sum_lower_bounds_km(origin, destination, np.array([i]))[0]) for i in range(len(every))] \
            == every.tolist()
        some = np.array([len(every) - 1, 0, 2])
        assert groups.sum_lower_bounds_km(origin, destination, some).tolist() == every[some].tolist()


@pytest.mark.parametrize("limit_km", [800.0, 2500.0, 9000.0])
def test_the_reachable_airspace_is_the_airspace_of_the_groups_every_bound_says_are_needed(limit_km):
    """Bounds worked out only for groups not built, and first from their caps, choose what all the sampled
    bounds choose."""
    groups = airspace_groups(DEC2024.closed, DEC2024.territorial_nm)
    for origin, destination in random_ends(10, 7):
        reachable = routing._ReachableAirspace(origin, destination, DEC2024.closed, DEC2024.territorial_nm)
        built = np.array([is_built(group, DEC2024.territorial_nm) for group in groups.groups])
        needed = groups.sum_lower_bounds_km(origin, destination) <= limit_km * (1 + routing.SPHERE_MARGIN) + 1.0
        assert reachable.within(limit_km) is closed_airspace(groups.codes_of(needed | built), DEC2024.territorial_nm)
