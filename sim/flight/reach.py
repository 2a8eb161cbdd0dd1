"""No-refuel reach: how far a type flies with a payload, and what it carries non-stop on legal routes.

Range and payload follow the planning rule of the model (sim.flight.performance): the envelope less the
range reserve, and no more than the runways at both ends allow. A destination is reachable when a
legal route exists and the maximum non-stop payload on it is at least the payload asked for.
"""

from __future__ import annotations

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


def reach(
    aircraft: AircraftType, origin: Airfield, payload_t: float, policy: AirspacePolicy, destinations: list[Airfield]
) -> Reach:
    """Reach of ``aircraft`` from ``origin`` carrying ``payload_t`` to each destination."""
    if payload_t < 0 or payload_t > aircraft.max_payload_t:
        raise ValueError(f"payload {payload_t:g} t is outside 0 to {aircraft.max_payload_t:g} t for the {aircraft.name}")
    rows = []
    for dest in destinations:
        if dest.ident == origin.ident:
            continue
        route = airspace.legal_route(origin, dest, policy)
        runway = performance.runway_payload_t(aircraft, origin.runway_m, dest.runway_m)
        best = None
        if route.legal:
            best = max(max_nonstop_payload_t(aircraft, origin, dest, route.length_km), -1.0)
        reachable = best is not None and best >= 0 and best >= payload_t - 1e-9
        rows.append(ReachRow(dest, route, None if best is None or best < 0 else best, runway, reachable))
    return Reach(
        aircraft, origin, payload_t, policy,
        max_range_km=performance.planned_range_km(aircraft, payload_t),
        envelope_range_km=performance.max_range_km(aircraft, payload_t),
        rows=tuple(rows),
    )


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
                "route_km": None if row.route.length_km is None else round(row.route.length_km, 1),
                "reachable": row.reachable,
                "max_payload_t": None if row.max_payload_t is None else round(row.max_payload_t, 1),
                "runway_payload_t": round(max(row.runway_payload_t, 0.0), 1),
                "fuel_at_destination": row.airfield.fuel,
                "overflies": list(row.route.countries),
                "notes": list(row.route.notes),
            }
            for row in result.rows
        ],
    }
