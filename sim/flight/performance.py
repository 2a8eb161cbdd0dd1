"""Aircraft performance: one fuel-and-mass model, the published payload-range reference, runway limits
and flight time. Pure functions; masses in t, distances in km, times in h.

The mass model (Breguet range equation at constant cruise efficiency) is what every sortie obeys:

* burning fuel over ``d`` km from take-off mass ``m0`` leaves ``m0 * exp(-d / K)``, where ``K``
  (``range_factor_km``) folds speed, lift-to-drag ratio and specific fuel consumption into one number;
* a hop of ``d`` km is planned with the range reserve, ``d * (1 + range_reserve_frac)``, and must land
  with the fixed reserve ``reserve_fuel_t`` plus any fuel carried onward (tankered for an airfield
  without fuel) still aboard;
* at take-off: fuel <= tank capacity, payload <= maximum payload, and payload + fuel + operating empty
  mass <= the lower of the maximum take-off mass and what the runway allows; at landing: mass <= the
  lower of the maximum landing mass and what the runway allows.

``K`` and ``reserve_fuel_t`` are fitted to the published payload-range points (least squares on the
log of range), so the model reproduces the published envelope; ``mass_model_fit_error`` says how well.
The published envelope itself (``envelope_payload_t``, ``max_range_km``) is kept as the reference.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.data.mass_fit import fit_mass_model as fit_mass_model  # the catalogue fits with it: it lives in data/

if TYPE_CHECKING:
    from sim.data.catalog import AircraftType

# --- published payload-range (reference) --------------------------------------------------------------


def _envelope_arrays(aircraft: AircraftType) -> tuple[np.ndarray, np.ndarray]:
    """Ranges (ascending, km) and payloads (t) of the envelope, starting at 0 km with max payload."""
    points = sorted(aircraft.payload_range, key=lambda p: p[1])
    ranges = [0.0] + [r for _, r in points]
    payloads = [min(aircraft.max_payload_t, points[0][0])] + [min(p, aircraft.max_payload_t) for p, _ in points]
    return np.asarray(ranges), np.asarray(payloads)


def envelope_payload_t(aircraft: AircraftType, range_km: float) -> float:
    """Published maximum payload (t) for a flight of ``range_km`` with no reserve; -inf beyond ferry range."""
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


# --- the mass model -----------------------------------------------------------------------------------


def _model_range_km(k_km: float, reserve_t: float, mtow_t: float, oew_t: float, capacity_t: float,
                    payload_t: float) -> float:
    """Still-air range (km, no planning reserve) with ``payload_t``: take-off at the lower of MTOW and
    full tanks, land with the reserve."""
    takeoff = min(mtow_t, oew_t + payload_t + capacity_t)
    landing = oew_t + payload_t + reserve_t
    return k_km * math.log(takeoff / landing) if takeoff > landing else 0.0


def mass_model_range_km(aircraft: AircraftType, payload_t: float) -> float:
    """Range (km, no planning reserve) the mass model gives with ``payload_t``; compare with max_range_km."""
    if payload_t > aircraft.max_payload_t:
        return 0.0
    return _model_range_km(aircraft.range_factor_km, aircraft.reserve_fuel_t, aircraft.mtow_t, aircraft.oew_t,
                           aircraft.fuel_capacity_t, payload_t)


def mass_model_fit_error(aircraft: AircraftType) -> list[tuple[float, float, float]]:
    """(payload_t, published range_km, relative error of the mass model) for each published point."""
    return [(p, r, mass_model_range_km(aircraft, p) / r - 1.0) for p, r in aircraft.payload_range]


def burn_t(aircraft: AircraftType, distance_km: float, takeoff_mass_t: float) -> float:
    """Fuel (t) burned flying ``distance_km`` from ``takeoff_mass_t``."""
    return takeoff_mass_t * (1.0 - math.exp(-distance_km / aircraft.range_factor_km))


def fuel_to_reach_t(aircraft: AircraftType, distance_km: float, landing_mass_t: float) -> float:
    """Fuel (t) burned flying ``distance_km`` so as to land at ``landing_mass_t``."""
    return landing_mass_t * math.expm1(distance_km / aircraft.range_factor_km)


def distance_to_burn_km(aircraft: AircraftType, mass_t: float, down_to_t: float) -> float:
    """Distance (km) flown from ``mass_t`` until the aircraft weighs ``down_to_t`` (0 if it already does)."""
    return aircraft.range_factor_km * math.log(mass_t / down_to_t) if mass_t > down_to_t else 0.0


def required_fuel_t(aircraft: AircraftType, distance_km: float, payload_t: float, onward_fuel_t: float = 0.0) -> float:
    """Fuel (t) needed at take-off for a hop: the hop stretched by the range reserve, landing with the
    fixed reserve plus ``onward_fuel_t`` still aboard."""
    keep = aircraft.reserve_fuel_t + onward_fuel_t
    planned_km = distance_km * (1.0 + aircraft.range_reserve_frac)
    return fuel_to_reach_t(aircraft, planned_km, aircraft.oew_t + payload_t + keep) + keep


def return_fuel_t(aircraft: AircraftType, distance_km: float) -> float:
    """Fuel (t) to keep aboard on landing at an airfield without fuel for the empty hop on (``distance_km``):
    what that hop burns over its distance stretched by the range reserve, landing with the fixed reserve.
    The fixed reserve itself is not added: the hop in landing already keeps it, and it is the same fuel
    (counted once, the return hop's plan carries it)."""
    return required_fuel_t(aircraft, distance_km, 0.0) - aircraft.reserve_fuel_t


def takeoff_limit_t(aircraft: AircraftType, runway_m: float | None) -> float:
    """Highest take-off mass (t) the runway allows; -inf if the type cannot use it at all.

    Take-off distance grows with the square of mass (ground roll ~ W^2 / (rho S CL_max T)), so a runway
    shorter than the one needed at MTOW (``runway_full_load_m``) allows MTOW * sqrt(runway / needed).
    An unknown runway imposes no limit.
    """
    if runway_m is None:
        return aircraft.mtow_t
    if runway_m < aircraft.runway_min_m:
        return float("-inf")
    return aircraft.mtow_t * min(1.0, math.sqrt(runway_m / aircraft.runway_full_load_m))


def landing_limit_t(aircraft: AircraftType, runway_m: float | None) -> float:
    """Highest landing mass (t) the runway allows; -inf if the type cannot use it at all.

    Landing distance grows in proportion to mass (approach speed squared ~ W), so a runway shorter than
    the landing distance at maximum landing mass allows MLM * runway / needed.
    """
    if runway_m is None:
        return aircraft.max_landing_mass_t
    if runway_m < aircraft.runway_min_m:
        return float("-inf")
    return aircraft.max_landing_mass_t * min(1.0, runway_m / aircraft.landing_distance_m)


def hop_payload_t(aircraft: AircraftType, distance_km: float, onward_fuel_t: float = 0.0,
                  takeoff_runway_m: float | None = None, landing_runway_m: float | None = None,
                  fuel_aboard_t: float | None = None) -> float:
    """Most payload (t) a hop can carry under every fuel and mass rule; negative if it cannot be flown.

    ``fuel_aboard_t`` None: the origin has fuel and the aircraft loads what the hop needs. Otherwise the
    aircraft takes off with exactly that fuel (nothing to add at the origin).
    """
    return min(hop_payload_caps(aircraft, distance_km, onward_fuel_t, takeoff_runway_m, landing_runway_m,
                                fuel_aboard_t).values())


def hop_payload_caps(aircraft: AircraftType, distance_km: float, onward_fuel_t: float = 0.0,
                     takeoff_runway_m: float | None = None, landing_runway_m: float | None = None,
                     fuel_aboard_t: float | None = None) -> dict[str, float]:
    """Each limit on a hop's payload (t), by what sets it; ``hop_payload_t`` is the smallest.

    Keys: ``max payload``; ``MTOW`` or ``take-off runway`` (whichever allows less); ``max landing mass``
    or ``landing runway``; ``fuel capacity`` (tanks full, the origin has fuel) or ``fuel aboard`` (the
    fuel the aircraft stands with, none to be had). A value of -inf means the hop cannot be flown at all.
    """
    a = aircraft
    keep = a.reserve_fuel_t + onward_fuel_t
    growth = math.exp(distance_km * (1.0 + a.range_reserve_frac) / a.range_factor_km)  # take-off / landing mass
    burn_factor = math.exp(-distance_km / a.range_factor_km)  # landing / take-off mass, actually flown
    runway_takeoff = takeoff_limit_t(a, takeoff_runway_m)
    runway_landing = landing_limit_t(a, landing_runway_m)
    takeoff_max = min(a.mtow_t, runway_takeoff)
    landing_max = min(a.max_landing_mass_t, runway_landing)
    takeoff_key = "take-off runway" if runway_takeoff < a.mtow_t else "MTOW"
    landing_key = "landing runway" if runway_landing < a.max_landing_mass_t else "max landing mass"
    caps = {"max payload": a.max_payload_t}
    if fuel_aboard_t is None:
        # Take-off mass = (OEW + payload + keep) * growth; fuel = that less OEW and payload.
        caps[takeoff_key] = takeoff_max / growth - a.oew_t - keep
        caps[landing_key] = landing_max / (growth * burn_factor) - a.oew_t - keep
        if growth > 1.0:
            caps["fuel capacity"] = (a.fuel_capacity_t - keep) / (growth - 1.0) - a.oew_t - keep
        elif keep > a.fuel_capacity_t:
            caps["fuel capacity"] = float("-inf")
    else:
        caps[takeoff_key] = takeoff_max - a.oew_t - fuel_aboard_t
        caps[landing_key] = landing_max / burn_factor - a.oew_t - fuel_aboard_t
        if growth > 1.0:
            caps["fuel aboard"] = (fuel_aboard_t - keep) / (growth - 1.0) - a.oew_t - keep
        elif fuel_aboard_t < keep:
            caps["fuel aboard"] = float("-inf")
    return caps


def runway_payload_t(aircraft: AircraftType, takeoff_runway_m: float | None, landing_runway_m: float | None) -> float:
    """Most payload (t) the runways alone allow (a hop of zero length, landing with the reserve);
    negative if the type cannot use one of them."""
    return hop_payload_t(aircraft, 0.0, 0.0, takeoff_runway_m, landing_runway_m)


def planned_payload_t(aircraft: AircraftType, distance_km: float) -> float:
    """Most payload (t) on a one-way hop of ``distance_km`` with fuel at both ends and no runway limit
    (the mass model, with the range reserve). Negative: the distance cannot be flown even empty."""
    return hop_payload_t(aircraft, distance_km)


def planned_range_km(aircraft: AircraftType, payload_t: float) -> float:
    """Distance (km) that can be planned with ``payload_t`` aboard (mass model, after the reserve)."""
    a = aircraft
    if payload_t > a.max_payload_t:
        return 0.0
    landing = a.oew_t + payload_t + a.reserve_fuel_t
    takeoff = min(a.mtow_t, a.oew_t + payload_t + a.fuel_capacity_t)
    if takeoff <= landing:
        return 0.0
    return a.range_factor_km * math.log(takeoff / landing) / (1.0 + a.range_reserve_frac)


def taxi_climb_fuel_t(aircraft: AircraftType) -> float:
    """Fuel (t) a sortie burns beyond the mass model's distance burn: the block allowance (taxi, climb,
    descent and approach: the hours ``flight_h`` adds to cruise) at the type's block burn rate. Counted in a
    run's fuel (what a planner sizes forward fuel from), loaded on top of the take-off fuel; the take-off
    masses, payloads and fuel aboard stay those of the fitted mass model, whose K and reserve were fitted to
    published ranges that already include the climb (derived; see docs/explanation/crews-fuel-airspace.md)."""
    return aircraft.fuel_burn_t_per_h * aircraft.block_allowance_h


def flight_h(aircraft: AircraftType, distance_km: float) -> float:
    """Block time (h) for a leg: cruise at the type's speed plus the taxi/climb/descent allowance."""
    return distance_km / aircraft.cruise_speed_kmh + aircraft.block_allowance_h
