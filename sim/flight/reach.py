"""No-refuel reach: how far a type flies with a payload, and what it carries non-stop on legal routes.

Range and payload follow the planning rule of the model (sim.flight.performance): the fuel-and-mass
model less the range reserve, and no more than the runways at both ends allow. Two readings of "without
refuelling" are answered for every destination:

* **one-way** (``max_payload_t``): the most carried non-stop to the destination, which refuels there;
* **round trip** (``round_trip_payload_t``): the most carried non-stop to the destination with the fuel
  for the flight back to the origin already aboard, so nothing is loaded there. The payload goes out,
  the aircraft comes back empty. This is the model's own rule for an airfield without fuel
  (sim.model.trips): the outbound hop is planned with the range reserve and lands with the fuel the empty
  return needs, itself planned with the range reserve and landing with the fixed reserve. The fixed
  reserve is counted once: the outbound lands with it, and it is the fuel the return still holds on
  landing. So a shuttle into a field without fuel carries exactly this.

A destination is reachable when a legal route exists and the one-way payload is at least the payload
asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.data.catalog import AircraftType, Airfield
from sim.flight import performance
from sim.geo import airspace
from sim.geo.airspace import AirspacePolicy
from sim.geo.routing import Route


@dataclass(frozen=True)
class ReachRow:
    """One destination seen from the origin."""

    airfield: Airfield
    route: Route
    max_payload_t: float | None  # most the type carries non-stop on the legal route; None without one
    runway_payload_t: float  # limit set by the runways at both ends
    reachable: bool
    round_trip_payload_t: float | None = None  # most carried there and back without refuelling there
    round_trip_limited_by: str | None = None  # what caps it (see round_trip_payload_caps)
    return_route_km: float | None = None  # the legal route back to the origin


@dataclass(frozen=True)
class Reach:
    """Reach of one type from one origin with one payload under one airspace policy."""

    aircraft: AircraftType
    origin: Airfield
    payload_t: float
    policy: AirspacePolicy
    max_range_km: float  # planned non-stop range with this payload (after the reserve)
    envelope_range_km: float  # published range with this payload (no reserve)
    rows: tuple[ReachRow, ...]

    @property
    def notes(self) -> list[str]:
        """Remarks that apply to the whole answer (e.g. an origin inside closed airspace)."""
        seen: dict[str, None] = {}
        for row in self.rows:
            for note in row.route.notes:
                if note.startswith("origin"):
                    seen[note] = None
        return list(seen)


def max_nonstop_payload_t(aircraft: AircraftType, origin: Airfield, destination: Airfield, route_km: float) -> float:
    """Most payload (t) carried non-stop over ``route_km`` under the fuel-and-mass model (with the range
    reserve, refuelling at the destination), with the take-off runway at the origin and the landing
    runway at the destination."""
    return performance.hop_payload_t(aircraft, route_km, 0.0, origin.runway_m, destination.runway_m)


def round_trip_payload_caps(aircraft: AircraftType, origin: Airfield, destination: Airfield, out_km: float,
                            back_km: float | None = None) -> dict[str, float]:
    """Each limit (t) on the payload carried ``origin`` -> ``destination`` (``out_km``) with the fuel for the
    empty return (``back_km``, default the same) aboard, by what sets it (the keys of
    performance.hop_payload_caps, plus ``return runway`` if the destination's runway cannot launch the
    aircraft home with that fuel). The smallest is round_trip_payload_t."""
    back = out_km if back_km is None else back_km
    onward = performance.return_fuel_t(aircraft, back)
    caps = performance.hop_payload_caps(aircraft, out_km, onward, origin.runway_m, destination.runway_m)
    # Landed as planned it holds the return fuel and the fixed reserve: can it take off and land home?
    # (The return's own fuel limit holds by construction, at 0 t: only its mass and runway limits are asked.)
    home = performance.hop_payload_caps(aircraft, back, 0.0, destination.runway_m, origin.runway_m,
                                        fuel_aboard_t=onward + aircraft.reserve_fuel_t)
    if min(v for k, v in home.items() if k != "fuel aboard") < 0:
        caps["return runway"] = -math.inf
    return caps


def round_trip_payload_t(aircraft: AircraftType, origin: Airfield, destination: Airfield, out_km: float,
                         back_km: float | None = None) -> float:
    """Most payload (t) carried ``origin`` -> ``destination`` non-stop over ``out_km`` and flown back to the
    origin over ``back_km`` (default ``out_km``) without refuelling at the destination: payload out,
    empty back. Negative when the round trip cannot be flown even empty.

    Worked by hand for the Il-76MD (OEW 92 t, MTOW 190 t, tanks 87 t, K = 14,106 km, fixed reserve 7.8 t,
    range reserve 10 %) over 3,364.5 km each way (Chkalovsky -> al-Khadim by Turkey): growth = exp(3,364.5
    x 1.1 / 14,106) = 1.300; the return burns (92 + 7.8) x 0.300 = 29.9 t and lands with the 7.8 t
    reserve, so the outbound lands with 29.9 + 7.8 = 37.7 t (the reserve once). Tanks: (87 - 37.7) /
    0.300 - 92 - 37.7 = 34.6 t; MTOW: 190 / 1.300 - 92 - 37.7 = 16.5 t. MTOW binds: 16.5 t.
    """
    return min(round_trip_payload_caps(aircraft, origin, destination, out_km, back_km).values())


def limiting(caps: dict[str, float]) -> str:
    """The name of the smallest cap (the one that binds)."""
    return min(caps, key=caps.__getitem__)


def return_route(origin: Airfield, destination: Airfield, policy: AirspacePolicy, outbound: Route) -> Route:
    """The legal route back from ``destination`` to ``origin``: the outbound route reversed when the
    policy closes the same countries both ways (routes are symmetric), otherwise routed anew."""
    if policy.closed_for(origin.country, destination.country) == policy.closed_for(destination.country, origin.country):
        return outbound
    return airspace.legal_route(destination, origin, policy)


def reach(
    aircraft: AircraftType, origin: Airfield, payload_t: float, policy: AirspacePolicy, destinations: list[Airfield]
) -> Reach:
    """Reach of ``aircraft`` from ``origin`` carrying ``payload_t`` to each destination, one-way and round trip."""
    if payload_t < 0 or payload_t > aircraft.max_payload_t:
        raise ValueError(f"payload {payload_t:g} t is outside 0 to {aircraft.max_payload_t:g} t for the {aircraft.name}")
    rows = []
    for dest in destinations:
        if dest.ident == origin.ident:
            continue
        route = airspace.legal_route(origin, dest, policy)
        runway = performance.runway_payload_t(aircraft, origin.runway_m, dest.runway_m)
        best = round_trip = limit = back_km = None
        if route.length_km is not None:  # a legal route
            best = max(max_nonstop_payload_t(aircraft, origin, dest, route.length_km), -1.0)
            back = return_route(origin, dest, policy, route)
            if back.length_km is not None:
                back_km = back.length_km
                caps = round_trip_payload_caps(aircraft, origin, dest, route.length_km, back_km)
                round_trip, limit = min(caps.values()), limiting(caps)
        reachable = best is not None and best >= 0 and best >= payload_t - 1e-9
        rows.append(ReachRow(
            dest, route, None if best is None or best < 0 else best, runway, reachable,
            round_trip_payload_t=None if round_trip is None or round_trip < 0 else round_trip,
            round_trip_limited_by=limit,
            return_route_km=back_km,
        ))
    return Reach(
        aircraft, origin, payload_t, policy,
        max_range_km=performance.planned_range_km(aircraft, payload_t),
        envelope_range_km=performance.max_range_km(aircraft, payload_t),
        rows=tuple(rows),
    )


def _km(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def reach_record(result: Reach, closed: list[str]) -> dict[str, object]:
    """The JSON shape of ``airlift reach --json``."""
    return {
        "type": result.aircraft.name,
        "origin": result.origin.ident,
        "payload_t": result.payload_t,
        "closed": closed,
        "airspace": result.policy.describe(),
        "max_range_km": round(result.max_range_km, 1),
        "envelope_range_km": round(result.envelope_range_km, 1),
        "range_reserve_frac": result.aircraft.range_reserve_frac,
        "notes": result.notes,
        "airfields": [
            {
                "icao": row.airfield.ident,
                "name": row.airfield.name,
                "country": row.airfield.country,
                "great_circle_km": round(row.route.great_circle_km, 1),
                "route_km": _km(row.route.length_km),
                "reachable": row.reachable,
                "max_payload_t": _km(row.max_payload_t),
                "round_trip_payload_t": _km(row.round_trip_payload_t),
                "round_trip_limited_by": row.round_trip_limited_by,
                "return_route_km": _km(row.return_route_km),
                "runway_payload_t": round(max(row.runway_payload_t, 0.0), 1),
                "fuel_at_destination": row.airfield.fuel,
                "overflies": list(row.route.countries),
                "notes": list(row.route.notes),
            }
            for row in result.rows
        ],
    }
