"""Routes around closed airspace: geodesic when nothing is closed, never inside closed airspace,
never shorter than the great circle, and the flight-specific rules."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.data import catalog, countries
from sim.geo import airspace
from sim.geo import geodesy as geo
from sim.geo.obstacles import closed_airspace
from sim.geo.routing import MAX_ROUTE_KM

FIELDS = ["UUMU", "UWLW", "URMF", "UMLI", "OSLK", "HL59", "HLLB", "HL69", "GABS", "FEFF", "HSPN", "DRRN", "DFFD"]
DEC2024 = airspace.make_policy(situation="dec2024")
POLICIES = {
    "dec2024": DEC2024,
    "no_turkey": airspace.make_policy(situation="dec2024", closed=["TUR"]),
    "no_syria_no_turkey": airspace.make_policy(situation="dec2024", closed=["SYR", "TUR"]),
    "no_turkey_no_iran": airspace.make_policy(situation="dec2024", closed=["TUR", "IRN"]),
}


def route(a: str, b: str, policy=DEC2024):
    return airspace.legal_route(catalog.airfield(a), catalog.airfield(b), policy)


def geodesic_points(waypoints, spacing_km=5.0) -> np.ndarray:
    """Points every few km along the geodesics between waypoints, computed here with pyproj directly."""
    g = geo.wgs84()
    out = [waypoints[0]]
    for (lon1, lat1), (lon2, lat2) in zip(waypoints, waypoints[1:], strict=False):
        _, _, metres = g.inv(lon1, lat1, lon2, lat2)
        n = max(int(metres / 1000.0 / spacing_km), 1)
        out.extend(g.npts(lon1, lat1, lon2, lat2, n))
        out.append((lon2, lat2))
    return np.asarray(out)


@pytest.mark.parametrize(("a", "b"), [("UUMU", "HLLB"), ("UMLI", "HL59"), ("OSLK", "GABS"), ("URMF", "FEFF")])
def test_with_open_skies_the_route_is_the_geodesic(a, b):
    r = route(a, b, airspace.OPEN_SKIES)
    x, y = catalog.airfield(a), catalog.airfield(b)
    assert r.length_km == pytest.approx(geo.geodesic_km(x.lat, x.lon, y.lat, y.lon), rel=0.005)
    assert r.waypoints == ((x.lon, x.lat), (y.lon, y.lat))


@pytest.mark.parametrize("case", sorted(POLICIES))
@pytest.mark.parametrize(("a", "b"), [("UUMU", "HLLB"), ("UMLI", "HL59"), ("UUMU", "OSLK"), ("UWLW", "GABS"),
                                      ("URMF", "HSPN"), ("UUMU", "FEFF")])
@pytest.mark.slow
def test_a_route_never_enters_closed_airspace(case, a, b):
    policy = POLICIES[case]
    x, y = catalog.airfield(a), catalog.airfield(b)
    r = route(a, b, policy)
    codes = policy.closed_for(x.country, y.country)
    if y.country in codes:
        assert not r.legal
        return
    assert r.legal, r.notes
    points = shapely.points(geodesic_points(r.waypoints))
    inside_airspace = shapely.intersects(points, closed_airspace(codes, policy.territorial_nm).union)
    assert not inside_airspace.any(), f"{inside_airspace.sum()} points in closed airspace"
    land = shapely.union_all([countries.countries()[c].land for c in codes])
    assert not shapely.intersects(points, land).any()
    assert not set(r.countries) & codes


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(a=st.sampled_from(FIELDS), b=st.sampled_from(FIELDS), case=st.sampled_from(sorted(POLICIES)))
def test_a_route_is_never_shorter_than_the_great_circle(a, b, case):
    r = route(a, b, POLICIES[case])
    if r.legal:
        assert r.length_km >= r.great_circle_km * (1 - 1e-9)


def test_routes_are_nearly_symmetric():
    for a, b in [("UUMU", "HLLB"), ("UMLI", "HL59"), ("UUMU", "OSLK")]:
        assert route(a, b).length_km == pytest.approx(route(b, a).length_km, rel=0.01)


def test_turkey_is_closed_only_to_flights_to_or_from_syria():
    to_syria = route("UUMU", "OSLK")
    to_libya = route("UUMU", "HLLB")
    assert "TUR" not in to_syria.countries and "SYR" == to_syria.countries[-1]
    assert "TUR" in to_libya.countries
    assert "TUR" not in route("OSLK", "UUMU").countries


def test_closing_turkey_forces_the_long_way_round():
    via_turkey = route("UUMU", "HLLB")
    around = route("UUMU", "HLLB", POLICIES["no_turkey"])
    assert around.length_km > via_turkey.length_km + 500
    assert {"IRN", "IRQ"} <= set(around.countries)


def test_a_closed_island_is_flown_around_by_a_short_detour():
    # Cyprus closed: Hmeimim -> Benina would cross it. The detour is bounded by half the circumference
    # of a circle around Cyprus plus its territorial waters (radius about 150 km).
    policy = airspace.make_policy(closed=["CYP"])
    direct = route("OSLK", "HLLB", airspace.OPEN_SKIES).length_km
    around = route("OSLK", "HLLB", policy)
    assert around.length_km > direct
    assert around.length_km < direct + math.pi * 150
    assert "CYP" not in around.countries


def test_no_route_into_a_closed_country():
    r = route("UUMU", "HLLB", airspace.make_policy(situation="dec2024", closed=["LBY"]))
    assert not r.legal
    assert "LBY" in r.notes[0]


def test_an_origin_inside_closed_airspace_leaves_it_by_the_shortest_way():
    policy = airspace.make_policy(situation="dec2024", closed=["BLR"])
    r = route("UMLI", "HLLB", policy)
    assert r.legal
    assert any("origin inside closed airspace (BLR)" in n for n in r.notes)
    # Machulishchy is about 400 km from Russia: the route must still leave Belarus, then stay legal.
    points = shapely.points(geodesic_points(r.waypoints))
    eu = closed_airspace(DEC2024.closed, 12.0).union
    assert not shapely.intersects(points, eu).any()


def test_territorial_buffer_is_twelve_nautical_miles():
    # Malta's airspace reaches 22.2 km beyond its coast: a point 15 km offshore is inside, 30 km is not.
    malta = closed_airspace(countries.expand(["MLT"]), 12.0)
    lon, lat = 14.58, 35.82  # north-east tip of Malta
    g = geo.wgs84()
    inside = g.fwd(lon, lat, 45, 15_000)[:2]
    outside = g.fwd(lon, lat, 45, 30_000)[:2]
    assert malta.component_at(*inside) is not None
    assert malta.component_at(*outside) is None


def test_groups_expand_to_countries_and_territories():
    eu = countries.expand(["EU"])
    assert len({"FRA", "DEU", "GRC", "CYP", "MLT"} & eu) == 5
    assert "TUR" not in eu
    assert {"GIB", "ESB", "WSB"} <= countries.expand(["GBR"])
    with pytest.raises(KeyError):
        countries.expand(["XXX"])


# What-ifs: a route kept when a closure does not touch it, and searches bounded by what could matter.


def test_a_route_that_does_not_enter_a_closed_country_is_kept_and_one_that_does_is_searched_again():
    book = airspace.RouteBook()
    dec2024 = airspace.make_policy(situation="dec2024")
    no_syria = airspace.make_policy(situation="dec2024", closed=["SYR"])
    uumu, hllb, hspn = (catalog.airfield(i) for i in ("UUMU", "HLLB", "HSPN"))
    to_benina = book.route(uumu, hllb, dec2024)
    to_port_sudan = book.route(uumu, hspn, dec2024)
    assert "SYR" not in to_benina.countries and "SYR" in to_port_sudan.countries
    assert not airspace.route_enters(to_benina, ["SYR"], 12.0) and airspace.route_enters(to_port_sudan, ["SYR"], 12.0)
    assert book.searched == 2
    assert book.route(uumu, hllb, no_syria) is to_benina  # kept
    rerouted = book.route(uumu, hspn, no_syria)
    assert book.searched == 3 and "SYR" not in rerouted.countries and rerouted.length_km > to_port_sudan.length_km
    # Kept means what a fresh search finds.
    assert airspace.legal_route(uumu, hllb, no_syria).length_km == pytest.approx(to_benina.length_km, rel=1e-6)


def test_a_bounded_route_search_finds_the_route_within_the_bound_and_nothing_beyond():
    policy = airspace.make_policy(situation="dec2024", closed=["TUR", "IRN"])
    urmf, hl59 = catalog.airfield("URMF"), catalog.airfield("HL59")
    full = airspace.legal_route(urmf, hl59, policy)
    assert full.legal and full.length_km > 6000  # round Central Asia and Arabia
    assert not airspace.legal_route(urmf, hl59, policy, max_km=full.length_km - 50).legal
    within = airspace.legal_route(urmf, hl59, policy, max_km=full.length_km + 50)
    assert within.length_km == pytest.approx(full.length_km)
    assert MAX_ROUTE_KM >= full.length_km
