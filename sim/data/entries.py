"""The catalogue's entries: one aircraft type, one airfield, with the provenance of every number.

The model reads these on every leg; ``sim._core`` compiles this module with the core, so each read is a
field of a native class rather than a look-up in an instance's dict (some 270,000 a replication of
lose_hmeimim_sweep). The catalogue files are read in ``sim.data.catalog``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from sim.data.frozen import by_fields
from sim.data.provenance import Provenance, scenario_provenance

DEFAULT_CARGO_CLASSES = ("bulk",)
# Fitted to the payload-range points by the mass model unless a scenario sets them.
DERIVED_AIRCRAFT_FIELDS = ("range_factor_km", "reserve_fuel_t")
MASS_MODEL_INPUTS = ("payload_range", "mtow_t", "oew_t", "fuel_capacity_t")


@dataclass(frozen=True)
class AircraftType:
    """One aircraft type. Distances in km, masses in t, times in h, speeds in km/h."""

    name: str
    max_payload_t: float
    payload_range: tuple[tuple[float, float], ...]  # (payload_t, range_km), payload descending
    cruise_speed_kmh: float
    block_allowance_h: float
    mtow_t: float  # maximum take-off mass
    oew_t: float  # operating empty mass (crew and equipment aboard, no fuel, no payload)
    max_landing_mass_t: float
    fuel_capacity_t: float
    fuel_burn_t_per_h: float  # block burn, for closed-form estimates; sorties use the mass model
    runway_full_load_m: float  # runway needed to take off at MTOW
    runway_min_m: float  # shortest runway the type uses at all
    landing_distance_m: float  # runway needed to land at maximum landing mass
    planning_load_t: float
    onload_h: float  # includes refuelling at an airfield with fuel, unless refuel_sequential
    offload_h: float  # likewise
    refuel_h: float  # added to a turn only when refuel_sequential
    enroute_stop_h: float  # ground time of an en-route fuel stop
    range_reserve_frac: float
    ute_h_per_day: float | None  # flying-hour budget per aircraft per day; None = no cap
    crews_per_aircraft: float = 3.0  # crew ratio: crews of this type per aircraft
    crew_duty_h: float = 16.0  # longest duty period, show to debrief
    crew_rest_h: float = 12.0  # least rest between duty periods
    crew_show_h: float = 1.5  # on duty before the first take-off of a duty period
    crew_debrief_h: float = 0.5  # on duty after the last landing
    crew_flight_h_per_30d: float = 90.0  # most flight hours of one crew in any 30 days
    refuel_sequential: bool = False
    hold_floor_length_m: float = math.inf  # usable floor length of the hold (ramp left out)
    hold_width_m: float = math.inf
    hold_height_m: float = math.inf
    ramp_length_m: float | None = None  # ramp floor usable for light cargo, beyond the floor length
    ramp_load_t: float | None = None  # most the ramp bears
    seats: int = 0  # passengers or troops it seats
    seats_on_floor: bool = False  # the seats stand in the cargo hold and take its floor
    cargo_classes: tuple[str, ...] = DEFAULT_CARGO_CLASSES  # bulk, oversize, outsize, passengers
    range_factor_km: float = 0.0  # mass model K: fuel burn over d km leaves exp(-d / K) of the mass
    reserve_fuel_t: float = 0.0  # fuel still aboard on landing after a hop flown as planned
    provenance: dict[str, Provenance] = field(default_factory=dict, compare=False, repr=False)

    def with_overrides(self, overrides: dict[str, Any]) -> AircraftType:
        """A copy with scenario overrides applied (graded "scenario"); the mass model is fitted again
        when its inputs change."""
        changes = dict(overrides)
        if "payload_range" in changes:
            changes["payload_range"] = _sorted_points(changes["payload_range"])
        kind = _overridden(self, changes, overrides)
        if any(k in overrides for k in MASS_MODEL_INPUTS) and not any(k in overrides for k in DERIVED_AIRCRAFT_FIELDS):
            kind = _with_mass_fit(kind)
        return kind

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # pickles though frozen and compiled


def _with_mass_fit(kind: AircraftType) -> AircraftType:
    """The type with range_factor_km and reserve_fuel_t fitted to its payload-range points."""
    from sim.data.mass_fit import fit_mass_model

    k_km, reserve_t = fit_mass_model(kind.payload_range, kind.mtow_t, kind.oew_t, kind.fuel_capacity_t)
    method = ("fitted: Breguet range K * ln(take-off / landing mass) through the payload-range points, "
              "take-off at MTOW or full tanks, least squares on log range (sim.flight.performance.fit_mass_model)")
    prov = {**kind.provenance,
            "range_factor_km": Provenance(round(k_km, 1), "derived", method),
            "reserve_fuel_t": Provenance(reserve_t, "derived", method)}
    return dataclasses.replace(kind, range_factor_km=k_km, reserve_fuel_t=reserve_t, provenance=prov)


@dataclass(frozen=True)
class Airfield:
    """One airfield. Identified by ICAO code or the catalogue's pseudo-ident."""

    ident: str
    name: str
    country: str  # ISO 3166-1 alpha-3
    lat: float
    lon: float
    runway_m: float | None
    mog: int  # working spots
    fuel: bool
    parking_mog: int = 0  # every spot a heavy transport can stand on, the working ones included
    provenance: dict[str, Provenance] = field(default_factory=dict, compare=False, repr=False)

    def with_overrides(self, overrides: dict[str, Any]) -> Airfield:
        """A copy with scenario overrides applied (graded "scenario")."""
        return _overridden(self, overrides, overrides)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # pickles though frozen and compiled


def _overridden(obj: Any, changes: dict[str, Any], as_written: dict[str, Any]) -> Any:
    if not changes:
        return obj
    return dataclasses.replace(obj, **changes, provenance={**obj.provenance, **scenario_provenance(as_written)})


def _sorted_points(points: Any) -> tuple[tuple[float, float], ...]:
    pairs = [(float(p[0]), float(p[1])) for p in points]
    return tuple(sorted(pairs, key=lambda p: (-p[0], p[1])))
