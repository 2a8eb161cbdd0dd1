"""Which airspace is closed to which flight, and the legal route between two airfields.

An AirspacePolicy is a set of closed countries plus rules that close more countries only to some
flights (Turkey has been closed to Russian flights to or from Syria since April 2022, not to others).
A rule is judged by the trip, not only by the hop: a hop of a trip with an en-route fuel stop is bound
for the trip's final destination and comes from the trip's origin, so a stop cannot make a trip legal
that the rule forbids (Moscow -> Antalya -> Hmeimim still crosses Turkey on its way to Syria).
Codes are ISO 3166-1 alpha-3 or group names from sim/data/airspace.yaml; policies store them expanded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import shapely

from sim.data import countries
from sim.data.catalog import Airfield
from sim.geo import cache, obstacles, routing
from sim.geo import geodesy as geo
from sim.geo.obstacles import ClosedAirspace, closed_airspace
from sim.geo.routing import Route


@dataclass(frozen=True)
class AirspaceRule:
    """Countries closed only to flights bound for ``flights_to`` or coming from ``flights_from``."""

    closed: frozenset[str]
    flights_to: frozenset[str] = frozenset()
    flights_from: frozenset[str] = frozenset()

    def applies(self, from_country: str, to_country: str) -> bool:
        return to_country in self.flights_to or from_country in self.flights_from

    def describe(self) -> str:
        parts = []
        if self.flights_to:
            parts.append("to " + "/".join(sorted(self.flights_to)))
        if self.flights_from:
            parts.append("from " + "/".join(sorted(self.flights_from)))
        return f"{'/'.join(sorted(self.closed))} closed to flights {' or '.join(parts)}"


@dataclass(frozen=True)
class AirspacePolicy:
    """The airspace situation at one moment."""

    closed: frozenset[str] = frozenset()
    rules: tuple[AirspaceRule, ...] = ()
    territorial_nm: float = 12.0
    label: str = "open skies"

    def closed_for(self, from_country: str, to_country: str, trip: tuple[str, str] | None = None) -> frozenset[str]:
        """Country codes a flight between these two countries may not enter.

        ``trip`` is (country of the trip's origin, country of its final destination) when the flight is
        one hop of a longer trip: a rule applies when it applies to the hop's ends or to the trip's.
        """
        ends = [(from_country, to_country)] if trip is None else [(from_country, to_country), trip]
        out = set(self.closed)
        for rule in self.rules:
            if any(rule.applies(a, b) for a, b in ends):
                out |= rule.closed
        return frozenset(out)

    def closing(self, codes: list[str]) -> AirspacePolicy:
        """This policy with more countries closed to every flight."""
        added = countries.expand(codes)
        return dataclasses.replace(self, closed=self.closed | added, label=f"{self.label} + closed {','.join(codes)}")

    def opening(self, codes: list[str]) -> AirspacePolicy:
        """This policy with countries opened to every flight, rules included."""
        removed = countries.expand(codes)
        rules = tuple(
            dataclasses.replace(r, closed=r.closed - removed) for r in self.rules if r.closed - removed
        )
        return dataclasses.replace(
            self, closed=self.closed - removed, rules=rules, label=f"{self.label} + opened {','.join(codes)}"
        )

    def describe(self) -> dict[str, object]:
        """Plain description for summaries and reports."""
        return {
            "label": self.label,
            "closed": sorted(self.closed),
            "rules": [r.describe() for r in self.rules],
            "territorial_nm": self.territorial_nm,
        }


OPEN_SKIES = AirspacePolicy()


def make_policy(
    closed: Sequence[str] = (),
    rules: Sequence[dict] = (),
    situation: str | None = None,
    opened: Sequence[str] = (),
    territorial_nm: float | None = None,
) -> AirspacePolicy:
    """A policy from a named situation, then extra closed codes, extra rules and opened codes.

    Raises KeyError for an unknown code or situation.
    """
    width = float(countries.territorial_nm().value if territorial_nm is None else territorial_nm)
    base = AirspacePolicy(territorial_nm=width, label="open skies")
    if situation is not None:
        spec = countries.situations()[situation]
        base = dataclasses.replace(
            base,
            closed=countries.expand(countries.situation_closed(situation)),
            rules=tuple(_rule(r) for r in spec.get("rules", [])),
            label=situation,
        )
    policy = dataclasses.replace(
        base,
        closed=base.closed | countries.expand(list(closed)),
        rules=base.rules + tuple(_rule(r) for r in rules),
    )
    if closed or rules:
        extra = ",".join(closed) + (f" + {len(rules)} rule(s)" if rules else "")
        label = f"{situation} + closed {extra}" if situation else f"closed {extra}"
        policy = dataclasses.replace(policy, label=label)
    return policy.opening(list(opened)) if opened else policy


def _rule(spec: dict) -> AirspaceRule:
    return AirspaceRule(
        closed=countries.expand(spec["closed"]),
        flights_to=countries.expand(spec.get("flights_to", [])),
        flights_from=countries.expand(spec.get("flights_from", [])),
    )


def legal_route(origin: Airfield, destination: Airfield, policy: AirspacePolicy,
                trip: tuple[str, str] | None = None, max_km: float | None = None) -> Route:
    """Shortest route from origin to destination that this policy allows, with the countries overflown.

    ``trip``: (country of the trip's origin, country of its final destination) when origin ->
    destination is one hop of a trip with an en-route stop; the policy's rules then apply to the
    trip's ends as well as to the hop's (see AirspacePolicy.closed_for). ``max_km``: only look for a
    route up to this long (no route beyond it is reported as none), which makes hopeless searches cheap.
    """
    return _legal_route(origin.lon, origin.lat, origin.country, destination.lon, destination.lat, destination.country,
                        policy, _trip_key(origin.country, destination.country, policy, trip),
                        routing.MAX_ROUTE_KM if max_km is None else min(float(max_km), routing.MAX_ROUTE_KM))


POINT_DECIMALS = 4  # an airborne point's lon and lat are rounded to this many decimals: nearby points share a route
# How far that moves the point, at most: half a unit of the last decimal each way, a degree at most 111.33 km.
POINT_ROUNDING_KM = 2 * 0.5 * 10.0**-POINT_DECIMALS * 111.33


def route_between(lon1: float, lat1: float, country1: str, lon2: float, lat2: float, country2: str,
                  policy: AirspacePolicy) -> Route:
    """Shortest legal route between two points, for a flight from ``country1`` to ``country2``: an airborne
    aircraft's diversion. A point in the air is met once, so the route is neither stored in the on-disk cache
    nor told the countries it overflies."""
    return _point_route(round(lon1, POINT_DECIMALS), round(lat1, POINT_DECIMALS), country1, lon2, lat2, country2, policy)


@lru_cache(maxsize=1024)
def _point_route(lon1, lat1, country1, lon2, lat2, country2, policy: AirspacePolicy) -> Route:
    codes = policy.closed_for(country1, country2)
    if country2 in codes:
        return _closed_destination(lon1, lat1, lon2, lat2, country2, None)
    return _searched((lon1, lat1), (lon2, lat2), codes, policy.territorial_nm, routing.MAX_ROUTE_KM)


def _searched(origin: tuple[float, float], destination: tuple[float, float], codes: frozenset[str],
              territorial_nm: float, max_km: float) -> Route:
    """routing.shortest_route, which reads from the on-disk cache the airspace of the groups it is about to
    build; the groups it built are stored there."""
    held = obstacles.groups_held()
    route = routing.shortest_route(origin, destination, codes, territorial_nm, max_km, _read_stored)
    if obstacles.groups_held() != held:
        _store_built_groups(codes, territorial_nm)
    return route


def _closed_destination(lon1, lat1, lon2, lat2, country2: str, trip: tuple[str, str] | None) -> Route:
    """No route: the destination's country is closed (to a trip between ``trip``'s countries, if given)."""
    gc = geo.geodesic_km(lat1, lon1, lat2, lon2)
    why = "" if trip is None else f" to a trip from {trip[0]} to {trip[1]}"
    return Route((), None, gc, (f"destination country {country2} is closed{why}",))


def _trip_key(country1: str, country2: str, policy: AirspacePolicy, trip: tuple[str, str] | None) -> tuple[str, str] | None:
    """The trip's ends when they close more than the hop's own ends do, else None (one cache entry per hop)."""
    if trip is None or policy.closed_for(country1, country2, trip) == policy.closed_for(country1, country2):
        return None
    return trip


@lru_cache(maxsize=8192)
def _legal_route(lon1, lat1, country1, lon2, lat2, country2, policy: AirspacePolicy,
                 trip: tuple[str, str] | None, max_km: float) -> Route:
    codes = policy.closed_for(country1, country2, trip)
    if country2 in codes:
        return _closed_destination(lon1, lat1, lon2, lat2, country2, trip)
    ends = (lon1, lat1, lon2, lat2, max_km)
    stored = cache.load_route(codes, policy.territorial_nm, ends)
    if stored is not None:
        return stored
    route = _searched((lon1, lat1), (lon2, lat2), codes, policy.territorial_nm, max_km)
    overflies = tuple(countries.countries_along(route.line())) if route.legal else ()
    route = dataclasses.replace(route, countries=overflies)
    cache.store_route(codes, policy.territorial_nm, ends, route)
    return route


def stored_airspace(codes: frozenset[str], territorial_nm: float) -> ClosedAirspace:
    """The closed airspace of ``codes``: each group's (see sim.geo.obstacles) held by this process, else
    read from the on-disk cache, else built (and stored there)."""
    codes, territorial_nm = frozenset(codes), float(territorial_nm)
    _read_stored_groups(codes, territorial_nm)
    built = closed_airspace(codes, territorial_nm)
    _store_built_groups(codes, territorial_nm)
    return built


def _read_stored_groups(codes: frozenset[str], territorial_nm: float) -> None:
    """Into this process: the airspace of those groups of ``codes`` it lacks that the on-disk cache holds."""
    _read_stored(list(obstacles.airspace_groups(codes, territorial_nm).groups), territorial_nm)


def _read_stored(groups: list[frozenset[str]], territorial_nm: float) -> None:
    """Into this process: the airspace of those of ``groups`` it lacks that the on-disk cache holds."""
    for group in groups:
        if not obstacles.is_built(group, territorial_nm):
            loaded = cache.load_airspace(group, territorial_nm)
            if loaded is not None:
                obstacles.remember_group(loaded)


def _store_built_groups(codes: frozenset[str], territorial_nm: float) -> None:
    """Into the on-disk cache: the airspace of the groups of ``codes`` this process holds and it lacks."""
    for group in obstacles.airspace_groups(codes, territorial_nm).groups:
        if obstacles.is_built(group, territorial_nm) and not cache.holds_airspace(group, territorial_nm):
            cache.store_airspace(closed_airspace(group, territorial_nm))


def route_enters(route: Route, codes: list[str], territorial_nm: float) -> bool:
    """True when ``route`` enters the airspace (land plus ``territorial_nm``) of any of ``codes`` (codes
    or groups). A legal route that does not is still the shortest legal route once they close too, so
    a what-if that closes one more country need only route again the routes this returns True for."""
    if not route.legal:
        return False
    return bool(_airspace_outline(countries.expand(codes), float(territorial_nm)).intersects(route.line()))


@lru_cache(maxsize=64)
def _airspace_outline(codes: frozenset[str], territorial_nm: float) -> shapely.Geometry:
    outline = stored_airspace(codes, territorial_nm).union
    shapely.prepare(outline)
    return outline


class RouteBook:
    """Legal routes between airfields under several policies, reusing one policy's route for another that
    closes more: where a route does not enter the extra airspace it is still the shortest legal route,
    so only the routes that do are searched again. For reports that ask many what-ifs."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str, float], list[tuple[frozenset[str], Route]]] = {}
        self.searched = 0  # routes actually searched (the rest were reused)

    def route(self, origin: Airfield, destination: Airfield, policy: AirspacePolicy) -> Route:
        """The legal route origin -> destination under ``policy``."""
        key = (origin.ident, destination.ident, policy.territorial_nm)
        codes = policy.closed_for(origin.country, destination.country)
        known = self._known.setdefault(key, [])
        for earlier, route in known:
            if earlier == codes:
                return route
            if earlier <= codes and route.legal and not route_enters(route, sorted(codes - earlier), policy.territorial_nm):
                known.append((codes, route))
                return route
        route = legal_route(origin, destination, policy)
        self.searched += 1
        known.append((codes, route))
        return route
