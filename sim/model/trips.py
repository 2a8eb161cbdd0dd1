"""Trip planning: direct or with one en-route fuel stop, under the fuel-and-mass model.

Rules (one mechanism for every case, all in sim.flight.performance):

* Every hop X -> Y must take off with fuel for its own distance stretched by the range reserve, and land
  with the type's reserve plus, when Y has no fuel, the fuel the onward hop from Y to a fuel airfield
  (back to X when X has fuel, otherwise the nearest open fuel airfield), flown empty, burns over its
  distance stretched by the range reserve. The fixed reserve is counted once: it is aboard on landing at
  Y and is the same fuel the onward hop must still hold when it lands. Tankering that
  fuel costs payload through the mass limits, never through a separate rule.
* At take-off: fuel <= tanks, payload + fuel + empty mass <= MTOW and <= what X's runway allows; at
  landing: mass <= maximum landing mass and <= what Y's runway allows.
* An aircraft standing at an airfield without fuel takes off with the fuel it has (``fuel_aboard_t``);
  at an airfield with fuel it loads what the next hop needs (``fuel_aboard_t`` None).
* A trip is the direct hop or two hops through one open airfield with fuel near the route. The planner
  picks the option with the most tons per hour of trip (onload + flights + stop + offload); for empty
  trips, the fastest. A trip that no option can fly is infeasible (None).
* Distances are legal routes under the airspace policy in force (World.route); a hop with no legal
  route cannot be flown. Airspace rules judge each hop by the trip's origin and final destination as
  well as its own ends, so a fuel stop never makes a forbidden trip legal.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sim.data.catalog import AircraftType
from sim.data.frozen import by_fields
from sim.flight import performance
from sim.geo.airspace import AirspacePolicy
from sim.model.crews import longest_hop_h
from sim.model.specs import may_serve
from sim.model.world import World


@dataclass(frozen=True)
class Hop:
    """One leg flown without landing."""

    origin: str
    destination: str
    distance_km: float
    flight_h: float
    payload_cap_t: float  # the most this hop can carry
    onward_fuel_t: float  # fuel to keep for after landing (0 when the destination has fuel)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # pickles though frozen and compiled


@dataclass(frozen=True)
class Trip:
    """One or two hops from an origin to a destination."""

    hops: tuple[Hop, ...]
    payload_cap_t: float
    flight_h: float
    stop_h: float  # ground time at the fuel stop, if any

    @property
    def stop(self) -> str | None:
        """The en-route fuel stop, if the trip has one."""
        return self.hops[0].destination if len(self.hops) > 1 else None

    @property
    def duration_h(self) -> float:
        """Flight plus stop time (h)."""
        return self.flight_h + self.stop_h

    @cached_property
    def landings(self) -> tuple[str, ...]:
        """The airfields the trip lands at, in order, each once."""
        return tuple(dict.fromkeys(h.destination for h in self.hops))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # pickles though frozen and compiled


class TripPlanner:
    """Plans trips in one world; results are cached per airfield-state version."""

    def __init__(self, world: World, is_open: Callable[[str], bool], policy: AirspacePolicy | None = None):
        self.world = world
        self.is_open = is_open
        self.policy = world.policy if policy is None else policy
        self._cache: dict[tuple, Trip | None] = {}
        self._hops: dict[tuple, Hop | None] = {}

    def invalidate(self) -> None:
        """Forget cached plans and hops: an airfield opened or closed."""
        self._cache.clear()
        self._hops.clear()

    def set_policy(self, policy: AirspacePolicy) -> None:
        """Plan under another airspace policy from now on."""
        self.policy = policy
        self.invalidate()

    def onward_fuel_t(self, aircraft: AircraftType, x: str, y: str) -> float:
        """Fuel (t) to keep on landing at ``y`` for the empty hop on to a fuel airfield; inf if none."""
        w = self.world
        if w.airfields[y].fuel:
            return 0.0
        if w.airfields[x].fuel and self.is_open(x):
            onward_km = w.distance(y, x, self.policy)
        else:
            candidates = [f for f in w.stop_candidates if f != y and self.is_open(f)]
            onward_km = w.nearest(y, candidates, self.policy)[1]
        if math.isinf(onward_km):
            return math.inf
        return performance.return_fuel_t(aircraft, onward_km)

    def hop(self, aircraft: AircraftType, x: str, y: str, fuel_aboard_t: float | None,
            trip: tuple[str, str] | None = None) -> Hop | None:
        """The hop x -> y (one hop of the trip ``trip`` = (origin, final destination), if given), or
        None if it cannot be flown even empty."""
        # The fuel aboard where there is none to load takes few values: what the hops there left.
        key = (aircraft.name, x, y, trip, fuel_aboard_t)
        if key in self._hops:
            return self._hops[key]
        hop = self._hops[key] = self._hop(aircraft, x, y, fuel_aboard_t, trip)
        return hop

    def _hop(self, aircraft: AircraftType, x: str, y: str, fuel_aboard_t: float | None,
             trip: tuple[str, str] | None) -> Hop | None:
        w = self.world
        distance = w.distance(x, y, self.policy, trip)
        if math.isinf(distance):
            return None
        onward = self.onward_fuel_t(aircraft, x, y)
        if math.isinf(onward):
            return None
        cap = performance.hop_payload_t(aircraft, distance, onward, w.airfields[x].runway_m, w.airfields[y].runway_m,
                                        fuel_aboard_t)
        if cap < 0:
            return None
        flight_h = performance.flight_h(aircraft, distance)
        if w.operations.crews and flight_h > longest_hop_h(aircraft) + 1e-9:
            return None  # no crew may fly it: a longer hop needs a fuel stop (where the crew may rest)
        return Hop(x, y, distance, flight_h, cap, onward)

    def plan(self, aircraft: AircraftType, origin: str, destination: str, want_t: float,
             fuel_aboard_t: float | None) -> Trip | None:
        """Best trip origin -> destination carrying up to ``want_t`` (0 for an empty trip)."""
        key = (aircraft.name, origin, destination, want_t, fuel_aboard_t)
        if key in self._cache:
            return self._cache[key]
        trip = self._cache[key] = self._plan(aircraft, origin, destination, want_t, fuel_aboard_t)
        return trip

    def _plan(self, aircraft: AircraftType, origin: str, destination: str, want_t: float,
              fuel_aboard_t: float | None) -> Trip | None:
        best: Trip | None = None
        direct = self.hop(aircraft, origin, destination, fuel_aboard_t)
        if direct is not None:
            best = _better(aircraft, want_t, best, Trip((direct,), direct.payload_cap_t, direct.flight_h, 0.0))
        for stop in self.world.stops_near(origin, destination):
            if not self.is_open(stop):
                continue
            if best is not None and self._beyond_reach(aircraft, want_t, origin, stop, destination, best):
                continue
            first = self.hop(aircraft, origin, stop, fuel_aboard_t, (origin, destination))
            if first is None:
                continue
            second = self.hop(aircraft, stop, destination, None, (origin, destination))
            if second is None:
                continue
            cap = min(first.payload_cap_t, second.payload_cap_t)
            best = _better(aircraft, want_t, best,
                           Trip((first, second), cap, first.flight_h + second.flight_h, aircraft.enroute_stop_h))
        return best

    def _beyond_reach(self, aircraft: AircraftType, want_t: float, origin: str, stop: str, destination: str,
                      best: Trip) -> bool:
        """Could no trip through ``stop`` beat ``best``, even flown full along the great circles (a route is
        never shorter)? Then its routes need not be searched."""
        first, second = (performance.flight_h(aircraft, self.world.shortest_possible_km(a, b))
                         for a, b in ((origin, stop), (stop, destination)))
        bound = _rank(aircraft, want_t, want_t, first + second + aircraft.enroute_stop_h, 2)
        return bound is not None and bound < _rank(aircraft, want_t, best.payload_cap_t, best.duration_h, len(best.hops))  # type: ignore[operator]


def _rank(aircraft: AircraftType, want_t: float, cap_t: float, duration_h: float, hops: int) -> tuple | None:
    """How good a trip is, higher better: an empty trip (``want_t`` 0) by its hours, then fewer hops; a loaded
    one by its tons per hour of trip (onload + flights + stop + offload), then the faster, then fewer hops;
    None for a loaded trip that carries nothing."""
    if want_t <= 0:
        return (-duration_h, -hops)
    tons = min(want_t, cap_t)
    if tons <= 0:
        return None
    return (round(tons / (aircraft.onload_h + aircraft.offload_h + duration_h), 9), -duration_h, -hops)


def _better(aircraft: AircraftType, want_t: float, best: Trip | None, trip: Trip) -> Trip | None:
    """The better of two trips for ``want_t``: ``best`` (planned first) on a tie; a trip carrying nothing never."""
    rank = _rank(aircraft, want_t, trip.payload_cap_t, trip.duration_h, len(trip.hops))
    if rank is None:
        return best
    if best is None or rank > _rank(aircraft, want_t, best.payload_cap_t, best.duration_h, len(best.hops)):  # type: ignore[operator]
        return trip
    return best


def fuel_after_hop_t(aircraft: AircraftType, hop: Hop, payload_t: float, fuel_takeoff_t: float | None = None) -> float:
    """Fuel (t) left on landing after flying ``hop`` with ``payload_t``; the take-off fuel is what the hop
    needs (refuelled at its origin) unless ``fuel_takeoff_t`` is given."""
    if fuel_takeoff_t is None:
        fuel_takeoff_t = performance.required_fuel_t(aircraft, hop.distance_km, payload_t, hop.onward_fuel_t)
    return fuel_takeoff_t - performance.burn_t(aircraft, hop.distance_km, aircraft.oew_t + payload_t + fuel_takeoff_t)


def fuel_state(world: World, ident: str, fuel_aboard_t: float) -> float | None:
    """What the planner needs to know of an aircraft's fuel at ``ident``: None where the airfield has fuel
    (it loads whatever the next hop needs), otherwise the fuel (t) aboard."""
    return None if world.airfields[ident].fuel else fuel_aboard_t


def infeasible_legs(world: World) -> list[dict[str, object]]:
    """Requirement legs some fleet type cannot fly at all with every airfield open, per airspace phase."""
    out: list[dict[str, object]] = []
    for start_h, policy in world.phases:
        planner = TripPlanner(world, lambda _ident: True, policy)
        for req in world.requirements:
            route = world.route(req.from_, req.to, policy)
            for name, kind in world.aircraft.items():
                if not may_serve(name, req):
                    continue
                if planner.plan(kind, req.from_, req.to, kind.planning_load_t, None) is not None:
                    continue
                ferry = performance.planned_range_km(kind, 0.0)
                if not route.legal:
                    reason = "no legal route: " + "; ".join(route.notes) + " and no one-stop routing exists"
                elif route.length_km > ferry:  # type: ignore[operator]
                    reason = (f"{route.length_km:.0f} km is beyond the {ferry:.0f} km planned ferry range "
                              "and no one-stop routing exists")
                else:
                    reason = "no payload can be carried under the fuel, mass and runway rules"
                out.append({"requirement": req.name, "from": req.from_, "to": req.to, "type": name,
                            "from_h": start_h, "airspace": policy.label,
                            "route_km": None if route.length_km is None else round(route.length_km, 1),
                            "reason": reason})
    return out
