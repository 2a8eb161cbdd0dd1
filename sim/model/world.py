"""The World: everything that stays fixed while aircraft fly, resolved once before the clock starts
(by sim.scenario.compile).

The World holds the run's specs (horizon, fleet, requirements, events, randomness; all in hours), the
aircraft types, the airfields (those the scenario names, plus catalogue airfields with fuel that may
serve as en-route stops), the airspace policy at the start and after each airspace event, and the legal
route between any two airfields under a policy (computed on first use and cached; a planner-supplied
``legs:`` distance overrides the router). The model looks routes up; it never calls pyproj or shapely
itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sim.data.catalog import AircraftType, Airfield
from sim.data.frozen import by_fields
from sim.flight import performance
from sim.geo import airspace
from sim.geo import geodesy as geo
from sim.geo.airspace import AirspacePolicy
from sim.geo.routing import Route
from sim.model.events import Event
from sim.model.specs import FleetSpec, OperationsSpec, RequirementSpec, RunSpec, StochasticSpec

STOP_DETOUR_FACTOR = 1.4  # a catalogue stop is "near the route" if o->s->d is within this ...
STOP_DETOUR_KM = 300.0  # ... times the great circle o->d, plus this


@dataclass(frozen=True)
class World:
    """Static inputs of one run."""

    run: RunSpec
    fleet: tuple[FleetSpec, ...]
    requirements: tuple[RequirementSpec, ...]
    events: tuple[Event, ...]  # in order of their hour
    stochastic: StochasticSpec | None  # None: deterministic
    aircraft: dict[str, AircraftType]
    airfields: dict[str, Airfield]
    named_airfields: tuple[str, ...]  # the airfields the scenario names, in first-mention order
    stop_candidates: tuple[str, ...]  # airfields with fuel that may serve as en-route stops
    policy: AirspacePolicy  # at the start of the run
    phases: tuple[tuple[float, AirspacePolicy], ...]  # (hour, policy) from hour 0 through each airspace event
    overrides: dict[tuple[str, str], float] = field(default_factory=dict)
    leg_notes: dict[tuple[str, str], str] = field(default_factory=dict)
    operations: OperationsSpec = field(default_factory=OperationsSpec)
    # Answers that depend only on the fields above, kept on first use (great circles, stops near a leg, routes).
    _great_circles: dict[tuple[str, str], float] = field(default_factory=dict, init=False, repr=False, compare=False)
    _stops: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _stops_from: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict, init=False, repr=False,
                                                                   compare=False)
    _routes: dict[tuple, Route] = field(default_factory=dict, init=False, repr=False, compare=False)

    def route(self, a: str, b: str, policy: AirspacePolicy | None = None, trip: tuple[str, str] | None = None) -> Route:
        """Legal route a -> b under ``policy`` (the starting one by default). ``trip``: the (origin,
        final destination) airfields when a -> b is one hop of a trip with a fuel stop, whose ends
        airspace rules also judge (Turkey stays closed to both hops of a trip bound for Syria)."""
        key = (a, b, policy, trip)
        route = self._routes.get(key)
        if route is None:
            route = self._routes[key] = self._route(a, b, self.policy if policy is None else policy, trip)
        return route

    def _route(self, a: str, b: str, policy: AirspacePolicy, trip: tuple[str, str] | None) -> Route:
        start, end = self.airfields[a], self.airfields[b]
        if (a, b) in self.overrides:
            gc = self.great_circle_km(a, b)
            km = self.overrides[(a, b)]
            return Route(((start.lon, start.lat), (end.lon, end.lat)), km, gc, (self.leg_notes[(a, b)],))
        ends = None if trip is None else (self.airfields[trip[0]].country, self.airfields[trip[1]].country)
        return airspace.legal_route(start, end, policy, ends)

    def distance(self, a: str, b: str, policy: AirspacePolicy | None = None, trip: tuple[str, str] | None = None) -> float:
        """Length (km) of the legal route a -> b (one hop of ``trip``, if given); infinite when there is none."""
        if a == b:
            return 0.0
        km = self.route(a, b, policy, trip).length_km
        return math.inf if km is None else km

    def shortest_possible_km(self, a: str, b: str) -> float:
        """A lower bound (km) on the route a -> b under any airspace: a given leg distance, else the great
        circle (less a rounding margin)."""
        km = self.overrides.get((a, b))
        return km if km is not None else self.great_circle_km(a, b) * (1.0 - 1e-9)

    def great_circle_km(self, a: str, b: str) -> float:
        """WGS84 geodesic distance (km): a lower bound on every route."""
        km = self._great_circles.get((a, b))
        if km is None:
            x, y = self.airfields[a], self.airfields[b]
            km = self._great_circles[(a, b)] = geo.geodesic_km(x.lat, x.lon, y.lat, y.lon)
        return km

    def flight_h(self, aircraft: AircraftType, a: str, b: str, policy: AirspacePolicy | None = None) -> float:
        """Block time (h) of the leg a -> b for this type."""
        return performance.flight_h(aircraft, self.distance(a, b, policy))

    def nearest(self, a: str, candidates: list[str], policy: AirspacePolicy | None = None) -> tuple[str | None, float]:
        """The candidate with the shortest legal route from ``a`` and its length (km).

        Routes are computed in order of great-circle distance and the search stops once the great
        circle alone exceeds the best route found.
        """
        best, best_km = None, math.inf
        for c in sorted(candidates, key=lambda c: self.great_circle_km(a, c)):
            if self.great_circle_km(a, c) >= best_km:
                break
            km = self.distance(a, c, policy)
            if km < best_km:
                best, best_km = c, km
        return best, best_km

    def great_circle_from(self, lat: float, lon: float, b: str) -> float:
        """WGS84 geodesic distance (km) from a point to an airfield."""
        y = self.airfields[b]
        return geo.geodesic_km(lat, lon, y.lat, y.lon)

    def point_along(self, a: str, b: str, policy: AirspacePolicy, flown_km: float) -> tuple[float, float]:
        """(lon, lat) of an aircraft ``flown_km`` along the legal route a -> b."""
        route = self.route(a, b, policy)
        coords, steps = route.drawn_steps()
        total = sum(steps)
        # The route may be a planner-given length (legs:); walk the drawn line by the same fraction.
        target = total * min(1.0, flown_km / route.length_km) if route.length_km else 0.0
        geod = geo.wgs84()
        for (lon1, lat1), (lon2, lat2), step in zip(coords, coords[1:], steps, strict=False):
            if target <= step:
                azimuth = geod.inv(lon1, lat1, lon2, lat2)[0]
                lon, lat, _ = geod.fwd(lon1, lat1, azimuth, target * 1000.0)
                return float(lon), float(lat)
            target -= step
        return coords[-1]

    def distance_from_point(self, lon: float, lat: float, country: str, b: str, policy: AirspacePolicy) -> float:
        """Length (km) of the legal route from an airborne point to airfield ``b`` (flight cleared from
        ``country``); infinite when there is none."""
        end = self.airfields[b]
        km = airspace.route_between(lon, lat, country, end.lon, end.lat, end.country, policy).length_km
        return math.inf if km is None else km

    def stops_near(self, a: str, b: str) -> tuple[str, ...]:
        """Stop candidates near the great circle a -> b (cheap filter before any routing)."""
        stops = self._stops.get((a, b))
        if stops is None:
            limit = STOP_DETOUR_FACTOR * self.great_circle_km(a, b) + STOP_DETOUR_KM
            stops = self._stops[(a, b)] = tuple(
                s for s in self.stop_candidates
                if s not in (a, b) and self.great_circle_km(a, s) + self.great_circle_km(s, b) <= limit)
        return stops

    def stops_by_distance(self, a: str) -> tuple[tuple[str, float], ...]:
        """(stop candidate, great circle from ``a`` in km), nearest first (in candidate order on a tie)."""
        stops = self._stops_from.get(a)
        if stops is None:
            stops = self._stops_from[a] = tuple(sorted(((s, self.great_circle_km(a, s)) for s in self.stop_candidates),
                                                       key=lambda pair: pair[1]))
        return stops

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # pickles though frozen and compiled

