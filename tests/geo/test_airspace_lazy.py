"""A search builds only the closed airspace it can reach (the groups of countries of sim.geo.obstacles
within its ellipse) and finds, to the last bit, the route the whole closed airspace gives; the groups
never touch one another, and their extents and distance bounds hold every polygon they stand for."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import shapely

from sim.data import catalog
from sim.geo import airspace, obstacles, routing

DEC2024 = airspace.make_policy(situation="dec2024")
NO_TURKEY = airspace.make_policy(situation="dec2024", closed=["TUR"])

PAIRS = [
    (DEC2024, "UUMU", "HL59"),  # Chkalovsky -> al-Khadim, around Europe
    (DEC2024, "EPWA", "UUMU"),  # from inside closed airspace (Poland)
    (DEC2024, "UUMU", "KJFK"),  # into the North American group, far from Europe's
    (NO_TURKEY, "UUMU", "HLLB"),  # the first ellipse holds no route: a second, wider search
    (NO_TURKEY, "UUMU", "GMMN"),  # a long detour to Casablanca whose wider search reaches one more group
]


def _route(policy, origin: str, destination: str) -> routing.Route:
    a, b = catalog.airfield(origin), catalog.airfield(destination)
    routing._shortest_route.cache_clear()
    return routing.shortest_route((a.lon, a.lat), (b.lon, b.lat), policy.closed_for(a.country, b.country),
                                  policy.territorial_nm)


@pytest.mark.parametrize(("policy", "origin", "destination"), PAIRS, ids=[f"{a}-{b}" for _, a, b in PAIRS])
def test_the_lazily_built_airspace_gives_the_route_of_the_whole_airspace(monkeypatch, policy, origin, destination):
    lazy = _route(policy, origin, destination)
    monkeypatch.setattr(routing._ReachableAirspace, "within",
                        lambda self, limit_km: obstacles.closed_airspace(self.groups.codes_of(
                            np.ones(len(self.groups.groups), bool)), self.territorial_nm))
    whole = _route(policy, origin, destination)
    routing._shortest_route.cache_clear()
    assert lazy.legal and pickle.dumps(lazy) == pickle.dumps(whole)


def test_a_search_in_europe_leaves_north_america_unbuilt(monkeypatch):
    monkeypatch.setattr(obstacles, "_GROUPS", {})  # nothing built yet (built groups join any search)
    monkeypatch.setattr(obstacles, "_KNOWN", {})
    used = []
    within = routing._ReachableAirspace.within
    monkeypatch.setattr(routing._ReachableAirspace, "within",
                        lambda self, limit_km: used.append(within(self, limit_km)) or used[-1])
    assert _route(DEC2024, "UUMU", "HL59").legal
    routing._shortest_route.cache_clear()
    assert used and all("DEU" in space.codes and "USA" not in space.codes for space in used)
    assert "USA" in DEC2024.closed


@pytest.fixture(scope="module")
def dec2024_countries():
    codes = sorted(NO_TURKEY.closed)
    return codes, obstacles._countries_airspace(codes, 12.0), obstacles.airspace_groups(frozenset(codes), 12.0)


def test_countries_of_different_groups_have_polygons_that_do_not_touch(dec2024_countries):
    codes, polygons, groups = dec2024_countries
    group_of = {code: i for i, group in enumerate(groups.groups) for code in group}
    clearance = np.array([outline for _, outline in polygons], dtype=object)
    left, right = shapely.STRtree(clearance).query(clearance, predicate="intersects")
    assert all(group_of[codes[a]] == group_of[codes[b]] for a, b in zip(left, right, strict=True))
    assert len(groups.groups) > 10  # islands and North America stand apart from Europe


def test_a_groups_extent_and_distance_bound_hold_its_polygons(dec2024_countries):
    codes, polygons, groups = dec2024_countries
    ends = [((37.97, 55.88), (20.2, 32.1)), ((-73.8, 40.6), (151.2, -33.9)), ((0.0, 89.0), (0.0, -89.0))]
    for i, group in enumerate(groups.groups):
        extent = shapely.union_all(shapely.box(*groups.extents[i].T))
        clearances = [polygons[codes.index(code)][1] for code in group]
        assert all(extent.covers(polygon) for polygon in clearances)
        vertices = shapely.get_coordinates(clearances)
        for origin, destination in ends:
            sums = routing._sphere_km(vertices, *origin) + routing._sphere_km(vertices, *destination)
            assert groups.sum_lower_bounds_km(origin, destination)[i] <= sums.min()
