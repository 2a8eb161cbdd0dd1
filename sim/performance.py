"""Aircraft performance: payload-range envelope, runway limits and flight time.

The envelope is piecewise linear through the published (payload, range) points. Between the origin and
the range at maximum payload the aircraft carries its maximum payload; beyond the last point (ferry
range) it cannot fly. A planning reserve stretches every leg: a leg of d km is planned as d x (1 + reserve).
"""

from __future__ import annotations

import numpy as np

from sim.catalog import AircraftType


def _envelope_arrays(aircraft: AircraftType) -> tuple[np.ndarray, np.ndarray]:
    """Ranges (ascending, km) and payloads (t) of the envelope, starting at 0 km with max payload."""
    points = sorted(aircraft.payload_range, key=lambda p: p[1])
    ranges = [0.0] + [r for _, r in points]
    payloads = [min(aircraft.max_payload_t, points[0][0])] + [min(p, aircraft.max_payload_t) for p, _ in points]
    return np.asarray(ranges), np.asarray(payloads)


def envelope_payload_t(aircraft: AircraftType, range_km: float) -> float:
    """Maximum payload (t) for a flight of ``range_km`` with no reserve; -inf beyond ferry range."""
    ranges, payloads = _envelope_arrays(aircraft)
    if range_km > ranges[-1]:
        return float("-inf")
    return float(np.interp(range_km, ranges, payloads))


def max_range_km(aircraft: AircraftType, payload_t: float) -> float:
    """Published range (km, no reserve) at ``payload_t``; 0 if the payload exceeds the maximum."""
    if payload_t > aircraft.max_payload_t:
        return 0.0
    points = sorted(aircraft.payload_range)  # payload ascending, so range descending
    payloads = np.asarray([p for p, _ in points])
    ranges = np.asarray([r for _, r in points])
    # Above the heaviest published point the range stays that point's (np.interp clamps).
    return float(np.interp(payload_t, payloads, ranges))


def planned_payload_t(aircraft: AircraftType, fuel_distance_km: float) -> float:
    """Maximum payload (t) when the fuel on board must cover ``fuel_distance_km`` plus the reserve.

    Negative or -inf means the distance cannot be flown even empty.
    """
    return envelope_payload_t(aircraft, fuel_distance_km * (1.0 + aircraft.range_reserve_frac))


def planned_range_km(aircraft: AircraftType, payload_t: float) -> float:
    """Distance (km) that can be planned with ``payload_t`` aboard, after the reserve."""
    return max_range_km(aircraft, payload_t) / (1.0 + aircraft.range_reserve_frac)


def runway_payload_t(aircraft: AircraftType, runway_m: float | None) -> float:
    """Payload limit (t) imposed by a runway; negative if the type cannot use it at all.

    Assumed rule: full payload from ``runway_full_load_m``, falling linearly to zero at ``runway_min_m``.
    An unknown runway imposes no limit.
    """
    if runway_m is None or runway_m >= aircraft.runway_full_load_m:
        return aircraft.max_payload_t
    if runway_m < aircraft.runway_min_m:
        return -1.0
    span = aircraft.runway_full_load_m - aircraft.runway_min_m
    return aircraft.max_payload_t * (runway_m - aircraft.runway_min_m) / span


def flight_h(aircraft: AircraftType, distance_km: float) -> float:
    """Block time (h) for a leg: cruise at the type's speed plus the taxi/climb/descent allowance."""
    return distance_km / aircraft.cruise_speed_kmh + aircraft.block_allowance_h
